"""Verification: every claim's verdict as of the month, and what the registries show unclaimed."""

import dagster as dg
import polars as pl

from assets.metadata import column_schema, counts_by, frame_schema, table_metadata
from assets.partitions import monthly_partitions
from assets.resources import InboxResource, WarehouseResource
from pbr_pipeline.core.keys import person_key_secret
from pbr_pipeline.identity.links import REGISTRY_CASE
from pbr_pipeline.intake.ingest import inbox_months
from pbr_pipeline.intake.tables import MONTHLY_TABLES
from pbr_pipeline.money.contract_versions import EditedContract, refuse_edited_contracts
from pbr_pipeline.money.contracts import ContractError, contracts_frame, load_contracts
from pbr_pipeline.verify import tables as verification
from pbr_pipeline.verify.as_of import Known, load_known
from pbr_pipeline.verify.health_evidence import health_evidence as health_evidence_rows
from pbr_pipeline.verify.state import MissingState, previous_partition
from schemas.outcomes import ClaimsVerified, OutcomesUnclaimed, PersonIndex

# As of month M the pipeline knows every input partition up to M: the lineage says so, and
# asset backfills run earlier months first.
AS_OF_MONTHS = dg.TimeWindowPartitionMapping(start_offset=-240, end_offset=0)
AS_OF_INPUTS = [dg.AssetDep(table.name, partition_mapping=AS_OF_MONTHS) for table in MONTHLY_TABLES]
# Month M builds on the stored state of M − 1 (a self-dependency: backfills run months in order).
PREVIOUS_MONTH = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)

as_of_asset = dg.asset(
    partitions_def=monthly_partitions,
    group_name="verification",
    deps=AS_OF_INPUTS,
    kinds={"polars", "parquet"},
    tags={"pbr/access": "analysts"},
)
"""A monthly table computed from everything received up to its month."""


def known_as_of(context: dg.AssetExecutionContext, warehouse: WarehouseResource, inbox: InboxResource,
                person_links: pl.DataFrame | None = None, with_registries: bool = True) -> Known:
    """The as-of state; with the second pass's cases, the registry rows of the registry people
    it points at are loaded too."""
    extra = None if person_links is None else person_links.filter(pl.col("kind") == REGISTRY_CASE).select("document")
    known = load_known(warehouse.path, inbox.path, context.partition_key, extra_documents=extra, with_registries=with_registries)
    registry_rows = ", ".join(f"{rows.height:,} {name}" for name, rows in known.registries.items())
    context.log.info(
        f"as of {known.month}: {known.claims.height:,} claims, {known.enrolments.height:,} enrolment rows, "
        f"registry rows of enrolled or claimed people: {registry_rows}"
    )
    return known


def first_inbox_month(inbox: InboxResource) -> str | None:
    months = inbox_months(inbox.path)
    return months[0] if months else None


def stored_state(warehouse: WarehouseResource, inbox: InboxResource, table: str, month: str) -> pl.DataFrame | None:
    """The stored partition of `table` for M − 1 (None for the first inbox month); a month
    whose previous month was never run fails with the month to run."""
    try:
        return previous_partition(warehouse.path, table, first_inbox_month(inbox), month)
    except MissingState as error:
        raise dg.Failure(description=str(error)) from None


def reference_tables(minimum_wages: pl.DataFrame, poverty_lines: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {"minimum_wages": minimum_wages, "poverty_lines": poverty_lines}


@dg.asset(partitions_def=monthly_partitions, group_name="contracts", kinds={"yaml", "parquet"}, tags={"pbr/access": "analysts"})
def contracts(context: dg.AssetExecutionContext, inbox: InboxResource, warehouse: WarehouseResource) -> dg.Output[pl.DataFrame]:
    """The contracts in force for the month's run (`<data dir>/contracts/*.yaml`), one row per
    contract and milestone: operator, programme, validity, budget, price, count cap, premiums
    and the rule parameters, with the contract file and its SHA-256. A contract file with a
    mistake stops the run with the file and field named: no claim is judged under a contract
    the pipeline could not read. Nor under one whose file was edited after it priced a payment
    of another month: a price change is a new contract file (docs/contracts.md)."""
    try:
        loaded = load_contracts(inbox.path)
        frame = contracts_frame(loaded)
        refuse_edited_contracts(frame, warehouse.path, context.partition_key)
    except (ContractError, EditedContract) as error:
        raise dg.Failure(description=f"contracts could not be used:\n{error}") from None
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


@dg.asset(
    partitions_def=monthly_partitions,
    group_name="verification",
    deps=[*AS_OF_INPUTS, dg.AssetDep("claims_verified", partition_mapping=PREVIOUS_MONTH)],
    kinds={"polars", "parquet"},
    tags={"pbr/access": "analysts"},
)
def claims_verified(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    inbox: InboxResource,
    contracts: pl.DataFrame,
    minimum_wages: pl.DataFrame,
    poverty_lines: pl.DataFrame,
    person_links: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """Every claim received up to the month with its verdict as of the month: VERIFIED,
    PENDING, REJECTED (with the reason), DUPLICATE, or REVIEW (its person link waits for a
    reviewer; not paid); its source file and row; the subject key and how the claim matched
    the operator's enrolment (deterministically, by the matcher, or by a reviewer); the owner,
    role, contract, the date of the fact that verified it, the evidence window and the
    registry rows (registry, file and row) the verdict rests on, and since when it has been
    VERIFIED (carried from the stored claims_verified of the month before: the partitions of
    this table over the months are the verdict history)."""
    known = known_as_of(context, warehouse, inbox, person_links)
    previous = stored_state(warehouse, inbox, "claims_verified", context.partition_key)
    table = verification.claims_verified(known, contracts, reference_tables(minimum_wages, poverty_lines), previous,
                                         person_key_secret(), person_links)
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
    poverty_lines: pl.DataFrame,
    person_links: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """Outcomes the registries show as of the month for enrolled subjects that their owner
    never claimed (every outcome of every programme the pipeline verifies, by the programme's
    own rule), with the registry rows that show them: for operators to see what they could
    claim, for verifiers to see what nobody asked for."""
    known = known_as_of(context, warehouse, inbox, person_links)
    table = verification.outcomes_unclaimed(known, contracts, reference_tables(minimum_wages, poverty_lines),
                                            person_key_secret(), person_links)
    return dg.Output(
        table,
        metadata=table_metadata(table, column_schema(OutcomesUnclaimed.to_schema()), {"by_operator_and_outcome": counts_by(table, "owner_operator", "outcome")}),
    )


@dg.asset(partitions_def=monthly_partitions, group_name="verification", deps=AS_OF_INPUTS, kinds={"polars", "parquet"},
          tags={"pbr/access": "verifiers"})
def health_evidence(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    inbox: InboxResource,
    contracts: pl.DataFrame,
    minimum_wages: pl.DataFrame,
    poverty_lines: pl.DataFrame,
    person_links: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """VERIFIERS ONLY: holds diagnoses (CIE-10), services, technologies and providers, health
    data that Law 1581 of 2012 (art. 5) calls sensitive. The RIPS rows behind every health
    claim's verdict as of the month, by claim id, with the file and service a verifier opens.
    Analyst tables show a health verdict, its date and the subject key only: their evidence
    lists say the rows are here."""
    known = known_as_of(context, warehouse, inbox, person_links)
    table = health_evidence_rows(known, contracts, reference_tables(minimum_wages, poverty_lines), person_links)
    # Counts only in the metadata: no code or date of a health service leaves this table.
    return dg.Output(table, metadata=table_metadata(table, frame_schema(table), {"claims": table["claim_id"].n_unique()}))


@as_of_asset
def person_index(context: dg.AssetExecutionContext, warehouse: WarehouseResource, inbox: InboxResource,
                 person_links: pl.DataFrame) -> dg.Output[pl.DataFrame]:
    """The linked person index as of the month: one row per person key that enrolments or
    claims mention, the document types seen, whether the person is enrolled, claimed and in
    a registry, and how the records were linked (EXACT, TI_CC, LEADING_ZEROS)."""
    # The state the other as-of tables read (the linked registry people's rows change nothing
    # here: only people enrolments or claims mention are listed), loaded once per run.
    known = known_as_of(context, warehouse, inbox, person_links)
    table = verification.person_index(known, person_key_secret())
    return dg.Output(
        table,
        metadata=table_metadata(
            table,
            column_schema(PersonIndex.to_schema()),
            {"in_registry": table.filter(pl.col("in_registry")).height, "linked_ti_cc": table.filter(pl.col("match_methods").list.contains("TI_CC")).height},
        ),
    )
