"""Run the monthly job in this process, one month (partition) at a time."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pbr_pipeline.definitions import MONTHLY_JOB, build_definitions
from pbr_pipeline.settings import Settings

_MONTH_FOLDER = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class MonthRun:
    month: str
    success: bool
    failed_checks: tuple[str, ...]


def inbox_months(data_dir: Path) -> list[str]:
    """The months that have an inbox folder, oldest first."""
    inbox = data_dir / "inbox"
    if not inbox.is_dir():
        return []
    return sorted(path.name for path in inbox.iterdir() if path.is_dir() and _MONTH_FOLDER.match(path.name))


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
