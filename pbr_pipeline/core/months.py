"""Calendar months as `YYYY-MM` strings: the unit of partitions, inbox folders and PILA periods."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> str:
    """Return `text` if it is a `YYYY-MM` month, else raise ValueError with a plain message."""
    if not _MONTH.match(text):
        raise ValueError(f"{text!r} is not a month written YYYY-MM (e.g. 2025-03)")
    return text


def add_months(month: str, count: int) -> str:
    """The month `count` months after `month` (before it when `count` is negative)."""
    year, mon = (int(part) for part in parse_month(month).split("-"))
    index = year * 12 + (mon - 1) + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included."""
    if parse_month(first) > parse_month(last):
        raise ValueError(f"the month range {first}..{last} ends before it starts")
    months = [first]
    while months[-1] != last:
        months.append(add_months(months[-1], 1))
    return months


def parse_month_range(text: str) -> list[str]:
    """Read `YYYY-MM..YYYY-MM` (or a single `YYYY-MM`) into the list of months it spans."""
    first, sep, last = text.partition("..")
    return month_range(first, last if sep else first)


def month_start(month: str) -> dt.date:
    year, mon = (int(part) for part in parse_month(month).split("-"))
    return dt.date(year, mon, 1)


def month_index(month: str) -> int:
    """`YYYY-MM` as a count of months, so that month arithmetic is integer arithmetic."""
    year, mon = (int(part) for part in parse_month(month).split("-"))
    return year * 12 + mon - 1


def month_index_expr(expr: pl.Expr) -> pl.Expr:
    """A Date column as the `month_index` of its month."""
    return expr.dt.year().cast(pl.Int32) * 12 + expr.dt.month().cast(pl.Int32) - 1


def period_index_expr(expr: pl.Expr) -> pl.Expr:
    """A `YYYY-MM` text column as `month_index` integers."""
    return expr.str.slice(0, 4).cast(pl.Int32) * 12 + expr.str.slice(5, 2).cast(pl.Int32) - 1


def index_month_expr(expr: pl.Expr) -> pl.Expr:
    """`month_index` integers back to `YYYY-MM` text."""
    return pl.concat_str(
        (expr // 12).cast(pl.String).str.zfill(4), pl.lit("-"), (expr % 12 + 1).cast(pl.String).str.zfill(2)
    )
