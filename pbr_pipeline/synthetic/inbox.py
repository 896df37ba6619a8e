"""Operator files in the inbox: the rows each file holds, their row numbers, and the bytes.

Row numbers are fixed before anything is written, because the ground truth names claims by
file and row and the verdict order depends on them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Protocol

import numpy as np
import polars as pl

from pbr_pipeline.core.months import month_start

from . import claims as claim_kinds
from . import noise
from .claims import OUTCOMES, PROGRAMME, Claims
from .invalid import BrokenFile, InvalidRow
from .layout import CLAIMS, ROSTERS, Layout
from .noise import Noise
from .population import Population
from .rosters import ROSTER_COLUMNS, Roster, written_roster
from .timeline import date_series, index_month
from .writers import operator_file_bytes, write_bytes

CLAIM_COLUMNS: tuple[str, ...] = (
    "operador", "programa", "tipo_documento", "numero_documento", "resultado", "fecha_resultado", "soporte",
)


class ClaimColumns(Protocol):
    """What `claim_rows` reads of a programme's claims (each programme has its own `Claims`)."""

    op: np.ndarray
    month: np.ndarray
    order: np.ndarray
    doc_type: np.ndarray
    doc_number: np.ndarray
    fecha: np.ndarray
    soporte: np.ndarray

    @property
    def size(self) -> int: ...


@dataclass(frozen=True)
class FileRecord:
    """One inbox file, as `ground_truth/files.csv` lists it."""

    path: str
    kind: str
    month: str
    operador: str
    format: str
    encoding: str
    delimiter: str
    header_row: int | None
    """Row of the header (CSV 1; XLSX below any title rows); None for Parquet."""
    date_style: str
    data_rows: int
    broken: bool = False


def claims_frame(claims: Claims, codes: tuple[str, ...], layout: Layout) -> pl.DataFrame:
    """Every valid EMPLEO claim row as written (see `claim_rows`), with the labels of the noise
    in its document (`noise`)."""
    return claim_rows(claims, codes, layout, programme=PROGRAMME, resultado=np.array(OUTCOMES)[claims.outcome],
                      noise_labels=noise.labels({noise.TYPO: claims.cosmetic == claim_kinds.TYPO,
                                                 noise.WRONG_TYPE: claims.cosmetic == claim_kinds.WRONG_TYPE,
                                                 noise.PEP_TO_PT: claims.renewed}, claims.size))


def claim_rows(claims: ClaimColumns, codes: tuple[str, ...], layout: Layout, *, programme: str,
               resultado: np.ndarray | str, noise_labels: np.ndarray | str) -> pl.DataFrame:
    """Every valid claim row of `programme` as written, with its file (`path`), position key
    (`order`) and claim index (`claim`). `resultado` and `noise_labels` (the `noise` column) are
    one value per claim or one for all."""
    paths = [layout.operator_file(CLAIMS, op, month).path
             for op, month in zip(claims.op.tolist(), claims.month.tolist())]
    return pl.DataFrame({
        "path": paths,
        "order": claims.order,
        "claim": np.arange(claims.size),
        "invalid": pl.Series([None] * claims.size, dtype=pl.Int64),
        "operador": np.array(codes)[claims.op],
        "programa": programme,
        "tipo_documento": pl.Series(claims.doc_type, dtype=pl.String),
        "numero_documento": pl.Series(claims.doc_number, dtype=pl.String),
        "resultado": resultado,
        "fecha_resultado": date_series(claims.fecha),
        "soporte": pl.Series(claims.soporte, dtype=pl.String),
        "noise": noise_labels,
    })


def with_invalid_rows(frame: pl.DataFrame, rows: list[InvalidRow], kind: str, layout: Layout,
                      rng: np.random.Generator) -> pl.DataFrame:
    """Append the invalid rows meant for `kind` files, at random places in their files."""
    mine = [row for row in rows if row.kind == kind]
    if not mine:
        return frame
    top = float(frame["order"].max() or 1.0)
    extra = pl.DataFrame(
        [{"path": layout.operator_file(kind, row.op, row.month).path, "order": float(rng.random() * top),
          "invalid": row.id, **row.values} for row in mine],
    )
    extra = extra.with_columns(
        *(pl.col(name).cast(frame.schema[name]) for name in extra.columns if name in frame.columns)
    )
    return pl.concat([frame, extra], how="diagonal_relaxed")


def number_rows(frame: pl.DataFrame, layout: Layout, kind: str) -> pl.DataFrame:
    """Sort each file's rows and give them the row number a person opening the file sees."""
    header_rows = pl.DataFrame(
        {"path": [file.path for file in layout.operator_files.values() if file.kind == kind],
         "header_row": [file.header_row for file in layout.operator_files.values() if file.kind == kind]}
    )
    return (
        frame.sort(["path", "order"])
        .join(header_rows, on="path", how="left", maintain_order="left")
        .with_columns((pl.col("header_row") + pl.int_range(1, pl.len() + 1).over("path")).alias("source_row"))
    )


def programme_rows(*, roster: Roster, population: Population, layout: Layout, codes: tuple[str, ...],
                   programme: str, noise: Noise, taken: set[str], roster_rng: np.random.Generator,
                   noise_rng: np.random.Generator, claims_written: pl.DataFrame, invalid: list[InvalidRow],
                   rng: np.random.Generator, columns: tuple[pl.Series, ...] = ()) -> dict[str, pl.DataFrame]:
    """The numbered roster and claim rows of a programme added after EMPLEO, with the invalid
    rows meant for its files (placed by `rng`). Its rosters carry the name, case and birth-date
    noise of the level, not its document noise, and the extra `columns` (one value per listing)."""
    quiet = replace(noise, roster_typo=0.0, roster_wrong_type=0.0)
    written = written_roster(roster_rng, roster, population, layout, codes, noise=quiet, noise_rng=noise_rng,
                             taken=taken, programme=programme)
    written = written.with_columns(*columns, pl.int_range(pl.len()).alias("roster"),
                                   pl.lit(None, pl.Int64).alias("invalid"))
    return {
        ROSTERS: number_rows(with_invalid_rows(written, invalid, ROSTERS, layout, rng), layout, ROSTERS),
        CLAIMS: number_rows(with_invalid_rows(claims_written, invalid, CLAIMS, layout, rng), layout, CLAIMS),
    }


def write_operator_files(out_dir: Path, layout: Layout, frames: dict[str, pl.DataFrame],
                         codes: tuple[str, ...], say: Callable[[str], None], *, programme: str = PROGRAMME,
                         roster_columns: tuple[str, ...] = ROSTER_COLUMNS) -> list[FileRecord]:
    """Write every roster and claims file that has rows (an operator with nothing to report in
    a month sends nothing). Frames must be numbered already."""
    records = []
    columns = {ROSTERS: roster_columns, CLAIMS: CLAIM_COLUMNS}
    parts = {kind: frame.partition_by("path", as_dict=True) for kind, frame in frames.items()}
    for month in sorted({key[2] for key in layout.operator_files}):
        counts = {ROSTERS: 0, CLAIMS: 0}
        for (kind, op, file_month), plan in sorted(layout.operator_files.items()):
            if file_month != month or (plan.path,) not in parts[kind]:
                continue
            rows = parts[kind][(plan.path,)].sort("source_row").select(columns[kind])
            label = "INSCRITOS" if kind == ROSTERS else "REPORTE DE RESULTADOS"
            data = operator_file_bytes(plan, columns[kind], rows.iter_rows(),
                                       title=f"{label} PROGRAMA {programme} - {codes[op]} - {index_month(month)}",
                                       stamp=dt.datetime.combine(month_start(index_month(month)), dt.time()))
            write_bytes(out_dir, plan.path, data)
            counts[kind] += rows.height
            records.append(FileRecord(
                path=plan.path, kind=kind, month=index_month(month), operador=codes[op], format=plan.shape.fmt,
                encoding=plan.shape.encoding or "", delimiter=plan.shape.delimiter or "", header_row=plan.header_row,
                date_style=plan.shape.dates, data_rows=rows.height,
            ))
        prefix = "" if programme == PROGRAMME else f"{programme.lower()} "
        say(f"{index_month(month)}: {prefix}rosters {counts[ROSTERS]:,} rows, claims {counts[CLAIMS]:,} rows")
    return records


def write_broken_file(out_dir: Path, broken: BrokenFile, codes: tuple[str, ...]) -> FileRecord:
    write_bytes(out_dir, broken.path, broken.data)
    return FileRecord(broken.path, CLAIMS, index_month(broken.month), codes[broken.op], "csv", "utf-8", ",", 1, "iso",
                      broken.rows, broken=True)
