"""Real Dagster runs of the monthly job on small inboxes built here."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pbr_pipeline.definitions import build_definitions
from pbr_pipeline.runner import run_month
from pbr_pipeline.core.settings import Settings
from pbr_pipeline.core.warehouse import partition_dir, scan_table
from tests.conftest import CLAIM_ROW, ENROLMENT_ROW, MONTH, PILA_ROW, csv_bytes, put


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Inscritos del mes"])
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def inbox(data_dir: Path) -> Path:
    put(data_dir, "reference/smmlv.csv", b"anio,valor\n2024,1300000\n2025,1423500\n")
    put(data_dir, "reference/lineas_pobreza.csv", b"anio,dominio,pobreza_extrema,pobreza\n2024,NACIONAL,227220,\n")
    folder = f"inbox/{MONTH}"
    put(data_dir, f"{folder}/inscripciones/op-001.csv", csv_bytes([ENROLMENT_ROW, ENROLMENT_ROW | {"sexo": "?"}], ";", "cp1252"))
    put(data_dir, f"{folder}/inscripciones/op-002.xlsx", _xlsx([ENROLMENT_ROW | {"operador": "OP-002"}]))
    put(data_dir, f"{folder}/inscripciones/op-003.csv", b"\x00\x01garbage")
    put(data_dir, f"{folder}/reportes/op-001.csv", b"\xef\xbb\xbf" + csv_bytes([CLAIM_ROW, CLAIM_ROW | {"resultado": "CERTIFICACION_B1"}]))
    put(data_dir, f"{folder}/registros/pila/pila.csv", csv_bytes([PILA_ROW, PILA_ROW | {"dias_cotizados": "31"}]))
    return data_dir


def test_a_month_with_a_broken_file_runs_and_every_row_is_accounted_for(inbox, tmp_path):
    settings = Settings(data_dir=inbox, warehouse=tmp_path / "warehouse")
    outcome = run_month(settings, MONTH)
    assert outcome.success and outcome.failed_checks == ()

    def rows(table: str) -> int:
        return pl.read_parquet(partition_dir(settings.warehouse, table, MONTH) / "part-0.parquet").height

    assert (rows("raw_enrolments"), rows("enrolments"), rows("enrolments_rejected")) == (4, 2, 2)
    assert (rows("raw_claims"), rows("claims"), rows("claims_rejected")) == (2, 1, 1)
    assert (rows("raw_pila"), rows("pila"), rows("pila_rejected")) == (2, 1, 1)
    assert rows("minimum_wages") == 2
    quarantine = scan_table(settings.warehouse, "rejected_rows").collect()
    assert sorted(quarantine["rule"]) == ["days_contributed_range", "file_rejected", "outcome_belongs_to_programme", "sex_known"]
    assert quarantine["month"].unique().to_list() == [MONTH]


def test_rerunning_a_month_rewrites_identical_bytes(inbox, tmp_path):
    settings = Settings(data_dir=inbox, warehouse=tmp_path / "warehouse")
    assert run_month(settings, MONTH).success
    first = {path: path.read_bytes() for path in sorted(settings.warehouse.rglob("*.parquet"))}
    manifest = settings.warehouse / "manifests" / f"month={MONTH}" / "manifest.json"
    written = manifest.read_bytes()
    assert run_month(settings, MONTH).success
    second = {path: path.read_bytes() for path in sorted(settings.warehouse.rglob("*.parquet"))}
    assets = build_definitions(settings).resolve_asset_graph().get_all_asset_keys()
    assert len(first) == len(assets) - 1, "one partition file per asset, and the run manifest"
    assert first == second
    assert manifest.read_bytes() == written
    assert not list(settings.warehouse.rglob("*.tmp")), "no temporary file is left behind"
