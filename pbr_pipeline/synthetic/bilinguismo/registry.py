"""Monthly `examenes_ingles` extracts as the city receives them.

One extract per inbox month, `inbox/<M>/registros/examenes_ingles/examenes_<M>.csv` or
`.parquet`: the first (with every exam dated before the first inbox month) as Parquet, the
others as CSV separated by `,` with ISO dates, or by `;` with DD/MM/YYYY dates, or as Parquet.
Ordinary rows come in date order, re-delivered (corrected) rows after them, then any rows
meant for validation to reject. Names are the testing body's (upper case, the registry's
spelling of each person); a few rows give the document alone, some lack the birth date or sex.
The document is the one the person shows on the exam date.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from ..inbox import FileRecord
from ..invalid import InvalidRow
from ..layout import EXAMS, inbox_folder
from ..pila import RegistryNames
from ..population import DOC_TYPES, Population
from ..timeline import Timeline, date_series, index_month
from .exams import MOMENTS, TESTS, ExamRows

EXAM_COLUMNS: tuple[str, ...] = (
    "tipo_documento", "numero_documento", "primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido",
    "fecha_nacimiento", "sexo", "prueba", "momento", "fecha_examen", "nivel_mcer", "puntaje", "numero_certificado",
)
SCHEMA = pa.schema([
    *((name, pa.string()) for name in EXAM_COLUMNS[:6]),
    ("fecha_nacimiento", pa.date32()), ("sexo", pa.string()), ("prueba", pa.string()), ("momento", pa.string()),
    ("fecha_examen", pa.date32()), ("nivel_mcer", pa.string()), ("puntaje", pa.int32()),
    ("numero_certificado", pa.string()),
])
_NAMES = ("primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido")


@dataclass(frozen=True)
class ExamFile:
    month: int
    path: str
    fmt: str
    """csv or parquet."""
    delimiter: str | None
    dates: str
    """iso or dmy."""

    @property
    def first_row(self) -> int:
        """Row number of the first data row (CSV: the header is row 1)."""
        return 2 if self.fmt == "csv" else 1


def plan_exam_files(rng: np.random.Generator, timeline: Timeline) -> dict[int, ExamFile]:
    files = {}
    for step, month in enumerate(timeline.inbox):
        draw = rng.random()
        if step == 0 and len(timeline.months) > 1:
            fmt, delimiter, dates = "parquet", None, "iso"
        elif step <= 1 or draw < 0.45:
            fmt, delimiter, dates = "csv", ",", "iso"
        elif draw < 0.75:
            fmt, delimiter, dates = "csv", ";", "dmy"
        else:
            fmt, delimiter, dates = "parquet", None, "iso"
        files[month] = ExamFile(month, f"{inbox_folder(month, EXAMS)}/examenes_{index_month(month)}.{fmt}", fmt,
                                delimiter, dates)
    return files


def exam_frame(rows: ExamRows, population: Population, registry_names: RegistryNames,
               rng: np.random.Generator) -> pl.DataFrame:
    """Every delivered exam row as written (typed as the Parquet schema), with `exam` (the row
    index), `person`, `delivered`, `source_file`-free ordering keys and the name noise of the
    row (`noise`)."""
    size = rows.size
    person = rows.person
    shown_type, shown_number = population.document_at(person, rows.day)
    document_only = rng.random(size) < 0.05
    no_birth = document_only | (rng.random(size) < 0.12)
    no_sex = document_only | (rng.random(size) < 0.06)

    def blank(series: pl.Series, mask: np.ndarray) -> pl.Series:
        return pl.select(pl.when(pl.Series(mask)).then(None).otherwise(series)).to_series().alias(series.name)

    frame = pl.DataFrame({
        "exam": np.arange(size),
        "person": person,
        "delivered": rows.delivered,
        "correction": rows.corrects >= 0,
        "tipo_documento": pl.Series(np.array(DOC_TYPES)[shown_type], dtype=pl.String),
        "numero_documento": pl.Series(shown_number, dtype=pl.String),
        **{name: blank(series.gather(person), document_only).alias(name)
           for name, series in registry_names.columns.items()},
        "fecha_nacimiento": blank(date_series(population.birth[person], optional=False), no_birth),
        "sexo": blank(pl.Series(np.where(population.sex[person] == 0, "F", "M")), no_sex),
        "prueba": pl.Series(np.array(TESTS)[rows.test], dtype=pl.String),
        "momento": pl.Series(np.array(MOMENTS)[rows.moment], dtype=pl.String),
        "fecha_examen": date_series(rows.day),
        "nivel_mcer": pl.Series(rows.written_level, dtype=pl.String),
        "puntaje": pl.Series(rows.score, dtype=pl.Int32).replace(-1, None),
        "numero_certificado": pl.Series(rows.certificate, dtype=pl.String).replace("", None),
        "noise": blank(registry_names.noise.gather(person), document_only).fill_null(""),
        "day": rows.day,
    })
    return frame.filter(pl.col("delivered") >= 0)


@dataclass(frozen=True)
class ExtractsWritten:
    records: list[FileRecord]
    rows: pl.DataFrame
    """The delivered rows with `source_file` and `source_row`."""
    invalid_rows: dict[int, tuple[str, int]]
    """Invalid row id -> (file, row)."""


def write_extracts(out_dir: Path, plans: dict[int, ExamFile], frame: pl.DataFrame,
                   invalid: list[InvalidRow]) -> ExtractsWritten:
    """Write every month's extract (an empty month still sends its header)."""
    records, placed, located = [], [], {}
    for month, plan in sorted(plans.items()):
        rows = (frame.filter(pl.col("delivered") == month).sort(["correction", "day", "person", "prueba", "momento"])
                .with_columns(pl.lit(plan.path).alias("source_file"),
                              (pl.int_range(pl.len()) + plan.first_row).cast(pl.Int64).alias("source_row")))
        placed.append(rows)
        mine = [row for row in invalid if row.month == month]
        path = out_dir / plan.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if plan.fmt == "parquet":
            if mine:
                raise ValueError("invalid exam rows go to a CSV extract")
            with pq.ParquetWriter(path, SCHEMA, compression="zstd") as writer:
                writer.write_table(rows.select(EXAM_COLUMNS).to_arrow().cast(SCHEMA))
        else:
            text = _as_text(rows.select(EXAM_COLUMNS), plan.dates)
            if mine:
                text = pl.concat([text, pl.DataFrame([{name: _text(row.values.get(name), plan.dates)
                                                       for name in EXAM_COLUMNS} for row in mine],
                                                     schema={name: pl.String for name in EXAM_COLUMNS})])
                for offset, row in enumerate(mine):
                    located[row.id] = (plan.path, rows.height + plan.first_row + offset)
            text.write_csv(path, separator=plan.delimiter, null_value="", line_terminator="\n")
        records.append(FileRecord(plan.path, EXAMS, index_month(month), "", plan.fmt,
                                  "utf-8" if plan.fmt == "csv" else "", plan.delimiter or "",
                                  1 if plan.fmt == "csv" else None, plan.dates, rows.height + len(mine)))
    return ExtractsWritten(records, pl.concat(placed), located)


def _as_text(frame: pl.DataFrame, dates: str) -> pl.DataFrame:
    fmt = "%d/%m/%Y" if dates == "dmy" else "%Y-%m-%d"
    return frame.select(
        pl.col(name).dt.strftime(fmt) if frame.schema[name] == pl.Date else pl.col(name).cast(pl.String)
        for name in EXAM_COLUMNS
    )


def _text(value, dates: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.strftime("%d/%m/%Y" if dates == "dmy" else "%Y-%m-%d")
