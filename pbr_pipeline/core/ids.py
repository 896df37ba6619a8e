"""Stable ids: the first 16 hex digits of SHA-256 over `:`-joined parts.

The same parts give the same id in every run, on every machine, so an id printed in a table a
verifier holds today still names the same claim, milestone or payment next year.
"""

from __future__ import annotations

import hashlib

import polars as pl

ID_HEX_LENGTH = 16


def stable_ids(frame: pl.DataFrame, *parts: str | pl.Expr, name: str = "id") -> pl.Series:
    """Each row's id from its parts: column names, or expressions such as `pl.lit("payment")`."""
    joined = frame.select(
        pl.concat_str([part if isinstance(part, pl.Expr) else pl.col(part).cast(pl.String) for part in parts], separator=":")
    ).to_series()
    return pl.Series(
        name, [hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_HEX_LENGTH] for text in joined], dtype=pl.String
    )
