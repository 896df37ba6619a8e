"""Monthly registry extracts of dated rows about people, as the English exam and the income
measurement registries send them: one file per inbox month, the first (everything dated before
the first inbox month) as Parquet, the others as CSV separated by `,` with ISO dates, or by `;`
with DD/MM/YYYY dates, or as Parquet. Ordinary rows come in the order the registry gives,
re-delivered (corrected) rows after them, then any rows meant for validation to reject (in a
CSV extract). Names are the registry's spelling of each person; some rows give the document
alone, some lack the birth date or the sex. The document is the one the person shows on the
row's date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .inbox import FileRecord
from .invalid import InvalidRow
from .layout import inbox_folder
from .pila import RegistryNames
from .population import DOC_TYPES, Population
from .timeline import Timeline, date_series, index_month


@dataclass(frozen=True)
class ExtractFile:
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


def plan_extract_files(rng: np.random.Generator, timeline: Timeline, kind: str, stem: str,
                       shares: tuple[float, float], first_parquet: bool = True) -> dict[int, ExtractFile]:
    """One extract per inbox month, `inbox/<M>/registros/<kind>/<stem>_<M>.<ext>`: the first as
    Parquet (when there are several months and `first_parquet`), the second as CSV with `,`;
    any other with `,` below a draw of `shares[0]`, with `;` and DD/MM/YYYY dates below
    `shares[1]`, else Parquet."""
    files = {}
    comma, semicolon = shares
    for step, month in enumerate(timeline.inbox):
        draw = rng.random()
        if step == 0 and len(timeline.months) > 1 and first_parquet:
            fmt, delimiter, dates = "parquet", None, "iso"
        elif step <= 1 or draw < comma:
            fmt, delimiter, dates = "csv", ",", "iso"
        elif draw < semicolon:
            fmt, delimiter, dates = "csv", ";", "dmy"
        else:
            fmt, delimiter, dates = "parquet", None, "iso"
        files[month] = ExtractFile(month, f"{inbox_folder(month, kind)}/{stem}_{index_month(month)}.{fmt}", fmt,
                                   delimiter, dates)
    return files


def blank(series: pl.Series, mask: np.ndarray) -> pl.Series:
    """`series` with nulls where `mask` is true."""
    return pl.select(pl.when(pl.Series(mask)).then(None).otherwise(series)).to_series().alias(series.name)


def person_columns(person: np.ndarray, day: np.ndarray, population: Population, registry_names: RegistryNames, *,
                   document_only: np.ndarray, no_birth: np.ndarray, no_sex: np.ndarray) -> dict[str, pl.Series]:
    """The person columns of registry rows about `person` dated `day`: the document shown that
    day, the registry's names (none where `document_only`), the birth date and the sex (none
    where `no_birth`, `no_sex`), and the name noise of each row (`noise`)."""
    shown_type, shown_number = population.document_at(person, day)
    return {
        "tipo_documento": pl.Series(np.array(DOC_TYPES)[shown_type], dtype=pl.String),
        "numero_documento": pl.Series(shown_number, dtype=pl.String),
        **{name: blank(series.gather(person), document_only).alias(name)
           for name, series in registry_names.columns.items()},
        "fecha_nacimiento": blank(date_series(population.birth[person], optional=False), no_birth),
        "sexo": blank(pl.Series(np.where(population.sex[person] == 0, "F", "M")), no_sex),
        "noise": blank(registry_names.noise.gather(person), document_only).fill_null(""),
    }


@dataclass(frozen=True)
class ExtractsWritten:
    records: list[FileRecord]
    rows: pl.DataFrame
    """The delivered rows with `source_file` and `source_row`."""
    invalid_rows: dict[int, tuple[str, int]]
    """Invalid row id -> (file, row)."""


def write_extracts(out_dir: Path, plans: dict[int, ExtractFile], frame: pl.DataFrame, invalid: list[InvalidRow], *,
                   kind: str, columns: Sequence[str], schema: pa.Schema, order: Sequence[str],
                   as_text: Callable[[pl.DataFrame, str], pl.DataFrame]) -> ExtractsWritten:
    """Write every month's extract of `frame` (its rows with `delivered`, `correction` and the
    `columns` of the registry, typed as `schema`), each in the `order` the registry gives
    (corrections last), CSV cells by `as_text`. An empty month still sends its header."""
    records, placed, located = [], [], {}
    for month, plan in sorted(plans.items()):
        rows = (frame.filter(pl.col("delivered") == month).sort(["correction", *order])
                .with_columns(pl.lit(plan.path).alias("source_file"),
                              (pl.int_range(pl.len()) + plan.first_row).cast(pl.Int64).alias("source_row")))
        placed.append(rows)
        mine = [row for row in invalid if row.month == month]
        path = out_dir / plan.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if plan.fmt == "parquet":
            if mine:
                raise ValueError(f"invalid {kind} rows go to a CSV extract")
            with pq.ParquetWriter(path, schema, compression="zstd") as writer:
                writer.write_table(rows.select(columns).to_arrow().cast(schema))
        else:
            text = as_text(rows.select(columns), plan.dates)
            if mine:
                text = pl.concat([text, pl.DataFrame([{name: text_value(row.values.get(name), plan.dates)
                                                       for name in columns} for row in mine],
                                                     schema={name: pl.String for name in columns})])
                for offset, row in enumerate(mine):
                    located[row.id] = (plan.path, rows.height + plan.first_row + offset)
            text.write_csv(path, separator=plan.delimiter, null_value="", line_terminator="\n")
        records.append(FileRecord(plan.path, kind, index_month(month), "", plan.fmt,
                                  "utf-8" if plan.fmt == "csv" else "", plan.delimiter or "",
                                  1 if plan.fmt == "csv" else None, plan.dates, rows.height + len(mine)))
    return ExtractsWritten(records, pl.concat(placed), located)


def cells(frame: pl.DataFrame, dates: str, written: dict[str, pl.Expr] | None = None) -> pl.DataFrame:
    """Every column of `frame` as CSV text: dates as DD/MM/YYYY (`dmy`) or ISO, others as text,
    and the columns of `written` as its expressions say."""
    fmt = "%d/%m/%Y" if dates == "dmy" else "%Y-%m-%d"
    written = written or {}
    return frame.select(
        written[name] if name in written
        else pl.col(name).dt.strftime(fmt) if frame.schema[name] == pl.Date else pl.col(name).cast(pl.String)
        for name in frame.columns
    )


def text_value(value, dates: str) -> str | None:
    """One cell of an invalid row as written: text as it is, a date in the file's style."""
    if value is None or isinstance(value, str):
        return value
    return value.strftime("%d/%m/%Y" if dates == "dmy" else "%Y-%m-%d")
