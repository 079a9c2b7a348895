"""The workspace: an Ibis connection to a DuckDB file (default) or to Spark, and the canonical tables.

This is the only module that knows which engine runs underneath. Everything else builds Ibis expressions
and hands them to a :class:`Workspace`, which creates, stages, inserts and counts.

- DuckDB: one file. An ingest run is one transaction: killed half-way, the file is as it was before.
- Spark (local mode or a cluster): each canonical table is a folder of Parquet files next to ``--db``
  (``diversion.duckdb`` -> ``diversion.spark/``). A run writes its files under a staging folder and moves
  them into place when it commits, so an interrupted run leaves no rows behind.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from diversion import settings
from diversion.errors import DiversionError
from diversion.model import reference, schema

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "spark")


class Workspace:
    """One store of canonical tables, on one engine."""

    def __init__(self, path: Path, backend: Backend = "duckdb", *, read_only: bool = False) -> None:
        if backend not in BACKENDS:
            raise DiversionError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
        self.path = Path(path)
        self.backend: Backend = backend
        self.read_only = read_only
        self._in_transaction = False
        self._staging: Path | None = None
        self._memo: dict[Hashable, ir.Table] = {}
        self._cleared: set[str] = set()  # Spark: tables whose files go when the transaction commits
        if backend == "duckdb":
            self.con = self._connect_duckdb()
        else:
            self.con = self._connect_spark()
        if not read_only:
            self.ensure_tables()

    # -- connections ------------------------------------------------------------------------------------

    def _connect_duckdb(self) -> Any:
        if self.read_only and not self.path.exists():
            raise DiversionError(f"{self.path}: no workspace here yet; run `diversion ingest` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = ibis.duckdb.connect(
                str(self.path),
                read_only=self.read_only,
                threads=settings.THREADS,
                memory_limit=settings.MEMORY_LIMIT,
                preserve_insertion_order=False,
            )
            con.con.execute("SET enable_progress_bar = false")  # progress is the CLI's job, on stderr
        except Exception as exc:  # duckdb raises IOException etc.; the user needs the file name
            raise DiversionError(f"{self.path}: cannot open the workspace: {exc}") from exc
        return con

    def _connect_spark(self) -> Any:
        from pyspark.sql import SparkSession

        self.warehouse = self.path.with_suffix(".spark")
        self.warehouse.mkdir(parents=True, exist_ok=True)
        spark_tmp = Path(tempfile.gettempdir()) / f"diversion-spark-{uuid.uuid4().hex[:8]}"
        session = (
            SparkSession.builder.master(f"local[{settings.THREADS}]")
            .appName("diversion")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", str(spark_tmp))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "2g")
            # Constraint propagation fails on unions of checkpointed plans ("key not found" in
            # UnionBase.rewriteConstraints: graph.paths unions its hops) and costs planning time on the
            # long plans detectors build; no detector relies on it.
            .config("spark.sql.constraintPropagation.enabled", "false")
            # Detectors divide by figures that may be 0 (a share of nothing, a growth over no baseline);
            # DuckDB answers null, and so does Spark outside ANSI mode (inside it, the whole scan fails).
            .config("spark.sql.ansi.enabled", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        return ibis.pyspark.connect(session)

    def close(self) -> None:
        """Release the engine (the DuckDB file lock)."""
        if self.backend == "duckdb":
            self.con.disconnect()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- tables -----------------------------------------------------------------------------------------

    def ensure_tables(self) -> None:
        """Create every canonical table that does not exist yet, and the shipped reference data."""
        for name in schema.TABLES:
            if not self.exists(name):
                self._create_empty(name)
        lists = self.table("commodity_lists")
        with self.transaction():
            for name, rows in reference.SHIPPED_LISTS.items():
                if int(lists.filter(lists.list == name).count().execute()) == 0:
                    self.insert_arrow("commodity_lists", rows())
            if self.count("hs_correlation") == 0:
                self.insert_arrow("hs_correlation", reference.hs_correlation_table())

    def exists(self, name: str) -> bool:
        if self.backend == "duckdb":
            return name in self.con.list_tables()
        return any((self.warehouse / name).glob("*.parquet")) or (self.warehouse / name / "_schema").exists()

    def _create_empty(self, name: str) -> None:
        if self.backend == "duckdb":
            self.con.create_table(name, schema=schema.schema(name))
        else:
            empty = pa.Table.from_pylist([], schema=schema.schema(name).to_pyarrow())
            folder = self.warehouse / name / "_schema"
            folder.mkdir(parents=True, exist_ok=True)
            import pyarrow.parquet as pq

            pq.write_table(empty, folder / "empty.parquet")

    def table(self, name: str) -> ir.Table:
        """A canonical table (or a staged one) as an Ibis table."""
        if self.backend == "duckdb" or name.startswith("_"):
            return self.con.table(name)
        files = sorted(str(p) for p in (self.warehouse / name).rglob("*.parquet"))
        if not files:
            raise DiversionError(f"table {name} does not exist in {self.warehouse}")
        df = self.con._session.read.schema(_spark_schema(name)).parquet(*files)
        view = f"canon_{name}"
        df.createOrReplaceTempView(view)
        return self.con.table(view)

    def count(self, name: str) -> int:
        return int(self.table(name).count().execute())

    def count_rows(self, table: ir.Table) -> int:
        """How many rows a relation has (computes it)."""
        return int(table.count().execute())

    def counts(self) -> dict[str, int]:
        return {name: self.count(name) for name in schema.TABLES}

    # -- staging and writing ----------------------------------------------------------------------------

    def stage_arrow(self, data: pa.Table | pa.RecordBatchReader) -> ir.Table:
        """Register Arrow data (a table, or a stream read once) as a temporary table to build on."""
        name = _temp_name()
        if self.backend == "duckdb":
            self.con.con.register(name, data)
            return self.con.table(name)
        table = data.read_all() if isinstance(data, pa.RecordBatchReader) else data
        self.con._session.createDataFrame(table).createOrReplaceTempView(name)
        return self.con.table(name)

    @property
    def reads_csv_natively(self) -> bool:
        """Whether the engine parses CSV itself (in parallel) rather than being fed Arrow batches."""
        return self.backend == "duckdb"

    def read_csv(
        self, path: Path, names: list[str], delimiter: str, *, has_header: bool
    ) -> tuple[ir.Table, list[tuple[int, str, str, str]]]:
        """A UTF-8 CSV read by the engine, in parallel, into a temporary table of text columns in file order.

        Returns the table and the rows the parser left out: (row counting the header, error type, message,
        text), one per row. Number the rows with :meth:`number_rows`.
        """
        name, rejects = _temp_name(), _temp_name()
        columns = "{" + ", ".join(f"{_sql_text(n)}: 'VARCHAR'" for n in names) + "}"
        options = (
            f"header = {str(has_header).lower()}, delim = {_sql_text(delimiter)}, quote = '\"', escape = '\"', "
            f"columns = {columns}, auto_detect = false, null_padding = false, store_rejects = true, "
            f"rejects_table = {_sql_text(rejects)}, rejects_scan = {_sql_text(rejects + '_scan')}, "
            "max_line_size = 16777216"
        )
        sql = self.con.con
        # Kept in file order (rowid = position), so rows are numbered without a serial pass over the file.
        sql.execute("SET preserve_insertion_order = true")
        try:
            sql.execute(
                f'CREATE TEMP TABLE "{name}" AS SELECT * FROM read_csv({_sql_text(str(path))}, {options})'
            )
        finally:
            sql.execute("SET preserve_insertion_order = false")
        found = sql.execute(
            f'SELECT line, CAST(error_type AS VARCHAR), error_message, csv_line FROM "{rejects}" ORDER BY line'
        ).fetchall()
        sql.execute(f'DROP TABLE IF EXISTS "{rejects}"')
        sql.execute(f'DROP TABLE IF EXISTS "{rejects}_scan"')
        by_line: dict[int, tuple[int, str, str, str]] = {}
        for line, kind, message, text in found:
            by_line.setdefault(int(line), (int(line), str(kind), str(message), str(text)))
        return self.con.table(name), list(by_line.values())

    def read_parquet(self, path: Path, names: list[str]) -> ir.Table:
        """A Parquet file read by the engine in parallel into a temporary table of text columns (renamed to
        ``names``) plus ``__record``, the row's number in the file (1-based)."""
        source = self.con.con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({_sql_text(str(path))})"
        ).fetchall()
        columns = ", ".join(
            f"CAST({_sql_ident(column[0])} AS VARCHAR) AS {_sql_ident(name)}"
            for column, name in zip(source, names, strict=True)
        )
        name = _temp_name()
        self.con.con.execute(
            f'CREATE TEMP TABLE "{name}" AS SELECT {columns}, file_row_number + 1 AS "__record" '
            f"FROM read_parquet({_sql_text(str(path))}, file_row_number = true)"
        )
        return self.con.table(name)

    def number_rows(self, table: ir.Table, skipped_rows: list[int]) -> list[ir.Table]:
        """Relations numbering the rows of a :meth:`read_csv` table in ``__record``, as data rows of the file.

        The last relation is the numbered one; the others support it (drop them all when done).
        ``skipped_rows`` are data rows the parser left out: the k-th row kept sits after every left-out row
        j (0-based, at data row ``r_j``) with ``r_j - j <= k``.
        """
        source, position, name = table.get_name(), _temp_name(), _temp_name()
        sql = self.con.con
        # Row ids are consecutive in insertion order, from a base that is not 0 inside a transaction.
        base = sql.execute(f'SELECT coalesce(min(rowid), 0) FROM "{source}"').fetchone()
        first = int(base[0]) if base is not None else 0
        sql.execute(
            f'CREATE TEMP VIEW "{position}" AS SELECT *, rowid - {first} + 1 AS "__position" FROM "{source}"'
        )
        if not skipped_rows:
            sql.execute(
                f'CREATE TEMP VIEW "{name}" AS SELECT * EXCLUDE ("__position"), "__position" AS "__record" '
                f'FROM "{position}"'
            )
            return [self.con.table(position), self.con.table(name)]
        steps = _temp_name()
        values = ", ".join(f"({row - index}, {index + 1})" for index, row in enumerate(sorted(skipped_rows)))
        sql.execute(
            f'CREATE TEMP TABLE "{steps}" AS SELECT * FROM (VALUES {values}) v("__threshold", "__shift")'
        )
        sql.execute(
            f'CREATE TEMP VIEW "{name}" AS SELECT p.* EXCLUDE ("__position"), '
            f'p."__position" + coalesce(s."__shift", 0) AS "__record" '
            f'FROM "{position}" p ASOF LEFT JOIN "{steps}" s ON p."__position" >= s."__threshold"'
        )
        return [self.con.table(position), self.con.table(steps), self.con.table(name)]

    def materialize(self, expr: ir.Table) -> ir.Table:
        """Compute an expression once into a temporary table (for results used more than once)."""
        name = _temp_name()
        if self.backend == "duckdb":
            sql = self.con.compile(expr)
            self.con.con.execute(f'CREATE TEMP TABLE "{name}" AS {sql}')
            return self.con.table(name)
        # A checkpoint, not a cache: the result forgets how it was made, so plans built on several
        # materialised steps stay small (Spark prints every plan it runs, lineage included).
        df = self.con._session.sql(self.con.compile(expr)).localCheckpoint(eager=True)
        df.createOrReplaceTempView(name)
        return self.con.table(name)

    def materialize_in_slices(
        self, rows: ir.Table, key: str, per_slice: int, build: Callable[[ir.Table], ir.Table]
    ) -> ir.Table:
        """``build(rows)`` materialised, computed on slices of at most about ``per_slice`` rows at a time.

        For statements whose joins or aggregates outgrow the engine's memory at scale. Rows are sliced by a
        hash of ``key``, so whatever ``build`` groups together must share that key; the slices' results
        are the same as one pass's (only faster to hold).
        """
        slices = max(1, -(-self.count_rows(rows) // per_slice))
        if slices == 1:
            return self.materialize(build(rows))
        sliced = rows.mutate(slice_of_rows=(rows[key].cast("string").hash() % slices).abs())
        parts = [
            self.materialize(build(sliced.filter(sliced.slice_of_rows == i).drop("slice_of_rows")))
            for i in range(slices)
        ]
        result = self.materialize(ibis.union(*parts))
        for part in parts:
            self.drop_temp(part)
        return result

    def memo(self, key: Hashable, build: Callable[[], ir.Table]) -> ir.Table:
        """A result computed once and shared until the workspace is written to (e.g. the flow series that
        every flow detector starts from): ``build`` should return a materialised table."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def drop_temp(self, table: ir.Table) -> None:
        """Forget a staged or materialised table."""
        name = table.get_name()
        if self.backend == "duckdb":
            is_table = self.con.con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
            ).fetchone()
            if is_table is not None and is_table[0] > 0:
                self.con.con.execute(f'DROP TABLE IF EXISTS "{name}"')
                return
            with contextlib.suppress(Exception):
                self.con.con.unregister(name)  # an Arrow object registered by stage_arrow
            self.con.con.execute(f'DROP VIEW IF EXISTS "{name}"')
        else:
            with contextlib.suppress(Exception):  # only materialised views are cached
                self.con._session.catalog.uncacheTable(name)
            self.con._session.catalog.dropTempView(name)

    def insert(self, name: str, expr: ir.Table) -> None:
        """Append rows to a canonical table; columns are matched by name and cast to the table's types."""
        self._memo.clear()
        target = schema.schema(name)
        rows = expr.select(*[expr[col].cast(dtype).name(col) for col, dtype in target.items()])
        if self.backend == "duckdb":
            sql = self.con.compile(rows)
            cols = ", ".join(f'"{c}"' for c in target.names)
            self.con.con.execute(f'INSERT INTO "{name}" ({cols}) {sql}')
            return
        if self._staging is None:
            raise DiversionError("Spark writes happen inside Workspace.transaction()")
        folder = self._staging / name / uuid.uuid4().hex
        self.con._session.sql(self.con.compile(rows)).write.parquet(str(folder))

    def clear(self, name: str) -> None:
        """Empty a derived table (entities, links) before it is written anew, inside a transaction."""
        self._memo.clear()
        if self.backend == "duckdb":
            self.con.con.execute(f'DELETE FROM "{name}"')
            return
        if self._staging is None:
            raise DiversionError("Spark writes happen inside Workspace.transaction()")
        self._cleared.add(name)

    def insert_arrow(self, name: str, data: pa.Table) -> None:
        """Append an Arrow table (small: bookkeeping rows, parse rejects) to a canonical table."""
        if data.num_rows == 0:
            return
        staged = self.stage_arrow(data)
        try:
            self.insert(name, staged)
        finally:
            self.drop_temp(staged)

    @contextlib.contextmanager
    def memory_capped(self, limit: str) -> Iterator[None]:
        """Run with the engine's memory cap lowered to ``limit`` (e.g. "2GB") when it is higher now."""
        if self.backend != "duckdb" or byte_size(limit) >= byte_size(settings.MEMORY_LIMIT):
            yield
            return
        sql = self.con.con
        sql.execute(f"SET memory_limit = {_sql_text(limit)}")
        try:
            yield
        finally:
            sql.execute(f"SET memory_limit = {_sql_text(settings.MEMORY_LIMIT)}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all."""
        if self._in_transaction:
            yield
            return
        self._in_transaction = True
        try:
            if self.backend == "duckdb":
                self.con.con.execute("BEGIN TRANSACTION")
                try:
                    yield
                except BaseException:
                    self.con.con.execute("ROLLBACK")
                    raise
                self.con.con.execute("COMMIT")
            else:
                self._staging = self.warehouse / f"_staging-{uuid.uuid4().hex}"
                try:
                    yield
                    self._publish_staging()
                finally:
                    shutil.rmtree(self._staging, ignore_errors=True)
                    self._staging = None
                    self._cleared.clear()
        finally:
            self._in_transaction = False

    def _publish_staging(self) -> None:
        assert self._staging is not None
        for name in self._cleared:
            for part in (self.warehouse / name).glob("*.parquet"):
                part.unlink()
        if not self._staging.exists():
            return
        for table_dir in self._staging.iterdir():
            for write_dir in table_dir.iterdir():
                for part in write_dir.glob("*.parquet"):
                    target = self.warehouse / table_dir.name / f"{write_dir.name}-{part.name}"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    part.rename(target)

    def execute(self, expr: ir.Expr) -> Any:
        """Run an expression and return its (small) result in Python."""
        return expr.execute()

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        return expr.to_pyarrow()


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}


def byte_size(text: str) -> float:
    """Bytes in a memory size as DuckDB takes it ("2GB", "1.5 GiB", "512MB")."""
    found = re.fullmatch(r"\s*([0-9.]+)\s*([kmgt]?)(i?)b?\s*", text.lower())
    if found is None:
        raise DiversionError(f"not a memory size: {text!r} (expected e.g. 2GB or 512MB)")
    number, unit, binary = found.groups()
    scale = 1024 ** "bkmgt".index(unit or "b") if binary else _UNITS[unit]
    return float(number) * scale


def _temp_name() -> str:
    return f"_tmp_{uuid.uuid4().hex[:12]}"


def _spark_schema(name: str) -> Any:
    from ibis.backends.pyspark.datatypes import PySparkType
    from pyspark.sql.types import StructField, StructType

    return StructType(
        [StructField(col, PySparkType.from_ibis(dtype), True) for col, dtype in schema.schema(name).items()]
    )


def open_workspace(
    path: Path | None = None, backend: Backend | str | None = None, *, read_only: bool = False
) -> Workspace:
    """Open (and create if needed) the workspace at ``path`` on ``backend``."""
    chosen = backend or settings.BACKEND
    for known in BACKENDS:
        if chosen == known:
            return Workspace(path or settings.DB_PATH, known, read_only=read_only)
    raise DiversionError(f"unknown backend {chosen!r}: choose one of {', '.join(BACKENDS)}")
