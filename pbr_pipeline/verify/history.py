"""Verdicts month by month: the run for month M recomputes what every earlier run decided.

Payments need two facts that only the past holds: since when a claim has been VERIFIED (the
cap order) and what was payable the month before (payments and adjustments). Both are
recomputed here from the inputs, never read from earlier runs' outputs, so months can be run
in any order and give the same tables.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.core.months import month_range
from pbr_pipeline.verify.verdicts import judge_claims
from schemas.outcomes import VERIFIED

HISTORY_COLUMNS = ("claim_id", "as_of_month", "status", "reason", "contract_id", "verified_since")


def history_months(first_inbox_month: str | None, month: str) -> list[str]:
    """Every calendar month from the first inbox month to `month`: a month without files still
    moves the registry horizon, so it is a month of the history too."""
    if first_inbox_month is None or first_inbox_month > month:
        return []
    return month_range(first_inbox_month, month)


def verdict_history(claims, enrolments, pila, minimum_wages, contracts, months: list[str],
                    cases: pl.DataFrame | None = None, reviews: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per claim and as-of month (from the month the claim was received):
    status, reason, contract and `verified_since` as that month's run saw them."""
    schema = {"claim_id": pl.String, "as_of_month": pl.String, "status": pl.String, "reason": pl.String,
              "contract_id": pl.String, "verified_since": pl.String}
    months_judged = []
    previous = pl.DataFrame(schema={"claim_id": pl.String, "previous_since": pl.String})
    for month in months:
        verdicts = judge_claims(claims, enrolments, pila, minimum_wages, contracts, month, with_evidence=False,
                                cases=cases, reviews=reviews).select(
            "claim_id", pl.lit(month).alias("as_of_month"), "status", "reason", "contract_id"
        )
        # A VERIFIED streak carries its start from the month before; anything else ends it.
        verdicts = verdicts.join(previous, on="claim_id", how="left").with_columns(
            pl.when(pl.col("status") != VERIFIED).then(None)
            .otherwise(pl.coalesce("previous_since", pl.lit(month)))
            .alias("verified_since")
        ).select(HISTORY_COLUMNS).cast(schema)
        months_judged.append(verdicts)
        previous = verdicts.select("claim_id", pl.col("verified_since").alias("previous_since"))
    return pl.concat([pl.DataFrame(schema=schema), *months_judged], how="vertical").sort("as_of_month", "claim_id")
