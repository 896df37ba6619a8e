"""Ingestion: each input table's files for the month, read once, as text with provenance."""

import dagster as dg
import polars as pl

from assets.metadata import frame_schema, markdown_table, table_metadata
from assets.partitions import monthly_partitions
from pbr_pipeline.intake.ingest import IngestedTable, ingest_table
from assets.resources import InboxResource
from pbr_pipeline.intake.file_names import published_file_name
from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.intake.tables import INPUT_TABLES


def raw_asset_name(table: InputTable) -> str:
    return f"raw_{table.name}"


def build_raw_asset(table: InputTable) -> dg.AssetsDefinition:
    @dg.asset(
        name=raw_asset_name(table),
        partitions_def=monthly_partitions,
        group_name="ingestion",
        kinds={"polars", "parquet"},
        tags={"pbr/access": "restricted"},
        description=(
            table.raw_description
            + " One row per data row with its source file, file SHA-256 and row number; a file that"
            " cannot be used is a single row saying why. Holds personal data: data team only."
        ),
    )
    def _raw(context: dg.AssetExecutionContext, inbox: InboxResource) -> dg.Output[pl.DataFrame]:
        ingested = ingest_table(inbox.path, context.partition_key, table, log=context.log.info)
        return dg.Output(ingested.frame, metadata=_ingest_metadata(ingested, table))

    return _raw


def _ingest_metadata(ingested: IngestedTable, table: InputTable) -> dict:
    files = markdown_table(
        ["file", "sha256", "format", "encoding", "delimiter", "header row", "rows", "blank rows", "ignored columns", "notes",
         "rejected whole"],
        [
            # Notes say how a file was read (e.g. RIPS sex codes decided per file), never a value.
            (published_file_name(f.source_file, f.sha256, table), f.sha256[:12], f.file_format, f.encoding, f.delimiter, f.header_row, f.rows,
             f.blank_rows, ", ".join(f.ignored_columns), "; ".join(f.notes), f.error)
            for f in ingested.files
        ],
    )
    return table_metadata(
        ingested.frame,
        frame_schema(ingested.frame),
        {
            "files": len(ingested.files),
            "files_rejected_whole": sum(f.error is not None for f in ingested.files),
            "file_report": files,
            "files_skipped": ", ".join(ingested.skipped) or "none",
        },
    )


raw_assets = [build_raw_asset(table) for table in INPUT_TABLES]
