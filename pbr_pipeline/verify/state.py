"""The stored state of the month before: what month M builds on instead of recomputing it.

Month M's run reads, from the warehouse, what M − 1's run wrote: since when each claim has
been VERIFIED (claims_verified), the links in force (person_links) and what has been paid per
milestone (the ledger: payments and adjustments of every month before M). It never judges an
earlier month again: a run does not redo the months before it, and a retrained model or a
new contract cannot silently change what an earlier month decided or paid.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pbr_pipeline.core.months import add_months, month_range
from pbr_pipeline.core.warehouse import PARTITION_FILE, partition_dir, read_partition, scan_table
from schemas.outcomes import VERIFIED


class MissingState(RuntimeError):
    """The month before has not been run: the month cannot build on it."""


def previous_month(first_month: str | None, month: str) -> str | None:
    """The month whose state `month` builds on; None for the first month of the inbox (or
    before it), which starts from nothing."""
    if first_month is None or month <= first_month:
        return None
    return add_months(month, -1)


def previous_partition(warehouse: Path, table: str, first_month: str | None, month: str) -> pl.DataFrame | None:
    """The stored partition of `table` for the month before `month`; None for the first
    month. Raises MissingState, naming the month to run, when it is not there."""
    before = previous_month(first_month, month)
    if before is None:
        return None
    if not (partition_dir(warehouse, table, before) / PARTITION_FILE).exists():
        raise MissingState(
            f"{month} builds on the stored state of {before}, but {table} has no partition for {before}: "
            f"run {before} first (`pbr run --month {month}` runs missing earlier months in order)"
        )
    return read_partition(warehouse, table, before)


def carried_verified_since(verdicts: pl.DataFrame, previous: pl.DataFrame | None, month: str) -> pl.Series:
    """`verified_since` of each claim of `verdicts` (claim_id, status): a VERIFIED claim keeps
    the start of its streak from the month before; anything else ends the streak."""
    since = (
        previous.select("claim_id", pl.col("verified_since").alias("_before"))
        if previous is not None
        else pl.DataFrame(schema={"claim_id": pl.String, "_before": pl.String})
    )
    return (
        verdicts.select("claim_id", "status")
        .join(since, on="claim_id", how="left", maintain_order="left")
        .select(pl.when(pl.col("status") == VERIFIED).then(pl.coalesce("_before", pl.lit(month))).alias("verified_since"))
        .to_series()
    )


MILESTONE_COLUMNS = ("milestone_id", "contract_id", "contract_sha256", "operator", "programme", "outcome", "role",
                     "person_key", "claim_id", "claim_source_file", "claim_source_row")
"""What names a milestone in the ledger: which subject's outcome, under which contract and claim."""

_LEDGER_SCHEMA = {
    "milestone_id": pl.String, "contract_id": pl.String, "contract_sha256": pl.String, "operator": pl.String,
    "programme": pl.String, "outcome": pl.String, "role": pl.String, "person_key": pl.String, "claim_id": pl.String,
    "claim_source_file": pl.String, "claim_source_row": pl.Int64, "payment_id": pl.String, "first_paid_month": pl.String,
    "paid_cop": pl.Int64,
}


def ledger_before(warehouse: Path, first_month: str | None, month: str) -> pl.DataFrame:
    """What the stored ledger says was paid per milestone before `month`: the payment of each
    milestone (which describes it) and the sum of its payment and adjustments (`paid_cop`),
    over the months from the first inbox month to M − 1. Raises MissingState when a month of
    the ledger was never run."""
    before = previous_month(first_month, month)
    if before is None:
        return pl.DataFrame(schema=_LEDGER_SCHEMA)
    months = month_range(first_month, before)
    for table in ("payments", "adjustments"):
        missing = [m for m in months if not (partition_dir(warehouse, table, m) / PARTITION_FILE).exists()]
        if missing:
            raise MissingState(
                f"{month} reads what was paid from the stored ledger, but {table} has no partition for "
                f"{', '.join(missing)}: run those months first, in order"
            )
    paid = scan_table(warehouse, "payments").filter(pl.col("month") < month)
    adjusted = scan_table(warehouse, "adjustments").filter(pl.col("month") < month)
    totals = pl.concat([paid.select("milestone_id", "amount_cop"), adjusted.select("milestone_id", "amount_cop")]).group_by(
        "milestone_id").agg(pl.col("amount_cop").sum().alias("paid_cop"))
    described = paid.select(*MILESTONE_COLUMNS, "payment_id", pl.col("month").alias("first_paid_month"))
    return described.join(totals, on="milestone_id").sort("milestone_id").collect().select(list(_LEDGER_SCHEMA))
