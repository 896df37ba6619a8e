"""The input tables the pipeline reads: where their files are and which model they follow."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandera.polars as pa

from schemas import typed as schema_info
from schemas.claims import OutcomeClaims
from schemas.enrolments import EnrolmentRoster
from schemas.pila import PilaContributions
from schemas.reference import MinimumWages, PovertyLines
from schemas.reviews import ReviewDecisions


@dataclass(frozen=True)
class InputTable:
    """An input table: its name, its files' place in the data directory, its model."""

    name: str
    model: type[pa.DataFrameModel]
    inbox_folder: str | None = None
    """Folder under `inbox/<YYYY-MM>/` for monthly submissions and extracts."""
    reference_name: str | None = None
    """File stem under `reference/` for a reference table."""

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
    def typed_schema(self) -> pa.DataFrameSchema:
        return schema_info.typed_schema(self.model, self.name)


ENROLMENTS = InputTable("enrolments", EnrolmentRoster, inbox_folder="inscripciones")
CLAIMS = InputTable("claims", OutcomeClaims, inbox_folder="reportes")
PILA = InputTable("pila", PilaContributions, inbox_folder="registros/pila")
MINIMUM_WAGES = InputTable("minimum_wages", MinimumWages, reference_name="smmlv")
POVERTY_LINES = InputTable("poverty_lines", PovertyLines, reference_name="lineas_pobreza")
REVIEWS = InputTable("reviews", ReviewDecisions, inbox_folder="revisiones")

INPUT_TABLES: tuple[InputTable, ...] = (ENROLMENTS, CLAIMS, PILA, MINIMUM_WAGES, POVERTY_LINES, REVIEWS)
