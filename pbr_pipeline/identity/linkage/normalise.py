"""What the linkage model compares: people's documents, names, birth dates and sex, folded.

Colombian records disagree in ways that say nothing about who the person is:
accents and ñ (`NÚÑEZ`, `NUNEZ`), letter case, dots in document numbers and types (`C.C.`),
aliases (`PPT`, `PEP`), leading zeros, and compound surnames written whole or split across the
two surname columns (`DE LA HOZ` / `DE` + `LA HOZ PEREZ`). All of that is folded here, with
polars expressions over whole columns, so that Splink compares only what can differ between
two people. Names are folded once per distinct value: a registry of ten million people has a
few thousand distinct names.

Folded columns (what every comparison and blocking rule reads):
- `unique_id`       the caller's id, as text
- `doc_type`        canonical type (aliases folded), `doc_class` with TI folded into CC
- `doc_number`      letters and digits only, upper case, leading zeros dropped when all digits
- `doc_head`/`doc_tail`  the digits before and after the middle character of `doc_number`:
                    one changed digit or two swapped neighbours leave one of them intact,
                    so blocking on either (with names) finds a mistyped number
- `first_name`, `second_name`, `first_surname`, `second_surname`
                    upper case, accents and ñ folded, particles (DE, DEL, LA, LOS, …) dropped,
                    compound names re-split: the first token, then the rest
- `birth_date`      date (null when the file has none)
- `sex`             `F` / `M` / null
"""

from __future__ import annotations

import polars as pl

from schemas.codes import DOCUMENT_TYPE_ALIASES

PERSON_COLUMNS: tuple[str, ...] = (
    "document_type", "document_number", "first_name", "second_name",
    "first_surname", "second_surname", "birth_date", "sex",
)
"""The published person columns; a file may hold any subset of them."""

NAME_PARTICLES: tuple[str, ...] = ("DE", "DEL", "LA", "LAS", "LOS", "LO", "Y", "E")
"""Words that join compound names (`DE LA HOZ`, `MARÍA DEL CARMEN`) and carry no identity."""

CANDIDATE_BLOCK = "candidate_block"
"""A folded frame's optional block id: records that may form a candidate pair share one."""

FOLDED_COLUMNS: tuple[str, ...] = (
    "unique_id", "doc_type", "doc_class", "doc_number", "doc_head", "doc_tail",
    "first_name", "second_name", "first_surname", "second_surname", "birth_date", "sex",
)

_SEX = {"F": "F", "FEMENINO": "F", "MUJER": "F", "FEMALE": "F",
        "M": "M", "MASCULINO": "M", "HOMBRE": "M", "H": "M", "MALE": "M"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d")


def fold_text(expr: pl.Expr) -> pl.Expr:
    """Upper case, accents and ñ dropped, anything but letters a space, spaces collapsed."""
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z]+", " ")
        .str.strip_chars()
    )


def _distinct_parts(column: pl.Series) -> pl.DataFrame:
    """Per distinct raw value: its first word and the rest, folded, particles dropped
    (`de la Hoz` → HOZ, null; `María del Carmen` → MARIA, CARMEN)."""
    words = pl.DataFrame({"raw": column.unique().drop_nulls()}).with_columns(
        fold_text(pl.col("raw")).str.split(" ")
        .list.eval(pl.element().filter((pl.element() != "") & ~pl.element().is_in(NAME_PARTICLES)))
        .alias("words"))
    rest = pl.col("words").list.slice(1).list.join(" ")
    return words.select(
        "raw",
        pl.col("words").list.first().alias("head"),
        pl.when(rest == "").then(None).otherwise(rest).alias("rest"),
    )


def _names(frame: pl.DataFrame, first: str, second: str) -> pl.DataFrame:
    """Folded first/second parts of a two-part name. The words of both columns, particles
    dropped, are re-split into the first word and the rest, so `DE LA HOZ`+`PÉREZ`,
    `DE`+`LA HOZ PÉREZ` and `DE LA HOZ PÉREZ`+null all give HOZ / PEREZ. The folding runs once
    per distinct value; per row there are two hash joins and one concatenation."""
    empty = pl.Series([None] * frame.height, dtype=pl.String)
    raw = pl.DataFrame({
        "a": frame[first].cast(pl.String) if first in frame.columns else empty,
        "b": frame[second].cast(pl.String) if second in frame.columns else empty,
    })
    pa = _distinct_parts(raw["a"]).rename({"head": "a_head", "rest": "a_rest"})
    pb = _distinct_parts(raw["b"]).select(
        pl.col("raw"), pl.col("head").alias("b_head"), pl.col("rest").alias("b_rest"),
        pl.concat_str(["head", "rest"], separator=" ", ignore_nulls=True).alias("b_all"))
    parts = (raw.join(pa, left_on="a", right_on="raw", how="left", maintain_order="left")
             .join(pb, left_on="b", right_on="raw", how="left", maintain_order="left"))
    tail = pl.concat_str(["a_rest", "b_all"], separator=" ", ignore_nulls=True)
    return parts.select(
        pl.when(pl.col("a_head").is_not_null()).then(pl.col("a_head")).otherwise(pl.col("b_head")).alias(first),
        pl.when(pl.col("a_head").is_null()).then(pl.col("b_rest"))
        .when(pl.col("a_rest").is_null() & pl.col("b_all").is_null()).then(None)
        .otherwise(tail).alias(second),
    )


_CANONICAL_NUMBER = r"^[1-9][0-9]*$|^[0-9A-Z]*[A-Z][0-9A-Z]*$"


def _document_number(column: pl.Series) -> pl.Series:
    """Letters and digits only, upper case; all-digit numbers without leading zeros; null when
    nothing (or only zeros) is left. Most numbers are already canonical: only the others are
    rewritten, so ten million clean numbers cost one regex test."""
    column = column.cast(pl.String)
    dirty = (~column.str.contains(_CANONICAL_NUMBER)).fill_null(False)
    if not dirty.any():
        return column
    rows = dirty.arg_true()
    cleaned = column.gather(rows).str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "").to_frame("n").select(
        pl.when(pl.col("n").str.contains(r"^[0-9]*$")).then(pl.col("n").str.strip_chars_start("0"))
        .otherwise(pl.col("n")).alias("n")
    ).select(pl.when(pl.col("n") == "").then(None).otherwise(pl.col("n"))).to_series()
    return column.scatter(rows, cleaned)


def _document_type(expr: pl.Expr) -> pl.Expr:
    cleaned = expr.str.to_uppercase().str.replace_all(r"[^A-Z]", "")
    return cleaned.replace(DOCUMENT_TYPE_ALIASES).replace("", None)


def _sex(expr: pl.Expr) -> pl.Expr:
    return fold_text(expr).replace_strict(_SEX, default=None, return_dtype=pl.String)


def _per_distinct(column: pl.Series, transform) -> pl.Series:
    """`transform` (of an expression) computed once per distinct value, mapped back."""
    column = column.cast(pl.String)
    distinct = pl.DataFrame({"raw": column.unique().drop_nulls()})
    mapped = distinct.with_columns(transform(pl.col("raw")).alias("out"))
    return column.replace_strict(mapped["raw"], mapped["out"], default=None, return_dtype=pl.String)


def _birth_date(frame: pl.DataFrame) -> pl.Series:
    if "birth_date" not in frame.columns:
        return pl.Series([None] * frame.height, dtype=pl.Date)
    column = frame["birth_date"]
    if column.dtype == pl.Date:
        return column
    if column.dtype == pl.Datetime:
        return column.dt.date()
    text = column.cast(pl.String).str.strip_chars().to_frame("t")
    return text.select(pl.coalesce([pl.col("t").str.strptime(pl.Date, fmt, strict=False) for fmt in _DATE_FORMATS])).to_series()


def normalise_people(frame: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """The folded columns (FOLDED_COLUMNS) Splink compares, one row per input row, same order.

    Columns the input lacks come out null: a registry without birth dates simply gives
    birth date comparisons no weight."""
    nulls = pl.Series([None] * frame.height, dtype=pl.String)

    def text(name: str, transform) -> pl.Series:
        return transform(frame[name]) if name in frame.columns else nulls

    folded = pl.DataFrame({
        "unique_id": frame[id_column].cast(pl.String),
        "doc_type": text("document_type", lambda c: _per_distinct(c, _document_type)),
        "doc_number": text("document_number", _document_number),
        "birth_date": _birth_date(frame),
        "sex": text("sex", lambda c: _per_distinct(c, _sex)),
    })
    number = pl.col("doc_number")
    length = number.str.len_chars()
    middle = (length - 1) // 2
    fuzzy = length >= 6  # shorter numbers are blocked on exactly, never on a half
    folded = folded.with_columns(
        pl.col("doc_type").replace({"TI": "CC"}).alias("doc_class"),
        pl.when(fuzzy).then(number.str.slice(0, middle)).alias("doc_head"),
        pl.when(fuzzy).then(number.str.slice(middle + 1)).alias("doc_tail"),
    )
    given = _names(frame, "first_name", "second_name")
    surnames = _names(frame, "first_surname", "second_surname")
    return pl.concat([folded, given, surnames], how="horizontal").select(FOLDED_COLUMNS)


def ensure_folded(frame: pl.DataFrame, id_column: str = "id") -> pl.DataFrame:
    """`frame` folded by `normalise_people`, unless it already is (it has the folded columns)."""
    if set(FOLDED_COLUMNS) <= set(frame.columns) and id_column not in frame.columns:
        # A candidate block (scoring.score_candidates) rides along: Splink blocks on it.
        return frame.select(*FOLDED_COLUMNS, *(c for c in (CANDIDATE_BLOCK,) if c in frame.columns))
    return normalise_people(frame, id_column)
