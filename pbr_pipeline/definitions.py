"""The Dagster code location: `dagster dev -w workspace.yaml` loads `defs` from here."""

from __future__ import annotations

import dagster as dg

from assets.checks import asset_checks
from assets.ingestion import raw_assets
from assets.quarantine import rejected_rows
from assets.validation import validation_assets
from pbr_pipeline.resources import InboxResource, ParquetIOManager
from pbr_pipeline.settings import Settings

MONTHLY_JOB = "monthly_job"


def build_definitions(settings: Settings) -> dg.Definitions:
    """Every asset, check, job and schedule, wired to `settings`' data directory and warehouse."""
    monthly_job = dg.define_asset_job(
        MONTHLY_JOB,
        selection=dg.AssetSelection.all(),
        description="Ingest, validate and quarantine one month of operator files and registry extracts.",
    )
    # The run for month M starts on the 5th of M+1 at 06:00 Bogotá: files received in M are in.
    monthly_schedule = dg.build_schedule_from_partitioned_job(
        monthly_job, name="monthly_schedule", day_of_month=5, hour_of_day=6
    )
    return dg.Definitions(
        assets=[*raw_assets, *validation_assets, rejected_rows],
        asset_checks=asset_checks,
        jobs=[monthly_job],
        schedules=[monthly_schedule],
        resources={
            "inbox": InboxResource(data_dir=str(settings.data_dir)),
            "io_manager": ParquetIOManager(warehouse=str(settings.warehouse)),
        },
    )


defs = build_definitions(Settings.from_env())
