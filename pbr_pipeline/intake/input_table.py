"""An input table: its name, its files' place in the data directory, its pandera model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandera.polars as pa

from schemas import typed as schema_info


@dataclass(frozen=True)
class InputTable:
    """An input table: its name, its files' place in the data directory, its model."""

    name: str
    model: type[pa.DataFrameModel]
    inbox_folder: str | None = None
    """Folder under `inbox/<YYYY-MM>/` for monthly submissions and extracts."""
    reference_name: str | None = None
    """File stem under `reference/` for a reference table."""
    raw_description: str = ""
    """What the raw asset holds, for the Dagster UI."""
    description: str = ""
    """What the validated asset holds, for the Dagster UI."""

    @cached_property
    def published_columns(self) -> list[str]:
        return schema_info.published_columns(self.model)

    @cached_property
    def required_columns(self) -> list[str]:
        return schema_info.required_columns(self.model)

    @cached_property
    def personal_columns(self) -> frozenset[str]:
        return schema_info.personal_columns(self.model)

    @cached_property
    def health_columns(self) -> frozenset[str]:
        return schema_info.health_columns(self.model)

    @cached_property
    def typed_schema(self) -> pa.DataFrameSchema:
        return schema_info.typed_schema(self.model, self.name)

