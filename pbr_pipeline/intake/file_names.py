"""How a file is named where people other than the data team read it.

A health registry's file (RIPS) is named after its provider (a NIT) and its invoice; where
analysts or the run's logs and metadata name it, it is named by its folder and hashes instead:
the first 16 hex digits of its content's SHA-256 and 8 of its name's (two files with the same
bytes stay two files). The data team finds the file by its SHA-256 in the raw table.
"""

from __future__ import annotations

import hashlib

import polars as pl

from pbr_pipeline.intake.input_table import InputTable
from schemas.provenance import SOURCE_FILE, SOURCE_SHA256

WITHHELD_FILE = "file name withheld (health data): "


def _name_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def published_file_name(relative: str, sha256: str, table: InputTable) -> str:
    """`relative` as logs and metadata show it (itself, unless `table` holds health data)."""
    if not table.health_columns:
        return relative
    folder = relative.rsplit("/", 1)[0] + "/" if "/" in relative else ""
    return f"{folder}{WITHHELD_FILE}{sha256[:16]}-{_name_hash(relative)}"


def withheld_file_name() -> pl.Expr:
    """`source_file` by folder and hashes (`published_file_name` of a health table), from the
    `source_file` and `source_sha256` columns."""
    folder = pl.col(SOURCE_FILE).str.replace(r"[^/]*$", "")
    name_hash = pl.col(SOURCE_FILE).map_batches(
        lambda names: pl.Series([_name_hash(name) for name in names], dtype=pl.String), return_dtype=pl.String)
    return pl.concat_str(folder, pl.lit(WITHHELD_FILE), pl.col(SOURCE_SHA256).str.slice(0, 16), pl.lit("-"), name_hash).alias(SOURCE_FILE)
