"""The person/firm document columns every input table carries, with their rules."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import kinds
from schemas.checks import document_number_shape
from schemas.codes import DIGITS_ONLY_DOCUMENT_TYPES, DOCUMENT_TYPES, MAX_DOCUMENT_NUMBER_LENGTH


class DocumentColumns(pa.DataFrameModel):
    """`tipo_documento` and `numero_documento` as Colombian documents are written (docs/formats.md)."""

    document_type: str = pa.Field(
        alias="tipo_documento",
        nullable=False,
        metadata={"kind": kinds.DOCUMENT_TYPE},
        description="Document type code (aliases PPT→PT, PEP→PE, C.C.→CC already applied).",
    )
    document_number: str = pa.Field(
        alias="numero_documento",
        nullable=False,
        metadata={"kind": kinds.DOCUMENT_NUMBER, "personal": True},
        description="Document number as text, dots, spaces and dashes removed, leading zeros kept.",
    )

    @pa.check("tipo_documento",
              error="unknown document type; use CC, TI, CE, PA, RC, CD, SC, PT (PPT), PE (PEP) or NIT")
    def document_type_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_in(DOCUMENT_TYPES))

    @pa.check("numero_documento",
              error=f"a document number is 1 to {MAX_DOCUMENT_NUMBER_LENGTH} letters or digits")
    def document_number_shape(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(document_number_shape(data.key))

    @pa.check("numero_documento",
              error="CC, TI, RC, SC and NIT numbers hold digits only")
    def document_number_digits_only(cls, data: pa.PolarsData) -> pl.LazyFrame:
        digits_only_type = pl.col("tipo_documento").is_in(sorted(DIGITS_ONLY_DOCUMENT_TYPES))
        return data.lazyframe.select(~digits_only_type | pl.col(data.key).str.contains(r"^\d+$"))

    class Config:
        strict = False


class NamedPersonColumns(DocumentColumns):
    """A registry row's person: the document, and the names where the source holds them
    (optional: the second pass compares them, the rules never need them)."""

    first_name: str = pa.Field(alias="primer_nombre", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="First given name as the registry holds it.")
    second_name: str = pa.Field(alias="segundo_nombre", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="Second given name.")
    first_surname: str = pa.Field(alias="primer_apellido", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="First surname.")
    second_surname: str = pa.Field(alias="segundo_apellido", nullable=True, metadata={"kind": kinds.NAME, "personal": True}, description="Second surname.")
