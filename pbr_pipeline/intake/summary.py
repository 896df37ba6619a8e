"""The short account of a month that `pbr run` prints: files, rows read, valid, rejected."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pbr_pipeline.intake.tables import INPUT_TABLES
from pbr_pipeline.intake.validate import rejected_rows_per_file
from pbr_pipeline.core.warehouse import read_partition


@dataclass(frozen=True)
class TableCount:
    table: str
    files: int
    rows_read: int
    rows_valid: int
    rows_rejected: int


@dataclass(frozen=True)
class MonthSummary:
    month: str
    tables: tuple[TableCount, ...]
    rejections: pl.DataFrame
    """table, rule, reason, rows: one line per reason, most frequent first."""
    verdicts: pl.DataFrame
    """status, reason, claims: the verdicts as of the month."""
    money: pl.DataFrame
    """The month's payment summary (operator × programme × contract × role)."""
    unclaimed: int
    plan: pl.DataFrame
    """The month's plan_progress: one row per Plan target."""


def summarise_month(warehouse: Path, month: str) -> MonthSummary:
    """Count from the stored partitions, so the summary shows what was written."""
    tables = []
    for table in INPUT_TABLES:
        raw = read_partition(warehouse, f"raw_{table.name}", month)
        valid = read_partition(warehouse, table.name, month)
        rejected = read_partition(warehouse, f"{table.name}_rejected", month)
        tables.append(
            TableCount(
                table=table.name,
                files=raw.get_column("source_file").n_unique(),
                rows_read=raw.height,
                rows_valid=valid.height,
                rows_rejected=int(rejected_rows_per_file(rejected).get_column("rows_rejected").sum()),
            )
        )
    quarantine = read_partition(warehouse, "rejected_rows", month)
    rejections = quarantine.group_by("table", "rule", "reason").len("rows").sort(
        ["rows", "table", "rule"], descending=[True, False, False]
    )
    verdicts = read_partition(warehouse, "claims_verified", month).group_by("status", "reason").len("claims").sort(
        ["claims", "status"], descending=[True, False]
    )
    return MonthSummary(
        month=month,
        tables=tuple(tables),
        rejections=rejections,
        verdicts=verdicts,
        money=read_partition(warehouse, "payment_summary", month),
        unclaimed=read_partition(warehouse, "outcomes_unclaimed", month).height,
        plan=read_partition(warehouse, "plan_progress", month),
    )


def format_summary(summary: MonthSummary) -> str:
    lines = [f"{summary.month}", f"  {'table':<16}{'files':>6}{'read':>10}{'valid':>10}{'rejected':>10}"]
    for count in summary.tables:
        lines.append(
            f"  {count.table:<16}{count.files:>6}{count.rows_read:>10,}{count.rows_valid:>10,}{count.rows_rejected:>10,}"
        )
    if summary.rejections.height:
        lines.append("  rejected, by reason (a row can fail several rules):")
        for table, rule, reason, rows in summary.rejections.iter_rows():
            lines.append(f"    {rows:>6,}  {table}: {rule} — {reason}")
    lines.append("  claims as of the month:")
    for status, reason, claims in summary.verdicts.iter_rows():
        lines.append(f"    {claims:>6,}  {status}{' ' + reason if reason else ''}")
    lines.append(f"  outcomes the registry shows that nobody claimed: {summary.unclaimed:,}")
    lines.append(f"  {'operator':<10}{'programme':<21}{'contract':<18}{'role':<12}{'verified':>9}{'payments':>9}{'paid COP':>14}"
                 f"{'adjusted COP':>14}{'payable to date':>17}{'held':>6}")
    for row in summary.money.iter_rows(named=True):
        lines.append(
            f"  {row['operator']:<10}{row['programme']:<21}{row['contract_id'] or '(no contract)':<18}{row['role'] or '':<12}"
            f"{row['claims_verified']:>9,}{row['payments']:>9,}{row['paid_cop']:>14,}"
            f"{row['adjusted_cop']:>14,}{row['payable_to_date_cop']:>17,}{row['held_back']:>6,}"
        )
    if summary.plan.height:
        lines.append(f"  {'Plan target':<45}{'verified':>10}{'of which unclaimed':>20}{'this month':>12}{'target':>9}"
                     f"{'expected by now':>17}")
        for row in summary.plan.iter_rows(named=True):
            name = f"{row['programme']} {row['outcome']}{' ' + row['group'] if row['group'] else ''}"
            lines.append(f"  {name:<45}{row['verified_to_date']:>10,}{row['unclaimed']:>20,}{row['month_increment']:>12,}"
                         f"{row['target']:>9,}{row['expected_to_date']:>17,}")
    return "\n".join(lines)
