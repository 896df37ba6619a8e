"""Outcome claims (`reportes`): an operator says a person reached an outcome on a date."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import is_real_date, not_after_inbox_month
from schemas.codes import OUTCOMES_BY_PROGRAMME, PROGRAMME_OUTCOME_PAIRS
from schemas.submissions import SubmissionColumns

_ALL_OUTCOMES = sorted({outcome for outcomes in OUTCOMES_BY_PROGRAMME.values() for outcome in outcomes})


class OutcomeClaims(SubmissionColumns):
    """One row per outcome an operator claims, as the claims file publishes it."""

    outcome: str = pa.Field(alias="resultado", nullable=False, metadata={"kind": kinds.CODE}, description="Outcome code claimed (COLOCACION, RETENCION_3M, …).")
    outcome_date: str = pa.Field(alias="fecha_resultado", nullable=False, metadata={"kind": kinds.DATE}, description="Date the operator says the outcome happened.")
    support: str = pa.Field(alias="soporte", nullable=True, metadata={"kind": kinds.TEXT}, description="Reference the operator holds: employer NIT, certificate number, …")

    @pa.check("resultado", error="unknown outcome code; see the outcome codes in docs/formats.md")
    def outcome_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(_ALL_OUTCOMES))

    @pa.check("resultado", error="this outcome code belongs to another programme")
    def outcome_belongs_to_programme(cls, data: pa.PolarsData) -> pl.LazyFrame:
        known_outcome = pl.col(data.key).is_in(_ALL_OUTCOMES)
        known_programme_pair = pl.concat_str(pl.col("programa"), pl.lit("/"), pl.col(data.key)).is_in(PROGRAMME_OUTCOME_PAIRS)
        # An unknown code is already reported by outcome_known; say one thing per mistake.
        return data.lazyframe.select(~known_outcome | known_programme_pair)

    @pa.check("fecha_resultado", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def outcome_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_resultado", error="the date is after the month the file was received")
    def outcome_date_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))
