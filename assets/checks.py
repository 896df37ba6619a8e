"""Asset checks on the stored partitions: they re-read what was written, not what was meant."""

import dagster as dg
import polars as pl

from assets.ingestion import raw_asset_name
from assets.metadata import markdown_table
from assets.partitions import monthly_partitions
from assets.quarantine import stored_rejections
from assets.validation import rejected_asset_name
from assets.resources import WarehouseResource
from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.intake.tables import INPUT_TABLES
from pbr_pipeline.intake.file_names import withheld_file_name
from pbr_pipeline.intake.validate import rejected_rows_per_file
from pbr_pipeline.core.warehouse import read_partition
from schemas.provenance import SOURCE_FILE, SOURCE_SHA256


def row_conservation(raw: pl.DataFrame, valid: pl.DataFrame, rejected: pl.DataFrame, table: InputTable | None = None) -> pl.DataFrame:
    """Per file: rows read, rows valid, rows rejected, and whether read = valid + rejected. A
    health registry's quarantine names files as analysts see them: the others are named so too.
    `raw` and `valid` need only `source_file` (and `source_sha256` for a health registry)."""
    read = _rows_per_file(raw, "rows_read", table)
    kept = _rows_per_file(valid, "rows_valid", table)
    return (
        read.join(kept, on=SOURCE_FILE, how="full", coalesce=True)
        .join(rejected_rows_per_file(rejected), on=SOURCE_FILE, how="full", coalesce=True)
        .with_columns(pl.col("rows_read", "rows_valid", "rows_rejected").fill_null(0).cast(pl.Int64))
        .with_columns((pl.col("rows_read") == pl.col("rows_valid") + pl.col("rows_rejected")).alias("conserved"))
        .sort(SOURCE_FILE)
    )


def _rows_per_file(rows: pl.DataFrame, name: str, table: InputTable | None) -> pl.DataFrame:
    if table is None or not table.health_columns:
        return rows.group_by(SOURCE_FILE).len(name)
    # Counted per file first: a month of RIPS is millions of rows but a few hundred files,
    # and the published name is worked out once per file.
    return (
        rows.group_by(SOURCE_FILE, SOURCE_SHA256).len(name)
        .with_columns(withheld_file_name())
        .group_by(SOURCE_FILE).agg(pl.col(name).sum())
    )


_COUNTED = [SOURCE_FILE, SOURCE_SHA256]
"""What the conservation check reads of the raw and valid partitions: a month of RIPS read
whole would hold every cell of two million rows twice, for a count per file."""


def build_conservation_check(table: InputTable) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=table.name,
        name=f"{table.name}_conserve_rows",
        blocking=True,
        partitions_def=monthly_partitions,
        additional_deps=[raw_asset_name(table)],
        additional_ins={"rejected": dg.AssetIn(rejected_asset_name(table))},
        description=f"Every {table.name} row read is either valid or rejected, file by file: "
        "rows read = rows valid + rows rejected.",
    )
    def _conserve_rows(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                       rejected: pl.DataFrame) -> dg.AssetCheckResult:
        month = context.partition_key
        raw = read_partition(warehouse.path, raw_asset_name(table), month, _COUNTED)
        valid = read_partition(warehouse.path, table.name, month, _COUNTED)
        per_file = row_conservation(raw, valid, rejected, table)
        broken = per_file.filter(~pl.col("conserved"))
        return dg.AssetCheckResult(
            passed=broken.height == 0,
            metadata={
                "files": per_file.height,
                "rows_read": int(per_file.get_column("rows_read").sum()),
                "rows_valid": int(per_file.get_column("rows_valid").sum()),
                "rows_rejected": int(per_file.get_column("rows_rejected").sum()),
                "files_not_conserved": markdown_table(
                    ["file", "read", "valid", "rejected"],
                    broken.select(SOURCE_FILE, "rows_read", "rows_valid", "rows_rejected").iter_rows(),
                ),
            },
        )

    return _conserve_rows


@dg.asset_check(
    asset="rejected_rows",
    blocking=True,
    partitions_def=monthly_partitions,
    description="rejected_rows holds each table's rejections exactly once, and no value of a "
    "personal-data column (document numbers, names, birth dates).",
)
def rejected_rows_are_complete_and_withhold_personal_data(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, rejected_rows: pl.DataFrame
) -> dg.AssetCheckResult:
    per_table = stored_rejections(warehouse, context.partition_key)
    expected = sum(frame.height for frame in per_table)
    personal = pl.concat(
        [
            pl.DataFrame({"table": table.name, "column": sorted(table.personal_columns)}, schema={"table": pl.String, "column": pl.String})
            for table in INPUT_TABLES
        ]
    )
    leaked = rejected_rows.join(personal, on=["table", "column"], how="semi").filter(pl.col("value").is_not_null())
    return dg.AssetCheckResult(
        passed=rejected_rows.height == expected and leaked.height == 0,
        metadata={
            "rows": rejected_rows.height,
            "rows_in_per_table_quarantines": expected,
            "personal_values_shown": leaked.height,
        },
    )


asset_checks = [build_conservation_check(table) for table in INPUT_TABLES] + [
    rejected_rows_are_complete_and_withhold_personal_data
]
