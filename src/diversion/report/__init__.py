"""Reports: findings as pages an analyst reads, prints and cites, with the charts of their series."""
