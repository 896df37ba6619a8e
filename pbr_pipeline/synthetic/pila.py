"""Monthly `pila` extracts as the city receives them, streamed to disk period by period.

Names come as the contribution system holds them: upper case, for some people without
accents, a few with the surnames swapped or without the second given name or surname (the
rates of a `Noise` level). No birth date. The document is the one the person shows on the
last day of the period: a TI holder's CC from the 18th birthday, a renewed PEP holder's PT.
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
from .noise import (ACCENTS_DROPPED, MISSING_SECOND_GIVEN, MISSING_SECOND_SURNAME, PEP_TO_PT, SWAPPED_SURNAMES, Noise,
                    at_least_one, labels, pick)
from .population import DOC_TYPES, NEVER, Population
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
    """Per person, the four name columns as the registry spells them, and the noise in them."""

    columns: dict[str, pl.Series]
    noise: pl.Series
    """Per person, the noise labels of the names (`swapped_surnames|accents_dropped`)."""

    @classmethod
    def build(cls, rng: np.random.Generator, population: Population, noise: Noise,
              noise_rng: np.random.Generator) -> "RegistryNames":
        """`rng` draws what the registry names always had, `noise_rng` the kinds added later."""
        size = population.size
        everyone = np.ones(size, dtype=bool)
        has_given2, has_surname2 = population.given2 >= 0, population.surname2 >= 0
        strip = at_least_one(noise_rng, rng.random(size) < noise.registry_accents_dropped, everyone,
                             noise.registry_accents_dropped)
        variant = names.variant(0, strip)
        swap = at_least_one(noise_rng, rng.random(size) < noise.registry_swapped_surnames, has_surname2,
                            noise.registry_swapped_surnames) & has_surname2
        drop = at_least_one(noise_rng, rng.random(size) < noise.registry_missing_second_given, has_given2,
                            noise.registry_missing_second_given)
        no_surname2 = pick(noise_rng, has_surname2, noise.registry_missing_second_surname)
        given2 = np.where(drop, -1, population.given2)
        surname1 = np.where(swap, population.surname2, population.surname1)
        surname2 = np.where(no_surname2, -1, np.where(swap, population.surname1, population.surname2))
        given, surnames = names.spellings(names.GIVEN), names.spellings(names.SURNAMES)
        flags = {
            SWAPPED_SURNAMES: names.visibly_swapped(swap, population.surname1, population.surname2, strip),
            MISSING_SECOND_GIVEN: drop & has_given2, MISSING_SECOND_SURNAME: no_surname2,
            ACCENTS_DROPPED: strip & names.any_accented(population.given1, given2, surname1, surname2),
        }
        return cls({
            "primer_nombre": names.spell(given, len(names.GIVEN), population.given1, variant),
            "segundo_nombre": names.spell(given, len(names.GIVEN), given2, variant),
            "primer_apellido": names.spell(surnames, len(names.SURNAMES), surname1, variant),
            "segundo_apellido": names.spell(surnames, len(names.SURNAMES), surname2, variant),
        }, labels(flags, size))


def rows_frame(rows: PeriodRows, population: Population, registry_names: RegistryNames,
               employers: Employers) -> pl.DataFrame:
    """Typed frame of PILA rows (the Parquet schema)."""
    person = rows.person
    shown_type, shown_number = population.document_at(person, np.full(rows.size, last_day(rows.period)))
    frame = {
        "tipo_documento": pl.Series(np.array(DOC_TYPES)[shown_type], dtype=pl.String),
        "numero_documento": pl.Series(shown_number, dtype=pl.String),
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


class Identities:
    """The first row of every PILA identity, a person under one document (the one held at
    the start, or the later one: a TI holder's CC, a renewed PEP holder's PT), as extracts are
    written oldest first. The names of an identity are the person's registry names."""

    def __init__(self, people: int) -> None:
        self.file = np.full(2 * people, -1, dtype=np.int64)
        self.row = np.full(2 * people, -1, dtype=np.int64)
        self.paths: list[str] = []

    def see(self, path: str, person: np.ndarray, variant: np.ndarray, first_row: int) -> None:
        """Rows `first_row`, `first_row + 1`, ... of `path` are about these persons."""
        if not self.paths or self.paths[-1] != path:
            self.paths.append(path)
        code = np.asarray(person, dtype=np.int64) * 2 + variant
        unique, first = np.unique(code, return_index=True)
        new = self.file[unique] < 0
        self.file[unique[new]] = len(self.paths) - 1
        self.row[unique[new]] = first_row + first[new]

    def frame(self, population: Population, registry_names: RegistryNames) -> pl.DataFrame:
        """One record per identity seen, in the order of their first rows."""
        code = np.flatnonzero(self.file >= 0)
        code = code[np.lexsort((self.row[code], self.file[code]))]
        person, variant = code // 2, code % 2
        # The later document shows from the 18th birthday or the renewal, whichever applies.
        later = np.where(population.renewal[person] != NEVER, population.renewal[person], population.adult[person])
        shown_type, shown_number = population.document_at(person, np.where(variant == 1, later, -10 ** 6))
        renewed = (variant == 1) & (population.renewal[person] != NEVER)
        noise = registry_names.noise.gather(person)
        noise = pl.select(pl.when(pl.Series(renewed)).then(
            pl.concat_str([pl.lit(PEP_TO_PT), noise], separator="|").str.strip_chars_end("|")).otherwise(noise)
        ).to_series()
        paths = np.array(self.paths, dtype=object)[self.file[code]]
        return pl.DataFrame({
            "source": PILA,
            "source_file": pl.Series(paths, dtype=pl.String),
            "source_row": pl.Series(self.row[code], dtype=pl.Int64),
            "person_id": population.person_ids(person),
            "tipo_documento": pl.Series(np.array(DOC_TYPES)[shown_type], dtype=pl.String),
            "numero_documento": pl.Series(shown_number, dtype=pl.String),
            **{name: series.gather(person) for name, series in registry_names.columns.items()},
            "noise": noise,
        })


def write_extract(out_dir: Path, plan: PilaFile, timeline: Timeline, *, spells: Spells, population: Population,
                  registry_names: RegistryNames, employers: Employers, knowledge: Knowledge,
                  invalid: list[InvalidRow], identities: Identities,
                  progress: Callable[[str], None]) -> ExtractWritten:
    """Write the extract of one inbox month: its period (all history in the first month), then
    the rows that arrive late or corrected, then any invalid rows meant for validation. Every
    row's identity goes to `identities`."""
    month = plan.month
    periods = range(timeline.period0, timeline.first) if month == timeline.first else [month - 1]
    path = out_dir / plan.path
    path.parent.mkdir(parents=True, exist_ok=True)
    chunks = (_period_chunk(period, spells, knowledge) for period in periods)
    extra = _special_chunk(month, spells, knowledge)
    written = 0
    invalid_rows: dict[int, int] = {}
    csv_file = plan.fmt == "csv"
    first_row = 2 if csv_file else 1
    if invalid and not csv_file:
        raise ValueError("invalid registry rows go to a CSV extract (Parquet types would refuse them)")

    def frames():
        """Each period's rows as one chunk, then the late and corrected rows as one."""
        nonlocal written
        for group in (*([rows] for rows in chunks), extra):
            parts = []
            for rows in group:
                if rows.size:
                    shown = population.shown_variant(rows.person, np.full(rows.size, int(last_day(rows.period))))
                    identities.see(plan.path, rows.person, shown, written + first_row + sum(p.height for p in parts))
                    parts.append(rows_frame(rows, population, registry_names, employers))
            if parts:
                frame = pl.concat(parts) if len(parts) > 1 else parts[0]
                yield frame
                written += frame.height

    if plan.fmt == "parquet":
        with pq.ParquetWriter(path, SCHEMA, compression="zstd") as writer:
            for chunk in frames():
                writer.write_table(chunk.to_arrow().cast(SCHEMA))
    else:
        with path.open("wb") as handle:
            handle.write((plan.delimiter.join(PILA_COLUMNS) + "\n").encode("utf-8"))
            for chunk in frames():
                as_text(chunk, plan.dotted).write_csv(handle, include_header=False, separator=plan.delimiter,
                                                      null_value="")
            if invalid:
                rows = pl.DataFrame([{name: row.values.get(name) for name in PILA_COLUMNS} for row in invalid],
                                    schema={name: pl.String for name in PILA_COLUMNS})
                rows.write_csv(handle, include_header=False, separator=plan.delimiter, null_value="")
                for offset, row in enumerate(invalid):
                    invalid_rows[row.id] = written + offset + first_row
                written += len(invalid)
    progress(f"{index_month(month)}: pila {written:,} rows")
    record = FileRecord(plan.path, PILA, index_month(month), "", plan.fmt, "utf-8" if csv_file else "",
                        plan.delimiter or "", 1 if csv_file else None, "iso", written)
    return ExtractWritten(record, invalid_rows)


def _period_chunk(period, spells, knowledge) -> PeriodRows:
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
    return rows


def _special_chunk(month, spells, knowledge) -> list[PeriodRows]:
    """Rows of earlier periods this extract carries: late arrivals and corrected versions,
    one group per period."""
    by_period: dict[int, dict[int, int]] = {}
    for row, version in knowledge.special_in(month):
        by_period.setdefault(row.period, {})[row.spell] = version.ibc
    groups = []
    for period in sorted(by_period):
        rows = period_rows(spells, period)
        wanted = by_period[period]
        rows = rows.take(np.flatnonzero(np.isin(rows.spell, list(wanted))))
        groups.append(replace(rows, ibc=np.array([wanted[spell] for spell in rows.spell.tolist()], dtype=np.int64)))
    return groups
