"""RIPS health-service records (`registros/rips`): one row per service a provider billed.

RIPS (Registro Individual de Prestación de Servicios de Salud, Resolución 2275 de 2023) comes
as the JSON document of one invoice (flattened by `pbr_pipeline.intake.rips_json`, one row per
service) or as the flat CSV of docs/formats.md. Users carry no names: a row names its person
by document, birth date and sex only. Diagnoses are sensitive personal data (Law 1581 of 2012,
art. 5): they are marked `personal` (withheld from the quarantine's values) and `health`;
provider, technology and purpose are marked `health`, so a privacy step can find every column
that tells something about a person's health.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import is_real_date, not_after_inbox_month, not_before
from schemas.codes import SEX_CODES
from schemas.documents import DocumentColumns

CONSULTA = "CONSULTA"
PROCEDIMIENTO = "PROCEDIMIENTO"
MEDICAMENTO = "MEDICAMENTO"
URGENCIA = "URGENCIA"
HOSPITALIZACION = "HOSPITALIZACION"
RECIEN_NACIDO = "RECIEN_NACIDO"
OTRO = "OTRO"
SERVICE_KINDS: tuple[str, ...] = (CONSULTA, PROCEDIMIENTO, MEDICAMENTO, URGENCIA, HOSPITALIZACION, RECIEN_NACIDO, OTRO)
"""`tipo_servicio`: the RIPS service arrays, one code each."""

CUPS_KINDS: tuple[str, ...] = (CONSULTA, PROCEDIMIENTO)
"""Kinds whose technology code is a CUPS code (6 letters or digits)."""
CODED_KINDS: tuple[str, ...] = (CONSULTA, PROCEDIMIENTO, MEDICAMENTO, OTRO)
"""Kinds that name the technology they delivered (CUPS, CUM/IUM, or the provider's code)."""

PURPOSES: tuple[str, ...] = tuple(str(code) for code in range(11, 45))
"""RIPS `finalidadTecnologiaSalud` codes (table RIPSFinalidadConsultaVersion2): 11 to 44."""
PRENATAL_CARE = "23"
"""`finalidadTecnologiaSalud` 23: ATENCION PARA EL CUIDADO PRENATAL."""

CIE10_PATTERN = r"^[A-Z]\d{2}[0-9X]$"
PROVIDER_CODE_PATTERN = r"^\d{12}$"

_NOT_A_DATE = "not a date; write YYYY-MM-DD or YYYY-MM-DD HH:MM (or DD/MM/YYYY)"
_NOT_CIE10 = "not a CIE-10 code: a letter, two digits and a digit or X, without a dot (Z340, B24X)"
_HEALTH = {"health": True}


class RipsServices(DocumentColumns):
    """One health service one person received, as the RIPS of an invoice reports it."""

    invoice_number: str = pa.Field(alias="num_factura", nullable=False, metadata={"kind": kinds.TEXT}, description="Invoice (FEV) number, prefix and number as written, e.g. FEBU4433; RS:<numNota> for a RIPS without an invoice.")
    service_number: str = pa.Field(alias="consecutivo", nullable=False, metadata={"kind": kinds.INTEGER}, description="The service's consecutivo within its kind (and, in RIPS JSON, within its user), from 1.")
    birth_date: str = pa.Field(alias="fecha_nacimiento", nullable=False, metadata={"kind": kinds.DATE, "personal": True}, description="The person's birth date.")
    sex: str = pa.Field(alias="sexo", nullable=True, metadata={"kind": kinds.SEX}, description="F or M; empty when the RIPS file leaves it unknown (codSexo I, or an M the file does not say the meaning of).")
    service_kind: str = pa.Field(alias="tipo_servicio", nullable=False, metadata={"kind": kinds.CODE}, description="CONSULTA, PROCEDIMIENTO, MEDICAMENTO, URGENCIA, HOSPITALIZACION, RECIEN_NACIDO or OTRO.")
    provider_code: str = pa.Field(alias="cod_prestador", nullable=False, metadata={"kind": kinds.CODE, **_HEALTH}, description="The provider's 12-digit REPS code (habilitación code and site).")
    service_date: str = pa.Field(alias="fecha_atencion", nullable=False, metadata={"kind": kinds.DATE_TIME}, description="Date of the service (start of care, dispensing, supply, or a newborn's birth); the time of day is dropped.")
    technology_code: str = pa.Field(alias="cod_tecnologia", nullable=True, metadata={"kind": kinds.CODE, **_HEALTH}, description="CUPS code of a consultation or procedure, CUM/IUM of a medicine, the provider's code of another service; empty for emergencies, stays and newborns.")
    purpose: str = pa.Field(alias="finalidad", nullable=True, metadata={"kind": kinds.CODE, **_HEALTH}, description="RIPS finalidadTecnologiaSalud, 11 to 44 (23 = prenatal care); consultations and procedures only.")
    dx_main: str = pa.Field(alias="dx_principal", nullable=True, metadata={"kind": kinds.CIE10, "personal": True, **_HEALTH}, description="Main diagnosis, CIE-10 in four characters (Z340, B24X).")
    dx_related: str = pa.Field(alias="dx_relacionado", nullable=True, metadata={"kind": kinds.CIE10, "personal": True, **_HEALTH}, description="First related diagnosis, CIE-10 in four characters.")
    treatment_days: str = pa.Field(alias="dias_tratamiento", nullable=True, metadata={"kind": kinds.INTEGER, **_HEALTH}, description="Days of treatment a dispensed medicine covers (medicines).")
    prenatal_visits: str = pa.Field(alias="num_consultas_prenatales", nullable=True, metadata={"kind": kinds.INTEGER, **_HEALTH}, description="Prenatal check-ups the mother had (newborn rows).")
    locator: str = pa.Field(alias="ubicacion", nullable=True, metadata={"kind": kinds.TEXT}, description="Where the service sits in a RIPS JSON file, e.g. usuarios[2].servicios.consultas[0]; empty for CSV and Parquet.")

    class Config:
        strict = False
        metadata = {"json_format": "rips"}
        """Files of this table may also be RIPS JSON (`.json`): pbr_pipeline.intake.rips_json."""

    @pa.check("num_factura", error="num_factura is 1 to 40 letters, digits, - / _ or :, e.g. FEBU4433")
    def invoice_number_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^[0-9A-Za-z:/_\-]{1,40}$"))

    @pa.check("consecutivo", error="consecutivo is a whole number from 1, e.g. 1")
    def service_number_whole(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^0*[1-9]\d{0,8}$"))

    @pa.check("fecha_nacimiento", error=_NOT_A_DATE)
    def birth_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_nacimiento", error="the birth date is after the month the file was received")
    def birth_date_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("sexo", error="sexo is F or M (MUJER or HOMBRE), or empty when unknown")
    def sex_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(SEX_CODES))

    @pa.check("tipo_servicio", error="tipo_servicio is CONSULTA, PROCEDIMIENTO, MEDICAMENTO, URGENCIA, HOSPITALIZACION, RECIEN_NACIDO or OTRO")
    def service_kind_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(SERVICE_KINDS))

    @pa.check("cod_prestador", error="cod_prestador is the provider's 12-digit REPS code, e.g. 680010012301")
    def provider_code_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(PROVIDER_CODE_PATTERN))

    @pa.check("fecha_atencion", error=_NOT_A_DATE)
    def service_date_is_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(is_real_date(data.key))

    @pa.check("fecha_atencion", error="the service date is after the month the file was received")
    def service_date_not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_inbox_month(data.key))

    @pa.check("fecha_atencion", error="the service date is before the person's birth date")
    def service_date_not_before_birth(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_before(data.key, "fecha_nacimiento"))

    @pa.check("cod_tecnologia", error="consultations, procedures, medicines and other services need cod_tecnologia (CUPS, CUM or the provider's code)")
    def technology_code_required(cls, data: pa.PolarsData) -> pl.LazyFrame:
        coded = pl.col("tipo_servicio").is_in(CODED_KINDS)
        return data.lazyframe.select(~coded.fill_null(False) | pl.col(data.key).is_not_null())

    @pa.check("cod_tecnologia", error="the CUPS code of a consultation or procedure is 6 letters or digits, e.g. 890201")
    def cups_code_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        cups = pl.col("tipo_servicio").is_in(CUPS_KINDS).fill_null(False)
        return data.lazyframe.select(~cups | pl.col(data.key).str.contains(r"^[0-9A-Z]{6}$"))

    @pa.check("cod_tecnologia", error="cod_tecnologia is 1 to 30 letters, digits, - . or _ (a CUM is written like 19992190-03)")
    def technology_code_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^[0-9A-Z][0-9A-Z._\-]{0,29}$"))

    @pa.check("finalidad", error="finalidad is a RIPS finalidadTecnologiaSalud code from 11 to 44, e.g. 23 (prenatal care)")
    def purpose_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(PURPOSES))

    @pa.check("dx_principal", error=_NOT_CIE10)
    def dx_main_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(CIE10_PATTERN))

    @pa.check("dx_relacionado", error=_NOT_CIE10)
    def dx_related_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(CIE10_PATTERN))

    @pa.check("dias_tratamiento", error="dias_tratamiento is a whole number of days from 0 to 999, e.g. 30")
    def treatment_days_whole(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^\d{1,3}$"))

    @pa.check("num_consultas_prenatales", error="num_consultas_prenatales is a whole number of check-ups from 0 to 99")
    def prenatal_visits_whole(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^\d{1,2}$"))

