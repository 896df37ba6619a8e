"""The ledger: what is payable as of each month, and so what month M pays and adjusts.

- payable(V): every VERIFIED milestone as of month V, priced and capped (pbr_pipeline.money.pricing).
- A **payment** in month M: a milestone payable (amount > 0) as of M that no earlier month
  had payable. A milestone is therefore paid once, ever.
- An **adjustment** in month M: a milestone paid before whose amount as of M differs from
  its amount as of M − 1: WITHDRAWN (now 0), REINSTATED (was 0), AMOUNT_CHANGED.
So the payments and adjustments up to M add up to payable(M), milestone by milestone.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.core.months import add_months, month_index
from pbr_pipeline.core.ids import stable_ids
from pbr_pipeline.money.pricing import payable_outcomes
from pbr_pipeline.identity.links import linked_documents
from pbr_pipeline.core.keys import with_person_keys
from pbr_pipeline.verify.verdicts import owners
from schemas.outcomes import VERIFIED
from schemas.payments import AMOUNT_CHANGED, REINSTATED, WITHDRAWN

_MILESTONE = ("milestone_id", "contract_id", "operator", "programme", "outcome", "person_key", "claim_id",
              "claim_source_file", "claim_source_row")


def payable_by_month(
    history: pl.DataFrame, claims: pl.DataFrame, enrolments: pl.DataFrame, contracts: pl.DataFrame, months: list[str],
    secret: bytes, cases: pl.DataFrame | None = None, reviews: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """payable(V) for every V in `months`. `claims` are the as-of claims (document, operator,
    programme, outcome, source_file, source_row); each month links them as that month's run
    did, so a milestone belongs to the person the claim was linked to. `enrolments` are the
    as-of rows (the owner's groups and sex set the premium as that month knew them)."""
    payable = {}
    for month in months:
        run = month_index(month)
        static = with_person_keys(linked_documents(claims, cases, reviews, run), secret).select(
            "claim_id", "person_key", "document", "operator", "programme", "outcome", "source_file", "source_row"
        )
        known_enrolments = enrolments.filter(pl.col("inbox_index") <= run)
        # Only VERIFIED claims are priced; filtering first keeps the joins small.
        verified = (
            history.filter((pl.col("as_of_month") == month) & (pl.col("status") == VERIFIED))
            .join(static, on="claim_id")
            .join(owners(known_enrolments).select("document", "programme", "groups", "sex"), on=["document", "programme"], how="left")
        )
        payable[month] = payable_outcomes(verified, contracts)
    return payable


def payments_and_adjustments(payable: dict[str, pl.DataFrame], month: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Month `month`'s payments and adjustments, without evidence (the caller attaches it)."""
    amounts = pl.concat(
        [frame.select("milestone_id", pl.lit(as_of).alias("as_of_month"), "amount_cop") for as_of, frame in payable.items() if as_of <= month],
        how="vertical",
    )
    first_paid = amounts.filter(pl.col("amount_cop") > 0).group_by("milestone_id").agg(pl.col("as_of_month").min().alias("first_paid"))
    now = payable[month]
    previous = payable.get(add_months(month, -1), now.clear())

    payments = now.join(first_paid.filter(pl.col("first_paid") == month), on="milestone_id", how="semi")
    payments = (
        payments.with_columns(stable_ids(payments, pl.lit("payment"), "milestone_id", name="payment_id"))
        .select(*_MILESTONE, "payment_id", pl.col("verified_since").alias("month_verified"), "base_price_cop",
                "premium_percent", "premium_cop", "cap_effect", "cap_reduction_cop", "amount_cop")
        .sort("contract_id", "milestone_id")
    )

    paid_before = first_paid.filter(pl.col("first_paid") < month).select("milestone_id")
    changes = (
        paid_before.join(now.select(*_MILESTONE, pl.col("amount_cop").alias("new_amount_cop")), on="milestone_id", how="left")
        .join(previous.select(*_MILESTONE, pl.col("amount_cop").alias("previous_amount_cop")), on="milestone_id", how="left", suffix="_previous")
        .with_columns(pl.col("new_amount_cop", "previous_amount_cop").fill_null(0))
        .filter(pl.col("new_amount_cop") != pl.col("previous_amount_cop"))
    )
    # A withdrawn milestone is absent from payable(M): describe it as payable(M-1) did.
    described = changes.with_columns(
        *(pl.coalesce(name, f"{name}_previous").alias(name) for name in _MILESTONE if name != "milestone_id")
    )
    adjustments = (
        described.with_columns(
            # The payment being adjusted keeps its id: the same hash the payment was given.
            stable_ids(described, pl.lit("payment"), "milestone_id", name="payment_id"),
            stable_ids(described, pl.lit("adjustment"), "milestone_id", pl.lit(month), name="adjustment_id"),
            pl.when(pl.col("new_amount_cop") == 0).then(pl.lit(WITHDRAWN))
            .when(pl.col("previous_amount_cop") == 0).then(pl.lit(REINSTATED))
            .otherwise(pl.lit(AMOUNT_CHANGED))
            .alias("reason"),
            (pl.col("new_amount_cop") - pl.col("previous_amount_cop")).alias("amount_cop"),
        )
        .select(*_MILESTONE, "adjustment_id", "payment_id", "reason", "previous_amount_cop", "new_amount_cop", "amount_cop")
        .sort("contract_id", "milestone_id")
    )
    return payments, adjustments
