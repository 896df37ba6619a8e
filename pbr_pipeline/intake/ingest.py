"""Ingest: every file of one input table for one month, read once, as text with provenance.

The result holds the published columns as text (absent optional columns are empty), then
`source_file`, `source_sha256`, `source_row`, `inbox_month` and `read_error`. A file that cannot
be used at all is one row with an empty `source_row` and `read_error` saying why; a CSV record
that cannot be split into the header's columns keeps its row number and says why. Either way
the quarantine accounts for it and the rest of the month goes on.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Callable, Iterator

import polars as pl

from pbr_pipeline.intake.file_names import published_file_name
from pbr_pipeline.intake.headers import normalise_header
from pbr_pipeline.intake.readers import FileRead, UnreadableFile, read_file
from pbr_pipeline.intake.input_table import InputTable
from schemas.provenance import READ_ERROR, INBOX_MONTH, SOURCE_FILE, SOURCE_ROW, SOURCE_SHA256

Log = Callable[[str], None]



@dataclass(frozen=True)
class FileReport:
    """How one file was read; no cell values, so it is safe for logs and metadata."""

    source_file: str
    sha256: str
    rows: int
    """Rows this file contributes to the raw table (1 for a file-level error)."""
    file_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    blank_rows: int = 0
    ignored_columns: tuple[str, ...] = ()
    error: str | None = None
    """Why the whole file was rejected, if it was."""
    notes: tuple[str, ...] = ()
    """What the reader decided about the file (RIPS JSON: how codSexo was read), in counts."""


@dataclass(frozen=True)
class IngestedTable:
    frame: pl.DataFrame
    files: tuple[FileReport, ...]
    skipped: tuple[str, ...] = ()
    """Paths passed over on purpose: hidden files and spreadsheet lock files."""


def raw_schema(table: InputTable) -> pl.Schema:
    columns = {name: pl.String() for name in table.published_columns}
    columns |= {
        SOURCE_FILE: pl.String(),
        SOURCE_SHA256: pl.String(),
        SOURCE_ROW: pl.Int64(),
        INBOX_MONTH: pl.String(),
        READ_ERROR: pl.String(),
    }
    return pl.Schema(columns)


_MONTH_FOLDER = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def inbox_months(data_dir: Path) -> list[str]:
    """The months that have an inbox folder, oldest first."""
    inbox = data_dir / "inbox"
    if not inbox.is_dir():
        return []
    return sorted(path.name for path in inbox.iterdir() if path.is_dir() and _MONTH_FOLDER.match(path.name))


def table_files(data_dir: Path, month: str, table: InputTable) -> list[Path]:
    """The files of `table` that the city knows for `month`, in a stable order."""
    if table.inbox_folder is not None:
        folder = data_dir / "inbox" / month / table.inbox_folder
        candidates = folder.iterdir() if folder.is_dir() else []
    else:
        folder = data_dir / "reference"
        candidates = folder.glob(f"{table.reference_name}.*") if folder.is_dir() else []
    return sorted((path for path in candidates if path.is_file()), key=lambda path: path.name)


def json_format(table: InputTable) -> str | None:
    """The JSON document `table`'s files may also be (`rips`), as its model declares in
    `Config.metadata["json_format"]`; None: the table takes no JSON."""
    return (getattr(table.model.__config__, "metadata", None) or {}).get("json_format")


def _is_skipped(path: Path) -> bool:
    # `~$name.xlsx` is the lock file Excel leaves beside an open workbook.
    return path.name.startswith((".", "~$"))


PARALLEL_READ_BYTES = 64 * 1024 * 1024
"""A table's month of files at least this large is read on every core, a file per worker
process (a month of RIPS is hundreds of files and about a gigabyte, parsed in Python); a
smaller month is read in this process, where starting workers would cost more than it saves."""


def read_workers(paths: list[Path], parallel_bytes: int = PARALLEL_READ_BYTES) -> int:
    """How many processes read `paths`: every core for a large month of files, else one."""
    if len(paths) < 2 or sum(path.stat().st_size for path in paths) < parallel_bytes:
        return 1
    return max(1, min(len(paths), os.cpu_count() or 1))


def ingest_table(data_dir: Path, month: str, table: InputTable, log: Log | None = None,
                 parallel_bytes: int = PARALLEL_READ_BYTES) -> IngestedTable:
    """Read every file of `table` for `month` into one raw frame (in file order, whichever
    process read each file)."""
    frames: list[pl.DataFrame] = []
    reports: list[FileReport] = []
    skipped: list[str] = []
    to_read: list[tuple[Path, str]] = []
    for path in table_files(data_dir, month, table):
        relative = path.relative_to(data_dir).as_posix()
        if _is_skipped(path):
            skipped.append(published_file_name(relative, "", table))
        else:
            to_read.append((path, relative))
    workers = read_workers([path for path, _ in to_read], parallel_bytes)
    if log is not None and workers > 1:
        log(f"{table.name}: reading {len(to_read):,} files in {workers} processes")
    for (_, relative), (frame, report, seconds) in zip(to_read, _read_all(to_read, month, table, workers, log), strict=True):
        frames.append(frame)
        reports.append(report)
        if log is not None:
            outcome = f"rejected whole: {report.error}" if report.error else f"{report.rows:,} rows"
            outcome += "".join(f"; {note}" for note in report.notes)
            shown = published_file_name(relative, report.sha256, table)
            log(f"{table.name}: read {shown} ({outcome}) in {seconds:.1f} s")
    schema = raw_schema(table)
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=schema)
    return IngestedTable(frame=frame, files=tuple(reports), skipped=tuple(skipped))


def _read_all(to_read: list[tuple[Path, str]], month: str, table: InputTable, workers: int,
              log: Log | None = None) -> Iterator[tuple[pl.DataFrame, FileReport, float]]:
    """Each file's frame, report and reading time, in the order of `to_read`."""
    paths, relatives = [path for path, _ in to_read], [relative for _, relative in to_read]
    done = 0
    if workers > 1:
        try:
            # Spawned, not forked: a fork of a process whose polars threads are running can hang.
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                for result in pool.map(_ingest_timed, paths, relatives, repeat(month), repeat(table)):
                    yield result
                    done += 1
        except BrokenProcessPool:
            # A worker that died (out of memory, or a script without a `__main__` guard) loses
            # nothing: the files it had not returned are read here, one after another.
            if log is not None:
                log(f"{table.name}: a reading process stopped; the {len(paths) - done:,} files left are read in this process")
    yield from map(_ingest_timed, paths[done:], relatives[done:], repeat(month), repeat(table))


def _ingest_timed(path: Path, relative: str, month: str, table: InputTable) -> tuple[pl.DataFrame, FileReport, float]:
    started = time.perf_counter()
    frame, report = _ingest_file(path, relative, month, table)
    return frame, report, time.perf_counter() - started


def _ingest_file(path: Path, relative: str, month: str, table: InputTable) -> tuple[pl.DataFrame, FileReport]:
    content = path.read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    provenance = {SOURCE_FILE: relative, SOURCE_SHA256: sha256, INBOX_MONTH: month}

    def rejected_whole(error: str, read: FileRead | None = None, ignored: tuple[str, ...] = ()):
        row = {name: None for name in table.published_columns} | provenance | {SOURCE_ROW: None, READ_ERROR: error}
        report = FileReport(relative, sha256, rows=1, error=error, ignored_columns=ignored, **_how_read(read))
        return pl.DataFrame([row], schema=raw_schema(table)), report

    try:
        read = read_file(content, path.name, table.required_columns, json_format=json_format(table))
    except UnreadableFile as problem:
        return rejected_whole(str(problem))

    by_normalised: dict[str, str] = {}
    ignored: list[str] = []
    for header in read.frame.columns:
        if header in (SOURCE_ROW, READ_ERROR):
            continue
        name = normalise_header(header)
        if name in by_normalised:
            return rejected_whole(f"columns {by_normalised[name]!r} and {header!r} both read as {name!r}; keep one", read)
        if name in table.published_columns:
            by_normalised[name] = header
        else:
            ignored.append(header)
    missing = [name for name in table.required_columns if name not in by_normalised]
    if missing:
        return rejected_whole(
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
            f"none of the file's {read.frame.height:,} rows were taken",
            read,
            tuple(ignored),
        )

    frame = read.frame.select(
        *(
            pl.col(by_normalised[name]).alias(name) if name in by_normalised else pl.lit(None, pl.String).alias(name)
            for name in table.published_columns
        ),
        pl.lit(relative, pl.String).alias(SOURCE_FILE),
        pl.lit(sha256, pl.String).alias(SOURCE_SHA256),
        pl.col(SOURCE_ROW),
        pl.lit(month, pl.String).alias(INBOX_MONTH),
        pl.col(READ_ERROR) if READ_ERROR in read.frame.columns else pl.lit(None, pl.String).alias(READ_ERROR),
    )
    report = FileReport(relative, sha256, rows=frame.height, ignored_columns=tuple(ignored), **_how_read(read))
    return frame.cast(raw_schema(table)), report


def _how_read(read: FileRead | None) -> dict:
    if read is None:
        return {}
    return {
        "file_format": read.file_format,
        "encoding": read.encoding,
        "delimiter": read.delimiter,
        "header_row": read.header_row,
        "blank_rows": read.blank_rows,
        "notes": read.notes,
    }
