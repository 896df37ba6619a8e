"""The quarantine table analysts and operators read: every rejected input row of the month."""

import dagster as dg
import polars as pl

from assets.metadata import column_schema, counts_by, table_metadata
from assets.partitions import monthly_partitions
from assets.validation import rejected_asset_name
from assets.resources import WarehouseResource
from pbr_pipeline.core.warehouse import read_partition
from pbr_pipeline.intake.tables import INPUT_TABLES
from schemas.rejected_rows import RejectedRows



def stored_rejections(warehouse: WarehouseResource, month: str) -> list[pl.DataFrame]:
    """Each input table's quarantine of the month, as its validation asset stored it (one per
    table, in INPUT_TABLES order: a new registry joins without new parameters here)."""
    return [read_partition(warehouse.path, rejected_asset_name(table), month) for table in INPUT_TABLES]


@dg.asset(
    partitions_def=monthly_partitions,
    group_name="quarantine",
    deps=[rejected_asset_name(table) for table in INPUT_TABLES],
    kinds={"polars", "parquet"},
    tags={"pbr/access": "analysts"},
)
def rejected_rows(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.Output[pl.DataFrame]:
    """Every input row of the month that failed validation, across all input tables: table,
    file, file SHA-256, row number, column, value as written (personal values withheld), rule
    and reason. A file that could not be read at all is one row with an empty row number.
    Operators fix their files from it; verifiers see what never reached the rules."""
    frame = pl.concat(stored_rejections(warehouse, context.partition_key), how="vertical").sort(
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
