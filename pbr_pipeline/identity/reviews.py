"""Review decisions: the audit of who decided what and when, and the decisions that name no case.

A decision applies from the month it is received (pbr_pipeline.identity.links.links_as_of); this
module only accounts for every decision: APPLIED (the latest decision on a known case),
SUPERSEDED (a later decision on the same case replaced it) or UNKNOWN_CASE (no case of the
second pass has that id). Malformed ids and reviewer addresses never get here: validation
quarantines them like any input row. Whether a well-formed id names a case depends on what
the city knows as of the month, not on the file, so that is said here, in the audit.
"""

from __future__ import annotations

import polars as pl

from schemas.provenance import INBOX_MONTH, SOURCE_FILE, SOURCE_ROW, SOURCE_SHA256

APPLIED, SUPERSEDED, UNKNOWN_CASE = "APPLIED", "SUPERSEDED", "UNKNOWN_CASE"


def review_audit(reviews: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """Every decision received up to the month, in order, with what became of it."""
    ordered = reviews.sort("reviewed_on", "inbox_index", SOURCE_FILE, SOURCE_ROW)
    known = cases.select("case_id", "kind").unique()
    return (
        ordered.with_columns((pl.int_range(pl.len()).over("case_id") == pl.len().over("case_id") - 1).alias("_latest"))
        .join(known, on="case_id", how="left")
        .with_columns(
            pl.when(pl.col("kind").is_null()).then(pl.lit(UNKNOWN_CASE))
            .when(pl.col("_latest")).then(pl.lit(APPLIED))
            .otherwise(pl.lit(SUPERSEDED))
            .alias("outcome")
        )
        .select("case_id", "kind", "decision", "reviewer", "reviewed_on", "note", "outcome",
                pl.col(INBOX_MONTH).alias("received_month"), SOURCE_FILE, SOURCE_ROW, SOURCE_SHA256)
    )
