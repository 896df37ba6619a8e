"""Columns every operator file carries: who submits it and for which programme."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.codes import PROGRAMMES
from schemas.documents import DocumentColumns

OPERATOR_CODE = r"^OP-\d{3,}$"


class SubmissionColumns(DocumentColumns):
    """`operador` and `programa` on top of the document columns."""

    operator: str = pa.Field(
        alias="operador",
        nullable=False,
        metadata={"kind": kinds.CODE},
        description="Operator code, e.g. OP-014.",
    )
    programme: str = pa.Field(
        alias="programa",
        nullable=False,
        metadata={"kind": kinds.CODE},
        description="Programme code (EMPLEO, BILINGUISMO, …).",
    )

    @pa.check("operador", error="an operator code is written OP- and digits, e.g. OP-014")
    def operator_code_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(OPERATOR_CODE))

    @pa.check("programa", error="unknown programme; see the programme codes in docs/formats.md")
    def programme_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(PROGRAMMES))
