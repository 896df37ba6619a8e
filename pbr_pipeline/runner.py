"""Run the pipeline in this process, one month (partition) at a time.

Month M builds on the stored state of M − 1 (verdicts, links, the ledger). `run_month` first
runs, in order, every earlier month from the first inbox month that was never run (the whole
`monthly_job`), then month M itself, so the data team can run any month at any time: what is
missing before it is filled in first, and an open month can be rerun freely.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import dagster as dg

from pbr_pipeline.core.months import add_months, month_range
from pbr_pipeline.core.closing import MANIFEST_FILE, ClosedMonth, is_closed, manifest_dir
from pbr_pipeline.definitions import MONTHLY_JOB, build_definitions
from pbr_pipeline.intake.ingest import inbox_months
from pbr_pipeline.core.settings import Settings


@dataclass(frozen=True)
class MonthRun:
    month: str
    success: bool
    failed_checks: tuple[str, ...]
    """Checks that failed with severity ERROR."""
    warnings: tuple[str, ...] = ()
    """Checks that failed with severity WARN (the run still succeeds)."""
    ran_first: tuple[str, ...] = ()
    """Earlier months run before this one because it builds on them."""


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


def was_run(settings: Settings, month: str) -> bool:
    """Whether `month` was run through: its manifest, written last, is there."""
    return (manifest_dir(settings.warehouse, month) / MANIFEST_FILE).exists()


def months_not_run(settings: Settings, month: str) -> list[str]:
    """Months from the first inbox month up to the one before `month` whose run did not go through."""
    received = inbox_months(settings.data_dir)
    if not received or received[0] >= month:
        return []
    return [earlier for earlier in month_range(received[0], add_months(month, -1)) if not was_run(settings, earlier)]


def run_month(settings: Settings, month: str, log_level: str = "WARNING") -> MonthRun:
    """Materialize every asset of `month` and run its checks, after any earlier month that was
    never run; never raises for operator data. Raises ClosedMonth for a closed month."""
    if is_closed(settings.warehouse, month):
        raise ClosedMonth(f"{month} is closed: its tables are never rewritten. A correction found now is an "
                          f"adjustment in the month it is found; run that month instead.")
    definitions = build_definitions(settings)
    earlier = months_not_run(settings, month)
    job = definitions.resolve_job_def(MONTHLY_JOB)
    with _instance() as instance:
        for previous in earlier:
            result = _execute(job, previous, instance, log_level)
            errors = _failed(result, dg.AssetCheckSeverity.ERROR)
            if not result.success or errors:
                return MonthRun(month, False, errors, ran_first=tuple(earlier))
        result = _execute(job, month, instance, log_level)
    errors = _failed(result, dg.AssetCheckSeverity.ERROR)
    return MonthRun(
        month=month,
        success=result.success and not errors,
        failed_checks=errors,
        warnings=_failed(result, dg.AssetCheckSeverity.WARN),
        ran_first=tuple(earlier),
    )
