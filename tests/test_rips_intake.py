"""RIPS intake: JSON invoices (Resolución 2275 de 2023) and the flat CSV, through the real
ingestion and validation, with every service and every defect accounted for."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from pbr_pipeline.intake.ingest import ingest_table, json_format
from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.intake.readers import UnreadableFile, read_file
from pbr_pipeline.intake.rips_json import COLUMNS, read_rips_json
from pbr_pipeline.intake.validate import rejected_rows_per_file, validate_table
from schemas.enrolments import EnrolmentRoster
from schemas.registries.rips import RipsServices
from tests.conftest import MONTH, csv_bytes, put

FIXTURES = Path(__file__).parent / "fixtures" / "rips"
FOLDER = f"inbox/{MONTH}/registros/rips"
RIPS = InputTable("rips", RipsServices, inbox_folder="registros/rips")
ENROLMENTS = InputTable("enrolments", EnrolmentRoster, inbox_folder="inscripciones")
PROFESSIONAL = "63555111"
"""The health professional's document in the fixture's service objects: never a subject."""


def _invoice() -> dict:
    return json.loads((FIXTURES / "FEBU4433.json").read_text(encoding="utf-8"))


def _run(data_dir: Path, files: dict[str, bytes]):
    for name, content in files.items():
        put(data_dir, f"{FOLDER}/{name}", content)
    ingested = ingest_table(data_dir, MONTH, RIPS)
    return ingested, validate_table(ingested.frame, RIPS)


def _json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _accounted_for(ingested, validated) -> None:
    """Per file: rows read = rows valid + distinct rows rejected (the conservation check)."""
    read = ingested.frame.group_by("source_file").len("read")
    valid = validated.valid.group_by("source_file").len("valid")
    rejected = rejected_rows_per_file(validated.rejected)
    counts = read.join(valid, on="source_file", how="left").join(rejected, on="source_file", how="left").fill_null(0)
    assert (counts["read"] == counts["valid"] + counts["rows_rejected"]).all(), counts


# --- the model is what the rules code against -------------------------------------------------


def test_validated_table_columns_and_types():
    schema = RIPS.typed_schema
    typed = {name: str(column.dtype) for name, column in schema.columns.items()}
    assert typed == {
        "document_type": "String", "document_number": "String", "invoice_number": "String",
        "service_number": "Int64", "birth_date": "Date", "sex": "String", "service_kind": "String",
        "provider_code": "String", "service_date": "Date", "technology_code": "String", "purpose": "String",
        "dx_main": "String", "dx_related": "String", "treatment_days": "Int64", "prenatal_visits": "Int64",
        "locator": "String", "source_file": "String", "source_sha256": "String", "source_row": "Int64",
        "inbox_month": "String",
    }
    assert set(COLUMNS) == set(RIPS.published_columns)
    assert json_format(RIPS) == "rips" and json_format(ENROLMENTS) is None
    health = {name for name, column in schema.columns.items() if (column.metadata or {}).get("health")}
    assert health == {"provider_code", "technology_code", "purpose", "dx_main", "dx_related", "treatment_days", "prenatal_visits"}
    assert {"numero_documento", "fecha_nacimiento", "dx_principal", "dx_relacionado"} <= RIPS.personal_columns
    assert not any(name.endswith(("nombre", "apellido")) for name in RIPS.published_columns)


# --- a RIPS JSON invoice ----------------------------------------------------------------------


def test_a_json_invoice_becomes_one_row_per_service_of_the_patient(data_dir):
    content = (FIXTURES / "FEBU4433.json").read_bytes()
    ingested, validated = _run(data_dir, {"FEBU4433.json": content})

    assert validated.rejected.height == 0
    report = ingested.files[0]
    assert (report.file_format, report.encoding, report.header_row, report.error) == ("json", "utf-8", None, None)
    assert report.notes == ("codSexo M of 1 user read as hombre: the file writes F too",)
    valid = validated.valid
    assert valid["source_file"].unique().to_list() == [f"{FOLDER}/FEBU4433.json"]
    assert valid["source_sha256"].unique().to_list() == [hashlib.sha256(content).hexdigest()]
    assert valid["source_row"].to_list() == list(range(1, 11))
    assert valid.select("locator", "service_kind", "service_number").rows() == [
        ("usuarios[0].servicios.consultas[0]", "CONSULTA", 1),
        ("usuarios[0].servicios.consultas[1]", "CONSULTA", 2),
        ("usuarios[0].servicios.procedimientos[0]", "PROCEDIMIENTO", 1),
        ("usuarios[0].servicios.medicamentos[0]", "MEDICAMENTO", 1),
        ("usuarios[0].servicios.hospitalizacion[0]", "HOSPITALIZACION", 1),
        ("usuarios[0].servicios.recienNacidos[0]", "RECIEN_NACIDO", 1),
        ("usuarios[1].servicios.consultas[0]", "CONSULTA", 1),
        ("usuarios[1].servicios.urgencias[0]", "URGENCIA", 1),
        ("usuarios[1].servicios.medicamentos[0]", "MEDICAMENTO", 1),
        ("usuarios[1].servicios.otrosServicios[0]", "OTRO", 1),
    ]
    # The patient is the user; the document inside each service is the professional's.
    assert PROFESSIONAL not in valid["document_number"].to_list()
    assert valid.select("document_number", "birth_date", "sex").unique(maintain_order=True).rows() == [
        ("1098765432", dt.date(1996, 4, 16), "F"),
        ("91234567", dt.date(1979, 11, 2), "M"),
    ]
    assert valid["invoice_number"].unique().to_list() == ["FEBU4433"]
    rows = {row["locator"]: row for row in valid.iter_rows(named=True)}
    prenatal = rows["usuarios[0].servicios.consultas[1]"]
    assert (prenatal["service_date"], prenatal["technology_code"], prenatal["purpose"], prenatal["dx_main"]) == (
        dt.date(2025, 2, 17), "890201", "23", "Z341")
    assert rows["usuarios[0].servicios.consultas[0]"]["dx_related"] == "O990"  # the first related one given
    assert rows["usuarios[0].servicios.medicamentos[0]"]["treatment_days"] == 30
    assert rows["usuarios[0].servicios.medicamentos[0]"]["technology_code"] == "19943540-01"
    stay = rows["usuarios[0].servicios.hospitalizacion[0]"]
    assert (stay["service_date"], stay["dx_main"], stay["dx_related"], stay["technology_code"]) == (
        dt.date(2025, 2, 26), "O800", "Z370", None)
    newborn = rows["usuarios[0].servicios.recienNacidos[0]"]
    assert (newborn["document_number"], newborn["service_date"], newborn["prenatal_visits"], newborn["dx_main"]) == (
        "1098765432", dt.date(2025, 2, 27), 6, "Z380")
    assert rows["usuarios[1].servicios.consultas[0]"]["dx_main"] == "B24X"
    emergency = rows["usuarios[1].servicios.urgencias[0]"]
    assert (emergency["service_date"], emergency["dx_main"], emergency["dx_related"]) == (dt.date(2025, 2, 5), "A150", "B24X")
    assert rows["usuarios[1].servicios.otrosServicios[0]"]["technology_code"] == "JERI002"


def test_the_validators_wrapper_and_a_byte_order_mark_read_the_same(data_dir):
    plain = _invoice()
    wrapped = {"rips": plain, "xmlFevFile": "PD94bWwgdmVyc2lvbj0iMS4wIj8+"}
    _, validated = _run(data_dir, {"a.json": _json(plain), "b.json": b"\xef\xbb\xbf" + _json(wrapped)})
    valid = validated.valid
    a = valid.filter(pl.col("source_file").str.ends_with("a.json")).drop("source_file", "source_sha256", "locator")
    b = valid.filter(pl.col("source_file").str.ends_with("b.json")).drop("source_file", "source_sha256", "locator")
    assert a.height == 10 and a.equals(b)
    assert valid.filter(pl.col("source_file").str.ends_with("b.json"))["locator"][0] == "rips.usuarios[0].servicios.consultas[0]"


def test_keys_spelt_with_l_for_i_are_read(data_dir):
    text = (FIXTURES / "FEBU4433.json").read_text(encoding="utf-8")
    misspelt = text.replace("numDocumentoIdObligado", "numDocumentoldObligado").replace(
        '"tipoDocumentoIdentificacion": "CC",\n      "numDocumentoIdentificacion": "1098765432"',
        '"tipoDocumentoldentificacion": "CC",\n      "numDocumentoldentificacion": "1098765432"',
    ).replace("fechaInicioAtencion", "fechalnicioAtencion")
    ingested, validated = _run(data_dir, {"typos.json": misspelt.encode()})
    assert validated.valid.height == 10 and validated.rejected.height == 0
    assert "1098765432" in validated.valid["document_number"].to_list()
    assert any("spelt with l for I" in note for note in ingested.files[0].notes)


@pytest.mark.parametrize(
    ("codes", "expected", "note"),
    [
        (["F", "M"], ["F", "M"], "codSexo M of 1 user read as hombre: the file writes F too"),
        (["H", "M"], ["M", "F"], "codSexo M of 1 user read as mujer: the file writes H too"),
        (["M", "M"], [None, None], "2 users with codSexo M left with sex unknown: the file writes neither F nor H"),
        (["F", "H", "M"], ["F", "M", None], "1 user with codSexo M left with sex unknown: the file writes both F and H"),
        (["I", "F"], [None, "F"], "1 user with codSexo I (indeterminado) left with sex unknown"),
    ],
)
def test_sex_codes_are_read_per_file(data_dir, codes, expected, note):
    document = _invoice()
    template = document["usuarios"][1]
    document["usuarios"] = []
    for number, code in enumerate(codes):
        user = copy.deepcopy(template) | {"numDocumentoIdentificacion": f"9100000{number}", "codSexo": code}
        document["usuarios"].append(user)
    ingested, validated = _run(data_dir, {"sexes.json": _json(document)})
    assert validated.rejected.height == 0
    by_person = validated.valid.select("document_number", "sex").unique(maintain_order=True)
    assert by_person["sex"].to_list() == expected
    assert any(recorded.startswith(note) for recorded in ingested.files[0].notes), ingested.files[0].notes


def test_a_newborn_under_an_h_file_does_not_make_the_mother_a_man(data_dir):
    document = _invoice()
    document["usuarios"] = document["usuarios"][:1]
    document["usuarios"][0]["codSexo"] = "M"  # the resolution's table: M = mujer
    document["usuarios"][0]["servicios"]["recienNacidos"][0]["codSexoBiologico"] = "H"
    _, validated = _run(data_dir, {"h.json": _json(document)})
    assert validated.valid["sex"].unique().to_list() == ["F"]


def test_a_rips_without_an_invoice_is_numbered_by_its_note(data_dir):
    document = _invoice() | {"numFactura": None, "tipoNota": "RS", "numNota": "000123"}
    no_number = _invoice() | {"numFactura": None, "tipoNota": None, "numNota": None}
    _, validated = _run(data_dir, {"rs.json": _json(document), "none.json": _json(no_number)})
    assert validated.valid["invoice_number"].unique().to_list() == ["RS:000123"]
    whole = validated.rejected.filter(pl.col("rule") == "file_rejected")
    assert whole.select("source_file", "source_row").rows() == [(f"{FOLDER}/none.json", None)]
    assert "no numFactura" in whole["reason"][0]


# --- defects: every entry accounted for --------------------------------------------------------


def test_a_user_without_a_document_loses_only_their_services(data_dir):
    document = _invoice()
    document["usuarios"][1]["numDocumentoIdentificacion"] = None
    ingested, validated = _run(data_dir, {"nodoc.json": _json(document)})
    assert validated.valid.height == 6
    assert set(validated.valid["document_number"].to_list()) == {"1098765432"}
    rejected = validated.rejected
    assert rejected.select("source_row", "rule", "column").rows() == [(row, "row_unreadable", None) for row in range(7, 11)]
    assert rejected["reason"].unique().to_list() == [
        "usuarios[1] has no numDocumentoIdentificacion: its services cannot be given to a person"
    ]
    _accounted_for(ingested, validated)


def test_an_unknown_service_kind_is_rejected_not_dropped(data_dir):
    document = _invoice()
    services = document["usuarios"][0]["servicios"]
    services["vacunas"] = [{"codPrestador": "680010012301", "consecutivo": 1}, {"codPrestador": "680010012301", "consecutivo": 2}]
    services["hospitalizaciones"] = {"consecutivo": 1}
    ingested, validated = _run(data_dir, {"kinds.json": _json(document)})
    assert validated.valid.height == 10
    rejected = validated.rejected.select("source_row", "rule", "reason")
    assert rejected["source_row"].to_list() == [7, 8, 9]
    assert rejected["rule"].unique().to_list() == ["row_unreadable"]
    assert rejected["reason"].to_list()[:2] == ["unknown service kind 'vacunas' under servicios; RIPS lists consultas, procedimientos, "
                                                "medicamentos, urgencias, hospitalizacion, recienNacidos, otrosServicios"] * 2
    assert rejected["reason"][2].startswith("unknown service kind 'hospitalizaciones'")
    raw = ingested.frame.filter(pl.col("read_error").is_not_null())
    assert raw["ubicacion"].to_list() == [
        "usuarios[0].servicios.vacunas[0]", "usuarios[0].servicios.vacunas[1]", "usuarios[0].servicios.hospitalizaciones",
    ]
    _accounted_for(ingested, validated)


def test_entries_that_are_not_objects_are_rejected_in_place(data_dir):
    document = _invoice()
    document["usuarios"][0]["servicios"]["consultas"].insert(1, "890201")
    document["usuarios"][0]["servicios"]["medicamentos"][0]["codTecnologiaSalud"] = {"cum": "19943540-01"}
    document["usuarios"].append(None)
    ingested, validated = _run(data_dir, {"odd.json": _json(document)})
    reasons = dict(validated.rejected.select("source_row", "reason").rows())
    assert reasons == {
        2: "usuarios[0].servicios.consultas[1] is not a service object",
        5: "usuarios[0].servicios.medicamentos[0].codTecnologiaSalud holds a list or an object where a value belongs",
        12: "usuarios[2] is not a user object",
    }
    assert validated.valid.height == 9
    _accounted_for(ingested, validated)


def test_services_beside_the_users_belong_to_a_lone_user_only(data_dir):
    one = _invoice()
    one["usuarios"] = one["usuarios"][:1]
    one = {"servicios": one["usuarios"][0].pop("servicios")} | one  # written ahead of usuarios
    two = _invoice()
    two["servicios"] = {"consultas": two["usuarios"][0]["servicios"].pop("consultas")}
    ingested, validated = _run(data_dir, {"one.json": _json(one), "two.json": _json(two)})
    lone = validated.valid.filter(pl.col("source_file").str.ends_with("one.json"))
    assert lone.height == 6 and lone["locator"][0] == "servicios.consultas[0]"
    assert lone["source_row"].to_list() == list(range(1, 7))
    assert lone["document_number"].unique().to_list() == ["1098765432"]
    rejected = validated.rejected.filter(pl.col("source_file").str.ends_with("two.json"))
    assert rejected.height == 2
    assert rejected["reason"][0].startswith("servicios sits beside usuarios instead of inside a user, and the file has 2 users")
    _accounted_for(ingested, validated)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{\n "numFactura": "FE1",\n "usuarios": [{"codSexo": "F",, }]\n}', "the JSON is malformed at line 3, column 31 (near usuarios[0])"),
        (b'{"numFactura": "FE1", "usuarios": [{"codSexo": "F", "servicios": {"consultas": [{"consecutivo": 1',
         "the JSON stops before it is complete (after usuarios[0].servicios.consultas[0])"),
        (b'{"numFactura": "FE1", "usuarios": []} {}', "there is more text after the end of the JSON document"),
        ('{"numFactura": "Peña", "usuarios": []}'.encode("cp1252"), "the file is not UTF-8 text"),
        (b'[{"numFactura": "FE1"}]', "the JSON holds a list, not a RIPS invoice object"),
        (b'{"numero_factura": "FE1", "pacientes": []}', "the JSON has no usuarios list: it is not a RIPS file"),
        (b'{"numFactura": "FE1", "usuarios": {"tipoDocumentoIdentificacion": "CC"}}', "usuarios is not a list of users"),
        (b'{"numFactura": "FE1", "usuarios": [{"tipoDocumentoIdentificacion": "CC", "servicios": {"consultas": []}}]}',
         "the RIPS file lists no services"),
    ],
)
def test_a_file_that_cannot_be_taken_is_one_quarantine_row_saying_where(data_dir, content, reason):
    ingested, validated = _run(data_dir, {"broken.json": content})
    assert validated.valid.height == 0
    assert validated.rejected.select("source_file", "source_row", "rule").rows() == [(f"{FOLDER}/broken.json", None, "file_rejected")]
    assert validated.rejected["reason"][0].startswith(reason), validated.rejected["reason"][0]
    assert validated.rejected["source_sha256"][0] == hashlib.sha256(content).hexdigest()


def test_a_malformed_file_is_not_quoted(data_dir):
    content = b'{"numFactura": "FE1", "usuarios": [{"numDocumentoIdentificacion": "1098765432" "codSexo": "F"}]}'
    _, validated = _run(data_dir, {"broken.json": content})
    assert "1098765432" not in validated.rejected["reason"][0]


def test_json_is_taken_only_where_the_table_says_so(data_dir):
    put(data_dir, f"inbox/{MONTH}/inscripciones/roster.json", _json(_invoice()))
    validated = validate_table(ingest_table(data_dir, MONTH, ENROLMENTS).frame, ENROLMENTS)
    assert validated.rejected["reason"].to_list() == ["unknown file type '.json'; this folder takes .csv, .xlsx and .parquet"]
    with pytest.raises(UnreadableFile, match=r"this folder takes \.csv, \.xlsx, \.parquet and \.json"):
        read_file(b"%PDF", "a.pdf", [], json_format="rips")
    # A .csv that holds a RIPS JSON document is read as what it is.
    assert read_file(_json(_invoice()), "rips.csv", [], json_format="rips").file_format == "json"


# --- the flat CSV ------------------------------------------------------------------------------


def test_the_flat_csv_reads_like_the_json(data_dir):
    ingested, validated = _run(data_dir, {"servicios.csv": (FIXTURES / "servicios.csv").read_bytes()})
    valid = validated.valid
    assert valid.select("source_row", "service_kind", "sex", "service_date", "dx_main", "dx_related", "treatment_days",
                        "prenatal_visits", "locator").rows() == [
        (2, "CONSULTA", "F", dt.date(2025, 2, 3), "Z340", None, None, None, None),
        (3, "PROCEDIMIENTO", "F", dt.date(2025, 2, 3), "Z340", "O244", None, None, None),
        (4, "RECIEN_NACIDO", "F", dt.date(2025, 2, 20), "Z380", None, None, 7, None),
        (5, "MEDICAMENTO", "M", dt.date(2025, 2, 21), "B24X", None, 30, None, None),
    ]
    rejected = validated.rejected.select("source_row", "column", "value", "value_withheld", "rule").rows()
    assert rejected == [
        (6, "dias_tratamiento", "treinta", False, "treatment_days_whole"),
        (7, "dx_principal", None, True, "dx_main_shape"),
        (7, "fecha_atencion", "2025-04-02", False, "service_date_not_in_future"),
        (7, "tipo_servicio", "VACUNA", False, "service_kind_known"),
    ]
    _accounted_for(ingested, validated)


@pytest.mark.parametrize(
    ("changes", "column", "rule"),
    [
        ({"dx_principal": "Z34.00"}, "dx_principal", "dx_main_shape"),
        ({"dx_relacionado": "B2"}, "dx_relacionado", "dx_related_shape"),
        ({"fecha_atencion": "2025-02-14 24:00"}, "fecha_atencion", "service_date_is_date"),
        ({"fecha_atencion": "1990-01-01"}, "fecha_atencion", "service_date_not_before_birth"),
        ({"fecha_nacimiento": "2025-04-01"}, "fecha_nacimiento", "birth_date_not_in_future"),
        ({"sexo": "I"}, "sexo", "sex_known"),
        ({"cod_prestador": "68001001230"}, "cod_prestador", "provider_code_shape"),
        ({"cod_tecnologia": ""}, "cod_tecnologia", "technology_code_required"),
        ({"cod_tecnologia": "89020"}, "cod_tecnologia", "cups_code_shape"),
        ({"finalidad": "06"}, "finalidad", "purpose_known"),
        ({"consecutivo": "0"}, "consecutivo", "service_number_whole"),
        ({"dias_tratamiento": "-1"}, "dias_tratamiento", "treatment_days_whole"),
        ({"num_consultas_prenatales": "3.5"}, "num_consultas_prenatales", "prenatal_visits_whole"),
        ({"num_factura": "FE 1"}, "num_factura", "invoice_number_shape"),
        ({"tipo_documento": "AS"}, "tipo_documento", "document_type_known"),
    ],
)
def test_each_rule_names_its_column(data_dir, changes, column, rule):
    row = {
        "num_factura": "FE1", "consecutivo": "1", "tipo_documento": "CC", "numero_documento": "1098765432",
        "fecha_nacimiento": "1996-04-16", "sexo": "F", "tipo_servicio": "CONSULTA", "cod_prestador": "680010012301",
        "fecha_atencion": "2025-02-14 08:10", "cod_tecnologia": "890201", "finalidad": "23", "dx_principal": "Z340",
        "dx_relacionado": "", "dias_tratamiento": "", "num_consultas_prenatales": "",
    }
    _, clean = _run(data_dir, {"ok.csv": csv_bytes([row])})
    assert clean.valid.height == 1 and clean.rejected.height == 0
    _, validated = _run(data_dir, {"ok.csv": csv_bytes([row | changes])})
    assert (column, rule) in validated.rejected.select("column", "rule").rows()
    # Only the rule at stake fails (a birth in the future is also after the service).
    assert validated.rejected.height == 1 + (rule == "birth_date_not_in_future")


def test_a_csv_without_a_required_column_is_rejected_whole(data_dir):
    row = {"num_factura": "FE1", "tipo_documento": "CC", "numero_documento": "1", "tipo_servicio": "CONSULTA"}
    _, validated = _run(data_dir, {"short.csv": csv_bytes([row])})
    assert validated.rejected["rule"].to_list() == ["file_rejected"]
    assert validated.rejected["reason"][0].startswith("missing required columns consecutivo, fecha_nacimiento, cod_prestador, fecha_atencion")


# --- privacy -----------------------------------------------------------------------------------


def test_notes_and_reasons_hold_no_document_or_diagnosis(data_dir):
    document = _invoice()
    document["usuarios"][1]["codSexo"] = "M"
    document["usuarios"][0]["codSexo"] = "M"
    document["usuarios"][0]["numDocumentoIdentificacion"] = ""
    document["usuarios"][1]["servicios"]["vacunas"] = [{"codDiagnosticoPrincipal": "B24X"}]
    ingested, validated = _run(data_dir, {"p.json": _json(document)})
    said = " ".join([*ingested.files[0].notes, *validated.rejected["reason"].to_list()])
    for secret in ("1098765432", "91234567", PROFESSIONAL, "B24", "Z34", "O80"):
        assert secret not in said
    assert validated.rejected.filter(pl.col("column").is_in(["dx_principal", "dx_relacionado"]))["value"].null_count() == \
        validated.rejected.filter(pl.col("column").is_in(["dx_principal", "dx_relacionado"])).height


def test_many_services_keep_document_order_across_the_readers_batches():
    document = _invoice()
    consultation = document["usuarios"][0]["servicios"]["consultas"][0]
    users = []
    for number in range(30):
        services = [consultation | {"consecutivo": index + 1} for index in range(700)]
        users.append(document["usuarios"][0] | {"numDocumentoIdentificacion": str(1000 + number), "servicios": {"consultas": services}})
    read = read_rips_json(_json(document | {"usuarios": users}))
    assert read.frame.height == 21_000
    assert read.frame["source_row"].to_list() == list(range(1, 21_001))
    assert read.frame["ubicacion"][-1] == "usuarios[29].servicios.consultas[699]"
    assert read.frame["consecutivo"][-1] == "700"


def test_the_conservation_check_counts_each_rips_file_under_its_published_name():
    """The blocking `<table>_conserve_rows` check, on a real month of the sample's RIPS: each
    file's rows read = valid + rejected, files named as analysts see them; a lost valid row
    breaks its file."""
    from assets.checks import row_conservation
    from pbr_pipeline.core.settings import SAMPLE_DATA_DIR
    from pbr_pipeline.programmes.rips import RIPS as REGISTERED_RIPS

    table = REGISTERED_RIPS.table
    ingested = ingest_table(SAMPLE_DATA_DIR, "2025-03", table)
    validated = validate_table(ingested.frame, table)
    counted = ["source_file", "source_sha256"]
    per_file = row_conservation(ingested.frame.select(counted), validated.valid.select(counted), validated.rejected, table)
    assert per_file.height == len(ingested.files) >= 3  # one row per file read: JSON invoices and a flat CSV
    assert per_file["conserved"].all()
    assert per_file["rows_read"].sum() == ingested.frame.height
    assert not per_file["source_file"].str.contains(r"\.json$|\.csv$").any()  # names withheld
    lost = validated.valid.select(counted).slice(1)
    broken = row_conservation(ingested.frame.select(counted), lost, validated.rejected, table).filter(~pl.col("conserved"))
    assert broken.height == 1
    assert broken["rows_read"][0] == broken["rows_valid"][0] + broken["rows_rejected"][0] + 1
