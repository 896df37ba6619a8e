"""Shared helpers: tests build their own small inbox files, real files on disk."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

MONTH = "2025-03"

ENROLMENT_ROW = {
    "operador": "OP-001",
    "programa": "EMPLEO",
    "tipo_documento": "CC",
    "numero_documento": "1098765432",
    "primer_nombre": "José",
    "segundo_nombre": "Andrés",
    "primer_apellido": "Muñoz",
    "segundo_apellido": "De la Hoz",
    "razon_social": "",
    "fecha_nacimiento": "1990-05-17",
    "sexo": "M",
    "grupos": "VICTIMA",
    "rol": "",
    "fecha_inscripcion": "2025-03-03",
    "fecha_egreso": "",
    "municipio": "68001",
}

CLAIM_ROW = {
    "operador": "OP-001",
    "programa": "EMPLEO",
    "tipo_documento": "CC",
    "numero_documento": "1098765432",
    "resultado": "COLOCACION",
    "fecha_resultado": "2025-03-20",
    "soporte": "900123456",
}

PILA_ROW = {
    "tipo_documento": "CC",
    "numero_documento": "1098765432",
    "primer_nombre": "JOSE",
    "segundo_nombre": "ANDRES",
    "primer_apellido": "MUNOZ",
    "segundo_apellido": "DE LA HOZ",
    "periodo": "2025-02",
    "nit_aportante": "800197268-4",
    "tipo_cotizante": "1",
    "dias_cotizados": "30",
    "salario_basico": "1423500",
    "ibc": "1423500",
    "novedad_ing": "X",
    "fecha_ingreso": "2025-02-01",
    "novedad_ret": "",
    "fecha_retiro": "",
}


REVIEW_ROW = {
    "id_caso": "0123456789abcdef",
    "decision": "ACEPTAR",
    "revisor": "ana.pena@bucaramanga.gov.co",
    "fecha_revision": "2025-03-10",
    "nota": "mismo nombre y fecha de nacimiento; PEP pasó a PPT",
}


def csv_bytes(rows: list[dict[str, str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def put(data_dir: Path, relative: str, content: bytes) -> Path:
    path = data_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder
