"""Outcomes the registry shows for enrolled people that their owner never claimed.

Each owner (the operator that enrolled the person first) gets one would-be claim per
milestone of the programme, judged by the same rules as real claims with the widest window
(an outcome date at the end of the placement window). Those that would be VERIFIED and that
the owner never claimed, whatever the verdict of the claim, are unclaimed outcomes.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.programmes.empleo import DEFAULT_RULE_SET
from pbr_pipeline.core.months import index_month_expr, month_index
from pbr_pipeline.verify.verdicts import contract_terms, decide, owners
from schemas.codes import OUTCOMES_BY_PROGRAMME
from schemas.outcomes import VERIFIED

PROGRAMME = "EMPLEO"
_DEFAULT_TERMS = {"additionality_lookback_months": 3, "placement_window_months": 12, "retention_same_employer": False}


def unclaimed_outcomes(
    claims: pl.DataFrame, enrolments: pl.DataFrame, judged_rows: pl.DataFrame, contracts: pl.DataFrame, as_of: str
) -> pl.DataFrame:
    """Rows of the `OutcomesUnclaimed` schema (before person keys: `document` stands in)."""
    run = month_index(as_of)
    enrolments = enrolments.filter((pl.col("inbox_index") <= run) & (pl.col("programme") == PROGRAMME))
    claims = claims.filter(pl.col("inbox_index") <= run)
    people = owners(enrolments)
    # The owner's contract covering the enrolment date sets the rules; without one, the defaults.
    terms = contract_terms(contracts).rename({"operator": "owner_operator"})
    covered = people.join(terms, on=["owner_operator", "programme"], how="left").filter(
        pl.col("contract_id").is_null() | pl.col("owner_enrolled_on").is_between(pl.col("valid_from"), pl.col("valid_to"))
    ).unique(subset=["document", "programme"], keep="first", maintain_order=True)
    would_be = (
        people.join(covered.select("document", "programme", *_DEFAULT_TERMS, "rule_set", "contract_id"), on=["document", "programme"], how="left")
        .with_columns(
            *(pl.col(name).fill_null(value) for name, value in _DEFAULT_TERMS.items()),
            pl.col("rule_set").fill_null(DEFAULT_RULE_SET),
            pl.col("contract_id").fill_null("(default rules)"),
        )
        .join(pl.DataFrame({"outcome": list(OUTCOMES_BY_PROGRAMME[PROGRAMME])}), how="cross")
        .with_columns(
            pl.concat_str("document", pl.lit("/"), "outcome").alias("claim_id"),
            pl.col("owner_operator").alias("operator"),
            (pl.col("enrolment_index") + pl.col("placement_window_months")).alias("outcome_index"),
            pl.lit(False).alias("is_duplicate"),
            pl.lit(False).alias("in_review"),
            pl.lit(False).alias("registry_review"),
            pl.lit(True).alias("enrolled"),
            pl.lit(None, pl.String).alias("first_claim"),
        )
    )
    shown = decide(would_be, judged_rows, run).filter(pl.col("status") == VERIFIED)
    claimed = claims.select(pl.col("operator").alias("owner_operator"), "document", "programme", "outcome").unique()
    return (
        shown.join(claimed, on=["owner_operator", "document", "programme", "outcome"], how="anti")
        .select(
            "document",
            "programme",
            "outcome",
            "owner_operator",
            "enrolment_month",
            "placement_month",
            index_month_expr(pl.col("evidence_end_index")).alias("outcome_month"),
            "evidence_rows",
        )
        .sort("document", "outcome")
    )
