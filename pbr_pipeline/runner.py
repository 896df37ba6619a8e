"""Run the pipeline in this process, one month (partition) at a time.

The as-of state of month M needs every earlier inbox month ingested. `run_month` first
ingests the earlier months whose validated tables are missing (the `ingest_job`), then runs
the whole `monthly_job` for M, so the data team can run or backfill any month, in any order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import dagster as dg

from pbr_pipeline.verify.as_of import missing_months
from pbr_pipeline.definitions import INGEST_JOB, MONTHLY_JOB, build_definitions
from pbr_pipeline.core.settings import Settings


@dataclass(frozen=True)
class MonthRun:
    month: str
    success: bool
    failed_checks: tuple[str, ...]
    """Checks that failed with severity ERROR."""
    warnings: tuple[str, ...] = ()
    """Checks that failed with severity WARN (the run still succeeds)."""
    ingested_first: tuple[str, ...] = ()
    """Earlier months ingested before this one because the as-of state needed them."""


def _instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set, CLI runs are recorded where `dagster dev` shows them.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def _execute(job: dg.JobDefinition, month: str, instance: dg.DagsterInstance, log_level: str) -> dg.ExecuteInProcessResult:
    return job.execute_in_process(
        partition_key=month,
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )


def _failed(result: dg.ExecuteInProcessResult, severity: dg.AssetCheckSeverity) -> tuple[str, ...]:
    return tuple(
        sorted(
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            for evaluation in result.get_asset_check_evaluations()
            if not evaluation.passed and evaluation.severity == severity
        )
    )


def run_month(settings: Settings, month: str, log_level: str = "WARNING") -> MonthRun:
    """Materialize every asset of `month` and run its checks; never raises for operator data."""
    definitions = build_definitions(settings)
    earlier = [m for m in missing_months(settings.warehouse, settings.data_dir, month) if m < month]
    with _instance() as instance:
        for previous in earlier:
            ingested = _execute(definitions.resolve_job_def(INGEST_JOB), previous, instance, log_level)
            if not ingested.success:
                return MonthRun(month, False, _failed(ingested, dg.AssetCheckSeverity.ERROR), ingested_first=tuple(earlier))
        result = _execute(definitions.resolve_job_def(MONTHLY_JOB), month, instance, log_level)
    errors = _failed(result, dg.AssetCheckSeverity.ERROR)
    return MonthRun(
        month=month,
        success=result.success and not errors,
        failed_checks=errors,
        warnings=_failed(result, dg.AssetCheckSeverity.WARN),
        ingested_first=tuple(earlier),
    )
