"""The Dagster code location: `dagster dev -w workspace.yaml` loads `defs` from here."""

from __future__ import annotations

import dagster as dg

from assets.checks import asset_checks
from assets.city import plan_progress, plan_progress_counts_each_subject_once
from assets.expectation_checks import expectation_checks
from assets.ingestion import raw_assets
from assets.ledger_checks import ledger_checks
from assets.linkage import person_links, review_decisions, review_queue
from assets.manifest import run_manifest
from assets.payments import ledger, payment_summary
from assets.quarantine import rejected_rows
from assets.validation import validation_assets
from assets.verification import claims_verified, contracts, health_evidence, outcomes_unclaimed, person_index
from assets.resources import InboxResource, ParquetIOManager, WarehouseResource
from pbr_pipeline.core.settings import Settings

MONTHLY_JOB = "monthly_job"
INGEST_JOB = "ingest_job"
INGEST_GROUPS = ("ingestion", "validation", "quarantine")


def build_definitions(settings: Settings) -> dg.Definitions:
    """Every asset, check, job and schedule, wired to `settings`' data directory and warehouse."""
    monthly_job = dg.define_asset_job(
        MONTHLY_JOB,
        selection=dg.AssetSelection.all(),
        description="One month: ingest and validate its files, judge every claim as of the month, "
        "compute the month's payments and adjustments, and the progress against the Plan's targets.",
    )
    ingest_job = dg.define_asset_job(
        INGEST_JOB,
        selection=dg.AssetSelection.groups(*INGEST_GROUPS),
        description="Ingest, validate and quarantine one month's files only (earlier months a run needs).",
    )
    # The run for month M starts on the 5th of M+1 at 06:00 Bogotá: files received in M are in.
    monthly_schedule = dg.build_schedule_from_partitioned_job(
        monthly_job, name="monthly_schedule", day_of_month=5, hour_of_day=6
    )
    return dg.Definitions(
        assets=[
            *raw_assets, *validation_assets, rejected_rows,
            contracts, person_links, review_queue, review_decisions,
            claims_verified, outcomes_unclaimed, health_evidence, person_index, ledger, payment_summary, plan_progress,
            run_manifest,
        ],
        asset_checks=[*asset_checks, *ledger_checks, *expectation_checks, plan_progress_counts_each_subject_once],
        jobs=[monthly_job, ingest_job],
        schedules=[monthly_schedule],
        resources={
            "inbox": InboxResource(data_dir=str(settings.data_dir)),
            "warehouse": WarehouseResource(warehouse=str(settings.warehouse)),
            "io_manager": ParquetIOManager(warehouse=str(settings.warehouse)),
        },
    )


defs = build_definitions(Settings.from_env())
