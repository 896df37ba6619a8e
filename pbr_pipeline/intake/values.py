"""Cell values by kind: tidy the text before validation, type it after.

`normalise` only undoes the harmless variety docs/formats.md allows (case, accents in codes, dots
in numbers, DD/MM/YYYY dates, aliases); anything it cannot read it leaves as written, so the
validation rule that rejects it quotes the operator's own text.
"""

from __future__ import annotations

import polars as pl

from schemas import kinds
from schemas.checks import ISO_DATE, hectares_as_square_metres, nit_base
from schemas.codes import CEFR_LEVEL_ALIASES, DOCUMENT_TYPE_ALIASES, REVIEW_DECISION_ALIASES, SEX_ALIASES


def _text(column: str) -> pl.Expr:
    """Stripped text, with an empty cell read as missing."""
    stripped = pl.col(column).str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def _fold_accents(expr: pl.Expr) -> pl.Expr:
    return expr.str.normalize("NFKD").str.replace_all(r"\p{M}", "")


def _code(column: str) -> pl.Expr:
    return _fold_accents(_text(column).str.to_uppercase()).str.replace_all(r"\s+", "_")


def _document_type(column: str) -> pl.Expr:
    code = _fold_accents(_text(column).str.to_uppercase()).str.replace_all(r"[.\s_\-]", "")
    return code.replace(DOCUMENT_TYPE_ALIASES)


def _document_number(column: str) -> pl.Expr:
    return _text(column).str.to_uppercase().str.replace_all(r"[.\s\-]", "")


def _date(column: str) -> pl.Expr:
    return _iso_date(_text(column))


def _iso_date(text: pl.Expr) -> pl.Expr:
    day_first = text.str.extract_groups(r"^(?<d>\d{1,2})/(?<m>\d{1,2})/(?<y>\d{4})$")
    day_first_iso = pl.concat_str(
        day_first.struct.field("y"),
        pl.lit("-"),
        day_first.struct.field("m").str.zfill(2),
        pl.lit("-"),
        day_first.struct.field("d").str.zfill(2),
    )
    # Spreadsheets and typed files may add a midnight time to a date.
    iso_with_midnight = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$", 1)
    return pl.coalesce(iso_with_midnight, day_first_iso, text)


_TIME_OF_DAY = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"


def _date_time(column: str) -> pl.Expr:
    """The date of `YYYY-MM-DD HH:MM` (or of a plain date): a valid time of day is dropped; a
    text with a time that is not one is left whole, so the date rule quotes it."""
    text = _text(column)
    date_part = text.str.extract(rf"^(\S+)[ T]{_TIME_OF_DAY}$", 1)
    return _iso_date(pl.coalesce(date_part, text))


def _cie10(column: str) -> pl.Expr:
    """`z34.0` → `Z340`, `B24` → `B24X`: only a dot or space right after the three-character
    category goes, so a mistyped `Z3.4` stays as written and is rejected."""
    code = _text(column).str.to_uppercase().str.replace(r"^([A-Z]\d{2})[.\s]\s*", "${1}")
    return pl.when(code.str.contains(r"^[A-Z]\d{2}$")).then(code + "X").otherwise(code)


def _money(column: str) -> pl.Expr:
    text = _text(column).str.replace_all(r"[\s$]", "")
    spanish_thousands = text.str.contains(r"^\d{1,3}(\.\d{3})+(,0+)?$")
    whole = pl.when(spanish_thousands).then(text.str.replace_all(r"\.", "")).otherwise(text)
    # `1300000,00` (Spanish decimals) and `1300000.0` (typed files) are whole pesos too.
    return whole.str.replace(r"^(\d+)[.,]0+$", "${1}")


def _integer(column: str) -> pl.Expr:
    return _text(column).str.replace(r"^(\d+)\.0+$", "${1}")


def _groups(column: str) -> pl.Expr:
    tags = (
        _fold_accents(_text(column).str.to_uppercase())
        .str.split("|")
        .list.eval(pl.element().str.strip_chars().str.replace_all(r"\s+", "_"))
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.unique()
        .list.sort()
    )
    joined = tags.list.join("|")
    return pl.when(joined == "").then(None).otherwise(joined)


def _sex(column: str) -> pl.Expr:
    return _fold_accents(_text(column).str.to_uppercase()).replace(SEX_ALIASES)


def _cefr_level(column: str) -> pl.Expr:
    # `Pre-A1`, `pre a1` and `PRE_A1` are one level; `A-` and `B+` keep their sign.
    code = _fold_accents(_text(column).str.to_uppercase()).str.replace_all(r"\s+", "")
    code = code.str.replace(r"^PRE[-_]?A1$", "PRE_A1")
    return code.replace(CEFR_LEVEL_ALIASES)


def _area(column: str) -> pl.Expr:
    """Hectares with `.` as the decimal mark: of `,` and `.`, the last one written is the
    decimal mark and any other is a thousands separator (`1.234,5` and `1,234.5` are 1234.5
    ha; `1,5` and `1.5` are 1.5 ha)."""
    text = _text(column).str.replace_all(r"\s", "")
    comma_decimal = text.str.contains(r",\d*$") & ~text.str.contains(r"\.\d*$")
    as_dot = pl.when(comma_decimal).then(text.str.replace_all(r"\.", "").str.replace(",", ".")).otherwise(text.str.replace_all(",", ""))
    # A typed file's `2.0` and a sheet's `2,5000` carry zeros that say nothing.
    return as_dot.str.replace(r"^(\d+)\.0*$", "${1}").str.replace(r"^(\d+\.\d*?)0+$", "${1}")


def _nit(column: str) -> pl.Expr:
    return _text(column).str.replace_all(r"[.\s]", "")


_NORMALISERS = {
    kinds.CODE: _code,
    kinds.DOCUMENT_TYPE: _document_type,
    kinds.DOCUMENT_NUMBER: _document_number,
    kinds.NAME: lambda column: _text(column).str.replace_all(r"\s+", " "),
    kinds.TEXT: _text,
    kinds.DATE: _date,
    kinds.DATE_TIME: _date_time,
    kinds.PERIOD: _text,
    kinds.MONEY: _money,
    kinds.INTEGER: _integer,
    kinds.FLAG: lambda column: _text(column).str.to_uppercase(),
    kinds.GROUPS: _groups,
    kinds.SEX: _sex,
    kinds.NIT: _nit,
    kinds.IDENTIFIER: lambda column: _text(column).str.to_lowercase(),
    kinds.CEFR_LEVEL: _cefr_level,
    kinds.CIE10: _cie10,
    kinds.AREA: _area,
    kinds.DECISION: lambda column: _fold_accents(_text(column).str.to_uppercase()).replace(REVIEW_DECISION_ALIASES),
}


def normalise(column: str, kind: str) -> pl.Expr:
    """The published text of `column`, tidied for validation; still text."""
    return _NORMALISERS[kind](column).alias(column)


def typed(column: str, kind: str, name: str, default: str | None = None) -> pl.Expr:
    """A validated, normalised text column as its typed value under its English `name`."""
    expr = pl.col(column)
    if kind in (kinds.DATE, kinds.DATE_TIME):
        expr = expr.str.to_date(ISO_DATE)
    elif kind in (kinds.MONEY, kinds.INTEGER):
        expr = expr.cast(pl.Int64)
    elif kind == kinds.FLAG:
        expr = (expr == "X").fill_null(False)
    elif kind == kinds.NIT:
        expr = nit_base(column)
    elif kind == kinds.AREA:
        expr = hectares_as_square_metres(column)
    if default is not None:
        expr = expr.fill_null(default)
    return expr.alias(name)
