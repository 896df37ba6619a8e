"""The quarantine table analysts and operators read: every rejected input row of the month."""

import dagster as dg
import polars as pl

from assets.metadata import column_schema, counts_by, table_metadata
from assets.partitions import monthly_partitions
from assets.validation import rejected_asset_name
from pbr_pipeline.intake.tables import INPUT_TABLES
from schemas.rejected_rows import RejectedRows

_INS = {rejected_asset_name(table): dg.AssetIn(rejected_asset_name(table)) for table in INPUT_TABLES}


@dg.asset(
    partitions_def=monthly_partitions,
    group_name="quarantine",
    ins=_INS,
    kinds={"polars", "parquet"},
    tags={"pbr/access": "analysts"},
)
def rejected_rows(
    enrolments_rejected: pl.DataFrame,
    claims_rejected: pl.DataFrame,
    pila_rejected: pl.DataFrame,
    minimum_wages_rejected: pl.DataFrame,
    poverty_lines_rejected: pl.DataFrame,
    reviews_rejected: pl.DataFrame,
) -> dg.Output[pl.DataFrame]:
    """Every input row of the month that failed validation, across all input tables: table,
    file, file SHA-256, row number, column, value as written (personal values withheld), rule
    and reason. A file that could not be read at all is one row with an empty row number.
    Operators fix their files from it; verifiers see what never reached the rules."""
    per_table = (enrolments_rejected, claims_rejected, pila_rejected, minimum_wages_rejected, poverty_lines_rejected, reviews_rejected)
    frame = pl.concat(per_table, how="vertical").sort(
        ["table", "source_file", "source_row", "column", "rule"], nulls_last=False
    )
    return dg.Output(
        frame,
        metadata=table_metadata(
            frame,
            column_schema(RejectedRows.to_schema()),
            {"rejected_by_table_and_rule": counts_by(frame, "table", "rule")},
        ),
    )
