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

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from ..extracts import ExtractFile, ExtractsWritten, cells, person_columns, plan_extract_files, write_extracts
from ..invalid import InvalidRow
from ..layout import EXAMS
from ..pila import RegistryNames
from ..population import Population
from ..timeline import Timeline, date_series
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


def plan_exam_files(rng: np.random.Generator, timeline: Timeline) -> dict[int, ExtractFile]:
    return plan_extract_files(rng, timeline, EXAMS, "examenes", (0.45, 0.75))


def exam_frame(rows: ExamRows, population: Population, registry_names: RegistryNames,
               rng: np.random.Generator) -> pl.DataFrame:
    """Every delivered exam row as written (typed as the Parquet schema), with `exam` (the row
    index), `person`, `delivered`, `source_file`-free ordering keys and the name noise of the
    row (`noise`)."""
    size = rows.size
    person = rows.person
    document_only = rng.random(size) < 0.05
    no_birth = document_only | (rng.random(size) < 0.12)
    no_sex = document_only | (rng.random(size) < 0.06)
    frame = pl.DataFrame({
        "exam": np.arange(size),
        "person": person,
        "delivered": rows.delivered,
        "correction": rows.corrects >= 0,
        **person_columns(person, rows.day, population, registry_names, document_only=document_only,
                         no_birth=no_birth, no_sex=no_sex),
        "prueba": pl.Series(np.array(TESTS)[rows.test], dtype=pl.String),
        "momento": pl.Series(np.array(MOMENTS)[rows.moment], dtype=pl.String),
        "fecha_examen": date_series(rows.day),
        "nivel_mcer": pl.Series(rows.written_level, dtype=pl.String),
        "puntaje": pl.Series(rows.score, dtype=pl.Int32).replace(-1, None),
        "numero_certificado": pl.Series(rows.certificate, dtype=pl.String).replace("", None),
        "day": rows.day,
    })
    return frame.filter(pl.col("delivered") >= 0)


def write_exam_extracts(out_dir: Path, plans: dict[int, ExtractFile], frame: pl.DataFrame,
                        invalid: list[InvalidRow]) -> ExtractsWritten:
    """Write every month's extract (an empty month still sends its header)."""
    return write_extracts(out_dir, plans, frame, invalid, kind=EXAMS, columns=EXAM_COLUMNS, schema=SCHEMA,
                          order=("day", "person", "prueba", "momento"), as_text=cells)
