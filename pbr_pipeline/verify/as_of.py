"""What the city knows as of month M: every validated input partition up to M.

Verdicts and payments as of M are a pure function of these frames and the contracts, so a
month can be recomputed or backfilled at any time. The registry is read lazily and cut down
to the people enrolled or claimed before anything is collected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pbr_pipeline.core.ids import stable_ids
from pbr_pipeline.intake.ingest import inbox_months
from pbr_pipeline.identity.matching import canonical_document
from pbr_pipeline.core.months import period_index_expr
from pbr_pipeline.core.warehouse import PARTITION_FILE, partition_dir, scan_table

AS_OF_TABLES = ("enrolments", "claims", "pila", "reviews")


class MissingMonths(RuntimeError):
    """Earlier months of the inbox have not been ingested; the as-of state would be incomplete."""


def missing_months(warehouse: Path, data_dir: Path, month: str) -> list[str]:
    """Inbox months up to `month` whose validated partitions are not in the warehouse."""
    return [
        earlier
        for earlier in inbox_months(data_dir)
        if earlier <= month
        and not all((partition_dir(warehouse, table, earlier) / PARTITION_FILE).exists() for table in AS_OF_TABLES)
    ]


@dataclass(frozen=True)
class Known:
    """Validated inputs received up to `month`, each row with its canonical `document` and the
    month index it was received in (`inbox_index`)."""

    month: str
    enrolments: pl.DataFrame
    claims: pl.DataFrame
    pila: pl.DataFrame
    """Only rows of people who appear in enrolments or claims, and of `extra_documents`."""
    reviews: pl.DataFrame
    """Review decisions on linkage cases."""


def _received_up_to(warehouse: Path, table: str, month: str) -> pl.LazyFrame:
    return (
        scan_table(warehouse, table)
        .filter(pl.col("month") <= month)
        .drop("month")
        .with_columns(canonical_document(), period_index_expr(pl.col("inbox_month")).alias("inbox_index"))
    )


def claim_ids(claims: pl.DataFrame) -> pl.Series:
    """A claim's id: the stable id of its file's SHA-256 and its row. Files never change after
    they land, so the id never changes either."""
    return stable_ids(claims, "source_sha256", "source_row", name="claim_id")


def registry_scan(warehouse: Path, month: str) -> pl.LazyFrame:
    """Every PILA row received up to `month`, lazily, with its canonical `document`."""
    return _received_up_to(warehouse, "pila", month)


def load_known(warehouse: Path, data_dir: Path, month: str, extra_documents: pl.DataFrame | None = None) -> Known:
    """The as-of state for `month`; raises MissingMonths if an earlier inbox month is missing.

    `extra_documents` (a `document` column) are registry people the second pass linked to
    enrolled people: their PILA rows are loaded too."""
    missing = missing_months(warehouse, data_dir, month)
    if missing:
        raise MissingMonths(
            f"the as-of state of {month} needs every earlier month ingested; missing: {', '.join(missing)}. "
            "Materialize those months' ingestion first (`pbr run --month` does it for you)."
        )
    enrolments = _received_up_to(warehouse, "enrolments", month).collect()
    claims = _received_up_to(warehouse, "claims", month).sort("inbox_month", "source_file", "source_row").collect()
    claims = claims.with_columns(claim_ids(claims))
    wanted = [enrolments.select("document"), claims.select("document")]
    if extra_documents is not None:
        wanted.append(extra_documents.select("document"))
    people = pl.concat(wanted).unique()
    pila = _received_up_to(warehouse, "pila", month).join(people.lazy(), on="document", how="semi").collect()
    pila = pila.with_columns(period_index_expr(pl.col("period")).alias("period_index"))
    return Known(month=month, enrolments=enrolments, claims=claims, pila=pila, reviews=load_reviews(warehouse, month))


def load_reviews(warehouse: Path, month: str) -> pl.DataFrame:
    """Valid review decisions received up to `month`, with `inbox_index`."""
    return (
        scan_table(warehouse, "reviews").filter(pl.col("month") <= month).drop("month")
        .with_columns(period_index_expr(pl.col("inbox_month")).alias("inbox_index")).collect()
    )
