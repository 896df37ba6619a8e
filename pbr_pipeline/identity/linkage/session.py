"""One DuckDB database and one Splink linker over a folded left and right file.

Splink logs at INFO by default, and its warnings can quote values; the engine turns its
logging down so no name or number reaches a log (habeas data, Law 1581 of 2012).
"""

from __future__ import annotations

import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import polars as pl

LEFT_TABLE, RIGHT_TABLE = "a_left", "b_right"
"""Splink puts the first source dataset (by name) on the `_l` side of every pair."""

for _name in ("splink", "splink.internals"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@contextmanager
def linker_over(left: pl.DataFrame, right: pl.DataFrame, settings: dict[str, Any], *, threads: int | None = None,
                memory_limit: str | None = None, temp_dir: Path | None = None) -> Iterator[Any]:
    """A Splink Linker over two folded frames in a private in-memory DuckDB database."""
    import duckdb
    from splink import DuckDBAPI, Linker

    with tempfile.TemporaryDirectory(prefix="pbr-linkage-", dir=temp_dir) as spill:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"SET temp_directory = '{spill}'")
            con.execute("SET preserve_insertion_order = false")
            if threads is not None:
                con.execute(f"SET threads = {int(threads)}")
            if memory_limit is not None:
                con.execute(f"SET memory_limit = '{memory_limit}'")
            for name, frame in ((LEFT_TABLE, left), (RIGHT_TABLE, right)):
                con.register(f"{name}_arrow", frame.to_arrow())
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
                con.unregister(f"{name}_arrow")
            db_api = DuckDBAPI(connection=con)
            tables = [db_api.register(LEFT_TABLE, dataset_display_name=LEFT_TABLE),
                      db_api.register(RIGHT_TABLE, dataset_display_name=RIGHT_TABLE)]
            yield Linker(tables, settings, log_level=None, validate_settings=False)
        finally:
            con.close()
