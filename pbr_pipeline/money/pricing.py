"""What each verified milestone is worth as of a month: price, premium, caps.

The one place money is computed, in whole pesos:
- premium = round half up of price × percent / 100 (integer arithmetic: (price × percent + 50) // 100);
- gross = price + premium;
- caps, per contract, in a fixed order: first by `verified_since` (the run month from which
  the claim has been VERIFIED), then by `claim_id`. Because an outcome verified later always
  comes later in that order, it can never push out one already paid: only a registry
  correction takes money back. A milestone beyond its count cap is held (COUNT_CAP, 0 pesos)
  and uses no budget; the budget then pays gross amounts in order until it runs out, the
  last one partly (BUDGET_PARTIAL), the rest held (BUDGET_EXHAUSTED). Held milestones are
  reported with amount 0, never dropped.
"""

from __future__ import annotations

import json

import polars as pl

from pbr_pipeline.core.ids import stable_ids
from schemas.outcomes import VERIFIED
from schemas.payments import BUDGET_EXHAUSTED, BUDGET_PARTIAL, COUNT_CAP, NO_CAP

WOMEN = "MUJER"
"""Premium key for women (sex F), beside the population groups."""


def premiums(contracts: pl.DataFrame) -> pl.DataFrame:
    """Long form of the contracts' premium tables: contract_id, tag, percent."""
    rows = [
        (contract_id, tag, int(percent))
        for contract_id, table in contracts.select("contract_id", "premium_percent").unique().iter_rows()
        for tag, percent in json.loads(table).items()
    ]
    return pl.DataFrame(rows, schema={"contract_id": pl.String, "tag": pl.String, "percent": pl.Int64}, orient="row")


def payable_outcomes(verified: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    """Price and cap the VERIFIED claims of one as-of month.

    `verified` has, per claim: claim_id, status, person_key, operator, programme, outcome,
    contract_id, source_file, source_row, verified_since, and the owner's groups (list), sex and
    role; rows not VERIFIED are ignored. A milestone priced by role takes the price of the
    subject's role. Returns the `PayableOutcomes` columns except `evidence_rows`.
    """
    prices = contracts.select(
        "contract_id", "outcome", pl.col("role").alias("priced_role"), "price_cop", "max_count", "budget_cop",
        "premium_stacking", pl.col("source_sha256").alias("contract_sha256"),
    )
    priced = (
        verified.filter(pl.col("status") == VERIFIED)
        .join(prices, on=["contract_id", "outcome"])
        .filter(pl.col("priced_role").is_null() | (pl.col("priced_role") == pl.col("role")))
    )
    # One milestone per subject, programme and outcome, ever: the first in cap order pays.
    priced = priced.sort("verified_since", "claim_id").unique(subset=["person_key", "programme", "outcome"], keep="first", maintain_order=True)
    priced = priced.with_columns(stable_ids(priced, "person_key", "programme", "outcome", name="milestone_id"))
    priced = _with_premium(priced, contracts)
    priced = priced.with_columns(
        ((pl.col("price_cop") * pl.col("premium_percent") + 50) // 100).alias("premium_cop")
    ).with_columns((pl.col("price_cop") + pl.col("premium_cop")).alias("gross_cop"))
    return _with_caps(priced).select(
        "milestone_id", "contract_id", "contract_sha256", "operator", "programme", "outcome", "role", "person_key", "claim_id",
        pl.col("source_file").alias("claim_source_file"), pl.col("source_row").alias("claim_source_row"),
        "verified_since", "cap_order", pl.col("price_cop").alias("base_price_cop"), "premium_percent",
        "premium_groups", "premium_cop", "gross_cop", "cap_effect", "cap_reduction_cop", "amount_cop",
    )


def _with_premium(priced: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    tags = priced.select(
        "milestone_id", "contract_id",
        pl.concat_list(
            pl.col("groups").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.when(pl.col("sex") == "F").then(pl.lit([WOMEN])).otherwise(pl.lit([], dtype=pl.List(pl.String))),
        ).alias("tag"),
    ).explode("tag").drop_nulls("tag")
    earned = tags.join(premiums(contracts), on=["contract_id", "tag"]).join(
        priced.select("milestone_id", "premium_stacking"), on="milestone_id"
    )
    highest = (
        earned.filter(pl.col("premium_stacking") == "highest")
        .sort("milestone_id", "percent", "tag", descending=[False, True, False])
        .group_by("milestone_id", maintain_order=True)
        .agg(pl.col("percent").first().alias("premium_percent"), pl.col("tag").first().alias("premium_groups"))
    )
    stacked = (
        earned.filter(pl.col("premium_stacking") == "stack")
        .sort("milestone_id", "tag")
        .group_by("milestone_id", maintain_order=True)
        .agg(pl.col("percent").sum().alias("premium_percent"), pl.col("tag").str.join("|").alias("premium_groups"))
    )
    return priced.join(pl.concat([highest, stacked]), on="milestone_id", how="left").with_columns(
        pl.col("premium_percent").fill_null(0)
    )


def _with_caps(priced: pl.DataFrame) -> pl.DataFrame:
    ordered = priced.sort("contract_id", "verified_since", "claim_id").with_columns(
        (pl.int_range(pl.len()).over("contract_id") + 1).alias("cap_order"),
        (pl.int_range(pl.len()).over("contract_id", "outcome") + 1).alias("outcome_rank"),
    )
    over_count = pl.col("max_count").is_not_null() & (pl.col("outcome_rank") > pl.col("max_count"))
    spend = pl.when(over_count).then(0).otherwise(pl.col("gross_cop"))
    ordered = ordered.with_columns(spend.cum_sum().over("contract_id").alias("_spent_through"), spend.alias("_spend"))
    before = pl.col("_spent_through") - pl.col("_spend")
    amount = pl.when(over_count).then(0).otherwise(
        pl.min_horizontal(pl.col("gross_cop"), (pl.col("budget_cop") - before).clip(lower_bound=0))
    )
    return ordered.with_columns(amount.alias("amount_cop")).with_columns(
        pl.when(over_count).then(pl.lit(COUNT_CAP))
        .when(pl.col("amount_cop") == pl.col("gross_cop")).then(pl.lit(NO_CAP))
        .when(pl.col("amount_cop") > 0).then(pl.lit(BUDGET_PARTIAL))
        .otherwise(pl.lit(BUDGET_EXHAUSTED))
        .alias("cap_effect"),
        (pl.col("gross_cop") - pl.col("amount_cop")).alias("cap_reduction_cop"),
    )
