"""The run manifest: written last, it says what the month's run read and wrote."""

import json

import dagster as dg
import polars as pl

from assets.ingestion import raw_asset_name
from assets.partitions import monthly_partitions
from assets.resources import WarehouseResource
from pbr_pipeline.core.keys import uses_development_secret
from pbr_pipeline.core.manifest import code_version, files_used, model_fingerprint, row_counts, write_manifest
from pbr_pipeline.identity.model_store import MODEL_FILE, TRAINING_FILE, linkage_folder
from pbr_pipeline.intake.tables import INPUT_TABLES

MONTH_TABLES = (
    "contracts", "person_links", "review_queue", "review_decisions", "claims_verified", "outcomes_unclaimed",
    "person_index", "payable_outcomes", "payments", "adjustments", "payment_summary", "rejected_rows",
)
"""The month's output tables whose rows the manifest counts (besides every input table)."""


@dg.asset(
    partitions_def=monthly_partitions,
    group_name="manifest",
    deps=["payment_summary", "outcomes_unclaimed", "person_index", "review_queue", "review_decisions", "rejected_rows"],
    kinds={"json"},
    tags={"pbr/access": "analysts"},
)
def run_manifest(context: dg.AssetExecutionContext, warehouse: WarehouseResource, contracts: pl.DataFrame) -> dg.MaterializeResult:
    """`<warehouse>/manifests/month=YYYY-MM/manifest.json`: the SHA-256 of every input file the
    month's run used (inbox files received up to the month, the reference tables as they stood),
    every contract, the linkage model in force, the code version, whether person keys used the
    public development secret, and the rows of every table the month wrote. No timestamps: a
    rerun with the same inputs and code writes the same bytes. Written last: a month with a
    manifest was run through, and only such a month can be closed (`pbr close`)."""
    month = context.partition_key
    folder = linkage_folder(warehouse.path, month)
    training = folder / TRAINING_FILE
    manifest = {
        "month": month,
        "code": code_version(),
        "person_keys": "public development secret (not for tables leaving the data team)" if uses_development_secret()
        else "secret from PBR_PERSON_KEY_SECRET",
        "inputs": files_used(
            warehouse.path,
            [raw_asset_name(t) for t in INPUT_TABLES if t.inbox_folder],
            [raw_asset_name(t) for t in INPUT_TABLES if t.reference_name],
            month,
        ),
        "contracts": [
            {"contract_id": c, "file": f, "sha256": s}
            for c, f, s in contracts.select("contract_id", "source_file", "source_sha256").unique().sort("contract_id").iter_rows()
        ],
        "linkage_model": {
            **(model_fingerprint(folder / MODEL_FILE, warehouse.path) or {}),
            **(json.loads(training.read_text(encoding="utf-8")) if training.exists() else {}),
        },
        "row_counts": row_counts(warehouse.path, [t.name for t in INPUT_TABLES] + list(MONTH_TABLES), month),
    }
    path = write_manifest(warehouse.path, month, manifest)
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "input_files": len(manifest["inputs"]),
        "code_source_sha256": manifest["code"]["source_sha256"],
    })
