"""Verification: every claim's verdict as of the month, and what the registry shows unclaimed."""

import dagster as dg
import polars as pl

from assets.metadata import column_schema, counts_by, frame_schema, table_metadata
from assets.partitions import monthly_partitions
from pbr_pipeline.verify.as_of import Known, load_known
from pbr_pipeline.money.contracts import ContractError, contracts_frame, load_contracts
from pbr_pipeline.verify.history import history_months, verdict_history as build_verdict_history
from pbr_pipeline.intake.ingest import inbox_months
from pbr_pipeline.identity.links import REGISTRY_CASE
from pbr_pipeline.core.keys import person_key_secret
from assets.resources import InboxResource, WarehouseResource
from pbr_pipeline.verify import tables as verification
from schemas.outcomes import ClaimsVerified, OutcomesUnclaimed, PersonIndex

# As of month M the pipeline knows every partition up to M: the lineage says so, and asset
# backfills run earlier months first.
AS_OF_MONTHS = dg.TimeWindowPartitionMapping(start_offset=-240, end_offset=0)
AS_OF_INPUTS = [dg.AssetDep(name, partition_mapping=AS_OF_MONTHS) for name in ("enrolments", "claims", "pila")]

as_of_asset = dg.asset(
    partitions_def=monthly_partitions,
    group_name="verification",
    deps=AS_OF_INPUTS,
    kinds={"polars", "parquet"},
    tags={"pbr/access": "analysts"},
)
"""A monthly table computed from everything received up to its month."""


def known_as_of(context: dg.AssetExecutionContext, warehouse: WarehouseResource, inbox: InboxResource,
                person_links: pl.DataFrame | None = None) -> Known:
    """The as-of state; with the second pass's cases, the PILA rows of the registry people it
    points at are loaded too."""
    extra = None if person_links is None else person_links.filter(pl.col("kind") == REGISTRY_CASE).select("document")
    known = load_known(warehouse.path, inbox.path, context.partition_key, extra_documents=extra)
    context.log.info(
        f"as of {known.month}: {known.claims.height:,} claims, {known.enrolments.height:,} enrolment rows, "
        f"{known.pila.height:,} PILA rows of enrolled or claimed people"
    )
    return known


def months_of_history(inbox: InboxResource, month: str) -> list[str]:
    months = inbox_months(inbox.path)
    return history_months(months[0] if months else None, month)


@dg.asset(partitions_def=monthly_partitions, group_name="contracts", kinds={"yaml", "parquet"}, tags={"pbr/access": "analysts"})
def contracts(context: dg.AssetExecutionContext, inbox: InboxResource) -> dg.Output[pl.DataFrame]:
    """The contracts in force for the month's run (`<data dir>/contracts/*.yaml`), one row per
    contract and milestone: operator, programme, validity, budget, price, count cap, premiums
    and the rule parameters, with the contract file and its SHA-256. A contract file with a
    mistake stops the run with the file and field named: no claim is judged under a contract
    the pipeline could not read."""
    try:
        loaded = load_contracts(inbox.path)
    except ContractError as error:
        raise dg.Failure(description=f"contracts could not be loaded:\n{error}") from None
    frame = contracts_frame(loaded)
    if not loaded:
        context.log.warning("no contracts: every claim will be rejected NO_CONTRACT")
    return dg.Output(
        frame,
        metadata=table_metadata(
            frame,
            frame_schema(frame),
            {"contracts": len(loaded), "contract_files": ", ".join(f"{c.contract_id}={c.source_file}" for c in loaded) or "none"},
        ),
    )


@as_of_asset
def verdict_history(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    inbox: InboxResource,
    contracts: pl.DataFrame,
    minimum_wages: pl.DataFrame,
    person_links: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """Each claim's verdict as every run from the first inbox month up to this one saw it
    (claim_id, as_of_month, status, reason, contract, verified_since). Recomputed from the
    inputs, never read from earlier runs, so months can be run in any order; it fixes since
    when a claim has been VERIFIED (the cap order) and what was payable a month earlier."""
    known = known_as_of(context, warehouse, inbox, person_links)
    months = months_of_history(inbox, context.partition_key)
    history = build_verdict_history(known.claims, known.enrolments, known.pila, minimum_wages, contracts, months,
                                    cases=person_links, reviews=known.reviews)
    return dg.Output(history, metadata=table_metadata(history, frame_schema(history), {"months": len(months)}))


@as_of_asset
def claims_verified(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    inbox: InboxResource,
    verdict_history: pl.DataFrame,
    contracts: pl.DataFrame,
    minimum_wages: pl.DataFrame,
    person_links: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """Every claim received up to the month with its verdict as of the month: VERIFIED,
    PENDING, REJECTED (with the reason), DUPLICATE, or REVIEW (its person link waits for a
    reviewer; not paid); its source file and row; the person key and how the claim matched the
    operator's enrolment (deterministically, by the matcher, or by a reviewer); the owner,
    contract, placement month, evidence window, and the PILA rows (file and row) the verdict
    rests on."""
    known = known_as_of(context, warehouse, inbox, person_links)
    table = verification.claims_verified(known, minimum_wages, contracts, verdict_history, person_key_secret(), person_links)
    matched = table.filter(pl.col("match_method") != "NONE").height
    return dg.Output(
        table,
        metadata=table_metadata(
            table,
            column_schema(ClaimsVerified.to_schema()),
            {
                "verdicts": counts_by(table, "status", "reason"),
                "verdicts_by_operator": counts_by(table, "operator", "status"),
                "match_rate": dg.MetadataValue.float(round(matched / table.height, 4) if table.height else 0.0),
                "match_methods": counts_by(table, "match_method"),
            },
        ),
    )


@as_of_asset
def outcomes_unclaimed(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    inbox: InboxResource,
    contracts: pl.DataFrame,
    minimum_wages: pl.DataFrame,
    person_links: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """Outcomes the registry shows as of the month for enrolled people that their owner never
    claimed (placement, 3- and 6-month retention), with the PILA rows that show them: for
    operators to see what they earned, for verifiers to see what nobody asked for."""
    known = known_as_of(context, warehouse, inbox, person_links)
    table = verification.outcomes_unclaimed(known, minimum_wages, contracts, person_key_secret(), person_links)
    return dg.Output(
        table,
        metadata=table_metadata(table, column_schema(OutcomesUnclaimed.to_schema()), {"by_operator_and_outcome": counts_by(table, "owner_operator", "outcome")}),
    )


@as_of_asset
def person_index(context: dg.AssetExecutionContext, warehouse: WarehouseResource, inbox: InboxResource) -> dg.Output[pl.DataFrame]:
    """The linked person index as of the month: one row per person key that enrolments or
    claims mention, the document types seen, whether the person is enrolled, claimed and in
    the registry, and how the records were linked (EXACT, TI_CC, LEADING_ZEROS)."""
    known = known_as_of(context, warehouse, inbox)
    table = verification.person_index(known, person_key_secret())
    return dg.Output(
        table,
        metadata=table_metadata(
            table,
            column_schema(PersonIndex.to_schema()),
            {"in_registry": table.filter(pl.col("in_registry")).height, "linked_ti_cc": table.filter(pl.col("match_methods").list.contains("TI_CC")).height},
        ),
    )
