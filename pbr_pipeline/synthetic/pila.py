"""Monthly `pila` extracts as the city receives them, streamed to disk period by period.

Names come as the contribution system holds them: upper case, for some people without
accents, a few with the surnames swapped or without the second given name. No birth date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from . import names
from .employment import Employers, Spells
from .inbox import FileRecord
from .invalid import InvalidRow
from .layout import PILA, PilaFile
from .population import DOC_TYPES, Population
from .registry import Knowledge, PeriodRows, period_rows
from .timeline import Timeline, date_series, index_month, last_day

PILA_COLUMNS: tuple[str, ...] = (
    "tipo_documento", "numero_documento", "primer_nombre", "segundo_nombre", "primer_apellido",
    "segundo_apellido", "periodo", "nit_aportante", "tipo_cotizante", "dias_cotizados", "salario_basico", "ibc",
    "novedad_ing", "fecha_ingreso", "novedad_ret", "fecha_retiro",
)
SCHEMA = pa.schema([
    *((name, pa.string()) for name in PILA_COLUMNS[:8]),
    ("tipo_cotizante", pa.int16()), ("dias_cotizados", pa.int16()), ("salario_basico", pa.int64()),
    ("ibc", pa.int64()), ("novedad_ing", pa.string()), ("fecha_ingreso", pa.date32()),
    ("novedad_ret", pa.string()), ("fecha_retiro", pa.date32()),
])
AMOUNTS = ("salario_basico", "ibc")


@dataclass(frozen=True)
class RegistryNames:
    """Per person, the four name columns as the registry spells them."""

    columns: dict[str, pl.Series]

    @classmethod
    def build(cls, rng: np.random.Generator, population: Population) -> "RegistryNames":
        size = population.size
        variant = names.variant(0, rng.random(size) < 0.35)
        swap = (rng.random(size) < 0.03) & (population.surname2 >= 0)
        drop = rng.random(size) < 0.08
        given, surnames = names.spellings(names.GIVEN), names.spellings(names.SURNAMES)
        return cls({
            "primer_nombre": names.spell(given, len(names.GIVEN), population.given1, variant),
            "segundo_nombre": names.spell(given, len(names.GIVEN), np.where(drop, -1, population.given2), variant),
            "primer_apellido": names.spell(surnames, len(names.SURNAMES),
                                           np.where(swap, population.surname2, population.surname1), variant),
            "segundo_apellido": names.spell(surnames, len(names.SURNAMES),
                                            np.where(swap, population.surname1, population.surname2), variant),
        })


def rows_frame(rows: PeriodRows, population: Population, registry_names: RegistryNames,
               employers: Employers) -> pl.DataFrame:
    """Typed frame of PILA rows (the Parquet schema)."""
    person = rows.person
    doc_type = np.array(DOC_TYPES)[population.doc_type_at(person, np.full(rows.size, last_day(rows.period)))]
    frame = {
        "tipo_documento": pl.Series(doc_type, dtype=pl.String),
        "numero_documento": pl.Series(population.doc_number[person], dtype=pl.String),
        **{name: series.gather(person) for name, series in registry_names.columns.items()},
        "periodo": pl.Series([index_month(rows.period)] * rows.size, dtype=pl.String),
        "nit_aportante": pl.Series(employers.written(rows.employer), dtype=pl.String),
        "tipo_cotizante": pl.Series(rows.tipo, dtype=pl.Int16),
        "dias_cotizados": pl.Series(rows.days, dtype=pl.Int16),
        "salario_basico": pl.Series(rows.salary, dtype=pl.Int64),
        "ibc": pl.Series(rows.ibc, dtype=pl.Int64),
        "novedad_ing": _flag(rows.ingreso >= 0),
        "fecha_ingreso": date_series(rows.ingreso),
        "novedad_ret": _flag(rows.retiro >= 0),
        "fecha_retiro": date_series(rows.retiro),
    }
    return pl.DataFrame(frame).select(PILA_COLUMNS)


def _flag(present: np.ndarray) -> pl.Series:
    """A novelty column: `X` where the novelty applies, empty elsewhere."""
    return pl.select(pl.when(pl.Series(present)).then(pl.lit("X")).otherwise(None)).to_series()


def as_text(frame: pl.DataFrame, dotted: bool) -> pl.DataFrame:
    """Every cell as CSV text; amounts in Spanish locale (`1.300.000`) when `dotted`."""
    def amount(name: str) -> pl.Expr:
        text = pl.col(name).cast(pl.String)
        if dotted:
            text = text.str.reverse().str.extract_all(r"\d{1,3}").list.join(".").str.reverse()
        return text.alias(name)

    return frame.select(
        *(amount(name) if name in AMOUNTS else pl.col(name).cast(pl.String) for name in PILA_COLUMNS)
    )


@dataclass(frozen=True)
class ExtractWritten:
    record: FileRecord
    invalid_rows: dict[int, int]
    """Invalid row id -> source row (CSV: header is row 1)."""


def write_extract(out_dir: Path, plan: PilaFile, timeline: Timeline, *, spells: Spells, population: Population,
                  registry_names: RegistryNames, employers: Employers, knowledge: Knowledge,
                  invalid: list[InvalidRow], progress: Callable[[str], None]) -> ExtractWritten:
    """Write the extract of one inbox month: its period (all history in the first month), then
    the rows that arrive late or corrected, then any invalid rows meant for validation."""
    month = plan.month
    periods = range(timeline.period0, timeline.first) if month == timeline.first else [month - 1]
    path = out_dir / plan.path
    path.parent.mkdir(parents=True, exist_ok=True)
    chunks = (_period_chunk(period, spells, population, registry_names, employers, knowledge) for period in periods)
    extra = _special_chunk(month, spells, population, registry_names, employers, knowledge)
    written = 0
    invalid_rows: dict[int, int] = {}
    if invalid and plan.fmt != "csv":
        raise ValueError("invalid registry rows go to a CSV extract (Parquet types would refuse them)")
    if plan.fmt == "parquet":
        with pq.ParquetWriter(path, SCHEMA, compression="zstd") as writer:
            for chunk in (*chunks, extra):
                if chunk.height:
                    writer.write_table(chunk.to_arrow().cast(SCHEMA))
                    written += chunk.height
    else:
        with path.open("wb") as handle:
            handle.write((plan.delimiter.join(PILA_COLUMNS) + "\n").encode("utf-8"))
            for chunk in (*chunks, extra):
                as_text(chunk, plan.dotted).write_csv(handle, include_header=False, separator=plan.delimiter,
                                                      null_value="")
                written += chunk.height
            if invalid:
                rows = pl.DataFrame([{name: row.values.get(name) for name in PILA_COLUMNS} for row in invalid],
                                    schema={name: pl.String for name in PILA_COLUMNS})
                rows.write_csv(handle, include_header=False, separator=plan.delimiter, null_value="")
                for offset, row in enumerate(invalid):
                    invalid_rows[row.id] = written + offset + 2
                written += len(invalid)
    progress(f"{index_month(month)}: pila {written:,} rows")
    csv_file = plan.fmt == "csv"
    record = FileRecord(plan.path, PILA, index_month(month), "", plan.fmt, "utf-8" if csv_file else "",
                        plan.delimiter or "", 1 if csv_file else None, "iso", written)
    return ExtractWritten(record, invalid_rows)


def _period_chunk(period, spells, population, registry_names, employers, knowledge) -> pl.DataFrame:
    rows = period_rows(spells, period)
    replaced = knowledge.replaced_in_period(period)
    if replaced:
        # Late rows are held back; corrected rows go out in their first version.
        ibc = rows.ibc.copy()
        for spell, version in replaced.items():
            if version is not None:
                ibc[rows.spell == spell] = version.ibc
        late = [spell for spell, version in replaced.items() if version is None]
        rows = replace(rows, ibc=ibc).take(np.flatnonzero(~np.isin(rows.spell, late)))
    return rows_frame(rows, population, registry_names, employers)


def _special_chunk(month, spells, population, registry_names, employers, knowledge) -> pl.DataFrame:
    """Rows of earlier periods this extract carries: late arrivals and corrected versions."""
    by_period: dict[int, dict[int, int]] = {}
    for row, version in knowledge.special_in(month):
        by_period.setdefault(row.period, {})[row.spell] = version.ibc
    frames = []
    for period in sorted(by_period):
        rows = period_rows(spells, period)
        wanted = by_period[period]
        rows = rows.take(np.flatnonzero(np.isin(rows.spell, list(wanted))))
        rows = replace(rows, ibc=np.array([wanted[spell] for spell in rows.spell.tolist()], dtype=np.int64))
        frames.append(rows_frame(rows, population, registry_names, employers))
    if not frames:
        empty = period_rows(spells, month - 1).take(np.zeros(0, dtype=np.int64))
        return rows_frame(empty, population, registry_names, employers)
    return pl.concat(frames)
