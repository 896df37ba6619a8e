"""Closed months: once the verifier signs a month off, its partitions are never rewritten.

`pbr close --month M` records the approval in `<warehouse>/manifests/month=M/closed.json`.
From then on every write into a `month=M` folder of that warehouse is refused (the warehouse
writers call `refuse_if_closed`), so neither `pbr run` nor a Dagster run or backfill can change
what was approved: a later correction is an adjustment in the month it is found.
Months close in order, and only a month whose run went through (its manifest exists).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from pbr_pipeline.core.months import add_months

MANIFESTS = "manifests"
CLOSED_FILE = "closed.json"
MANIFEST_FILE = "manifest.json"
_MONTH_FOLDER = re.compile(r"^month=(\d{4}-\d{2})$")


class ClosedMonth(RuntimeError):
    """A write or a run would change a month the verifier has closed."""


def manifest_dir(warehouse: Path, month: str) -> Path:
    return Path(warehouse) / MANIFESTS / f"month={month}"


def is_closed(warehouse: Path, month: str) -> bool:
    return (manifest_dir(warehouse, month) / CLOSED_FILE).exists()


def closed_months(warehouse: Path) -> list[str]:
    folder = Path(warehouse) / MANIFESTS
    return sorted(path.parent.name.removeprefix("month=") for path in folder.glob(f"month=*/{CLOSED_FILE}"))


def refuse_if_closed(target: Path) -> None:
    """Raise ClosedMonth when `target` lies in a `month=M` folder of a warehouse whose month M
    is closed (the warehouse is the ancestor holding `manifests/month=M/closed.json`)."""
    target = Path(target)
    for index, part in enumerate(target.parts):
        found = _MONTH_FOLDER.match(part)
        if not found:
            continue
        month = found.group(1)
        for depth in range(index - 1, 0, -1):
            warehouse = Path(*target.parts[:depth])
            if is_closed(warehouse, month):
                raise ClosedMonth(
                    f"{month} is closed (approved in {manifest_dir(warehouse, month) / CLOSED_FILE}); its tables are never "
                    f"rewritten. A correction is an adjustment in the month it is found: run the current month instead."
                )
        return


def close_month(warehouse: Path, month: str, approved_by: str, first_month: str | None, on: dt.date | None = None) -> Path:
    """Record that `month` is approved. Refuses a month that was not run through, and a month
    whose previous month (from the first inbox month) is still open."""
    warehouse = Path(warehouse)
    if is_closed(warehouse, month):
        raise ClosedMonth(f"{month} is already closed")
    if not (manifest_dir(warehouse, month) / MANIFEST_FILE).exists():
        raise ClosedMonth(f"{month} has no run manifest in {warehouse}: run it (and check it) before closing it")
    if first_month is not None and month > first_month and not is_closed(warehouse, add_months(month, -1)):
        raise ClosedMonth(f"{add_months(month, -1)} is still open: months close in order")
    # Imported here: the warehouse writers import this module to refuse closed months.
    from pbr_pipeline.core.warehouse import atomic_write_bytes

    record = {"month": month, "approved_by": approved_by, "closed_on": (on or dt.date.today()).isoformat()}
    text = json.dumps(record, sort_keys=True, indent=2) + "\n"
    return atomic_write_bytes(manifest_dir(warehouse, month) / CLOSED_FILE, text.encode("utf-8"))
