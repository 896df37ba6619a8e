"""Read one inbox file (CSV, XLSX, Parquet, or RIPS JSON where the table takes it) into a frame
of text cells.

Every accepted shape of docs/formats.md comes out the same way: one Utf8 column per header as
written in the file, plus `source_row`, the row number a person opening the file would see
(CSV: the header line is row 1, so the first record is row 2; XLSX: the worksheet's own row
number, title rows included; Parquet: the first record is row 1; RIPS JSON: the service's
position in the file, see rips_json). Cells stay text here so that
validation can quote exactly what the operator wrote; typing happens after validation.

A file that cannot be read raises `UnreadableFile` with a sentence an operator understands.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import polars as pl

from pbr_pipeline.intake.headers import normalise_header
from schemas.provenance import READ_ERROR, SOURCE_ROW

ACCEPTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".parquet")
JSON_SUFFIX = ".json"
JSON_FORMATS = ("rips",)
"""JSON documents a table may declare (its model's `Config.metadata["json_format"]`): `rips`,
the RIPS JSON of Resolución 2275 de 2023 (pbr_pipeline.intake.rips_json)."""

_UTF8_BOM = b"\xef\xbb\xbf"
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls
_XLSX_HEADER_SEARCH_ROWS = 20


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class FileRead:
    """What was read from one file, and how."""

    frame: pl.DataFrame
    """Text columns named as in the file's header, plus `source_row`."""
    file_format: str
    """`csv`, `xlsx`, `parquet` or `json`."""
    encoding: str | None = None
    """`utf-8`, `utf-8-sig` or `cp1252` for CSV; `utf-8` or `utf-8-sig` for JSON; None otherwise."""
    delimiter: str | None = None
    header_row: int | None = 1
    """None for JSON, which has no header."""
    blank_rows: int = 0
    """Records with no value at all, skipped (spreadsheets leave them behind)."""
    notes: tuple[str, ...] = ()
    """What the reader decided about the file, in counts and never values (RIPS: sex codes)."""


def read_file(
    content: bytes, name: str, required_columns: Iterable[str], json_format: str | None = None
) -> FileRead:
    """Read a file's bytes, choosing the reader from the content and the file name.

    `required_columns` are normalised header names; an XLSX header is the first row that
    names them all, so a title row above it is skipped. `json_format` is the JSON document
    the table also takes (`rips`), if any: only then is a `.json` file read.
    """
    suffix = Path(name).suffix.lower()
    accepted = ACCEPTED_SUFFIXES + ((JSON_SUFFIX,) if json_format else ())
    if suffix not in accepted:
        takes = ".csv, .xlsx, .parquet and .json (RIPS JSON)" if json_format else ".csv, .xlsx and .parquet"
        raise UnreadableFile(f"unknown file type {suffix or '(no extension)'!r}; this folder takes {takes}")
    if not content.strip():
        raise UnreadableFile("the file is empty")
    if content.startswith(_OLE_MAGIC):
        raise UnreadableFile("this is an Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV")
    if content.startswith(_PARQUET_MAGIC):
        read = _read_parquet(content)
    elif content.startswith(_ZIP_MAGIC):
        read = _read_xlsx(content, set(required_columns))
    elif json_format and (suffix == JSON_SUFFIX or content[:4096].lstrip(_UTF8_BOM + b" \t\r\n").startswith(b"{")):
        read = _read_json(content, json_format)
    else:
        read = _read_csv(content)
    return _drop_blank_records(read)


def _read_json(content: bytes, json_format: str) -> FileRead:
    if json_format not in JSON_FORMATS:
        raise ValueError(f"unknown JSON format {json_format!r}; known: {', '.join(JSON_FORMATS)}")
    from pbr_pipeline.intake.rips_json import RipsShapeError, read_rips_json  # only RIPS folders need it

    try:
        read = read_rips_json(content)
    except RipsShapeError as problem:
        raise UnreadableFile(str(problem)) from None
    return FileRead(frame=read.frame, file_format="json", encoding=read.encoding, header_row=None, notes=read.notes)


def _read_csv(content: bytes) -> FileRead:
    text, encoding = _decode(content)
    delimiter = _sniff_delimiter(text)
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    _require_unique_headers(next(csv.reader([header_line], delimiter=delimiter), []))
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator=delimiter,
            infer_schema=False,
            has_header=True,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError:
        # Usually one record with more fields than the header (a `;` typed inside a name):
        # read record by record so only that row is refused.
        frame = _read_csv_record_by_record(text, delimiter)
    # Header line is row 1, so record i (0-based) is row i + 2; blank lines come back as
    # empty records, which keeps this count equal to what a spreadsheet shows.
    return FileRead(frame=_number_rows(frame, first=2), file_format="csv", encoding=encoding, delimiter=delimiter)


def _read_csv_record_by_record(text: str, delimiter: str) -> pl.DataFrame:
    """The slow path: Python's csv module, marking records longer than the header."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            raise UnreadableFile('a quote (") opens a value that is never closed') from error
        raise UnreadableFile(f"the CSV cannot be parsed: {error}") from error
    header, body = records[0], records[1:]
    width = len(header)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    errors: list[str | None] = []
    for record in body:
        too_long = len(record) > width
        errors.append(f"the row has {len(record)} values but the header names {width} columns" if too_long else None)
        cells = [None] * width if too_long else record + [None] * (width - len(record))
        for name, cell in zip(header, cells):
            columns[name].append(cell if cell != "" else None)
    frame = pl.DataFrame(columns, schema={name: pl.String for name in header})
    return frame.with_columns(pl.Series(READ_ERROR, errors, dtype=pl.String))


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("the file is UTF-16 text; export it as CSV UTF-8 or CSV (separated by ;)")
    if b"\x00" in content[:65536]:
        raise UnreadableFile("the file holds binary data, not CSV text; send CSV, XLSX or Parquet")
    if content.startswith(_UTF8_BOM):
        return content[len(_UTF8_BOM):].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Spanish-locale spreadsheets export Windows-1252; the five bytes it leaves undefined
        # only occur in Latin-1 files, which decode cleanly as such.
        try:
            return content.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return content.decode("latin-1"), "latin-1"


def _sniff_delimiter(text: str) -> str:
    """`;` or `,`, whichever the header line uses more often outside quotes."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {";": 0, ",": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


def _read_xlsx(content: bytes, required: set[str]) -> FileRead:
    import openpyxl  # imported here: only operator spreadsheets need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(f"the XLSX workbook cannot be opened ({type(error).__name__})") from error
    try:
        if not workbook.worksheets:
            raise UnreadableFile("the workbook has no worksheet")
        rows = workbook.worksheets[0].iter_rows(min_row=1, values_only=True)
        header_row, header = _find_xlsx_header(rows, required)
        _require_unique_headers(header)
        records = [[_cell_text(value) for value in row] for row in rows]
    finally:
        workbook.close()
    columns = {
        name: [record[i] if i < len(record) else None for record in records]
        for i, name in enumerate(header)
        if name is not None
    }
    frame = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    return FileRead(frame=_number_rows(frame, first=header_row + 1), file_format="xlsx", header_row=header_row)


def _find_xlsx_header(rows, required: set[str]) -> tuple[int, list[str]]:
    for number, row in enumerate(rows, start=1):
        names = [None if value is None else str(value) for value in row]
        found = {normalise_header(name) for name in names if name}
        if required <= found:
            # Trailing empty header cells are formatting, not columns.
            while names and names[-1] is None:
                names.pop()
            return number, [name if name is not None else f"column_{i + 1}" for i, name in enumerate(names)]
        if number >= _XLSX_HEADER_SEARCH_ROWS:
            break
    raise UnreadableFile(
        "no row among the first 20 of the first sheet names the required columns "
        + ", ".join(sorted(required))
    )


def _require_unique_headers(names: list[str]) -> None:
    """Two columns with one header would leave a reader to guess which one counts."""
    seen: set[str] = set()
    for name in (name.strip() for name in names):
        if name in seen:
            raise UnreadableFile(f"two columns are both headed {name!r}; keep one")
        seen.add(name)


def _cell_text(value) -> str | None:
    """Spreadsheet cell as the text a person sees; whole numbers lose the `.0` Excel adds."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_parquet(content: bytes) -> FileRead:
    try:
        frame = pl.read_parquet(io.BytesIO(content))
    except Exception as error:  # pyarrow/polars raise several types for a damaged file
        raise UnreadableFile(f"the Parquet file cannot be read: {_first_line(error)}") from error
    frame = frame.select(_as_text(name, dtype) for name, dtype in frame.schema.items())
    return FileRead(frame=_number_rows(frame, first=1), file_format="parquet")


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return column.dt.date().cast(pl.String).alias(name)
    if dtype.is_float():
        # Whole floats print without a fraction, as a person reads an amount or a count.
        return (
            pl.when(column == column.round(0))
            .then(column.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(column.cast(pl.String))
            .alias(name)
        )
    return column.cast(pl.String).alias(name)


def _number_rows(frame: pl.DataFrame, first: int) -> pl.DataFrame:
    """Append `source_row`, counting from `first` for the frame's first record."""
    return frame.with_columns(pl.int_range(first, first + frame.height, dtype=pl.Int64).alias(SOURCE_ROW))


def _drop_blank_records(read: FileRead) -> FileRead:
    values = [name for name in read.frame.columns if name not in (SOURCE_ROW, READ_ERROR)]
    if not values:
        raise UnreadableFile("the file has no columns")
    blank = pl.all_horizontal(
        pl.col(name).is_null() | (pl.col(name).str.strip_chars() == "") for name in values
    )
    if READ_ERROR in read.frame.columns:
        blank = blank & pl.col(READ_ERROR).is_null()
    kept = read.frame.filter(~blank)
    if kept.height == 0:
        raise UnreadableFile("the file has a header but no data rows")
    return FileRead(
        frame=kept,
        file_format=read.file_format,
        encoding=read.encoding,
        delimiter=read.delimiter,
        header_row=read.header_row,
        blank_rows=read.frame.height - kept.height,
        notes=read.notes,
    )


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__

