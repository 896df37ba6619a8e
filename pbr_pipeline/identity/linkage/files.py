"""Reading person files for `pbr link`: CSV or Parquet with the published person columns."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .explain import with_ids
from .normalise import PERSON_COLUMNS


def read_people(path: Path, id_column: str = "id") -> pl.DataFrame:
    """The id column and the person columns the file has (CSV is read as text: numbers keep
    their leading zeros, dates are parsed when folded). Without an id column, rows are named
    by their number, 1 for the first data row."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        frame = pl.read_parquet(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    else:
        raise ValueError(f"{path.name}: expected a .csv or .parquet file")
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    present = [c for c in PERSON_COLUMNS if c in frame.columns]
    if not present:
        raise ValueError(f"{path.name}: none of the person columns {', '.join(PERSON_COLUMNS)}")
    return with_ids(frame, id_column).select(id_column, *present)
