"""English exam results (`registros/examenes_ingles`): entry and exit tests of BILINGUISMO."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import is_real_date, not_after_inbox_month
from schemas.codes import CEFR_LEVELS, ENGLISH_TESTS, EXAM_MOMENTS
from schemas.documents import NamedPersonColumns


class EnglishExams(NamedPersonColumns):
    """One exam result of one person, as the testing body's extract delivers it."""

    birth_date: str = pa.Field(alias="fecha_nacimiento", nullable=True, metadata={"kind": kinds.DATE, "personal": True}, description="Birth date, where the extract holds it.")
    sex: str = pa.Field(alias="sexo", nullable=True, metadata={"kind": kinds.SEX}, description="F or M, where the extract holds it.")
    test: str = pa.Field(alias="prueba", nullable=False, metadata={"kind": kinds.CODE}, description="APTIS_GENERAL, APTIS_DOCENTES, SABER11 or OTRA.")
    moment: str = pa.Field(alias="momento", nullable=False, metadata={"kind": kinds.CODE}, description="ENTRADA (entry test) or SALIDA (exit test).")
    exam_date: str = pa.Field(alias="fecha_examen", nullable=False, metadata={"kind": kinds.DATE}, description="Date the exam was taken.")
    level: str = pa.Field(alias="nivel_mcer", nullable=False, metadata={"kind": kinds.CEFR_LEVEL}, description="CEFR level: PRE_A1, A1, A2, B1, B2, C1, C2 (A0 and A- read as PRE_A1, B+ as B2, C as C1).")
    score: str = pa.Field(alias="puntaje", nullable=True, metadata={"kind": kinds.INTEGER}, description="Overall score, where the test gives one.")
    certificate_number: str = pa.Field(alias="numero_certificado", nullable=True, metadata={"kind": kinds.TEXT}, description="Certificate number, where one was issued.")

    @pa.check("prueba", error="prueba is APTIS_GENERAL, APTIS_DOCENTES, SABER11 or OTRA")
    def test_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(ENGLISH_TESTS))

    @pa.check("momento", error="momento is ENTRADA or SALIDA")
    def moment_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(EXAM_MOMENTS))

    @pa.check("fecha_examen", error="not a date; write YYYY-MM-DD or DD/MM/YYYY")
    def exam_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_examen", error="the exam date is after the month the extract was received")
    def exam_date_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("nivel_mcer", error="nivel_mcer is a CEFR level: PRE_A1, A1, A2, B1, B2, C1 or C2 (A0, A-, B+ and C accepted)")
    def level_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(CEFR_LEVELS))

    @pa.check("puntaje", error="puntaje is a whole number, e.g. 165")
    def score_whole(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^\d{1,4}$"))
