"""The quarantine: every input row (or whole file) that failed validation, and why."""

from __future__ import annotations

import pandera.polars as pa

from schemas.provenance import Provenance


class RejectedRows(Provenance):
    """One row per failed rule on an input row; a file that could not be read is one row
    with an empty `source_row`. Values of personal-data columns are withheld: the file and
    row number are enough for the operator to find and fix the row."""

    table: str = pa.Field(nullable=False, description="Input table the row belongs to: enrolments, claims, pila, minimum_wages, poverty_lines, reviews.")
    column: str = pa.Field(nullable=True, description="Published column that failed; empty for a file-level problem.")
    value: str = pa.Field(nullable=True, description="The cell as written in the file; empty when missing or withheld.")
    value_withheld: bool = pa.Field(nullable=False, description="True when the value is personal data and is not shown.")
    rule: str = pa.Field(nullable=False, description="Name of the rule that failed, e.g. document_number_digits_only or file_unreadable.")
    reason: str = pa.Field(nullable=False, description="The problem in plain words.")

    class Config:
        strict = True
        ordered = False
