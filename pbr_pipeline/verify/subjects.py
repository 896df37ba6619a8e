"""Who a row is about: the subject every stage joins on, in the `document` column.

A programme pays for a person (by document), a firm (by NIT: its canonical document is
`NIT:<number>`) or a producer unit. People and firms need nothing here: their canonical
document is the subject. A producer unit is named by the roster's `unidad_productiva` and by
the productivity measurements; its subject is `UP:<unit id>`, so that ownership, duplicates,
caps, the ledger and the keyed HMAC work per unit exactly as they do per person.

Claims name the producer, not the unit (the claim format has no unit column). A claim of a
unit programme is about the unit that the producer's roster rows name, chosen in this order:
the unit its `soporte` names, then a unit the claiming operator enrolled, then the first
enrolment of any operator (so that the OTHER_OPERATOR gate can apply), each by enrolment date
and then the order received. A producer no roster names keeps the producer's document and
meets the NOT_ENROLLED gate.
"""

from __future__ import annotations

from typing import Iterable

import polars as pl

UNIT_CLASS = "UP"


def unit_document(column: str) -> pl.Expr:
    """The subject of a producer unit named in `column`: `UP:<unit id>`."""
    return pl.concat_str(pl.lit(f"{UNIT_CLASS}:"), pl.col(column)).alias("document")


def _support_as_unit() -> pl.Expr:
    """A claim's `soporte` spelt the way a validated unit id is (upper case, spaces as `_`)."""
    return pl.col("support").str.strip_chars().str.to_uppercase().str.replace_all(r"\s+", "_")


def with_unit_subjects(enrolments: pl.DataFrame, claims: pl.DataFrame,
                       unit_programmes: Iterable[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Enrolments and claims whose `document` is the subject: the unit (`UP:<id>`) for rows of
    `unit_programmes`, unchanged otherwise. Both keep the producer's document in
    `holder_document` (null for rows that are not about a unit)."""
    codes = sorted(set(unit_programmes))
    of_units = pl.col("programme").is_in(codes)
    enrolments = enrolments.with_columns(
        pl.when(of_units).then(pl.col("document")).alias("holder_document"),
        pl.when(of_units).then(unit_document("unit_id")).otherwise(pl.col("document")).alias("document"),
    )
    if not codes:
        return enrolments, claims.with_columns(pl.lit(None, pl.String).alias("holder_document"))
    units = enrolments.filter(of_units).select(
        pl.col("holder_document").alias("_holder"), "programme", pl.col("operator").alias("_enrolled_by"),
        pl.col("document").alias("_unit"), pl.col("unit_id").alias("_unit_id"), "enrolled_on",
        pl.col("inbox_index").alias("_received"), pl.col("source_file").alias("_file"), pl.col("source_row").alias("_row"),
    )
    chosen = (
        claims.filter(of_units)
        .select("claim_id", "document", "programme", "operator", "support")
        .join(units, left_on=["document", "programme"], right_on=["_holder", "programme"])
        .with_columns(
            (_support_as_unit() != pl.col("_unit_id")).fill_null(True).alias("_not_named"),
            (pl.col("_enrolled_by") != pl.col("operator")).alias("_not_own"),
        )
        .sort("claim_id", "_not_named", "_not_own", "enrolled_on", "_received", "_file", "_row")
        .group_by("claim_id", maintain_order=True)
        .first()
        .select("claim_id", "_unit")
    )
    claims = (
        claims.join(chosen, on="claim_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(of_units).then(pl.col("document")).alias("holder_document"),
            pl.coalesce("_unit", "document").alias("document"),
        )
        .drop("_unit")
    )
    return enrolments, claims
