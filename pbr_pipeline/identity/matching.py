"""Deterministic matching: which records are the same person, and how that was decided.

Two documents are the same person when their canonical forms are equal:
- the type after alias normalisation (validation already made PPT→PT, PEP→PE, C.C.→CC),
  with TI folded into CC, because a TI becomes a CC at 18 keeping its number;
- the number with dots, spaces and dashes stripped (validation did that), compared as a
  number for digits-only types, so `0012345` and `12345` are one person; the leading zeros
  stay in the validated tables as data.

Every link records how it was made (`EXACT`, `LEADING_ZEROS`, `TI_CC`).

The seam for the probabilistic matcher: everything downstream joins on the `document`
column this module adds. A second pass that links a record the deterministic rule missed
only has to give that record the `document` of the person it belongs to, and its method.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import DIGITS_ONLY_DOCUMENT_TYPES

EXACT, LEADING_ZEROS, TI_CC, NONE = "EXACT", "LEADING_ZEROS", "TI_CC", "NONE"

_FOLDED_TYPES = {"TI": "CC"}


def document_class(document_type: pl.Expr) -> pl.Expr:
    return document_type.replace(_FOLDED_TYPES)


def canonical_number(document_type: pl.Expr, document_number: pl.Expr) -> pl.Expr:
    stripped = document_number.str.strip_chars_start("0")
    numeric = pl.when(stripped == "").then(pl.lit("0")).otherwise(stripped)
    return pl.when(document_type.is_in(sorted(DIGITS_ONLY_DOCUMENT_TYPES))).then(numeric).otherwise(document_number)


def canonical_document(document_type: str = "document_type", document_number: str = "document_number") -> pl.Expr:
    """`CLASS:NUMBER`, equal for two records exactly when they are the same person."""
    kind, number = pl.col(document_type), pl.col(document_number)
    return pl.concat_str(document_class(kind), pl.lit(":"), canonical_number(kind, number)).alias("document")


def link_method(type_a: pl.Expr, number_a: pl.Expr, type_b: pl.Expr, number_b: pl.Expr) -> pl.Expr:
    """How two records with the same canonical document were linked; NONE when one is missing."""
    return (
        pl.when(type_b.is_null() | type_a.is_null())
        .then(pl.lit(NONE))
        .when(type_a != type_b)
        .then(pl.lit(TI_CC))
        .when(number_a != number_b)
        .then(pl.lit(LEADING_ZEROS))
        .otherwise(pl.lit(EXACT))
    )
