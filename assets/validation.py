"""Validation: each raw table through its pandera model into valid typed rows and quarantine."""

import dagster as dg
import polars as pl

from assets.ingestion import raw_asset_name
from assets.metadata import column_schema, counts_by, table_metadata
from assets.partitions import monthly_partitions
from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.intake.tables import INPUT_TABLES
from pbr_pipeline.intake.validate import for_analysts, rejected_rows_per_file, validate_table
from schemas.rejected_rows import RejectedRows


def rejected_asset_name(table: InputTable) -> str:
    return f"{table.name}_rejected"


def build_validation_asset(table: InputTable) -> dg.AssetsDefinition:
    valid_name, rejected_name = table.name, rejected_asset_name(table)

    @dg.multi_asset(
        name=f"validate_{table.name}",
        partitions_def=monthly_partitions,
        ins={"raw": dg.AssetIn(raw_asset_name(table))},
        outs={
            valid_name: dg.AssetOut(
                group_name="validation",
                kinds={"pandera", "parquet"},
                tags={"pbr/access": "restricted"},
                description=table.description
                + f" Rules: the `{table.model.__name__}` pandera model. Holds personal data: data team only.",
            ),
            rejected_name: dg.AssetOut(
                group_name="quarantine",
                kinds={"pandera", "parquet"},
                tags={"pbr/access": "analysts"},
                description=f"{table.name} rows of the month that failed validation: one row per failed "
                "rule with file, row number, column, value as written (personal values withheld) and reason.",
            ),
        },
    )
    def _validate(context: dg.AssetExecutionContext, raw: pl.DataFrame):
        """Validate the month's raw rows; every row goes to exactly one of the two outputs."""
        validated = validate_table(raw, table)
        quarantine = for_analysts(validated.rejected, table)
        rejected_by_rule = counts_by(validated.rejected, "rule")
        rows_rejected = rejected_rows_per_file(validated.rejected).get_column("rows_rejected").sum()
        context.log.info(
            f"{table.name}: {raw.height:,} rows read, {validated.valid.height:,} valid, {rows_rejected:,} rejected"
        )
        yield dg.Output(
            validated.valid,
            output_name=valid_name,
            metadata=table_metadata(
                validated.valid,
                column_schema(table.typed_schema),
                {"rows_read": raw.height, "rows_rejected": rows_rejected, "rejected_by_rule": rejected_by_rule},
            ),
        )
        yield dg.Output(
            quarantine,
            output_name=rejected_name,
            metadata=table_metadata(
                quarantine,
                column_schema(RejectedRows.to_schema()),
                {"rejected_by_rule": rejected_by_rule, "rejected_by_column": counts_by(validated.rejected.drop_nulls("column"), "column")},
            ),
        )

    return _validate


validation_assets = [build_validation_asset(table) for table in INPUT_TABLES]
