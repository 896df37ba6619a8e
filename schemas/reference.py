"""Reference tables (`<data dir>/reference/`): dated parameters the rules read."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.codes import POPULATION_GROUPS, PROGRAMME_OUTCOME_PAIRS, ROLES

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


_PERIOD = r"^\d{4}-(0[1-9]|1[0-2])$"
PLAN_GROUPS: tuple[str, ...] = (*ROLES, "MUJER", *POPULATION_GROUPS)
"""The groups a Plan target may count: a BILINGUISMO role, women (sex F), or a population group."""


class PlanTargets(pa.DataFrameModel):
    """`metas_plan`: the Development Plan's targets, one per programme, outcome and group."""

    programme: str = pa.Field(alias="programa", nullable=False, metadata={"kind": kinds.CODE}, description="Programme code.")
    outcome: str = pa.Field(alias="resultado", nullable=False, metadata={"kind": kinds.CODE}, description="Outcome code the target counts.")
    group: str = pa.Field(alias="grupo", nullable=True, metadata={"kind": kinds.CODE}, description="Empty (everyone), a role (DOCENTE, ESTUDIANTE), MUJER or a population group (MIGRANTE, …).")
    target: str = pa.Field(alias="meta", nullable=False, metadata={"kind": kinds.INTEGER}, description="Subjects the Plan aims for over the period.")
    period_from: str = pa.Field(alias="desde", nullable=False, metadata={"kind": kinds.PERIOD}, description="First month of the target's period, YYYY-MM.")
    period_to: str = pa.Field(alias="hasta", nullable=False, metadata={"kind": kinds.PERIOD}, description="Last month of the target's period, YYYY-MM.")

    @pa.check("resultado", error="not an outcome of this programme; see the outcome codes in docs/formats.md")
    def outcome_of_programme(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.concat_str(pl.col("programa"), pl.lit("/"), pl.col(data.key)).is_in(PROGRAMME_OUTCOME_PAIRS))

    @pa.check("grupo", error=f"grupo is empty or one of {', '.join(PLAN_GROUPS)}")
    def group_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_null() | pl.col(data.key).is_in(PLAN_GROUPS))

    @pa.check("meta", error="meta is a whole number of subjects above 0, written without separators: 18680")
    def target_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER) & (pl.col(data.key).cast(pl.Int64, strict=False) > 0))

    @pa.check("desde", error="a month is written YYYY-MM, e.g. 2024-01")
    def period_from_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_PERIOD))

    @pa.check("hasta", error="a month is written YYYY-MM, not before desde")
    def period_to_after_from(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_PERIOD) & (pl.col(data.key) >= pl.col("desde")))

    @pa.check("meta", error="the same programme, outcome and group has another target row: keep one")
    def one_target_per_group(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.len().over("programa", "resultado", pl.col("grupo").fill_null("")) == 1)

    class Config:
        strict = False
