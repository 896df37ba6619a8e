"""Review decisions (`revisiones`): a person of the city decides a link the matcher left in review."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import is_real_date, not_after_inbox_month
from schemas.codes import REVIEW_DECISIONS

CASE_ID = r"^[0-9a-f]{16}$"
REVIEWER = r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$"


class ReviewDecisions(pa.DataFrameModel):
    """One decision per row: which case, ACCEPT or REJECT, who, when, why."""

    case_id: str = pa.Field(alias="id_caso", nullable=False, metadata={"kind": kinds.IDENTIFIER}, description="The case in review: a claim_id or a pair_id from the review sheet.")
    decision: str = pa.Field(alias="decision", nullable=False, metadata={"kind": kinds.DECISION}, description="ACCEPT (the link is right) or REJECT (it is not); ACEPTAR / RECHAZAR accepted.")
    reviewer: str = pa.Field(alias="revisor", nullable=False, metadata={"kind": kinds.IDENTIFIER}, description="The reviewer's institutional e-mail.")
    reviewed_on: str = pa.Field(alias="fecha_revision", nullable=False, metadata={"kind": kinds.DATE}, description="Date of the decision.")
    note: str = pa.Field(alias="nota", nullable=True, metadata={"kind": kinds.TEXT}, description="Why, in the reviewer's words.")

    @pa.check("id_caso", error="id_caso is the 16-character id from the review sheet (claim_id or pair_id)")
    def case_id_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(CASE_ID))

    @pa.check("decision", error="decision is ACCEPT or REJECT (ACEPTAR or RECHAZAR)")
    def decision_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(REVIEW_DECISIONS))

    @pa.check("revisor", error="revisor is the reviewer's e-mail, e.g. ana.pena@bucaramanga.gov.co")
    def reviewer_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(REVIEWER))

    @pa.check("fecha_revision", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def review_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_revision", error="the date is after the month the file was received")
    def review_date_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    class Config:
        strict = False
