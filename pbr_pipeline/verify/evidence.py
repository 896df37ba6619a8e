"""Evidence rows and verdict values, the same for every programme.

An evidence row names the registry, the file and row a verifier opens, the date of the fact,
what the row showed (in words) and whether it counts toward the outcome. Programmes build
their verdicts with `verdict` and their evidence lists with `evidence_rows`.
"""

from __future__ import annotations

import polars as pl

from schemas.outcomes import EVIDENCE_ROW, EVIDENCE_ROWS

EMPTY_EVIDENCE = pl.lit([], dtype=EVIDENCE_ROWS)


def verdict(status: str, reason: str | None) -> pl.Expr:
    """A (status, reason) struct for `pl.when` chains; unnest it into two columns."""
    return pl.struct(status=pl.lit(status), reason=pl.lit(reason, pl.String))


def evidence_rows(spans: pl.DataFrame, rows: pl.DataFrame, *, on: list[str], within: pl.Expr, registry: str,
                  shows: pl.Expr, counts: pl.Expr, order: list[str]) -> pl.DataFrame:
    """Per claim of `spans` (claim_id and the `on` keys), the registry `rows` that `within`
    keeps, as a list of evidence rows in `order` (then file and row); an empty list when none.
    `rows` carry `fact_date`, `source_file` and `source_row`."""
    matched = (
        spans.join(rows, on=on)
        .filter(within)
        .sort("claim_id", *order, "source_file", "source_row")
        .group_by("claim_id", maintain_order=True)
        .agg(
            pl.struct(
                pl.lit(registry).alias("registry"), "source_file", "source_row", "fact_date",
                shows.alias("shows"), counts.fill_null(False).alias("counts"),
            ).cast(EVIDENCE_ROW).alias("evidence_rows")
        )
    )
    return spans.select("claim_id").unique(maintain_order=True).join(matched, on="claim_id", how="left").with_columns(
        pl.col("evidence_rows").fill_null(EMPTY_EVIDENCE)
    )


RESTRICTED_EVIDENCE = "health data: the rows are in the verifier-only table health_evidence"


def redacted(frame: pl.DataFrame, sensitive: tuple[str, ...]) -> pl.DataFrame:
    """`frame`'s `evidence_rows` with the rows of `sensitive` registries folded into one row per
    registry that names it and says where the rows are: no file, row, date or description of a
    health service reaches an analyst table."""
    if not sensitive or frame.height == 0:
        return frame
    row = pl.element()
    kept = pl.col("evidence_rows").list.filter(~row.struct.field("registry").is_in(sensitive))
    folded = pl.col("evidence_rows").list.eval(
        row.struct.field("registry").filter(row.struct.field("registry").is_in(sensitive)).unique(maintain_order=True)
    )
    placeholders = folded.list.eval(
        pl.struct(
            pl.element().alias("registry"), pl.lit(None, pl.String).alias("source_file"), pl.lit(None, pl.Int64).alias("source_row"),
            pl.lit(None, pl.Date).alias("fact_date"), pl.lit(RESTRICTED_EVIDENCE).alias("shows"), pl.lit(None, pl.Boolean).alias("counts"),
        )
    )
    return frame.with_columns(pl.concat_list(kept, placeholders).cast(EVIDENCE_ROWS).alias("evidence_rows"))


def index_to_month_start(index: pl.Expr) -> pl.Expr:
    """A month index (core.months.month_index) as the first day of its month."""
    return pl.date(index // 12, index % 12 + 1, 1)


def index_to_month_end(index: pl.Expr) -> pl.Expr:
    """A month index as the last day of its month."""
    return index_to_month_start(index).dt.month_end()
