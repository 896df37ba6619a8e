"""Reference tables (`<data dir>/reference/`): dated parameters the rules read."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds

_YEAR = r"^(19|20)\d{2}$"
_WHOLE_NUMBER = r"^\d+$"


class MinimumWages(pa.DataFrameModel):
    """`smmlv`: the legal monthly minimum wage of each year, whole COP."""

    year: str = pa.Field(alias="anio", nullable=False, unique=True, metadata={"kind": kinds.INTEGER}, description="Calendar year.")
    amount: str = pa.Field(alias="valor", nullable=False, metadata={"kind": kinds.MONEY}, description="SMMLV in whole COP.")

    @pa.check("anio", error="anio is a four-digit year")
    def year_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_YEAR))

    @pa.check("valor", error="valor is a positive amount in whole pesos")
    def minimum_wage_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER) & (pl.col(data.key).cast(pl.Int64, strict=False) > 0))

    class Config:
        strict = False


class PovertyLines(pa.DataFrameModel):
    """`lineas_pobreza`: DANE monthly per-capita poverty lines by year and domain, whole COP."""

    year: str = pa.Field(alias="anio", nullable=False, metadata={"kind": kinds.INTEGER}, description="Calendar year.")
    domain: str = pa.Field(alias="dominio", nullable=False, metadata={"kind": kinds.CODE}, description="Geographic domain (NACIONAL, BUCARAMANGA_AM, …).")
    extreme_poverty_line: str = pa.Field(alias="pobreza_extrema", nullable=True, metadata={"kind": kinds.MONEY}, description="Extreme-poverty line, COP per person per month.")
    poverty_line: str = pa.Field(alias="pobreza", nullable=True, metadata={"kind": kinds.MONEY}, description="Poverty line, COP per person per month.")

    @pa.check("anio", error="anio is a four-digit year")
    def year_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_YEAR))

    @pa.check("pobreza_extrema", error="not an amount in whole pesos")
    def extreme_line_whole_pesos(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER))

    @pa.check("pobreza", error="not an amount in whole pesos")
    def poverty_line_whole_pesos(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER))

    class Config:
        strict = False
