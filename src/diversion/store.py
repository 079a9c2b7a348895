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
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from diversion import settings
from diversion.errors import DiversionError
from diversion.model import schema

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

    def materialize(self, expr: ir.Table) -> ir.Table:
        """Compute an expression once into a temporary table (for results used more than once)."""
        name = _temp_name()
        if self.backend == "duckdb":
            sql = self.con.compile(expr)
            self.con.con.execute(f'CREATE TEMP TABLE "{name}" AS {sql}')
            return self.con.table(name)
        df = self.con._session.sql(self.con.compile(expr)).cache()
        df.count()  # forces the cache, so the source stream is read once
        df.createOrReplaceTempView(name)
        return self.con.table(name)

    def drop_temp(self, table: ir.Table) -> None:
        """Forget a staged or materialised table."""
        name = table.get_name()
        if self.backend == "duckdb":
            kind = self.con.con.execute(
                "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
            ).fetchone()
            if kind is not None and kind[0] == "BASE TABLE":
                self.con.con.execute(f'DROP TABLE IF EXISTS "{name}"')
            else:
                with contextlib.suppress(Exception):
                    self.con.con.unregister(name)
        else:
            self.con._session.catalog.dropTempView(name)

    def insert(self, name: str, expr: ir.Table) -> None:
        """Append rows to a canonical table; columns are matched by name and cast to the table's types."""
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
        finally:
            self._in_transaction = False

    def _publish_staging(self) -> None:
        assert self._staging is not None
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


def _temp_name() -> str:
    return f"_tmp_{uuid.uuid4().hex[:12]}"


def _spark_schema(name: str) -> Any:
    from pyspark.sql.types import StructField, StructType

    from ibis.backends.pyspark.datatypes import PySparkType

    return StructType(
        [StructField(col, PySparkType.from_ibis(dtype), True) for col, dtype in schema.schema(name).items()]
    )


def open_workspace(path: Path | None = None, backend: Backend | str | None = None, *, read_only: bool = False) -> Workspace:
    """Open (and create if needed) the workspace at ``path`` on ``backend``."""
    chosen = backend or settings.BACKEND
    if chosen not in BACKENDS:
        raise DiversionError(f"unknown backend {chosen!r}: choose one of {', '.join(BACKENDS)}")
    return Workspace(path or settings.DB_PATH, chosen, read_only=read_only)  # type: ignore[arg-type]
