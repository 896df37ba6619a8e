"""The run manifest: what a month's run read and wrote, so a verifier can tell two runs apart.

`<warehouse>/manifests/month=YYYY-MM/manifest.json` lists the SHA-256 of every input file the
run for the month used (every inbox file received up to the month, and the reference tables
as they stood), of every contract, of the linkage model in force, the version of the code
(the package version and a SHA-256 over its source files) and the rows of every table the
month wrote. It holds no timestamps, so a rerun with the same inputs and code writes the same
bytes; a run written by other code or from other inputs is told apart by this file alone.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import polars as pl

from pbr_pipeline.core.closing import MANIFEST_FILE, manifest_dir
from pbr_pipeline.core.settings import PROJECT_ROOT
from pbr_pipeline.core.warehouse import PARTITION_FILE, atomic_write_bytes, partition_dir, scan_table, stored_months

SOURCE_FOLDERS = ("pbr_pipeline", "assets", "schemas")
NOT_RUN = ("pbr_pipeline/synthetic/",)
"""Source a monthly run does not execute (the data generator): left out of the fingerprint."""


def code_version() -> dict[str, str]:
    """The package version and a SHA-256 over the path and bytes of every source file a run uses."""
    digest = hashlib.sha256()
    for folder in SOURCE_FOLDERS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            if path.relative_to(PROJECT_ROOT).as_posix().startswith(NOT_RUN):
                continue
            digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    try:
        version = metadata.version("pbr-pipeline")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return {"package_version": version, "source_sha256": digest.hexdigest()}


def files_used(warehouse: Path, raw_tables: list[str], reference_tables: list[str], month: str) -> list[dict]:
    """Every file of the raw tables received up to `month` (reference tables: the month's own
    read), with its table, SHA-256 and rows."""
    frames = []
    for table in raw_tables + reference_tables:
        if not stored_months(warehouse, table):
            continue
        scan = scan_table(warehouse, table)
        scan = scan.filter(pl.col("month") == month) if table in reference_tables else scan.filter(pl.col("month") <= month)
        frames.append(scan.group_by("source_file", "source_sha256").agg(pl.len().alias("rows")).with_columns(
            pl.lit(table.removeprefix("raw_")).alias("table")).collect())
    if not frames:
        return []
    used = pl.concat(frames).sort("table", "source_file", "source_sha256")
    return [{"table": t, "file": f, "sha256": s, "rows": r} for f, s, r, t in used.select("source_file", "source_sha256", "rows", "table").iter_rows()]


def row_counts(warehouse: Path, tables: list[str], month: str) -> dict[str, int]:
    """Rows of each table's partition for `month` (from the Parquet footers)."""
    counts = {}
    for table in sorted(tables):
        path = partition_dir(warehouse, table, month) / PARTITION_FILE
        if path.exists():
            counts[table] = pl.scan_parquet(path).select(pl.len()).collect().item()
    return counts


def write_manifest(warehouse: Path, month: str, manifest: dict) -> Path:
    text = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return atomic_write_bytes(manifest_dir(warehouse, month) / MANIFEST_FILE, text.encode("utf-8"))


def model_fingerprint(path: Path, warehouse: Path) -> dict[str, str] | None:
    if not path.exists():
        return None
    return {"file": path.relative_to(warehouse).as_posix(), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
