"""Provenance columns: every input row, valid or rejected, says where it came from."""

from __future__ import annotations

import pandera.polars as pa

SOURCE_FILE = "source_file"
SOURCE_SHA256 = "source_sha256"
SOURCE_ROW = "source_row"
INBOX_MONTH = "inbox_month"
READ_ERROR = "read_error"

PROVENANCE_COLUMNS: tuple[str, ...] = (SOURCE_FILE, SOURCE_SHA256, SOURCE_ROW, INBOX_MONTH)


class Provenance(pa.DataFrameModel):
    """Where a row was read: enough for a verifier to open the file and find it."""

    source_file: str = pa.Field(nullable=False, description="Path of the inbox file, relative to the data directory.")
    source_sha256: str = pa.Field(nullable=False, str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the file's bytes as received.")
    source_row: int = pa.Field(nullable=True, ge=1, description="Row number as a person opening the file counts it (CSV header = 1; XLSX sheet row; Parquet first record = 1). Empty for a file-level error.")
    inbox_month: str = pa.Field(nullable=False, str_matches=r"^\d{4}-(0[1-9]|1[0-2])$", description="Month the file was received (its inbox folder).")

    class Config:
        strict = False
