"""The city's side: progress against the Development Plan's targets."""

import dagster as dg
import polars as pl

from assets.metadata import column_schema, markdown_table, table_metadata
from assets.partitions import monthly_partitions
from assets.resources import InboxResource, WarehouseResource
from assets.verification import AS_OF_INPUTS, PREVIOUS_MONTH, known_as_of, stored_state
from pbr_pipeline.city.plan_progress import plan_progress as progress_table
from pbr_pipeline.core.keys import person_key_secret, with_person_keys
from schemas.outcomes import VERIFIED
from schemas.plan import PlanProgress


@dg.asset(
    partitions_def=monthly_partitions,
    group_name="city",
    deps=[*AS_OF_INPUTS, dg.AssetDep("plan_progress", partition_mapping=PREVIOUS_MONTH)],
    kinds={"polars", "parquet"},
    tags={"pbr/access": "analysts"},
)
def plan_progress(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    inbox: InboxResource,
    plan_targets: pl.DataFrame,
    claims_verified: pl.DataFrame,
    outcomes_unclaimed: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """Per target of the Development Plan (`reference/metas_plan`: programme, outcome, optional
    group, target, period): the subjects whose outcome is verified as of the month and dated in
    the period, each counted once, whether claimed (a VERIFIED claim) or found unclaimed (both
    counts shown); the month's increment over the stored month before; the share of the target;
    and the straight-line expectation for the month with the gap to it."""
    # The owners' rosters say each subject's sex, role and groups (for targets by group).
    known = known_as_of(context, warehouse, inbox, with_registries=False)
    subjects = with_person_keys(known.owners, person_key_secret()).select("person_key", "programme", "sex", "role", "groups")
    previous = stored_state(warehouse, inbox, "plan_progress", context.partition_key)
    table = PlanProgress.validate(progress_table(plan_targets, claims_verified, outcomes_unclaimed, subjects, previous,
                                                 context.partition_key))
    if plan_targets.height == 0:
        context.log.warning("no Plan targets (reference/metas_plan.csv): plan_progress is empty")
    shown = table.select("programme", "outcome", pl.col("group").fill_null(""), "verified_to_date", "target",
                         "expected_to_date")
    return dg.Output(table, metadata=table_metadata(table, column_schema(PlanProgress.to_schema()), {
        "progress": markdown_table(list(shown.columns), shown.iter_rows()),
    }))


@dg.asset_check(
    asset="plan_progress",
    blocking=True,
    partitions_def=monthly_partitions,
    additional_ins={"claims_verified": dg.AssetIn("claims_verified"), "outcomes_unclaimed": dg.AssetIn("outcomes_unclaimed"),
                    "plan_targets": dg.AssetIn("plan_targets")},
    description="Plan progress counts each subject once: every valid target has its row, no target counts "
    "more subjects than hold the outcome (verified or unclaimed) as of the month, and claimed + unclaimed "
    "adds up to the count.",
)
def plan_progress_counts_each_subject_once(plan_progress: pl.DataFrame, claims_verified: pl.DataFrame,
                                           outcomes_unclaimed: pl.DataFrame, plan_targets: pl.DataFrame) -> dg.AssetCheckResult:
    # Counted apart from the table's own code: every distinct subject holding the outcome.
    holders = (
        pl.concat([claims_verified.filter(pl.col("status") == VERIFIED).select("programme", "outcome", "person_key"),
                   outcomes_unclaimed.select("programme", "outcome", "person_key")])
        .group_by("programme", "outcome").agg(pl.col("person_key").n_unique().alias("holders"))
    )
    checked = plan_progress.join(holders, on=["programme", "outcome"], how="left").with_columns(pl.col("holders").fill_null(0))
    over = checked.filter(pl.col("verified_to_date") > pl.col("holders"))
    unbalanced = checked.filter(pl.col("claimed") + pl.col("unclaimed") != pl.col("verified_to_date"))
    return dg.AssetCheckResult(
        passed=plan_progress.height == plan_targets.height and over.height == 0 and unbalanced.height == 0,
        metadata={"targets": plan_targets.height, "target_rows": plan_progress.height, "targets_over_the_holders": over.height,
                  "targets_not_adding_up": unbalanced.height},
    )
