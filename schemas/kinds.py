"""The kinds of cell the published formats carry, and the type each becomes once validated.

An input model tags every field with `metadata={"kind": ...}`. The engine reads the tag to
normalise the text before validation (dots out of numbers, DD/MM/YYYY to ISO, aliases to
codes) and to type the column after it; `typed_schema` derives the validated table's schema.
"""

from __future__ import annotations

import polars as pl

CODE = "code"
"""Upper-case code: operator, programme, outcome, role, municipality."""
DOCUMENT_TYPE = "document_type"
DOCUMENT_NUMBER = "document_number"
NAME = "name"
"""A person's or firm's name, kept as written (spaces collapsed)."""
TEXT = "text"
DATE = "date"
DATE_TIME = "date_time"
"""A date that may carry a time of day (`YYYY-MM-DD HH:MM`, as RIPS writes it); typed as the
date alone, the time dropped."""
PERIOD = "period"
"""A `YYYY-MM` month."""
MONEY = "money"
"""Whole pesos (COP); Spanish-locale `1.300.000` accepted."""
INTEGER = "integer"
FLAG = "flag"
"""`X` or empty (PILA novelties)."""
GROUPS = "groups"
"""`|`-separated population-group tags."""
SEX = "sex"
NIT = "nit"
"""Employer NIT, optionally followed by `-DV`; typed without the check digit."""
IDENTIFIER = "identifier"
"""An id the pipeline issued (claim or pair id): lower-case hex."""
DECISION = "decision"
"""A reviewer's decision: ACCEPT or REJECT (ACEPTAR / RECHAZAR accepted)."""
CEFR_LEVEL = "cefr_level"
"""An English level: PRE_A1 … C2, with the aliases exam bodies use (A0, A-, B+, C)."""
CIE10 = "cie10"
"""A CIE-10 (ICD-10) diagnosis code as RIPS writes it: four characters without a dot, upper
case; `z34.0` reads as `Z340` and a three-character category `B24` as `B24X`."""

AREA = "area"
"""A land area in hectares with `,` or `.` as the decimal mark (`1,5`, `2.25`, `1.234,5`), up
to four decimals; typed as whole square metres (1 ha = 10,000 m²), so that comparing areas
never depends on floating-point rounding."""

TYPED_DTYPES: dict[str, pl.DataType] = {
    CODE: pl.String(),
    DOCUMENT_TYPE: pl.String(),
    DOCUMENT_NUMBER: pl.String(),
    NAME: pl.String(),
    TEXT: pl.String(),
    DATE: pl.Date(),
    DATE_TIME: pl.Date(),
    PERIOD: pl.String(),
    MONEY: pl.Int64(),
    INTEGER: pl.Int64(),
    FLAG: pl.Boolean(),
    GROUPS: pl.String(),
    SEX: pl.String(),
    NIT: pl.String(),
    IDENTIFIER: pl.String(),
    DECISION: pl.String(),
    CEFR_LEVEL: pl.String(),
    CIE10: pl.String(),
    AREA: pl.Int64(),
}
