"""Byte-exact writers for operator files: CSV in three encodings, and XLSX.

Same rows in, same bytes out: openpyxl stamps the current time into the workbook properties
and the zip entries, so the properties are fixed and the zip is rewritten with fixed entry
times.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

from pbr_pipeline.core.xlsx import fixed_zip_times

from .layout import OperatorFile, Shape

HEADER_TITLES: dict[str, str] = {
    "operador": "Operador", "programa": "Programa", "tipo_documento": "Tipo Documento",
    "numero_documento": "Número Documento", "primer_nombre": "Primer Nombre", "segundo_nombre": "Segundo Nombre",
    "primer_apellido": "Primer Apellido", "segundo_apellido": "Segundo Apellido",
    "fecha_nacimiento": "Fecha Nacimiento", "sexo": "Sexo", "grupos": "Grupos", "rol": "Rol",
    "fecha_inscripcion": "Fecha Inscripción", "fecha_egreso": "Fecha Egreso", "municipio": "Municipio",
    "resultado": "Resultado", "fecha_resultado": "Fecha Resultado", "soporte": "Soporte",
    "razon_social": "Razón Social", "unidad_productiva": "Unidad Productiva",
}



def header_text(column: str, style: str) -> str:
    """A header cell in one of layout.HEADER_STYLES."""
    title = HEADER_TITLES[column]
    return {
        "snake": column,
        "title": title,
        "upper_snake": column.upper(),
        "padded_title": f" {title} ",
        "upper_spaced": title.upper(),
    }[style]


def _cell(value, dates: str):
    if isinstance(value, dt.date):
        if dates == "iso":
            return value.isoformat()
        if dates == "excel":
            return value
        return value.strftime("%d/%m/%Y")
    return value


def operator_file_bytes(plan: OperatorFile, columns: Sequence[str], rows: Iterable[Sequence], *,
                        title: str, stamp: dt.datetime) -> bytes:
    """The bytes of one operator file. `rows` hold text, dates or None; `title` is the title
    row of a workbook with one; `stamp` the fixed creation time written into workbooks."""
    header = [header_text(column, plan.header_style) for column in columns]
    shape = plan.shape
    if shape.fmt == "csv":
        return _csv_bytes(shape, header, rows)
    return _xlsx_bytes(plan, header, rows, title=title, stamp=stamp)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], *, encoding: str, delimiter: str,
              newline: str = "\n") -> bytes:
    """CSV text in an encoding (utf-8-sig writes the BOM), None written as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return buffer.getvalue().encode(encoding)


def _csv_bytes(shape: Shape, header: list[str], rows: Iterable[Sequence]) -> bytes:
    # Windows spreadsheets end lines with CRLF.
    newline = "\r\n" if shape.encoding == "cp1252" else "\n"
    return csv_bytes(header, ([_cell(value, shape.dates) for value in row] for row in rows),
                     encoding=shape.encoding, delimiter=shape.delimiter, newline=newline)


def _xlsx_bytes(plan: OperatorFile, header: list[str], rows: Iterable[Sequence], *, title: str,
                stamp: dt.datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Operador"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    sheet = workbook.create_sheet("Hoja1")
    if plan.title_rows:
        sheet.append([title])
        for _ in range(plan.title_rows - 1):
            sheet.append([])
    sheet.append(header)
    dates = plan.shape.dates
    for row in rows:
        cells = []
        for value in row:
            value = _cell(value, dates)
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    # ExcelWriter directly: Workbook.save would stamp `modified` with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return fixed_zip_times(buffer.getvalue())


def write_bytes(out_dir: Path, relative: str, data: bytes) -> None:
    path = out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
