"""`make bench`: every benchmark, one at a time (the machine has few cores); figures in benchmarks/results/."""

from __future__ import annotations

from benchmarks import (
    flow_suite,
    graph_scale,
    ingest_declarations,
    resolve_compare,
    resolve_scale,
    scan_backends,
    scan_scale,
    simulate_world,
)


def main() -> None:
    ingest_declarations.main()
    simulate_world.main()
    flow_suite.main()
    resolve_compare.main()
    resolve_scale.main()
    graph_scale.main()
    scan_scale.main()
    scan_backends.main()


if __name__ == "__main__":
    main()
