"""Validate a raw input table with its pandera model: typed valid rows, and the quarantine.

A failing row is data, not an exception: each failed rule becomes one quarantine row naming
the file, the row number, the column, the value as written and the reason, and the row is
kept out of the valid table. Every raw row ends up in exactly one of the two places.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.errors
import polars as pl

from pbr_pipeline.intake.file_names import withheld_file_name
from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.intake.values import normalise, typed
from schemas.provenance import READ_ERROR, INBOX_MONTH, PROVENANCE_COLUMNS, SOURCE_FILE, SOURCE_ROW, SOURCE_SHA256
from schemas.rejected_rows import RejectedRows
from schemas.typed import column_kinds, english_names, polars_schema

FILE_REJECTED = "file_rejected"
ROW_UNREADABLE = "row_unreadable"

_ROW = "_row"
_BUILTIN_RULES = {
    "not_nullable": ("required_value_missing", "a required value is missing"),
    "field_uniqueness": ("value_repeated", "the value appears more than once"),
}

REJECTED_ROWS_SCHEMA = polars_schema(RejectedRows.to_schema())
REJECTED_ROWS_COLUMNS = list(RejectedRows.to_schema().columns)


@dataclass(frozen=True)
class Validated:
    valid: pl.DataFrame
    """Rows that passed every rule: typed, English column names, provenance kept."""
    rejected: pl.DataFrame
    """Quarantine rows in the `RejectedRows` schema."""


VALIDATION_CHUNK_ROWS = 250_000
"""Rows validated at a time. Every rule of the input models is row-wise, so a chunk's verdicts
are the whole table's; validating a month of RIPS (two million services) at once held six
times the raw frame in memory (normalised copy, check masks, failure cases)."""


def validate_table(raw: pl.DataFrame, table: InputTable, chunk_rows: int = VALIDATION_CHUNK_ROWS) -> Validated:
    """Split `raw` (as `ingest_table` makes it) into valid typed rows and quarantine rows,
    `chunk_rows` rows at a time (the result does not depend on it)."""
    if raw.height <= chunk_rows:
        return _validate(raw, table)
    parts = [_validate(raw.slice(offset, chunk_rows), table) for offset in range(0, raw.height, chunk_rows)]
    return Validated(
        valid=pl.concat([part.valid for part in parts], how="vertical"),
        rejected=pl.concat([part.rejected for part in parts], how="vertical").sort(
            [SOURCE_FILE, SOURCE_ROW, "column", "rule"], nulls_last=False),
    )


def _validate(raw: pl.DataFrame, table: InputTable) -> Validated:
    kinds = column_kinds(table.model)
    rows = raw.filter(pl.col(READ_ERROR).is_null()).drop(READ_ERROR).with_row_index(_ROW)
    normalised = rows.with_columns(normalise(column, kinds[column]) for column in table.published_columns)

    failures = _failure_cases(normalised, table)
    failed_rows = failures.get_column(_ROW).unique()
    valid = _typed(normalised.filter(~pl.col(_ROW).is_in(failed_rows.implode())), table)
    rejected = pl.concat(
        [_read_rejections(raw, table), _row_rejections(rows, failures, table)], how="vertical"
    ).sort([SOURCE_FILE, SOURCE_ROW, "column", "rule"], nulls_last=False)
    return Validated(valid=valid, rejected=rejected)


def for_analysts(rejected: pl.DataFrame, table: InputTable) -> pl.DataFrame:
    """The quarantine as analysts and operators read it. For a health registry (RIPS), values of
    health columns are withheld like personal ones, and files are named by folder and SHA-256
    only (`file_names.withheld_file_name`): a RIPS file is named after its provider and invoice."""
    if not table.health_columns:
        return rejected
    health = pl.col("column").is_in(sorted(table.health_columns)) & pl.col("value").is_not_null()
    return rejected.with_columns(
        (pl.col("value_withheld") | health).alias("value_withheld"),
        pl.when(health).then(None).otherwise(pl.col("value")).alias("value"),
        withheld_file_name(),
    )


def _failure_cases(normalised: pl.DataFrame, table: InputTable) -> pl.DataFrame:
    """(row, column, rule, reason) for every failed check; empty when all rows pass."""
    empty = pl.DataFrame(schema={_ROW: pl.UInt32, "column": pl.String, "rule": pl.String, "reason": pl.String})
    if normalised.height == 0:
        return empty
    try:
        table.model.validate(normalised, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return empty
    if cases.get_column("index").null_count():
        # Every rule of the input models is row-wise; a case without a row is a bug in a
        # model, and must stop the run rather than let a row slip past the quarantine.
        # Name the rules only: failure cases hold cell values, which may be personal data.
        unplaced = cases.filter(pl.col("index").is_null()).select("column", "check").unique().rows()
        raise RuntimeError(f"{table.name}: validation failures not tied to a row: {unplaced}")
    return (
        cases.select(pl.col("index").cast(pl.UInt32).alias(_ROW), "column", "check")
        .join(_rules(table), on=["column", "check"], how="left")
        .select(
            _ROW,
            "column",
            pl.coalesce("rule", "check").alias("rule"),
            pl.coalesce("reason", "check").alias("reason"),
        )
    )


def _rules(table: InputTable) -> pl.DataFrame:
    """(column, check text as pandera reports it) → rule name and plain reason."""
    rows = [
        (column_name, check.error, check.name, check.error)
        for column_name, column in table.model.to_schema().columns.items()
        for check in column.checks
        if check.error
    ]
    rows += [
        (column_name, builtin, rule, reason)
        for column_name in table.published_columns
        for builtin, (rule, reason) in _BUILTIN_RULES.items()
    ]
    return pl.DataFrame(rows, schema=["column", "check", "rule", "reason"], orient="row")


def _row_rejections(rows: pl.DataFrame, failures: pl.DataFrame, table: InputTable) -> pl.DataFrame:
    as_written = (
        rows.join(failures.select(_ROW).unique(), on=_ROW, how="semi")
        .unpivot(index=[_ROW, *PROVENANCE_COLUMNS], on=table.published_columns, variable_name="column", value_name="value")
    )
    personal = pl.col("column").is_in(sorted(table.personal_columns))
    return (
        failures.join(as_written, on=[_ROW, "column"], how="left")
        .with_columns(
            (personal & pl.col("value").is_not_null()).alias("value_withheld"),
            pl.when(personal).then(None).otherwise(pl.col("value")).alias("value"),
            pl.lit(table.name).alias("table"),
        )
        .select(REJECTED_ROWS_COLUMNS)
        .cast(REJECTED_ROWS_SCHEMA)
    )


def _read_rejections(raw: pl.DataFrame, table: InputTable) -> pl.DataFrame:
    """Files that could not be used at all, and CSV records that could not be split."""
    return (
        raw.filter(pl.col(READ_ERROR).is_not_null())
        .select(
            pl.col(SOURCE_FILE),
            pl.col(SOURCE_SHA256),
            pl.col(SOURCE_ROW),
            pl.col(INBOX_MONTH),
            pl.lit(table.name).alias("table"),
            pl.lit(None, pl.String).alias("column"),
            pl.lit(None, pl.String).alias("value"),
            pl.lit(False).alias("value_withheld"),
            pl.when(pl.col(SOURCE_ROW).is_null()).then(pl.lit(FILE_REJECTED)).otherwise(pl.lit(ROW_UNREADABLE)).alias("rule"),
            pl.col(READ_ERROR).alias("reason"),
        )
        .select(REJECTED_ROWS_COLUMNS)
        .cast(REJECTED_ROWS_SCHEMA)
    )


def _typed(rows: pl.DataFrame, table: InputTable) -> pl.DataFrame:
    kinds = column_kinds(table.model)
    english = english_names(table.model)
    defaults = {name: (column.metadata or {}).get("default") for name, column in table.model.to_schema().columns.items()}
    typed_rows = rows.select(
        *(typed(column, kinds[column], english[column], defaults[column]) for column in table.published_columns),
        *PROVENANCE_COLUMNS,
    )
    # Guard, not a rule: the typed table must match its published schema exactly. Its error
    # names columns and checks, never values, which may be personal data.
    try:
        return table.typed_schema.validate(typed_rows, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        problems = errors.failure_cases.select("column", "check").unique().rows()
        raise RuntimeError(f"{table.name}: typed table does not match its schema: {problems}") from None


def rejected_rows_per_file(rejected: pl.DataFrame) -> pl.DataFrame:
    """Distinct input rows rejected, per file: a row failing three rules counts once, and a
    file rejected whole counts as its one row."""
    return rejected.group_by(SOURCE_FILE).agg(pl.struct(SOURCE_ROW).n_unique().alias("rows_rejected"))
