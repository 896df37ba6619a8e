"""Checks on verdicts and money, reading what was stored: one verdict per claim, one payment
per milestone, budgets respected, and a ledger that adds up."""

import dagster as dg
import polars as pl

from assets.metadata import markdown_table
from assets.partitions import monthly_partitions
from pbr_pipeline.intake.ingest import inbox_months
from pbr_pipeline.core.months import month_range
from assets.resources import InboxResource, WarehouseResource
from pbr_pipeline.core.warehouse import scan_table, stored_months
from schemas.outcomes import PENDING, REASONS, STATUSES, VERIFIED


def _up_to(warehouse: WarehouseResource, table: str, month: str) -> pl.LazyFrame:
    return scan_table(warehouse.path, table).filter(pl.col("month") <= month)


@dg.asset_check(
    asset="claims_verified",
    blocking=True,
    partitions_def=monthly_partitions,
    description="Every valid claim received up to the month has exactly one verdict, from the "
    "value set, with a reason exactly when it is REJECTED or DUPLICATE.",
)
def claims_verified_have_one_verdict_each(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, claims_verified: pl.DataFrame
) -> dg.AssetCheckResult:
    received = _up_to(warehouse, "claims", context.partition_key).select(pl.len()).collect().item()
    repeated_ids = claims_verified.height - claims_verified["claim_id"].n_unique()
    unknown_status = claims_verified.filter(~pl.col("status").is_in(STATUSES)).height
    needs_reason = ~pl.col("status").is_in([VERIFIED, PENDING])
    bad_reason = claims_verified.filter(
        (needs_reason & ~pl.col("reason").is_in(REASONS).fill_null(False)) | (~needs_reason & pl.col("reason").is_not_null())
    ).height
    return dg.AssetCheckResult(
        passed=received == claims_verified.height and repeated_ids == 0 and unknown_status == 0 and bad_reason == 0,
        metadata={"claims_received": received, "claims_with_verdict": claims_verified.height,
                  "repeated_claim_ids": repeated_ids, "unknown_status": unknown_status, "reason_mismatches": bad_reason},
    )


@dg.asset_check(
    asset="payments",
    blocking=True,
    partitions_def=monthly_partitions,
    description="No milestone (person × programme × outcome) is paid twice across all months to date.",
)
def payments_pay_each_milestone_once(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, payments: pl.DataFrame
) -> dg.AssetCheckResult:
    # The month's own partition comes from the input: the stored one is what it replaces.
    earlier = _up_to(warehouse, "payments", context.partition_key).filter(pl.col("month") != context.partition_key)
    paid = pl.concat([earlier.select("milestone_id", "month").collect(),
                      payments.select("milestone_id", pl.lit(context.partition_key).alias("month"))])
    twice = paid.group_by("milestone_id").agg(pl.col("month").sort().alias("months")).filter(pl.col("months").list.len() > 1)
    return dg.AssetCheckResult(
        passed=twice.height == 0,
        metadata={"payments_to_date": paid.height, "milestones_paid_twice": twice.height,
                  "months_of_repeats": markdown_table(["months"], ([", ".join(row[0])] for row in twice.select("months").head(20).iter_rows()))},
    )


@dg.asset_check(
    asset="payable_outcomes",
    blocking=True,
    partitions_def=monthly_partitions,
    additional_ins={"contracts": dg.AssetIn("contracts")},
    description="What is payable under each contract never exceeds its budget, nor a milestone's count cap.",
)
def payable_outcomes_within_contract_caps(payable_outcomes: pl.DataFrame, contracts: pl.DataFrame) -> dg.AssetCheckResult:
    paying = payable_outcomes.filter(pl.col("amount_cop") > 0)
    spent = paying.group_by("contract_id").agg(pl.col("amount_cop").sum().alias("payable_cop")).join(
        contracts.select("contract_id", "budget_cop").unique(), on="contract_id", how="left"
    )
    over_budget = spent.filter(pl.col("budget_cop").is_null() | (pl.col("payable_cop") > pl.col("budget_cop")))
    counts = paying.group_by("contract_id", "outcome").len("paid").join(
        contracts.select("contract_id", "outcome", "max_count"), on=["contract_id", "outcome"], how="left"
    )
    over_count = counts.filter(pl.col("max_count").is_not_null() & (pl.col("paid") > pl.col("max_count")))
    return dg.AssetCheckResult(
        passed=over_budget.height == 0 and over_count.height == 0,
        metadata={
            "contracts": markdown_table(["contract", "payable COP", "budget COP"], spent.sort("contract_id").iter_rows()),
            "contracts_over_budget": over_budget.height,
            "milestones_over_count_cap": over_count.height,
        },
    )


@dg.asset_check(
    asset="payable_outcomes",
    blocking=True,
    partitions_def=monthly_partitions,
    additional_ins={"claims_verified": dg.AssetIn("claims_verified"), "contracts": dg.AssetIn("contracts")},
    description="Every VERIFIED claim whose contract prices its outcome is a payable milestone (paid, "
    "or held by a cap): pricing loses no verified outcome.",
)
def payable_outcomes_hold_every_priced_verified_claim(
    payable_outcomes: pl.DataFrame, claims_verified: pl.DataFrame, contracts: pl.DataFrame
) -> dg.AssetCheckResult:
    verified = claims_verified.filter(pl.col("status") == VERIFIED).select("claim_id", "contract_id", "outcome")
    priced = verified.join(contracts.select("contract_id", "outcome"), on=["contract_id", "outcome"], how="semi")
    lost = priced.join(payable_outcomes.select("claim_id"), on="claim_id", how="anti")
    return dg.AssetCheckResult(
        passed=lost.height == 0,
        metadata={
            "verified_claims": verified.height,
            "verified_without_a_price": verified.height - priced.height,
            "priced_but_not_payable": lost.height,
        },
    )


@dg.asset_check(
    asset="adjustments",
    blocking=True,
    partitions_def=monthly_partitions,
    additional_ins={"payments": dg.AssetIn("payments"), "payable_outcomes": dg.AssetIn("payable_outcomes")},
    description="The ledger adds up: all payments and adjustments to date equal what is payable as "
    "of the month, milestone by milestone (the ledger reads what was paid from the stored months, "
    "so an earlier month that was never run is named as missing).",
)
def adjustments_balance_the_ledger(
    context: dg.AssetCheckExecutionContext,
    warehouse: WarehouseResource,
    inbox: InboxResource,
    adjustments: pl.DataFrame,
    payments: pl.DataFrame,
    payable_outcomes: pl.DataFrame,
) -> dg.AssetCheckResult:
    month = context.partition_key
    months = inbox_months(inbox.path)
    expected = month_range(months[0], month) if months and months[0] <= month else []
    stored = stored_months(warehouse.path, "payments") & stored_months(warehouse.path, "adjustments")
    missing = sorted(set(expected) - stored - {month})
    flows = pl.concat(
        [
            _up_to(warehouse, table, month).filter(pl.col("month") != month).select("milestone_id", "amount_cop").collect()
            for table in ("payments", "adjustments")
        ]
        + [payments.select("milestone_id", "amount_cop"), adjustments.select("milestone_id", "amount_cop")]
    ).group_by("milestone_id").agg(pl.col("amount_cop").sum().alias("flows"))
    compared = flows.join(payable_outcomes.select("milestone_id", "amount_cop"), on="milestone_id", how="full", coalesce=True).with_columns(
        pl.col("flows", "amount_cop").fill_null(0)
    )
    unbalanced = compared.filter(pl.col("flows") != pl.col("amount_cop")).height
    return dg.AssetCheckResult(
        passed=unbalanced == 0 and not missing,
        severity=dg.AssetCheckSeverity.WARN if missing else dg.AssetCheckSeverity.ERROR,
        metadata={
            "payments_and_adjustments_to_date_cop": int(compared["flows"].sum()),
            "payable_as_of_month_cop": int(compared["amount_cop"].sum()),
            "milestones_unbalanced": unbalanced,
            "months_not_materialized": ", ".join(missing) or "none",
        },
    )


ledger_checks = [
    claims_verified_have_one_verdict_each,
    payments_pay_each_milestone_once,
    payable_outcomes_within_contract_caps,
    payable_outcomes_hold_every_priced_verified_claim,
    adjustments_balance_the_ledger,
]
