"""Payments: what each verified milestone is worth, what the month pays and adjusts."""

import dagster as dg
import polars as pl

from assets.metadata import column_schema, counts_by, table_metadata
from assets.partitions import monthly_partitions
from assets.verification import AS_OF_INPUTS, first_inbox_month, known_as_of
from pbr_pipeline.verify.state import MissingState, ledger_before
from pbr_pipeline.verify import tables as verification
from pbr_pipeline.core.keys import person_key_secret
from assets.resources import InboxResource, WarehouseResource
from schemas.payments import Adjustments, PayableOutcomes, Payments, PaymentSummary


EARLIER_MONTHS = dg.TimeWindowPartitionMapping(start_offset=-240, end_offset=-1)


@dg.multi_asset(
    partitions_def=monthly_partitions,
    # What was paid is read from the stored payments (and adjustments) of earlier months: the
    # ledger depends on its own earlier partitions, so backfills run months in order.
    deps=[*AS_OF_INPUTS, dg.AssetDep("payments", partition_mapping=EARLIER_MONTHS)],
    outs={
        "payable_outcomes": dg.AssetOut(
            group_name="payments", kinds={"polars", "parquet"}, tags={"pbr/access": "analysts"},
            description="Every VERIFIED milestone as of the month, priced (contract price + population-group "
            "premium) and passed through the contract's caps in a fixed order (verified_since, claim_id); "
            "milestones held back by a cap stay here with amount 0 and the cap that held them.",
        ),
        "payments": dg.AssetOut(
            group_name="payments", kinds={"polars", "parquet"}, tags={"pbr/access": "analysts"},
            description="The month's payments: milestones payable for the first time, one row each, ever. "
            "Each names its contract, claim (file and row), person key, price, premium, cap effect, amount "
            "in whole COP and the PILA rows that prove it.",
        ),
        "adjustments": dg.AssetOut(
            group_name="payments", kinds={"polars", "parquet"}, tags={"pbr/access": "analysts"},
            description="Changes this month to milestones paid before: WITHDRAWN when a registry correction "
            "undid the outcome (a negative amount the operator returns), REINSTATED, or AMOUNT_CHANGED, "
            "measured against what the stored ledger says was paid. A correction is an adjustment, never "
            "an edit of a past payment.",
        ),
    },
)
def ledger(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    inbox: InboxResource,
    claims_verified: pl.DataFrame,
    contracts: pl.DataFrame,
):
    """Price the month's verified milestones and compare them with the stored ledger: the
    month's payments are what is payable now and was never paid; its adjustments, what is
    payable now and differs from what was paid."""
    known = known_as_of(context, warehouse, inbox, with_registries=False)  # the owners' rosters are enough
    try:
        paid_before = ledger_before(warehouse.path, first_inbox_month(inbox), context.partition_key)
    except MissingState as error:
        raise dg.Failure(description=str(error)) from None
    payable, payments, adjustments = verification.ledger(known, contracts, claims_verified, paid_before, person_key_secret())
    money = {
        "payable_to_date_cop": int(payable["amount_cop"].sum()),
        "paid_this_month_cop": int(payments["amount_cop"].sum()),
        "adjusted_this_month_cop": int(adjustments["amount_cop"].sum()),
    }
    yield dg.Output(payments, output_name="payments", metadata=table_metadata(
        payments, column_schema(Payments.to_schema()), {**money, "by_operator_and_outcome": counts_by(payments, "operator", "outcome")}))
    yield dg.Output(adjustments, output_name="adjustments", metadata=table_metadata(
        adjustments, column_schema(Adjustments.to_schema()), {**money, "by_reason": counts_by(adjustments, "reason")}))
    yield dg.Output(payable, output_name="payable_outcomes", metadata=table_metadata(
        payable, column_schema(PayableOutcomes.to_schema()), {**money, "cap_effects": counts_by(payable, "contract_id", "cap_effect")}))


@dg.asset(partitions_def=monthly_partitions, group_name="payments", kinds={"polars", "parquet"}, tags={"pbr/access": "analysts"})
def payment_summary(
    claims_verified: pl.DataFrame,
    payable_outcomes: pl.DataFrame,
    payments: pl.DataFrame,
    adjustments: pl.DataFrame,
    contracts: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """Per operator × programme × contract × role for the month: claims verified, pending and rejected
    as of the month; payments and adjustments made this month and their pesos; payable to
    date, held back by caps, and the contract budget."""
    table = verification.payment_summary(claims_verified, payable_outcomes, payments, adjustments, contracts)
    return dg.Output(table, metadata=table_metadata(table, column_schema(PaymentSummary.to_schema()), {"net_cop": int(table["net_cop"].sum())}))
