"""Ingesting a month: every file read once, provenance on every row, broken files isolated."""

from __future__ import annotations

import hashlib
import os

from pbr_pipeline.core.settings import SAMPLE_DATA_DIR
from pbr_pipeline.intake.ingest import ingest_table, read_workers, table_files
from pbr_pipeline.programmes.rips import RIPS
from pbr_pipeline.intake.tables import CLAIMS, ENROLMENTS
from pbr_pipeline.intake.validate import validate_table
from tests.conftest import CLAIM_ROW, ENROLMENT_ROW, MONTH, csv_bytes, put

FOLDER = f"inbox/{MONTH}/inscripciones"


def test_a_broken_file_does_not_stop_the_month(data_dir):
    good = put(data_dir, f"{FOLDER}/a_good.csv", csv_bytes([ENROLMENT_ROW, ENROLMENT_ROW | {"numero_documento": "55"}]))
    put(data_dir, f"{FOLDER}/b_binary.csv", bytes(range(256)))
    put(data_dir, f"{FOLDER}/c_no_dates.csv", b"operador;programa;tipo_documento;numero_documento\nOP-001;EMPLEO;CC;1\nOP-001;EMPLEO;CC;2\n")
    put(data_dir, f"{FOLDER}/d_empty.csv", b"")

    ingested = ingest_table(data_dir, MONTH, ENROLMENTS)
    validated = validate_table(ingested.frame, ENROLMENTS)

    assert validated.valid.height == 2
    assert validated.valid.get_column("source_sha256").unique().to_list() == [hashlib.sha256(good.read_bytes()).hexdigest()]
    whole = validated.rejected.filter(validated.rejected["rule"] == "file_rejected")
    reasons = dict(zip(whole["source_file"], whole["reason"]))
    assert set(reasons) == {f"{FOLDER}/b_binary.csv", f"{FOLDER}/c_no_dates.csv", f"{FOLDER}/d_empty.csv"}
    assert "binary" in reasons[f"{FOLDER}/b_binary.csv"]
    assert "fecha_inscripcion" in reasons[f"{FOLDER}/c_no_dates.csv"] and "2 rows" in reasons[f"{FOLDER}/c_no_dates.csv"]
    assert reasons[f"{FOLDER}/d_empty.csv"] == "the file is empty"
    assert whole["source_row"].null_count() == 3


def test_two_headers_for_one_column_reject_the_file(data_dir):
    put(data_dir, f"{FOLDER}/dup.csv", b"Numero Documento,numero_documento,operador,programa,tipo_documento,fecha_inscripcion\n1,2,OP-001,EMPLEO,CC,2025-03-01\n")
    report = ingest_table(data_dir, MONTH, ENROLMENTS).files[0]
    assert "both read as 'numero_documento'" in report.error


def test_unknown_columns_are_ignored_and_reported(data_dir):
    put(data_dir, f"{FOLDER}/extra.csv", csv_bytes([ENROLMENT_ROW | {"Observaciones": "llamar"}]))
    ingested = ingest_table(data_dir, MONTH, ENROLMENTS)
    assert ingested.files[0].ignored_columns == ("Observaciones",)
    assert "Observaciones" not in ingested.frame.columns
    assert validate_table(ingested.frame, ENROLMENTS).valid.height == 1


def test_lock_and_hidden_files_are_skipped_not_read(data_dir):
    put(data_dir, f"{FOLDER}/~$roster.xlsx", b"lock")
    put(data_dir, f"{FOLDER}/.DS_Store", b"\x00")
    put(data_dir, f"{FOLDER}/roster.csv", csv_bytes([ENROLMENT_ROW]))
    ingested = ingest_table(data_dir, MONTH, ENROLMENTS)
    assert [f.source_file for f in ingested.files] == [f"{FOLDER}/roster.csv"]
    assert ingested.skipped == (f"{FOLDER}/.DS_Store", f"{FOLDER}/~$roster.xlsx")


def test_a_month_without_files_gives_empty_tables(data_dir):
    ingested = ingest_table(data_dir, MONTH, CLAIMS)
    validated = validate_table(ingested.frame, CLAIMS)
    assert ingested.frame.height == validated.valid.height == validated.rejected.height == 0
    assert "outcome" in validated.valid.columns


def test_every_row_carries_its_provenance(data_dir):
    put(data_dir, f"inbox/{MONTH}/reportes/claims.csv", csv_bytes([CLAIM_ROW] * 3, delimiter=";", encoding="cp1252"))
    frame = ingest_table(data_dir, MONTH, CLAIMS).frame
    assert frame["source_file"].to_list() == [f"inbox/{MONTH}/reportes/claims.csv"] * 3
    assert frame["source_row"].to_list() == [2, 3, 4]
    assert frame["inbox_month"].unique().to_list() == [MONTH]


def test_a_record_longer_than_the_header_is_quarantined_alone(data_dir):
    content = csv_bytes([ENROLMENT_ROW, ENROLMENT_ROW], delimiter=";")
    content += b"OP-001;EMPLEO;CC;77;Ana;;Pe;na;;;1990-01-01;F;;;2025-03-03;;68001\n"
    put(data_dir, f"{FOLDER}/ragged.csv", content)
    validated = validate_table(ingest_table(data_dir, MONTH, ENROLMENTS).frame, ENROLMENTS)
    assert validated.valid.height == 2
    assert validated.rejected.select("source_row", "rule").rows() == [(4, "row_unreadable")]
    assert "17 values but the header names 16 columns" in validated.rejected["reason"][0]


def test_a_large_month_read_in_worker_processes_gives_the_same_table():
    """Above `parallel_bytes` the files are read a file per process (spawned): the same rows
    in the same order, the same file reports, as reading them one after another here."""
    month = "2025-03"
    files = table_files(SAMPLE_DATA_DIR, month, RIPS.table)
    assert len(files) >= 3  # JSON invoices and a flat CSV: several files to spread over processes
    assert read_workers(files, parallel_bytes=sum(path.stat().st_size for path in files) + 1) == 1
    assert read_workers(files, parallel_bytes=0) == min(len(files), os.cpu_count() or 1)
    here = ingest_table(SAMPLE_DATA_DIR, month, RIPS.table)
    logged: list[str] = []
    pooled = ingest_table(SAMPLE_DATA_DIR, month, RIPS.table, log=logged.append, parallel_bytes=0)
    assert pooled.frame.height > 0
    assert pooled.frame.equals(here.frame)
    assert pooled.files == here.files
    assert len([line for line in logged if ": read " in line]) == len(files)
