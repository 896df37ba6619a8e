"""Polars expressions that the input models' checks share.

A check passes a row when its expression is true *or null*; a missing value is the business
of the field's `nullable` setting, not of every other check.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import MAX_DOCUMENT_NUMBER_LENGTH, NIT_WEIGHTS
from schemas.provenance import INBOX_MONTH

ISO_DATE = "%Y-%m-%d"


def as_date(column: str) -> pl.Expr:
    """The ISO text of a normalised date column as a Date (null where it is not a real date)."""
    return pl.col(column).str.to_date(ISO_DATE, strict=False)


def is_real_date(column: str) -> pl.Expr:
    return pl.col(column).is_null() | as_date(column).is_not_null()


def inbox_month_end() -> pl.Expr:
    """Last day of the month the row's file was received: the run's notion of "today", so
    that re-running a month next year judges its dates exactly as the first run did."""
    return (pl.col(INBOX_MONTH) + "-01").str.to_date(ISO_DATE).dt.month_end()


def not_after_inbox_month(column: str) -> pl.Expr:
    return as_date(column).is_null() | (as_date(column) <= inbox_month_end())


def not_before(column: str, earlier: str) -> pl.Expr:
    """`column` is on or after `earlier` when both are dates."""
    return as_date(column).is_null() | as_date(earlier).is_null() | (as_date(column) >= as_date(earlier))


def document_number_shape(column: str) -> pl.Expr:
    pattern = rf"^[0-9A-Z]{{1,{MAX_DOCUMENT_NUMBER_LENGTH}}}$"
    return pl.col(column).str.contains(pattern)


def nit_check_digit_expr(digits: pl.Expr) -> pl.Expr:
    """Vectorised `schemas.codes.nit_check_digit` over a column of 1–15 digit strings."""
    padded = digits.str.zfill(len(NIT_WEIGHTS))
    # Position i from the right carries weight NIT_WEIGHTS[i].
    total = pl.sum_horizontal(
        padded.str.slice(len(NIT_WEIGHTS) - 1 - i, 1).cast(pl.Int64) * weight
        for i, weight in enumerate(NIT_WEIGHTS)
    )
    remainder = total % 11
    return pl.when(remainder < 2).then(remainder).otherwise(11 - remainder)


NIT_PATTERN = r"^\d{1,15}(-\d)?$"


def nit_base(column: str) -> pl.Expr:
    """The NIT without its `-DV` suffix."""
    return pl.col(column).str.extract(r"^(\d{1,15})", 1)


def nit_check_digit_matches(column: str) -> pl.Expr:
    given = pl.col(column).str.extract(r"-(\d)$", 1).cast(pl.Int64)
    return given.is_null() | (given == nit_check_digit_expr(nit_base(column)))


AREA_PATTERN = r"^\d{1,9}(\.\d{1,4})?$"
"""A normalised area: hectares with `.` as the decimal mark, at most four decimals (1 m²)."""


def hectares_as_square_metres(column: str) -> pl.Expr:
    """A normalised area (AREA_PATTERN) in whole square metres: `1.5` → 15000."""
    parts = pl.col(column).str.split_exact(".", 1)
    # Not strict: a text that is not an area (judged by AREA_PATTERN elsewhere) gives null.
    whole = parts.struct.field("field_0").cast(pl.Int64, strict=False)
    fraction = parts.struct.field("field_1").fill_null("").str.pad_end(4, "0").cast(pl.Int64, strict=False)
    return whole * 10_000 + fraction
