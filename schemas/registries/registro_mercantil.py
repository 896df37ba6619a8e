"""The chamber of commerce's business registry (`registros/registro_mercantil`): the
matrículas mercantiles EMPRENDIMIENTO reads a person's new business from.

One row is one matrícula of one person (a merchant registered as a natural person) as the
registry shows it on the day of the extract: when it was registered, whether it is still
active, the last year it was renewed (every matrícula is renewed by 31 March each year,
Código de Comercio art. 33) and, for a cancelled one, when it was cancelled.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import as_date, inbox_month_end, is_real_date, not_after_inbox_month, not_before
from schemas.codes import CANCELLED_REGISTRATION, REGISTRATION_STATES
from schemas.documents import NamedPersonColumns

_YEAR = r"^\d{4}$"
_REGISTRATION_NUMBER = r"^[0-9A-Za-z][0-9A-Za-z-]{0,19}$"
_CANCELLED = pl.col("estado_matricula") == CANCELLED_REGISTRATION


def _year(column: str) -> pl.Expr:
    """The year a cell holds; null when it is not four digits (its shape rule says so alone)."""
    return pl.when(pl.col(column).str.contains(_YEAR)).then(pl.col(column).cast(pl.Int64, strict=False))


class BusinessRegistry(NamedPersonColumns):
    """One matrícula of one person, as the chamber's extract delivers it."""

    chamber_code: str = pa.Field(alias="codigo_camara", nullable=True, metadata={"kind": kinds.TEXT}, description="Code of the chamber of commerce that holds the matrícula, where the extract says.")
    registration_number: str = pa.Field(alias="matricula", nullable=False, metadata={"kind": kinds.TEXT}, description="Number of the matrícula mercantil (with the person, the row's key).")
    business_name: str = pa.Field(alias="razon_social", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="The business's name, where the extract holds it (a natural person's business is often named after them: personal data, never shown in evidence).")
    registered_on: str = pa.Field(alias="fecha_matricula", nullable=False, metadata={"kind": kinds.DATE}, description="Date the matrícula was registered.")
    registration_status: str = pa.Field(alias="estado_matricula", nullable=False, metadata={"kind": kinds.CODE}, description="ACTIVA or CANCELADA, as the registry shows it on the day of the extract.")
    last_renewed_year: str = pa.Field(alias="ultimo_ano_renovado", nullable=True, metadata={"kind": kinds.INTEGER}, description="Last year the matrícula was renewed for (empty: never renewed since its registration).")
    renewed_on: str = pa.Field(alias="fecha_renovacion", nullable=True, metadata={"kind": kinds.DATE}, description="Date of the last renewal, where the extract says.")
    cancelled_on: str = pa.Field(alias="fecha_cancelacion", nullable=True, metadata={"kind": kinds.DATE}, description="Date the matrícula was cancelled: required for a CANCELADA one, empty for an ACTIVA one.")
    ciiu_code: str = pa.Field(alias="cod_ciiu", nullable=True, metadata={"kind": kinds.CODE}, description="Main economic activity, CIIU rev. 4 A.C. class: four digits (0111, 4711), where the extract says.")

    @pa.check("matricula", error="matricula holds letters, digits and '-', at most 20, e.g. 123456 or 05-123456")
    def registration_number_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_REGISTRATION_NUMBER))

    @pa.check("fecha_matricula", "fecha_renovacion", "fecha_cancelacion", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def is_a_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_matricula", "fecha_renovacion", "fecha_cancelacion", error="the date is after the month the extract was received")
    def not_after_month_received(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("fecha_renovacion", "fecha_cancelacion", error="the date is before fecha_matricula: a matrícula is renewed or cancelled after it is registered")
    def not_before_registration(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_before(data.key, "fecha_matricula"))

    @pa.check("estado_matricula", error="estado_matricula is ACTIVA or CANCELADA")
    def registration_status_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(REGISTRATION_STATES))

    @pa.check("ultimo_ano_renovado", error="ultimo_ano_renovado is a year of four digits, e.g. 2025")
    def last_renewed_year_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_YEAR))

    @pa.check("ultimo_ano_renovado", error="ultimo_ano_renovado is before the year of fecha_matricula")
    def last_renewed_year_not_before_registration(cls, data: pa.PolarsData) -> pl.LazyFrame:
        year = _year(data.key)
        return data.lazyframe.select(year.is_null() | (year >= as_date("fecha_matricula").dt.year()))

    @pa.check("ultimo_ano_renovado", error="ultimo_ano_renovado is after the year the extract was received (a matrícula is renewed in its year, not ahead)")
    def last_renewed_year_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        year = _year(data.key)
        return data.lazyframe.select(year.is_null() | (year <= inbox_month_end().dt.year()))

    @pa.check("fecha_cancelacion", error="a CANCELADA matrícula needs its fecha_cancelacion")
    def cancelled_on_required_when_cancelled(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~_CANCELLED | pl.col(data.key).is_not_null())

    @pa.check("fecha_cancelacion", error="fecha_cancelacion is written only for a CANCELADA matrícula (an ACTIVA one has none)")
    def cancelled_on_only_when_cancelled(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_null() | _CANCELLED)

    @pa.check("cod_ciiu", error="cod_ciiu is a CIIU rev. 4 class of exactly four digits, e.g. 4711 or 0111 (keep the leading zero)")
    def ciiu_code_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^\d{4}$"))
