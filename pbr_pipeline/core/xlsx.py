"""XLSX files that are the same bytes for the same rows (openpyxl stamps times otherwise)."""

from __future__ import annotations

import io
import zipfile
from typing import Iterable, Sequence

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every entry dated 1980-01-01, in the same order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "hoja1") -> bytes:
    """A one-sheet workbook: the header row, then the rows (None as an empty cell)."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    # ExcelWriter directly: Workbook.save would stamp `modified` with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return fixed_zip_times(buffer.getvalue())
