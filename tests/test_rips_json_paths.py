"""The two ways a RIPS JSON file is read give the same rows: a user at a time for the plain
shape (fast), event by event for every shape (the reference)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pbr_pipeline.core.settings import SAMPLE_DATA_DIR
from pbr_pipeline.intake.rips_json import _read_events, _read_regular, read_rips_json

FIXTURES = Path(__file__).parent / "fixtures" / "rips"
FILES = sorted([*FIXTURES.glob("*.json"), *(SAMPLE_DATA_DIR / "inbox").glob("*/registros/rips/*.json")])


def test_the_sample_has_rips_json_to_compare_and_most_of_it_is_read_a_user_at_a_time():
    assert len(FILES) > 20
    regular = [_read_regular(path.read_bytes().removeprefix(b"\xef\xbb\xbf"), "utf-8") is not None for path in FILES]
    assert sum(regular) >= 0.9 * len(FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_both_reads_give_the_same_rows_and_notes(path: Path):
    content = path.read_bytes()
    content = content.removeprefix(b"\xef\xbb\xbf")
    reference = _read_events(content, "utf-8")
    fast = _read_regular(content, "utf-8")
    if fast is not None:
        assert fast.frame.equals(reference.frame)
        assert fast.notes == reference.notes
    assert read_rips_json(path.read_bytes()).frame.equals(reference.frame)


def _invoice(**top) -> dict:
    return {"numDocumentoIdObligado": "900123456", "numFactura": "FE1", "tipoNota": None, "numNota": None, **top, "usuarios": [
        {"tipoDocumentoIdentificacion": "CC", "numDocumentoIdentificacion": "63500123", "fechaNacimiento": "1990-03-14",
         "codSexo": "F", "servicios": {
             "consultas": [{"codPrestador": "680010012301", "fechaInicioAtencion": "2025-02-03 08:00", "codConsulta": "890201",
                            "finalidadTecnologiaSalud": "23", "codDiagnosticoPrincipal": "Z340", "consecutivo": 1},
                           "not a service", None],
             "medicamentos": [{"codPrestador": "680010012301", "fechaDispensAdmon": "2025-02-04 09:00", "diasTratamiento": 30.0,
                               "codDiagnosticoPrincipal": {"nested": 1}, "consecutivo": 2}],
             "vacunas": [{"consecutivo": 3}],
             "procedimientos": {"not": "a list"},
             "urgencias": None,
         }},
        {"tipoDocumentoIdentificacion": "CC", "numDocumentoIdentificacion": "", "codSexo": "M",
         "servicios": {"consultas": [{"fechaInicioAtencion": "2025-02-05", "consecutivo": 1}]}},
    ]}


@pytest.mark.parametrize("case", ["plain", "invoice after the users", "invoice twice", "services beside the users",
                                  "misspelt key", "wrapped", "user without servicios"])
def test_odd_shapes_are_read_alike_or_left_to_the_event_reader(case: str):
    document = _invoice()
    if case == "invoice after the users":
        users = document.pop("usuarios")
        document = {"usuarios": users, "numFactura": "FE9"}
    elif case == "invoice twice":
        document["usuarios"].append({"servicios": {}})
        text = json.dumps(document)[:-1] + ', "numFactura": "FE2"}'
    elif case == "services beside the users":
        document["servicios"] = {"consultas": [{"consecutivo": 9}]}
    elif case == "misspelt key":
        document["numDocumentoldObligado"] = document.pop("numDocumentoIdObligado")
    elif case == "wrapped":
        document = {"rips": document}
    elif case == "user without servicios":
        del document["usuarios"][1]["servicios"]
    content = (text if case == "invoice twice" else json.dumps(document)).encode()
    fast = _read_regular(content, "utf-8")
    assert (fast is not None) == (case == "plain")
    reference = _read_events(content, "utf-8")
    if fast is not None:
        assert fast.frame.equals(reference.frame) and fast.notes == reference.notes
        assert reference.frame["read_error"].null_count() < reference.frame.height  # the odd entries are rejected rows
    assert read_rips_json(content).frame.equals(reference.frame)
