"""Credit disbursements (`registros/desembolsos_credito`): CREDITO_MIPYME reads which firms got
credit, from which intermediary, when, and the firm's size."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import NIT_PATTERN, is_real_date, nit_check_digit_matches, not_after_inbox_month
from schemas.codes import FIRM_SIZES
from schemas.documents import DocumentColumns

_WHOLE_NUMBER = r"^\d+$"


class CreditDisbursements(DocumentColumns):
    """One disbursement of one credit (obligation) to one firm, as the intermediaries' report
    delivers it; the firm is the subject (`tipo_documento` NIT)."""

    business_name: str = pa.Field(alias="razon_social", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="The firm's name, where the report holds it.")
    lender_nit: str = pa.Field(alias="entidad", nullable=False, metadata={"kind": kinds.NIT}, description="The intermediary's NIT, without check digit.")
    obligation: str = pa.Field(alias="numero_obligacion", nullable=False, metadata={"kind": kinds.TEXT}, description="The credit's obligation number at the intermediary.")
    disbursed_on: str = pa.Field(alias="fecha_desembolso", nullable=False, metadata={"kind": kinds.DATE}, description="Date the credit was disbursed.")
    amount: str = pa.Field(alias="monto", nullable=False, metadata={"kind": kinds.MONEY}, description="Amount disbursed, whole COP.")
    firm_size: str = pa.Field(alias="tamano_empresa", nullable=False, metadata={"kind": kinds.CODE}, description="MICRO, PEQUENA, MEDIANA or GRANDE.")
    term_months: str = pa.Field(alias="plazo_meses", nullable=True, metadata={"kind": kinds.INTEGER}, description="The credit's term in months, where reported.")

    @pa.check("tipo_documento", error="a disbursement's subject is a firm: tipo_documento is NIT")
    def subject_is_a_firm(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key) == "NIT")

    @pa.check("entidad", error="the intermediary's NIT (entidad) is 1 to 15 digits, optionally followed by -DV")
    def lender_nit_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(NIT_PATTERN))

    @pa.check("entidad", error="the intermediary's NIT check digit (DV) is wrong")
    def lender_nit_check_digit(cls, data: pa.PolarsData) -> pl.LazyFrame:
        shaped = pl.col(data.key).str.contains(NIT_PATTERN)
        return data.lazyframe.select(~shaped | nit_check_digit_matches(data.key))

    @pa.check("fecha_desembolso", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def disbursed_on_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_desembolso", error="the disbursement is dated after the month the report was received")
    def disbursed_on_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("monto", error="monto is an amount in whole pesos above 0, e.g. 25000000 or 25.000.000")
    def amount_whole_pesos(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER) & (pl.col(data.key).cast(pl.Int64, strict=False) > 0))

    @pa.check("tamano_empresa", error="tamano_empresa is MICRO, PEQUENA (PEQUEÑA), MEDIANA or GRANDE")
    def firm_size_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(FIRM_SIZES))

    @pa.check("plazo_meses", error="plazo_meses is a whole number of months from 1 to 360")
    def term_months_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        months = pl.col(data.key).cast(pl.Int64, strict=False)
        return data.lazyframe.select(pl.col(data.key).str.contains(_WHOLE_NUMBER) & months.is_between(1, 360))
