"""Monthly `mediciones_ingreso` extracts as the city receives them.

One extract per inbox month, `inbox/<M>/registros/mediciones_ingreso/mediciones_ingreso_<M>.csv`
or `.parquet`: the first (with every measurement dated before the first inbox month) as
Parquet, the others as CSV separated by `,` with ISO dates and plain amounts, or by `;` with
DD/MM/YYYY dates and amounts in the Spanish style (`454.440`). Ordinary rows come
in date order, re-delivered (corrected) rows after them, then any rows meant for validation to
reject. Names are the measuring body's (the registry's spelling of each person); follow-up
surveys and some other rows give the document alone, some rows lack the birth date or the
sex. The document is the one the person shows on the measurement date.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from ..claims import with_dots
from ..extracts import (ExtractFile, ExtractsWritten, blank, cells, person_columns, plan_extract_files,
                        write_extracts)
from ..invalid import InvalidRow
from ..layout import INCOMES
from ..pila import RegistryNames
from ..population import Population
from ..timeline import Timeline, date_series, index_month
from .incomes import FOLLOW_UP, Rows
from .verdicts import Key, Measurement, identity_key

COLUMNS: tuple[str, ...] = (
    "tipo_documento", "numero_documento", "primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido",
    "fecha_nacimiento", "sexo", "fecha_medicion", "ingreso_mensual_hogar", "personas_hogar", "fuente",
)
SCHEMA = pa.schema([
    *((name, pa.string()) for name in COLUMNS[:6]),
    ("fecha_nacimiento", pa.date32()), ("sexo", pa.string()), ("fecha_medicion", pa.date32()),
    ("ingreso_mensual_hogar", pa.int64()), ("personas_hogar", pa.int16()), ("fuente", pa.string()),
])


def plan_files(rng: np.random.Generator, timeline: Timeline) -> dict[int, ExtractFile]:
    return plan_extract_files(rng, timeline, INCOMES, INCOMES, (0.5, 1.0))


def rows_frame(rows: Rows, population: Population, registry_names: RegistryNames,
               rng: np.random.Generator) -> pl.DataFrame:
    """Every delivered measurement row as written (typed as the Parquet schema), with `row`
    (the row index), `person`, `delivered`, `correction`, `day` and the name noise of the row
    (`noise`)."""
    size = rows.size
    person = rows.person
    document_only = (rows.role == FOLLOW_UP) & (rng.random(size) < 0.6) | (rng.random(size) < 0.1)
    no_birth = document_only | (rng.random(size) < 0.1)
    no_sex = document_only | (rng.random(size) < 0.05)
    no_source = rng.random(size) < 0.1
    frame = pl.DataFrame({
        "row": np.arange(size),
        "person": person,
        "delivered": rows.delivered,
        "correction": rows.corrects >= 0,
        **person_columns(person, rows.day, population, registry_names, document_only=document_only,
                         no_birth=no_birth, no_sex=no_sex),
        "fecha_medicion": date_series(rows.day),
        "ingreso_mensual_hogar": pl.Series(rows.income, dtype=pl.Int64),
        "personas_hogar": pl.Series(rows.members, dtype=pl.Int16),
        "fuente": blank(pl.Series(rows.source, dtype=pl.String), no_source),
        "day": rows.day,
    })
    return frame.filter(pl.col("delivered") >= 0)


def write_income_extracts(out_dir: Path, plans: dict[int, ExtractFile], frame: pl.DataFrame,
                          invalid: list[InvalidRow]) -> ExtractsWritten:
    """Write every month's extract (an empty month still sends its header)."""
    return write_extracts(out_dir, plans, frame, invalid, kind=INCOMES, columns=COLUMNS, schema=SCHEMA,
                          order=("day", "person"), as_text=_cells)


def _cells(frame: pl.DataFrame, dates: str) -> pl.DataFrame:
    """Cells as a CSV export writes them: DD/MM/YYYY dates with Spanish thousands (`454.440`)
    in the `dmy` style, ISO dates and plain digits otherwise."""
    amount = pl.col("ingreso_mensual_hogar").cast(pl.String)
    if dates == "dmy":
        amount = amount.map_elements(with_dots, return_dtype=pl.String)
    return cells(frame, dates, {"ingreso_mensual_hogar": amount})


def delivered_measurements(extracts: ExtractsWritten) -> dict[Key, list[Measurement]]:
    """Delivered measurement rows by document as written, as the oracles read them."""
    found: dict[Key, list[Measurement]] = {}
    for kind, number, day, income, members, delivered in extracts.rows.select(
            "tipo_documento", "numero_documento", "fecha_medicion", "ingreso_mensual_hogar", "personas_hogar",
            "delivered").iter_rows():
        found.setdefault(identity_key(kind, number), []).append(
            Measurement(day, int(income), int(members), index_month(int(delivered))))
    return found
