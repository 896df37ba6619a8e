"""Run the monthly job in this process, one month (partition) at a time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pbr_pipeline.definitions import MONTHLY_JOB, build_definitions
from pbr_pipeline.settings import Settings

@dataclass(frozen=True)
class MonthRun:
    month: str
    success: bool
    failed_checks: tuple[str, ...]


def _instance() -> dg.DagsterInstance:
    # With DAGSTER_HOME set, CLI runs are recorded where `dagster dev` shows them.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def run_month(settings: Settings, month: str, log_level: str = "WARNING") -> MonthRun:
    """Materialize every asset of `month` and run its checks; never raises for operator data."""
    job = build_definitions(settings).resolve_job_def(MONTHLY_JOB)
    with _instance() as instance:
        result = job.execute_in_process(
            partition_key=month,
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
        )
    failed = tuple(
        sorted(
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            for evaluation in result.get_asset_check_evaluations()
            if not evaluation.passed
        )
    )
    return MonthRun(month=month, success=result.success, failed_checks=failed)
