"""The committed sample, run month by month through the real job, against its ground truth."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pbr_pipeline.ingest import inbox_months
from pbr_pipeline.runner import run_month
from pbr_pipeline.settings import SAMPLE_DATA_DIR, Settings
from pbr_pipeline.tables import INPUT_TABLES
from pbr_pipeline.warehouse import scan_table

TRUTH = SAMPLE_DATA_DIR / "ground_truth"


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory) -> Settings:
    settings = Settings(data_dir=SAMPLE_DATA_DIR, warehouse=tmp_path_factory.mktemp("warehouse"))
    runs = [run_month(settings, month) for month in inbox_months(SAMPLE_DATA_DIR)]
    assert [run.month for run in runs] == [f"2025-{m:02d}" for m in range(1, 9)]
    assert all(run.success and not run.failed_checks for run in runs), runs
    return settings


def _all(settings: Settings, table: str) -> pl.DataFrame:
    return scan_table(settings.warehouse, table).collect()


def test_every_row_of_every_sample_file_is_valid_or_rejected(sample_warehouse):
    files = pl.read_csv(TRUTH / "files.csv", infer_schema=False)
    rejected = _all(sample_warehouse, "rejected_rows").group_by("source_file").agg(
        pl.struct("source_row").n_unique().alias("rejected")
    )
    valid = pl.concat(
        [_all(sample_warehouse, table.name).select("source_file") for table in INPUT_TABLES if table.inbox_folder]
    ).group_by("source_file").len("valid")
    accounted = (
        files.select(pl.col("path").alias("source_file"), pl.col("data_rows").cast(pl.Int64), pl.col("broken") == "true")
        .join(valid, on="source_file", how="left")
        .join(rejected, on="source_file", how="left")
        .with_columns(pl.col("valid", "rejected").fill_null(0))
    )
    assert accounted.height == len(list((SAMPLE_DATA_DIR / "inbox").rglob("*.*")))
    whole_files = accounted.filter(pl.col("broken"))
    assert whole_files.height == 1 and whole_files.row(0, named=True)["rejected"] == 1
    rows = accounted.filter(~pl.col("broken"))
    assert (rows["data_rows"] == rows["valid"] + rows["rejected"]).all(), rows.filter(
        rows["data_rows"] != rows["valid"] + rows["rejected"]
    )


def test_quarantine_matches_the_ground_truth(sample_warehouse):
    expected = pl.read_csv(TRUTH / "invalid_rows.csv", infer_schema=False).select(
        "source_file", pl.col("source_row").replace("", None).cast(pl.Int64), "column", "rule"
    )
    quarantine = _all(sample_warehouse, "rejected_rows")
    # The ground truth names the column a whole-file rejection is missing; the quarantine row
    # of a file has no column (its reason names it).
    assert sorted(quarantine.select("source_file", "source_row", "rule").rows(), key=str) == sorted(
        expected.select("source_file", "source_row", "rule").rows(), key=str
    )
    row_level = quarantine.filter(pl.col("rule") != "file_rejected").select("source_file", "source_row", "column", "rule")
    assert sorted(row_level.rows()) == sorted(expected.filter(pl.col("rule") != "file_rejected").rows())
    whole_file = quarantine.filter(pl.col("rule") == "file_rejected").row(0, named=True)
    assert expected.filter(pl.col("rule") == "file_rejected").row(0, named=True)["column"] in whole_file["reason"]


def test_valid_claims_are_the_ground_truth_claims(sample_warehouse):
    truth = pl.read_csv(TRUTH / "claims.csv", infer_schema=False).filter(pl.col("scenario") != "INVALID_ROW")
    claims = _all(sample_warehouse, "claims")
    assert sorted(claims.select("source_file", "source_row").rows()) == sorted(
        truth.select("source_file", pl.col("source_row").cast(pl.Int64)).rows()
    )


def test_rerunning_a_sample_month_reproduces_its_bytes(sample_warehouse):
    month = "2025-05"
    files = sorted(Path(sample_warehouse.warehouse).glob(f"*/month={month}/*.parquet"))
    before = [path.read_bytes() for path in files]
    assert run_month(sample_warehouse, month).success
    assert [path.read_bytes() for path in files] == before
