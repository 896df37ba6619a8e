"""The monthly extracts of the two registries EMPRENDIMIENTO reads.

`inbox/<M>/registros/registro_mercantil/registro_mercantil_<M>.csv`: the chamber of
commerce's matrículas of natural persons registered or changed (renewed, cancelled) in the
month before (the first extract: everything before the data set), each row the whole matrícula
as it then stands, with the merchant's names (some rows without them), the chamber's code
(`04`, Bucaramanga), the business's name now and then, and its CIIU class as four digits
(`0145` keeps its zero).

`inbox/<M>/registros/mediciones_ingreso/mediciones_emprendedores_<M>.csv`: the
programme's household income measurements, beside HABITANZA_CALLE's extract in the same folder
and in the same columns (docs/formats.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from .. import names
from ..extracts import (ExtractFile, ExtractsWritten, blank, cells, person_columns, plan_extract_files,
                        write_extracts)
from ..habitanza.registry import COLUMNS as INCOME_COLUMNS
from ..habitanza.registry import SCHEMA as INCOME_SCHEMA
from ..habitanza.registry import _cells as income_cells
from ..invalid import InvalidRow
from ..layout import BUSINESSES, INCOMES
from ..pila import RegistryNames
from ..population import Population
from ..timeline import Timeline, date_series
from .rows import BUSINESS_KINDS, Incomes, Matriculas

BUSINESS_REGISTRY = BUSINESSES
COLUMNS: tuple[str, ...] = (
    "tipo_documento", "numero_documento", "primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido",
    "codigo_camara", "matricula", "razon_social", "fecha_matricula", "estado_matricula", "ultimo_ano_renovado",
    "fecha_renovacion", "fecha_cancelacion", "cod_ciiu",
)
SCHEMA = pa.schema([
    *((name, pa.string()) for name in COLUMNS[:9]),
    ("fecha_matricula", pa.date32()), ("estado_matricula", pa.string()), ("ultimo_ano_renovado", pa.int16()),
    ("fecha_renovacion", pa.date32()), ("fecha_cancelacion", pa.date32()), ("cod_ciiu", pa.string()),
])


def plan_business_files(rng: np.random.Generator, timeline: Timeline) -> dict[int, ExtractFile]:
    """The chamber sends a CSV every month, the first with every matrícula before the data set."""
    return plan_extract_files(rng, timeline, BUSINESS_REGISTRY, BUSINESS_REGISTRY, (0.5, 1.0), first_parquet=False)


def plan_income_files(rng: np.random.Generator, timeline: Timeline) -> dict[int, ExtractFile]:
    """The programme's extracts are small: every one a CSV, even the first."""
    return plan_extract_files(rng, timeline, INCOMES, "mediciones_emprendedores", (0.5, 1.0), first_parquet=False)


def business_frame(rows: Matriculas, population: Population, registry_names: RegistryNames,
                   rng: np.random.Generator) -> pl.DataFrame:
    """Every delivered matrícula version as written (typed as the Parquet schema), with `row`,
    `person`, `delivered`, `correction` (a later version), `day` and the name noise of the row."""
    size = rows.size
    person = rows.person
    document_only = rng.random(size) < 0.1
    named = rng.random(size) < 0.6
    given = names.spellings(names.GIVEN)
    owner_name = names.spell(given, len(names.GIVEN), population.given1[person], np.zeros(size, dtype=np.int64))
    business = np.array([kind for kind, _ in BUSINESS_KINDS], dtype=object)[rows.kind]
    razon = pl.Series([f"{kind} {name}" for kind, name in zip(business.tolist(), owner_name.to_list())],
                      dtype=pl.String)
    frame = pl.DataFrame({
        "row": np.arange(size),
        "person": person,
        "delivered": rows.delivered,
        "correction": rows.version > 0,
        **{name: series for name, series in person_columns(
            person, rows.registered, population, registry_names, document_only=document_only,
            no_birth=np.ones(size, dtype=bool), no_sex=np.ones(size, dtype=bool)).items()
           if name not in ("fecha_nacimiento", "sexo")},
        "codigo_camara": blank(pl.Series(["04"] * size, dtype=pl.String), rng.random(size) < 0.1),
        "matricula": pl.Series(rows.number, dtype=pl.String),
        "razon_social": blank(razon, ~named).alias("razon_social"),
        "fecha_matricula": date_series(rows.registered),
        "estado_matricula": pl.Series(rows.status, dtype=pl.String),
        "ultimo_ano_renovado": pl.Series(rows.renewed_for, dtype=pl.Int16).replace(-1, None),
        "fecha_renovacion": date_series(rows.renewed_on),
        "fecha_cancelacion": date_series(rows.cancelled_on),
        "cod_ciiu": pl.Series(np.array([code for _, code in BUSINESS_KINDS], dtype=object)[rows.kind], dtype=pl.String),
        "day": rows.registered,
    })
    return frame


def write_business_extracts(out_dir: Path, plans: dict[int, ExtractFile], frame: pl.DataFrame,
                            invalid: list[InvalidRow]) -> ExtractsWritten:
    """Write every month's extract (an empty month still sends its header): new matrículas in
    the order of their registration, changed ones after them."""
    return write_extracts(out_dir, plans, frame, invalid, kind=BUSINESS_REGISTRY, columns=COLUMNS, schema=SCHEMA,
                          order=("day", "person"), as_text=cells)


def income_frame(rows: Incomes, population: Population, registry_names: RegistryNames,
                 rng: np.random.Generator) -> pl.DataFrame:
    """Every delivered income measurement as written (the columns of HABITANZA_CALLE's extract):
    the programme's follow-up surveys give the document alone more often than not."""
    size = rows.size
    person = rows.person
    document_only = rng.random(size) < 0.5
    frame = pl.DataFrame({
        "row": np.arange(size),
        "person": person,
        "delivered": rows.delivered,
        "correction": np.zeros(size, dtype=bool),
        **person_columns(person, rows.day, population, registry_names, document_only=document_only,
                         no_birth=document_only | (rng.random(size) < 0.1), no_sex=document_only),
        "fecha_medicion": date_series(rows.day),
        "ingreso_mensual_hogar": pl.Series(rows.income, dtype=pl.Int64),
        "personas_hogar": pl.Series(rows.members, dtype=pl.Int16),
        "fuente": pl.Series(np.where(rows.role == 0, "LINEA DE BASE EMPRENDIMIENTO", "SEGUIMIENTO EMPRENDIMIENTO"),
                            dtype=pl.String),
        "day": rows.day,
    })
    return frame.filter(pl.col("delivered") >= 0)


def write_income_extracts(out_dir: Path, plans: dict[int, ExtractFile], frame: pl.DataFrame) -> ExtractsWritten:
    return write_extracts(out_dir, plans, frame, [], kind=INCOMES, columns=INCOME_COLUMNS, schema=INCOME_SCHEMA,
                          order=("day", "person"), as_text=income_cells)
