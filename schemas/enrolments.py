"""Enrolment rosters (`inscripciones`): who entered a programme, when, and in which groups."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import is_real_date, not_after_inbox_month, not_before
from schemas.codes import DEFAULT_MUNICIPALITY, FIRM_PROGRAMMES, POPULATION_GROUPS, ROLES, SEX_CODES, UNIT_PROGRAMMES
from schemas.submissions import SubmissionColumns

_IS_FIRM = pl.col("tipo_documento") == "NIT"
_FIRM_PROGRAMME = pl.col("programa").is_in(sorted(FIRM_PROGRAMMES))
UNIT_ID_PATTERN = r"^[0-9A-Z][0-9A-Z_.-]{0,39}$"
"""A producer unit's id as the productivity measurements name it: letters, digits, `-`, `_`, `.`."""
_NOT_A_DATE = "not a date; write YYYY-MM-DD or DD/MM/YYYY"
_IN_FUTURE = "the date is after the month the file was received"


def _required_for_people(column: str) -> pl.Expr:
    return _IS_FIRM | pl.col(column).is_not_null()


class EnrolmentRoster(SubmissionColumns):
    """One row per person (or firm) an operator enrolled, as the roster publishes it."""

    first_name: str = pa.Field(alias="primer_nombre", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="First given name.")
    second_name: str = pa.Field(alias="segundo_nombre", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="Second given name, often absent.")
    first_surname: str = pa.Field(alias="primer_apellido", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="First surname.")
    second_surname: str = pa.Field(alias="segundo_apellido", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="Second surname, often absent.")
    business_name: str = pa.Field(alias="razon_social", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="Firm name (NIT rows only).")
    birth_date: str = pa.Field(alias="fecha_nacimiento", nullable=True, metadata={"kind": kinds.DATE, "personal": True}, description="Birth date (people only).")
    sex: str = pa.Field(alias="sexo", nullable=True, metadata={"kind": kinds.SEX}, description="F or M (MUJER/HOMBRE accepted).")
    groups: str = pa.Field(alias="grupos", nullable=True, metadata={"kind": kinds.GROUPS}, description="Population groups, `|`-separated, sorted.")
    role: str = pa.Field(alias="rol", nullable=True, metadata={"kind": kinds.CODE}, description="DOCENTE or ESTUDIANTE (BILINGUISMO only).")
    enrolled_on: str = pa.Field(alias="fecha_inscripcion", nullable=False, metadata={"kind": kinds.DATE}, description="Date the person entered the programme.")
    exited_on: str = pa.Field(alias="fecha_egreso", nullable=True, metadata={"kind": kinds.DATE}, description="Date the intervention ended; empty while enrolled.")
    municipality: str = pa.Field(alias="municipio", nullable=True, metadata={"kind": kinds.CODE, "default": DEFAULT_MUNICIPALITY}, description="DIVIPOLA municipality code; empty means 68001 (Bucaramanga).")
    unit_id: str = pa.Field(alias="unidad_productiva", nullable=True, metadata={"kind": kinds.CODE, "personal": True}, description="The producer unit enrolled (AGRO only), as the productivity measurements name it.")

    @pa.check("tipo_documento", error="CREDITO_MIPYME enrols firms: tipo_documento is NIT, with the firm's razon_social")
    def firm_programmes_enrol_firms(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~_FIRM_PROGRAMME | _IS_FIRM)

    @pa.check("tipo_documento", error="this programme enrols people, not firms: a NIT is only for CREDITO_MIPYME")
    def people_programmes_enrol_people(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_FIRM_PROGRAMME | ~_IS_FIRM)

    @pa.check("unidad_productiva", error="AGRO rows need unidad_productiva: the producer unit's id as the productivity measurements name it")
    def unit_required_for_agro(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.col("programa").is_in(sorted(UNIT_PROGRAMMES)) | pl.col(data.key).is_not_null())

    @pa.check("unidad_productiva", error="unidad_productiva holds letters, digits, '-', '_' and '.', at most 40")
    def unit_id_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(UNIT_ID_PATTERN))

    @pa.check("primer_nombre", error="a person's first name (primer_nombre) is required")
    def first_name_required(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_required_for_people(data.key))

    @pa.check("primer_apellido", error="a person's first surname (primer_apellido) is required")
    def first_surname_required(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_required_for_people(data.key))

    @pa.check("razon_social", error="a firm (NIT) needs its razon_social")
    def business_name_required(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~_IS_FIRM | pl.col(data.key).is_not_null())

    @pa.check("fecha_nacimiento", error="a person's birth date (fecha_nacimiento) is required")
    def birth_date_required(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_required_for_people(data.key))

    @pa.check("fecha_nacimiento", error=_NOT_A_DATE)
    def birth_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_nacimiento", error=_IN_FUTURE)
    def birth_date_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("sexo", error="a person's sex (sexo) is required: F or M")
    def sex_required(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_required_for_people(data.key))

    @pa.check("sexo", error="sexo is F or M (MUJER or HOMBRE)")
    def sex_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(SEX_CODES))

    @pa.check("grupos", error="unknown population group; use MIGRANTE, DISCAPACIDAD, VICTIMA, MADRE_CABEZA_HOGAR or ETNICO separated by |")
    def groups_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        tags = pl.col(data.key).str.split("|")
        return data.lazyframe.select(tags.list.eval(pl.element().is_in(POPULATION_GROUPS)).list.all())

    @pa.check("rol", error="rol is DOCENTE or ESTUDIANTE")
    def role_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(ROLES))

    @pa.check("rol", error="BILINGUISMO rows need rol: DOCENTE or ESTUDIANTE")
    def role_required_for_bilingualism(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("programa") != "BILINGUISMO") | pl.col(data.key).is_not_null())

    @pa.check("fecha_inscripcion", error=_NOT_A_DATE)
    def enrolment_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_inscripcion", error=_IN_FUTURE)
    def enrolment_date_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("fecha_inscripcion", error="the enrolment date is before the birth date")
    def enrolment_date_not_before_birth(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_before(data.key, "fecha_nacimiento"))

    @pa.check("fecha_egreso", error=_NOT_A_DATE)
    def exit_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_egreso", error=_IN_FUTURE)
    def exit_date_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("fecha_egreso", error="the exit date is before the enrolment date")
    def exit_date_not_before_enrolment(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_before(data.key, "fecha_inscripcion"))

    @pa.check("municipio", error="municipio is a 5-digit DIVIPOLA code, e.g. 68001")
    def municipality_code_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^\d{5}$"))
