"""Materialization metadata: counts and schemas, never a cell of personal data."""

from typing import Iterable, Mapping

import dagster as dg
import pandera.polars as pa
import polars as pl


def column_schema(schema: pa.DataFrameSchema) -> dg.TableSchema:
    """`dagster/column_schema` from a pandera schema, with its field descriptions."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=str(column.dtype),
                description=column.description,
                constraints=dg.TableColumnConstraints(nullable=column.nullable),
            )
            for name, column in schema.columns.items()
        ]
    )


def frame_schema(frame: pl.DataFrame) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name=name, type=str(dtype)) for name, dtype in frame.schema.items()])


def counts_by(frame: pl.DataFrame, *columns: str) -> dict[str, int]:
    """Row counts per value (joined with ` / `) of `columns`, most frequent first."""
    if frame.height == 0:
        return {}
    grouped = frame.group_by(columns).len().sort(["len", *columns], descending=[True, *[False] * len(columns)])
    return {" / ".join(str(value) for value in row[:-1]): row[-1] for row in grouped.iter_rows()}


def markdown_table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> dg.MetadataValue:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return dg.MetadataValue.md("\n".join(lines))


def table_metadata(frame: pl.DataFrame, schema: dg.TableSchema, extra: Mapping[str, object] | None = None) -> dict:
    return {"dagster/row_count": frame.height, "dagster/column_schema": schema, **(extra or {})}
