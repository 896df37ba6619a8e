"""Readers: every accepted encoding, delimiter and shape, and clear words for the rest."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest

from pbr_pipeline.intake.headers import normalise_header
from pbr_pipeline.intake.readers import UnreadableFile, read_file

REQUIRED = ["tipo_documento", "numero_documento"]
TEXT = "Tipo Documento;Número Documento;Primer Apellido\nCC;1.098.765.432;Muñoz Peña\nPPT;ABC123;Ibáñez\n"


def _records(read) -> list[tuple]:
    return read.frame.rows()


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_csv_encodings_read_to_the_same_text(content, encoding):
    read = read_file(content, "roster.csv", REQUIRED)
    assert read.encoding == encoding
    assert read.delimiter == ";"
    assert read.frame.columns == ["Tipo Documento", "Número Documento", "Primer Apellido", "source_row"]
    assert _records(read) == [("CC", "1.098.765.432", "Muñoz Peña", 2), ("PPT", "ABC123", "Ibáñez", 3)]


def test_comma_delimiter_with_quoted_commas():
    content = 'tipo_documento,numero_documento,primer_apellido\nCC,123,"Peña, hija"\n'.encode()
    read = read_file(content, "roster.csv", REQUIRED)
    assert read.delimiter == ","
    assert _records(read) == [("CC", "123", "Peña, hija", 2)]


def test_row_numbers_count_blank_lines_and_skip_blank_records():
    content = b"tipo_documento;numero_documento\nCC;1\n\nCC;2\n;\n"
    read = read_file(content, "roster.csv", REQUIRED)
    assert [row[-1] for row in _records(read)] == [2, 4]
    assert read.blank_rows == 2


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_skips_title_row_and_keeps_sheet_row_numbers():
    content = _xlsx(
        [
            ["Reporte de inscritos OP-001 marzo 2025"],
            ["Tipo Documento", "Número Documento", "Fecha Inscripción", None],
            ["CC", 1098765432, dt.datetime(2025, 3, 3), None],
            ["TI", "0012345", "03/03/2025", None],
        ]
    )
    read = read_file(content, "roster.xlsx", REQUIRED)
    assert read.file_format == "xlsx"
    assert read.header_row == 2
    assert _records(read) == [("CC", "1098765432", "2025-03-03", 3), ("TI", "0012345", "03/03/2025", 4)]


def test_xlsx_without_the_required_header_is_unreadable():
    with pytest.raises(UnreadableFile, match="names the required columns"):
        read_file(_xlsx([["nombre", "apellido"], ["Ana", "Peña"]]), "roster.xlsx", REQUIRED)


def test_parquet_cells_become_text_as_a_person_reads_them():
    frame = pl.DataFrame(
        {
            "periodo": ["2025-02"],
            "ibc": [1_423_500],
            "dias": [30.0],
            "fecha_ingreso": [dt.date(2025, 2, 1)],
            "tipo_documento": ["CC"],
            "numero_documento": ["1098765432"],
        }
    )
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    read = read_file(buffer.getvalue(), "pila.parquet", REQUIRED)
    assert read.file_format == "parquet"
    assert _records(read) == [("2025-02", "1423500", "30", "2025-02-01", "CC", "1098765432", 1)]


def test_a_record_longer_than_the_header_is_marked_not_the_whole_file():
    content = "tipo_documento;numero_documento;primer_apellido\nCC;1;Peña\nCC;2;Díaz; Gómez\n\nCC;3;Ruiz\n".encode("cp1252")
    read = read_file(content, "roster.csv", REQUIRED)
    assert read.encoding == "cp1252"
    assert _records(read) == [
        ("CC", "1", "Peña", None, 2),
        (None, None, None, "the row has 4 values but the header names 3 columns", 3),
        ("CC", "3", "Ruiz", None, 5),
    ]


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"", "a.csv", "the file is empty"),
        (b"  \n\n", "a.csv", "the file is empty"),
        (b"tipo_documento,numero_documento\n", "a.csv", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "a.csv", "binary data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.xls", "unknown file type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.csv", "Excel 97-2003"),
        ("tipo_documento\tnumero\n".encode("utf-16"), "a.csv", "UTF-16"),
        (b"%PDF-1.7", "a.pdf", "unknown file type '.pdf'"),
        (b"PK\x03\x04broken zip", "a.xlsx", "cannot be opened"),
        (b"PAR1broken", "a.parquet", "Parquet file cannot be read"),
        (b'tipo_documento,numero_documento\nCC,"1\nCC,2\n', "a.csv", "never closed"),
        (b"tipo_documento;numero_documento;numero_documento\nCC;1;2\n", "a.csv", "both headed 'numero_documento'"),
    ],
)
def test_unreadable_files_say_why(content, name, words):
    with pytest.raises(UnreadableFile, match=words):
        read_file(content, name, REQUIRED)


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("Número Documento", "numero_documento"),
        ("  TIPO_DOCUMENTO ", "tipo_documento"),
        ("Fecha  de Inscripción", "fecha_de_inscripcion"),
        ("\ufefftipo_documento", "tipo_documento"),
        ("Año", "ano"),
        ("nit-aportante", "nit_aportante"),
    ],
)
def test_header_normalisation(header, normalised):
    assert normalise_header(header) == normalised
