"""Every link explained field by field: both records side by side, what agreed, what did not,
and how much each field weighed (log2 Bayes factor: +10 means the agreement is about a
thousand times likelier for the same person than for two different people)."""

from __future__ import annotations

import polars as pl

from .normalise import PERSON_COLUMNS


def with_ids(frame: pl.DataFrame, id_column: str = "id") -> pl.DataFrame:
    """The frame with its id as text in `id_column`; without one, the row number (1 = first
    data row) names each row."""
    if id_column in frame.columns:
        return frame.with_columns(pl.col(id_column).cast(pl.String))
    return frame.with_columns(pl.int_range(1, pl.len() + 1).cast(pl.String).alias(id_column))


def explain(pairs: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame, *, id_column: str = "id") -> pl.DataFrame:
    """One row per pair (of `score` or `decide`): left_id, right_id, match_probability,
    match_weight, left_<field>/right_<field> for each person column either file has,
    agreed_fields and disagreed_fields (comparisons that weighed for / against the link; a
    missing value weighs nothing and is in neither), weight_<comparison> and level_<comparison>."""
    left, right = with_ids(left, id_column), with_ids(right, id_column)
    fields = [c for c in PERSON_COLUMNS if c in left.columns or c in right.columns]

    def side(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
        columns = [pl.col(id_column).alias(f"{prefix}_id")]
        for field in fields:
            value = pl.col(field).cast(pl.String) if field in frame.columns else pl.lit(None, dtype=pl.String)
            columns.append(value.alias(f"{prefix}_{field}"))
        return frame.select(columns)

    weights = [c for c in pairs.columns if c.startswith("weight_")]
    levels = [c for c in pairs.columns if c.startswith("level_")]
    names = [c.removeprefix("weight_") for c in weights]
    base = pairs.select("left_id", "right_id", "match_probability", "match_weight", *weights, *levels)
    agreed = pl.concat_list([pl.when(pl.col(f"weight_{n}") > 0).then(pl.lit(n)) for n in names]).list.drop_nulls() \
        if names else pl.lit([], dtype=pl.List(pl.String))
    disagreed = pl.concat_list([pl.when(pl.col(f"weight_{n}") < 0).then(pl.lit(n)) for n in names]).list.drop_nulls() \
        if names else pl.lit([], dtype=pl.List(pl.String))
    side_by_side = [item for field in fields for item in (f"left_{field}", f"right_{field}")]
    return (
        base.join(side(left, "left"), on="left_id", how="left", maintain_order="left")
        .join(side(right, "right"), on="right_id", how="left", maintain_order="left")
        .with_columns(agreed.alias("agreed_fields"), disagreed.alias("disagreed_fields"))
        .select("left_id", "right_id", "match_probability", "match_weight", *side_by_side,
                "agreed_fields", "disagreed_fields", *weights, *levels)
    )
