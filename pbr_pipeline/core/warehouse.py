"""The warehouse on disk: one folder per table, one `month=YYYY-MM/` folder per partition.

Writes are atomic (a temporary file in the same folder, then a rename), so a crash never
leaves half a file where a reader would find it, and deterministic (same frame, same bytes),
so a rerun or a backfill of a month reproduces its partition byte for byte.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

from pbr_pipeline.core.closing import refuse_if_closed

PARTITION_FILE = "part-0.parquet"


def partition_dir(warehouse: Path, table: str, month: str) -> Path:
    return warehouse / table / f"month={month}"


def write_partition(frame: pl.DataFrame, warehouse: Path, table: str, month: str) -> Path:
    """Replace the `month` partition of `table` with `frame`; returns the file written.
    Refuses (ClosedMonth) when the month is closed."""
    folder = partition_dir(warehouse, table, month)
    refuse_if_closed(folder / PARTITION_FILE)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / PARTITION_FILE
    handle, temporary = tempfile.mkstemp(prefix=".part-", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        # Statistics on, one row group per 128k rows, zstd: identical frames give identical bytes.
        frame.write_parquet(temporary, compression="zstd", statistics=True, row_group_size=131_072)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def atomic_write_bytes(target: Path, content: bytes) -> Path:
    """Write a report file beside the tables the same way: temporary file, then rename.
    Refuses (ClosedMonth) a file in the folder of a closed month."""
    refuse_if_closed(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".part-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read_partition(warehouse: Path, table: str, month: str, columns: list[str] | None = None) -> pl.DataFrame:
    """The stored partition of `table` for `month` (only `columns`, when given)."""
    target = partition_dir(warehouse, table, month) / PARTITION_FILE
    if not target.exists():
        raise FileNotFoundError(f"{table} has no partition for {month} in {warehouse}; materialize that month first")
    return pl.read_parquet(target, columns=columns)


def scan_table(warehouse: Path, table: str) -> pl.LazyFrame:
    """Every materialized month of `table` as one lazy dataset with its `month` column.

    The newest month's columns are the table's: a column added to a table in a later version
    of the pipeline reads as empty in months written before it (closed months are never
    rewritten, so they keep the columns they were written with)."""
    pattern = warehouse / table / "month=*" / PARTITION_FILE
    newest = max((warehouse / table).glob(f"month=*/{PARTITION_FILE}"), default=None)
    if newest is None:
        return pl.scan_parquet(pattern, hive_partitioning=True)
    return pl.scan_parquet(pattern, hive_partitioning=True, schema=pl.read_parquet_schema(newest),
                           missing_columns="insert", extra_columns="ignore")


def stored_months(warehouse: Path, table: str) -> set[str]:
    """Months whose partition of `table` is written (an empty partition counts: it was run)."""
    folder = warehouse / table
    if not folder.is_dir():
        return set()
    return {path.parent.name.removeprefix("month=") for path in folder.glob(f"month=*/{PARTITION_FILE}")}
