"""Household income measurements (`registros/mediciones_ingreso`): HABITANZA_CALLE and
EMPRENDIMIENTO read a person's household income per head from them."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import is_real_date, not_after_inbox_month
from schemas.documents import NamedPersonColumns

_WHOLE_NUMBER = r"^\d+$"
MAX_HOUSEHOLD = 30
"""More people than this in one household is a typing mistake, not a household."""


class IncomeMeasurements(NamedPersonColumns):
    """One measurement of one person's household income, as the measuring body delivers it."""

    measured_on: str = pa.Field(alias="fecha_medicion", nullable=False, metadata={"kind": kinds.DATE}, description="Date of the measurement.")
    household_income: str = pa.Field(alias="ingreso_mensual_hogar", nullable=False, metadata={"kind": kinds.MONEY}, description="The household's monthly income, whole COP.")
    household_size: str = pa.Field(alias="personas_hogar", nullable=False, metadata={"kind": kinds.INTEGER}, description="People in the household (1 or more).")
    source: str = pa.Field(alias="fuente", nullable=True, metadata={"kind": kinds.TEXT}, description="Who measured (survey, SISBÉN visit, …), where the extract says.")

    @pa.check("fecha_medicion", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def measured_on_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_medicion", error="the measurement is dated after the month the extract was received")
    def measured_on_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("ingreso_mensual_hogar", error="not an amount in whole pesos, e.g. 850000 or 850.000 (0 when the household has no income)")
    def income_whole_pesos(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER))

    @pa.check("personas_hogar", error=f"personas_hogar is a whole number of people from 1 to {MAX_HOUSEHOLD}")
    def household_size_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:
        size = pl.col(data.key).cast(pl.Int64, strict=False)
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER) & size.is_between(1, MAX_HOUSEHOLD))
