"""`ground_truth/records.parquet`: who is who behind every person record of the inbox.

One row per enrolment row and per claim row (named by file and row as `claims.csv` names
them) and one per PILA identity: a person under one document as the registry writes it, with
the names the registry gives, named by its first row. Each row carries the true person
(`person_id`, null for a document nobody holds) and the noise the generator put in it, so
that linkage precision and recall can be measured against it. Rows validation quarantines
are included and flagged.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from .invalid import InvalidRow
from .layout import CLAIMS, PILA, ROSTERS
from .population import Population

COLUMNS: dict[str, pl.DataType] = {
    "source": pl.String,
    "source_file": pl.String,
    "source_row": pl.Int64,
    "received_month": pl.String,
    "person_id": pl.String,
    "tipo_documento": pl.String,
    "numero_documento": pl.String,
    "primer_nombre": pl.String,
    "segundo_nombre": pl.String,
    "primer_apellido": pl.String,
    "segundo_apellido": pl.String,
    "fecha_nacimiento": pl.Date,
    "noise": pl.String,
    "quarantined": pl.Boolean,
}
"""`source` is inscripciones, reportes or pila; `source_file` and `source_row` name the row as
the pipeline does (CSV header on row 1, XLSX rows below any title rows, Parquet rows from 1);
document, names and birth date are as written (names only where the source has them, birth
dates only in rosters); `noise` joins the labels of noise.KINDS with `|` ("" for none)."""

_NAMES = ("primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido")
_CHUNK = 200_000


def ids_of(population: Population, persons: np.ndarray) -> pl.Series:
    """person_id per index, null where the index is -1."""
    persons = np.asarray(persons, dtype=np.int64)
    ids = population.person_ids(np.maximum(persons, 0))
    return pl.select(pl.when(pl.Series(persons >= 0)).then(ids).otherwise(None)).to_series()


def operator_records(kind: str, numbered: pl.DataFrame, true_ids: pl.Series, extras: Population,
                     invalid: list[InvalidRow]) -> pl.DataFrame:
    """Records of the roster or claim rows as numbered for writing. `true_ids` gives, per
    roster row or claim (the `roster` / `claim` column), the person_id (null: nobody)."""
    index_column = "roster" if kind == ROSTERS else "claim"
    extra_of = {row.id: row.person for row in invalid}
    valid = numbered[index_column].is_not_null()
    index = numbered[index_column].fill_null(0).to_numpy()
    invalid_person = np.array([extra_of.get(row_id, -1) for row_id in numbered["invalid"].fill_null(-1).to_list()],
                              dtype=np.int64)
    person_id = pl.select(pl.when(valid).then(true_ids.gather(index))
                          .otherwise(ids_of(extras, invalid_person))).to_series()
    frame = numbered.with_columns(person_id.alias("person_id"), (~valid).alias("quarantined"))
    return as_records(frame.rename({"path": "source_file"}).with_columns(
        pl.lit(kind).alias("source"), pl.col("noise").fill_null("")).sort("source_file", "source_row"))


def programme_records(rows: dict[str, pl.DataFrame], roster_people: pl.Series, claim_people: pl.Series,
                      extras: Population, invalid: list[InvalidRow]) -> list[pl.DataFrame]:
    """The records of a programme's roster and claim rows (`rows` by kind, as numbered):
    `roster_people` and `claim_people` give each listing's and claim's person_id ("" or null
    for nobody)."""
    return [operator_records(ROSTERS, rows[ROSTERS], roster_people, extras, invalid),
            operator_records(CLAIMS, rows[CLAIMS], claim_people.replace("", None), extras, invalid)]


def registry_records(rows: pl.DataFrame, source: str, located: dict[int, tuple[str, int]], population: Population,
                     extras: Population, invalid: list[InvalidRow]) -> pl.DataFrame:
    """One record per row of a small registry (`rows` as written, with `person`, `source_file`
    and `source_row`: a person has a few), then its invalid rows (`located`)."""
    mine = rows.with_columns(ids_of(population, rows["person"].to_numpy()).alias("person_id"),
                             pl.lit(source).alias("source"), pl.lit(False).alias("quarantined"))
    return pl.concat([as_records(mine).sort("source_file", "source_row"),
                      quarantined_records(source, invalid, located, extras)])


def pila_records(identities: pl.DataFrame, invalid: list[InvalidRow], located: dict[int, tuple[str, int]],
                 extras: Population) -> pl.DataFrame:
    """The PILA identities, then the identities of the invalid registry rows."""
    return pl.concat([as_records(identities.with_columns(pl.lit(False).alias("quarantined"))),
                      quarantined_records(PILA, invalid, located, extras)])


def quarantined_records(source: str, invalid: list[InvalidRow], located: dict[int, tuple[str, int]],
                        extras: Population) -> pl.DataFrame:
    """Records of the invalid rows of a registry (`source`), as written; `located` gives each
    row's file and row."""
    rows = [row for row in invalid if row.kind == source]
    bad = pl.DataFrame({
        "source_file": pl.Series([located[row.id][0] for row in rows], dtype=pl.String),
        "source_row": pl.Series([located[row.id][1] for row in rows], dtype=pl.Int64),
        "person_id": ids_of(extras, np.array([row.person for row in rows], dtype=np.int64)),
        **{name: pl.Series([row.values.get(name) for row in rows], dtype=pl.String)
           for name in ("tipo_documento", "numero_documento", *_NAMES)},
        # Null where the registry has no birth date (PILA).
        "fecha_nacimiento": pl.Series([row.values.get("fecha_nacimiento") for row in rows], dtype=pl.Date),
    })
    return as_records(bad.with_columns(pl.lit(source).alias("source"), pl.lit("").alias("noise"),
                                       pl.lit(True).alias("quarantined")))


def as_records(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` in the columns of records.parquet (null where it has none), `received_month`
    read from the path."""
    month = pl.col("source_file").str.extract(r"inbox/(\d{4}-\d{2})/", 1).alias("received_month")
    frame = frame.with_columns(month)
    return frame.select(
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in COLUMNS.items()
    )


def write_records(out_dir: Path, parts: list[pl.DataFrame]) -> Path:
    """Write the parts in order, in row groups of 200,000 rows (the last one fewer), so readers
    can scan the file lazily. Row groups run across parts: a small data set's records are one
    row group, which compresses to half the size of one per part."""
    path = out_dir / "ground_truth" / "records.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = pl.DataFrame(schema=COLUMNS).to_arrow().schema
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        pending: list[pl.DataFrame] = []
        held = 0
        for part in parts:
            offset = 0
            while offset < part.height:
                piece = part.slice(offset, _CHUNK - held)
                pending.append(piece)
                held += piece.height
                offset += piece.height
                if held == _CHUNK:
                    writer.write_table(pl.concat(pending).to_arrow().cast(schema))
                    pending, held = [], 0
        if pending:
            writer.write_table(pl.concat(pending).to_arrow().cast(schema))
    return path

