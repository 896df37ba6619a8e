"""The ledger: what month M pays and adjusts, against what the stored ledger says was paid.

- payable(M): every VERIFIED milestone as of M, priced and capped (pbr_pipeline.money.pricing).
- A **payment** in M: a milestone payable (amount > 0) as of M that the ledger has never paid.
  A milestone is therefore paid once, ever.
- An **adjustment** in M: a milestone the ledger paid before whose amount as of M differs from
  what the ledger says was paid: WITHDRAWN (now 0), REINSTATED (was 0), AMOUNT_CHANGED.
What was paid is read from the stored payments and adjustments of earlier months
(pbr_pipeline.verify.state.ledger_before), never recomputed, so payments and adjustments up to
M add up to payable(M), milestone by milestone.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.core.ids import stable_ids
from pbr_pipeline.verify.state import MILESTONE_COLUMNS
from schemas.payments import AMOUNT_CHANGED, REINSTATED, WITHDRAWN

_DESCRIBING = [name for name in MILESTONE_COLUMNS if name != "milestone_id"]


def payments_and_adjustments(payable: pl.DataFrame, paid_before: pl.DataFrame, month: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Month `month`'s payments and adjustments, without evidence (the caller attaches it).
    `paid_before` is `ledger_before`: per milestone paid before, its payment and `paid_cop`."""
    fresh = payable.filter(pl.col("amount_cop") > 0).join(paid_before, on="milestone_id", how="anti")
    payments = (
        fresh.with_columns(stable_ids(fresh, pl.lit("payment"), "milestone_id", name="payment_id"))
        .select(*MILESTONE_COLUMNS, "payment_id", pl.col("verified_since").alias("month_verified"), "base_price_cop",
                "premium_percent", "premium_cop", "cap_effect", "cap_reduction_cop", "amount_cop")
        .sort("contract_id", "milestone_id")
    )
    changes = (
        paid_before.rename({name: f"{name}_paid" for name in _DESCRIBING})
        .join(payable.select(*MILESTONE_COLUMNS, pl.col("amount_cop").alias("new_amount_cop")), on="milestone_id", how="left")
        .with_columns(pl.col("new_amount_cop").fill_null(0), pl.col("paid_cop").alias("previous_amount_cop"))
        .filter(pl.col("new_amount_cop") != pl.col("previous_amount_cop"))
    )
    # A withdrawn milestone is absent from payable(M): describe it as its payment did.
    described = changes.with_columns(*(pl.coalesce(name, f"{name}_paid").alias(name) for name in _DESCRIBING))
    adjustments = (
        described.with_columns(
            stable_ids(described, pl.lit("adjustment"), "milestone_id", pl.lit(month), name="adjustment_id"),
            pl.when(pl.col("new_amount_cop") == 0).then(pl.lit(WITHDRAWN))
            .when(pl.col("previous_amount_cop") == 0).then(pl.lit(REINSTATED))
            .otherwise(pl.lit(AMOUNT_CHANGED))
            .alias("reason"),
            (pl.col("new_amount_cop") - pl.col("previous_amount_cop")).alias("amount_cop"),
        )
        .select(*MILESTONE_COLUMNS, "adjustment_id", "payment_id", "reason", "previous_amount_cop", "new_amount_cop", "amount_cop")
        .sort("contract_id", "milestone_id")
    )
    return payments, adjustments
