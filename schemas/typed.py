"""What an input model says about its columns, and the schema of its validated table.

The input models describe text as published (Spanish headers as aliases); the validated
table carries the same fields under their English names, typed by each field's kind, with
the provenance columns after them. Deriving one from the other keeps a single source of truth.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas.kinds import FLAG, TYPED_DTYPES
from schemas.provenance import Provenance


def published_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """Headers as docs/formats.md publishes them, in the model's order."""
    return list(model.to_schema().columns)


def required_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """Headers a file must have: the fields that may never be empty."""
    return [name for name, column in model.to_schema().columns.items() if not column.nullable]


def column_kinds(model: type[pa.DataFrameModel]) -> dict[str, str]:
    return {name: column.metadata["kind"] for name, column in model.to_schema().columns.items()}


def personal_columns(model: type[pa.DataFrameModel]) -> frozenset[str]:
    """Published columns holding personal data: never shown in quarantine values or logs."""
    return frozenset(
        name for name, column in model.to_schema().columns.items() if (column.metadata or {}).get("personal")
    )


def health_columns(model: type[pa.DataFrameModel]) -> frozenset[str]:
    """Published columns holding health data (diagnoses, services, providers): sensitive data
    under Law 1581 of 2012, never shown in the quarantine, and their files' names withheld
    (a RIPS file is named after its provider and invoice)."""
    return frozenset(
        name for name, column in model.to_schema().columns.items() if (column.metadata or {}).get("health")
    )


def english_names(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """Published header → English column name of the validated table."""
    return {info.name: info.original_name for _, info in model.__fields__.values()}


def typed_schema(model: type[pa.DataFrameModel], name: str) -> pa.DataFrameSchema:
    """Schema of the validated table: typed fields under English names, then provenance."""
    english = english_names(model)
    columns = {
        english[alias]: pa.Column(
            TYPED_DTYPES[column.metadata["kind"]],
            # A flag is typed to True/False, so it is never empty once validated.
            nullable=column.nullable and column.metadata["kind"] != FLAG,
            description=column.description,
            metadata=column.metadata,
        )
        for alias, column in model.to_schema().columns.items()
    }
    columns.update(Provenance.to_schema().columns)
    return pa.DataFrameSchema(columns, name=name, strict=True, ordered=True)


def polars_schema(schema: pa.DataFrameSchema) -> pl.Schema:
    """The polars schema a pandera schema describes (for empty partitions)."""
    return pl.Schema({name: column.dtype.type for name, column in schema.columns.items()})
