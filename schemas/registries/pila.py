"""PILA extracts (`registros/pila`): formal-employment social-security contributions."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import NIT_PATTERN, inbox_month_end, is_real_date, nit_check_digit_matches
from schemas.documents import NamedPersonColumns

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_WHOLE_NUMBER = r"^\d+$"


class PilaContributions(NamedPersonColumns):
    """One contribution row: a person, an employer and a period, as the extract delivers it."""

    period: str = pa.Field(alias="periodo", nullable=False, metadata={"kind": kinds.PERIOD}, description="Contribution period, YYYY-MM.")
    employer_nit: str = pa.Field(alias="nit_aportante", nullable=False, metadata={"kind": kinds.NIT}, description="Employer (aportante) NIT without check digit.")
    contributor_type: str = pa.Field(alias="tipo_cotizante", nullable=False, metadata={"kind": kinds.INTEGER}, description="PILA contributor type (1 dependent, 3 independent, …).")
    days_contributed: str = pa.Field(alias="dias_cotizados", nullable=False, metadata={"kind": kinds.INTEGER}, description="Days contributed in the period, 0–30.")
    base_salary: str = pa.Field(alias="salario_basico", nullable=True, metadata={"kind": kinds.MONEY}, description="Base salary, whole COP.")
    ibc: str = pa.Field(alias="ibc", nullable=False, metadata={"kind": kinds.MONEY}, description="Contribution base (IBC), whole COP.")
    entry_novelty: str = pa.Field(alias="novedad_ing", nullable=True, metadata={"kind": kinds.FLAG}, description="ING novelty: the job started in this period.")
    entry_date: str = pa.Field(alias="fecha_ingreso", nullable=True, metadata={"kind": kinds.DATE}, description="Date of the ING novelty.")
    exit_novelty: str = pa.Field(alias="novedad_ret", nullable=True, metadata={"kind": kinds.FLAG}, description="RET novelty: the job ended in this period.")
    exit_date: str = pa.Field(alias="fecha_retiro", nullable=True, metadata={"kind": kinds.DATE}, description="Date of the RET novelty.")

    @pa.check("periodo", error="a period is written YYYY-MM, e.g. 2025-03")
    def period_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(PERIOD_PATTERN))

    @pa.check("periodo", error="the period is after the month the extract was received")
    def period_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        start = (pl.col(data.key) + "-01").str.to_date("%Y-%m-%d", strict=False)
        return data.lazyframe.select(start.is_null() | (start <= inbox_month_end()))

    @pa.check("nit_aportante", error="an employer NIT is 1 to 15 digits, optionally followed by -DV")
    def employer_nit_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(NIT_PATTERN))

    @pa.check("nit_aportante", error="the NIT's check digit (DV) is wrong")
    def employer_nit_check_digit(cls, data: pa.PolarsData) -> pl.LazyFrame:
        shaped = pl.col(data.key).str.contains(NIT_PATTERN)
        return data.lazyframe.select(~shaped | nit_check_digit_matches(data.key))

    @pa.check("tipo_cotizante", error="tipo_cotizante is a whole number, e.g. 1")
    def contributor_type_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^\d{1,2}$"))

    @pa.check("dias_cotizados", error="dias_cotizados is a whole number from 0 to 30")
    def days_contributed_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        days = pl.col(data.key).cast(pl.Int64, strict=False)
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER) & days.is_between(0, 30))

    @pa.check("salario_basico", error="not an amount in whole pesos, e.g. 1300000 or 1.300.000")
    def base_salary_whole_pesos(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER))

    @pa.check("ibc", error="not an amount in whole pesos, e.g. 1300000 or 1.300.000")
    def ibc_whole_pesos(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER))

    @pa.check("novedad_ing", error="novedad_ing is X or empty")
    def entry_novelty_flag(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key) == "X")

    @pa.check("novedad_ret", error="novedad_ret is X or empty")
    def exit_novelty_flag(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key) == "X")

    @pa.check("fecha_ingreso", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def entry_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_retiro", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def exit_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))
