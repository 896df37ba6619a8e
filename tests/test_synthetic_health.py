"""The health programmes (SALUD_MATERNA, SALUD_TRANSMISIBLES) in the synthetic-data generator:
their files, RIPS in JSON of Resolución 2275 and in flat CSV, their claims, and the oracle that
decides them.

Files are read back with plain Python (json, csv), openpyxl and polars (the helpers of
test_synthetic), never with pipeline code; the verdicts are re-derived here from the files
alone, with a third implementation of the rules, and the generator's oracle is checked on
hand-built cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

from pbr_pipeline.core.months import add_months, parse_month_range
from pbr_pipeline.core.settings import SAMPLE_DATA_DIR
from pbr_pipeline.synthetic import NONE, generate
from pbr_pipeline.synthetic.health import SCENARIOS, operator_count
from pbr_pipeline.synthetic.health.rips import CSV_COLUMNS
from pbr_pipeline.synthetic.health.truth import VERIFIED_SCENARIOS
from pbr_pipeline.synthetic.health.verdicts import Listing, Oracle, Row, Rules, adherence, prenatal
from synthetic_checks import (ClaimsFromFiles, check_verdicts, data_set_fixtures, invalid_rows, month_end,
                              people_by_document, plus_months, truth_of)
from test_synthetic import day_iso, number_key, tree_hashes

SEED = 7
MONTHS = parse_month_range("2025-01..2025-08")
SAMPLE = dict(people=400, months=MONTHS, operators=3)
CONTRACT = (dt.date(2024, 12, 1), dt.date(2025, 12, 31))
"""The span the generator gives every health contract for these months."""
PROGRAMMES = {"salud_materna": "SALUD_MATERNA", "salud_transmisibles": "SALUD_TRANSMISIBLES"}
OUTCOME = {"SALUD_MATERNA": "CONTROLES_PRENATALES", "SALUD_TRANSMISIBLES": "CASO_ADHERENTE"}
ARRAYS = {"consultas": "CONSULTA", "procedimientos": "PROCEDIMIENTO", "urgencias": "URGENCIA",
          "hospitalizacion": "HOSPITALIZACION", "recienNacidos": "RECIEN_NACIDO", "medicamentos": "MEDICAMENTO",
          "otrosServicios": "OTRO"}
DATE_FIELD = {"consultas": "fechaInicioAtencion", "procedimientos": "fechaInicioAtencion",
              "urgencias": "fechaInicioAtencion", "hospitalizacion": "fechaInicioAtencion",
              "recienNacidos": "fechaNacimiento", "medicamentos": "fechaDispensAdmon",
              "otrosServicios": "fechaSuministroTecnologia"}
USER_KEYS = ["tipoDocumentoIdentificacion", "numDocumentoIdentificacion", "tipoUsuario", "fechaNacimiento", "codSexo",
             "codPaisResidencia", "codMunicipioResidencia", "codZonaTerritorialResidencia", "incapacidad", "consecutivo",
             "codPaisOrigen", "servicios"]
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
CIE10 = re.compile(r"^[A-Z]\d{2}[0-9X]$")


# Reading the files -------------------------------------------------------------------------

def health(claims: pl.DataFrame, programme: str | None = None) -> pl.DataFrame:
    """The health programmes' claims (of one programme: by the file that carries them)."""
    return claims.filter(pl.col("source_file").str.contains(f"_{(programme or 'salud_').lower()}"))


def load_json(data: bytes) -> dict:
    """A RIPS file as the resolution shapes it: the validator's wrapper removed, keys copied
    from the PDF (a lower-case l for I) read as the field they spell."""
    document = json.loads(data.decode("utf-8-sig"))
    document = document.get("rips", document)

    def fix(value):
        if isinstance(value, dict):
            return {key.replace("Documentold", "DocumentoId").replace("Documentoldentificacion",
                                                                      "DocumentoIdentificacion")
                    .replace("fechalnicio", "fechaInicio"): fix(item) for key, item in value.items()}
        if isinstance(value, list):
            return [fix(item) for item in value]
        return value
    return fix(document)


def rips_rows(out: Path, files: pl.DataFrame) -> list[dict]:
    """Every RIPS service as a flat row (the CSV's columns), with `path`, `row` (JSON: the
    service's place among the file's entries; CSV: the line) and `received`."""
    rows = []
    for path, month, fmt in files.filter(pl.col("kind") == "rips").select("path", "month", "format").iter_rows():
        data = (out / path).read_bytes()
        if fmt == "csv":
            for number, record in enumerate(csv.DictReader(io.StringIO(data.decode("utf-8"))), 2):
                rows.append({**record, "path": path, "row": number, "received": month})
            continue
        document = load_json(data)
        invoice = document["numFactura"] or f"RS:{document['numNota']}"
        number = 0
        for user in document["usuarios"]:
            for array, services in user["servicios"].items():
                for service in services:
                    number += 1
                    days = service.get("diasTratamiento")
                    rows.append({
                        "num_factura": invoice, "consecutivo": str(service["consecutivo"]),
                        "tipo_documento": user["tipoDocumentoIdentificacion"],
                        "numero_documento": user["numDocumentoIdentificacion"], "tipo_servicio": ARRAYS[array],
                        "fecha_atencion": service[DATE_FIELD[array]],
                        "finalidad": service.get("finalidadTecnologiaSalud") or "",
                        "dx_principal": service.get("codDiagnosticoPrincipal") or "",
                        "dias_tratamiento": "" if days is None else str(days),
                        "path": path, "row": number, "received": month,
                    })
    return rows


out, truth, files = data_set_fixtures("health", "_salud_", seed=SEED, **SAMPLE)
"""The data set, its ground truth, and the programmes' roster and claims files read back."""


@pytest.fixture(scope="module")
def rips(out, truth) -> list[dict]:
    return rips_rows(out, truth["files"])


# Determinism, operators and files ----------------------------------------------------------

def test_same_seed_gives_the_same_bytes(out, tmp_path):
    generate(tmp_path, seed=SEED, **SAMPLE)
    mine, theirs = tree_hashes(tmp_path), tree_hashes(out)
    assert mine == theirs
    assert any("/registros/rips/" in name and name.endswith(".json") for name in mine)


def test_one_operator_per_programme_after_the_others(truth, files):
    assert [operator_count(n) for n in (1, 3, 5, 12)] == [1, 1, 2, 4]
    seen = defaultdict(set)
    for path, (_, records) in files.items():
        month = path.split("/")[1]
        code, rest = path.split("/")[-1].split("_", 1)
        programme = PROGRAMMES[rest.rsplit("_", 1)[0]]
        assert rest.endswith((f"_{month}.csv", f"_{month}.xlsx")), path
        seen[programme].add(code)
        for record in records.values():
            assert (record["operador"].lower(), record["programa"]) == (code, programme)
    assert seen == {"SALUD_MATERNA": {"op-005"}, "SALUD_TRANSMISIBLES": {"op-006"}}


def test_men_are_enrolled_in_the_maternal_programme_only_by_mistake(truth, files):
    people = truth["people"]
    by_key = {number_key(*documents.split("|")[0].split(":")): (kind, sex) for kind, sex, documents in
              people.filter(pl.col("kind").str.starts_with("SALUD_")).select("kind", "sexo", "documentos").iter_rows()}
    sexes = defaultdict(set)
    for path, (_, records) in files.items():
        if "/inscripciones/" in path and "salud_materna" in path:
            for record in records.values():
                person = by_key.get(number_key(record["tipo_documento"], record["numero_documento"]))
                if person is not None:
                    sexes[person[1]].add(record["sexo"].upper())
    assert sexes["F"] <= {"F", "MUJER"} and sexes["M"] <= {"M", "HOMBRE"} and sexes["M"]
    assert {"SALUD_MATERNA", "SALUD_TRANSMISIBLES", "SALUD_RIPS_ONLY"} <= set(people["kind"])


# RIPS --------------------------------------------------------------------------------------

def test_rips_json_has_the_shape_of_resolution_2275(out, truth):
    paths = truth["files"].filter((pl.col("kind") == "rips") & (pl.col("format") == "json"))["path"]
    assert len(paths) > 20
    shapes = defaultdict(int)
    for path in paths:
        data = (out / path).read_bytes()
        raw = json.loads(data.decode("utf-8-sig"))
        shapes["bom"] += data.startswith(b"\xef\xbb\xbf")
        shapes["wrapped"] += "rips" in raw
        shapes["misspelt"] += "numDocumentoldObligado" in raw.get("rips", raw)
        document = load_json(data)
        assert list(document) == ["numDocumentoIdObligado", "numFactura", "tipoNota", "numNota", "usuarios"], path
        assert re.fullmatch(r"\d{9}", document["numDocumentoIdObligado"])
        shapes[document["tipoNota"]] += 1
        if document["tipoNota"] == "RS":
            assert document["numFactura"] is None and document["numNota"]
        else:
            assert re.fullmatch(r"[A-Z]{3}\d+", document["numFactura"])
        codes = set()
        for number, user in enumerate(document["usuarios"], 1):
            assert list(user) == USER_KEYS and user["consecutivo"] == number
            assert not any("nombre" in key.lower() or "apellido" in key.lower() for key in user)
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", user["fechaNacimiento"])
            assert user["codMunicipioResidencia"] in {"68001", "68276", "68307", "68547"}
            codes.add(user["codSexo"])
            assert user["servicios"] and list(user["servicios"]) == [a for a in ARRAYS if a in user["servicios"]]
            for array, services in user["servicios"].items():
                assert [service["consecutivo"] for service in services] == list(range(1, len(services) + 1))
                for service in services:
                    assert DATE_TIME.match(service[DATE_FIELD[array]]), service
                    assert re.fullmatch(r"\d{12}", service["codPrestador"])
                    if service.get("codDiagnosticoPrincipal") is not None:
                        assert CIE10.match(service["codDiagnosticoPrincipal"])
                    if array == "consultas":
                        assert re.fullmatch(r"\d{6}", service["codConsulta"])
                    if array == "medicamentos":
                        assert isinstance(service["diasTratamiento"], int) and service["codTecnologiaSalud"]
                    if array == "recienNacidos":
                        assert isinstance(service["numConsultasCPrenatal"], int)
                        codes.add(service["codSexoBiologico"])
        # One provider writes H/M (M = mujer), the other F/M (M = masculino): never H and F.
        assert not {"H", "F"} <= codes, path
    assert shapes["bom"] and shapes["wrapped"] and shapes["misspelt"] and shapes["NA"] >= 2 and shapes["RS"] == 1


def test_rips_csv_has_the_flat_columns(out, truth):
    listed = truth["files"].filter((pl.col("kind") == "rips") & (pl.col("format") == "csv"))
    assert listed.height >= 3 and listed["path"].str.contains("rips_historico_hasta_2024-12.csv").any()
    kinds = set()
    for path in listed["path"]:
        lines = list(csv.reader(io.StringIO((out / path).read_text(encoding="utf-8"))))
        assert tuple(lines[0]) == CSV_COLUMNS
        for row in lines[1:]:
            record = dict(zip(CSV_COLUMNS, row))
            assert record["sexo"] in {"F", "M"}
            kinds.add(record["tipo_servicio"])
            historic = "historico" in path
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}" if historic else r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}",
                                record["fecha_atencion"]), record
    assert {"CONSULTA", "PROCEDIMIENTO", "MEDICAMENTO"} <= kinds


def test_rips_arrives_one_or_two_months_after_the_service(rips, truth):
    first = MONTHS[0]
    bad = invalid_rows(truth["invalid_rows"])
    lags = defaultdict(int)
    keys = defaultdict(list)
    for row in rips:
        if (row["path"], row["row"]) in bad:
            continue
        served = row["fecha_atencion"][:7]
        key = (number_key(row["tipo_documento"], row["numero_documento"]), row["num_factura"], row["consecutivo"],
               row["tipo_servicio"])
        keys[key].append(row)
        if row["received"] == first and served < add_months(first, -1):
            lags["history"] += 1
            continue
        lag = sum(1 for _ in range(24) if add_months(served, _ + 1) <= row["received"])
        lags[lag] += 1
    assert set(lags) >= {1, 2, "history"} and lags[1] > lags[2]
    # Later deliveries of a key are corrections: the same service, other values.
    corrected = [rows for rows in keys.values() if len(rows) > 1]
    assert len(corrected) == 2
    for rows in corrected:
        assert rows[0]["received"] < rows[1]["received"]
        assert (rows[0]["finalidad"], rows[0]["dx_principal"], rows[0]["dias_tratamiento"]) != (
            rows[1]["finalidad"], rows[1]["dx_principal"], rows[1]["dias_tratamiento"])


def test_rips_documents_carry_a_little_noise(out, truth):
    records = pl.read_parquet(out / "ground_truth" / "records.parquet").filter(pl.col("source") == "rips")
    documents = dict(truth["people"].select("person_id", "documentos").iter_rows())
    noisy = records.filter(pl.col("noise") != "")
    assert {"typo", "pep_to_pt"} <= {label for labels in noisy["noise"] for label in labels.split("|")}
    assert noisy.height < records.height / 20
    for person, kind, number, noise in records.filter(~pl.col("quarantined")).select(
            "person_id", "tipo_documento", "numero_documento", "noise").iter_rows():
        held = documents[person].split("|")
        if "typo" in noise:
            assert f"{kind}:{number}" not in held and "typo"
        else:
            assert f"{kind}:{number}" in held or (kind == "CC" and f"TI:{number}" in held)
        assert ("pep_to_pt" in noise) == (kind == "PT" and held[0].startswith("PE:"))
    assert records["primer_nombre"].null_count() == records.height


def test_without_noise_rips_writes_every_document_as_shown(tmp_path):
    generate(tmp_path, seed=SEED, noise=NONE, **SAMPLE)
    records = pl.read_parquet(tmp_path / "ground_truth" / "records.parquet").filter(pl.col("source") == "rips")
    assert set(records["noise"]) == {""}
    claims = health(truth_of(tmp_path)["claims"])
    assert not set(claims["scenario"]) & {"REGISTRY_DOC_TYPO", "REGISTRY_DOC_RENEWED", "DOC_RENEWED"}


def test_invalid_rows_point_at_the_offending_cell(truth, files, rips):
    by_place = {(row["path"], row["row"]): row for row in rips}
    invalid = truth["invalid_rows"].filter(pl.col("source_file").str.contains("_salud_|/registros/rips/"))
    checks = {
        "sex_known": lambda v, _: v.upper() not in {"F", "M", "MUJER", "HOMBRE"},
        "exit_date_not_before_enrolment": lambda v, row: day_iso(v) < day_iso(row["fecha_inscripcion"]),
        "outcome_belongs_to_programme": lambda v, row: v != OUTCOME[row["programa"]],
        "outcome_date_not_in_future": lambda v, _: day_iso(v) > f"{MONTHS[-1]}-31",
        "provider_code_shape": lambda v, _: not re.fullmatch(r"\d{12}", v),
        "service_kind_known": lambda v, _: v not in set(ARRAYS.values()),
        "purpose_known": lambda v, _: not 11 <= int(v) <= 44,
    }
    for path, row, column, rule in invalid.select("source_file", "source_row", "column", "rule").iter_rows():
        record = by_place[(path, int(row))] if "/registros/rips/" in path else files[path][1][int(row)]
        assert checks[rule](record[column], record), (path, row, column, rule)
    assert set(invalid["rule"]) == set(checks)
    assert invalid.filter(pl.col("source_file").str.ends_with(".json")).height == 1


# Claims and their verdicts -----------------------------------------------------------------

ALLOWED = {
    **{scenario: {"VERIFIED/"} for scenario in VERIFIED_SCENARIOS},
    "EARLY_CLAIM": {"VERIFIED/", "PENDING/"},
    "DUPLICATE": {"DUPLICATE/DUPLICATE"}, "NOT_ENROLLED": {"REJECTED/NOT_ENROLLED"},
    "RESULT_BEFORE_ENROLMENT": {"REJECTED/NOT_ENROLLED"}, "DOC_RENEWED": {"REJECTED/NOT_ENROLLED"},
    "OTHER_OPERATOR": {"REJECTED/OTHER_OPERATOR"}, "NO_CONTRACT": {"REJECTED/NO_CONTRACT"},
    "NOT_ELIGIBLE": {"REJECTED/NOT_ELIGIBLE"},
    **{scenario: {"REJECTED/NOT_ENOUGH_CONTROLS", "PENDING/"} for scenario in (
        "NOT_ENOUGH_CONTROLS", "CONTROLS_BEFORE_ENROLMENT", "SAME_DAY_CONTROLS", "EMERGENCIES_NOT_CONTROLS")},
    "NOT_ADHERENT": {"REJECTED/NOT_ADHERENT", "PENDING/"}, "FIRST_GROUP_DECIDES": {"REJECTED/NOT_ADHERENT", "PENDING/"},
    "NO_TREATMENT": {"REJECTED/NO_TREATMENT", "PENDING/"}, "TREATMENT_AFTER_30_DAYS": {"REJECTED/NO_TREATMENT", "PENDING/"},
    "NOT_NEW_CASE": {"REJECTED/NOT_NEW_CASE"}, "OLD_ROW_AT_LOOKBACK": {"REJECTED/NOT_NEW_CASE"},
    "NO_DIAGNOSIS": {"REJECTED/NO_DIAGNOSIS", "PENDING/"},
    "DIAGNOSIS_31_DAYS_BEFORE_ENROLMENT": {"REJECTED/NO_DIAGNOSIS", "PENDING/"},
    "REGISTRY_CORRECTION": {"REJECTED/NOT_ENOUGH_CONTROLS", "REJECTED/NOT_ADHERENT", "PENDING/"},
    "INVALID_ROW": {"/"},
}
NOISE_ONLY = {"REGISTRY_DOC_TYPO", "REGISTRY_DOC_RENEWED"}
"""Scenarios that appear only where RIPS document noise changed a verdict."""


def test_every_scenario_appears(truth):
    for programme, scenarios in SCENARIOS.items():
        mine = health(truth["claims"], programme)
        # One operator runs each programme in this data set: nobody else enrols first.
        assert set(scenarios) - {"OTHER_OPERATOR"} - NOISE_ONLY <= set(mine["scenario"]) <= set(scenarios), programme
        assert {"VERIFIED", "PENDING", "REJECTED", "DUPLICATE"} <= set(mine["final_status"])
        assert "PENDING" in set(mine["status_when_received"])
    unclaimed = truth["outcomes_unclaimed"]
    assert set(OUTCOME.values()) & set(unclaimed["resultado"])


def test_verdicts_agree_with_scenarios(truth):
    for claim in health(truth["claims"]).iter_rows(named=True):
        scenario = claim["scenario"]
        if scenario in NOISE_ONLY:
            continue
        assert f"{claim['final_status']}/{claim['final_reason']}" in ALLOWED[scenario], claim
        if scenario == "EARLY_CLAIM":
            assert claim["status_when_received"] == "PENDING", claim
        elif scenario in ("TRUE_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER", "TI_CC",
                          "REGISTRY_CORRECTION"):
            assert claim["status_when_received"] == "VERIFIED", claim
        if scenario != "INVALID_ROW":
            assert claim["resultado"] == OUTCOME[PROGRAMMES[claim["source_file"].split("_", 1)[1].rsplit("_", 1)[0]]]


GROUPS = {"HIV": {"B20", "B21", "B22", "B23", "B24", "Z21"}, "TB": {"A15", "A16", "A17", "A18", "A19"}}


def _group(dx: str) -> str | None:
    return next((name for name, categories in GROUPS.items() if dx[:3] in categories), None)


class FromFiles(ClaimsFromFiles):
    """Both rules applied to the files as written: rosters, claims and RIPS (JSON and CSV). A
    person is (programme, the document as matching compares it); a roster row gives the sex."""

    def __init__(self, files, rips: list[dict], invalid: pl.DataFrame) -> None:
        bad = invalid_rows(invalid)
        super().__init__(files, bad)
        self.rows = defaultdict(list)
        for row in rips:
            if (row["path"], row["row"]) in bad:
                continue
            self.rows[number_key(row["tipo_documento"], row["numero_documento"])].append(row)

    def identity(self, record: dict[str, str]) -> tuple[str, tuple[str, str]]:
        return record["programa"], number_key(record["tipo_documento"], record["numero_documento"])

    def listing(self, month: str, record: dict[str, str]) -> tuple:
        sex = {"MUJER": "F", "HOMBRE": "M"}.get(record["sexo"].upper(), record["sexo"].upper())
        return *super().listing(month, record), sex

    def seen(self, key, run: str) -> list[tuple]:
        latest = {}
        for row in sorted(self.rows[key], key=lambda row: (row["received"], row["path"], row["row"])):
            if row["received"] <= run:
                latest[(row["num_factura"], row["consecutivo"], row["tipo_servicio"])] = row
        horizon = month_end(add_months(run, -2))
        facts = []
        for row in latest.values():
            day = dt.date.fromisoformat(row["fecha_atencion"][:10])
            if day <= horizon:
                days = int(row["dias_tratamiento"]) if row["dias_tratamiento"] else 0
                facts.append((day, row["path"], row["row"], row["tipo_servicio"], row["finalidad"], row["dx_principal"],
                              days))
        return sorted(facts)

    def rule(self, identity: tuple, owner: tuple, run: str) -> tuple[str, str]:
        programme, key = identity
        horizon = month_end(add_months(run, -2))
        facts = self.seen(key, run)
        start, sex = owner[0], owner[2]
        if programme == "SALUD_MATERNA":
            if sex != "F":
                return "REJECTED", "NOT_ELIGIBLE"
            end = plus_months(start, 9)
            days = {day for day, _, _, kind, purpose, dx, _ in facts
                    if kind in ("CONSULTA", "PROCEDIMIENTO") and start <= day <= end
                    and (purpose == "23" or dx[:3] in ("Z34", "Z35"))}
            if len(days) >= 4:
                return "VERIFIED", ""
            return ("REJECTED", "NOT_ENOUGH_CONTROLS") if end <= horizon else ("PENDING", "")
        low, high = start - dt.timedelta(days=30), plus_months(start, 12)
        found = [fact for fact in facts if fact[3] in ("CONSULTA", "PROCEDIMIENTO") and low <= fact[0] <= high
                 and _group(fact[5])]
        if not found:
            return ("REJECTED", "NO_DIAGNOSIS") if high <= horizon else ("PENDING", "")
        diagnosed, group = found[0][0], _group(found[0][5])
        mine = [fact for fact in facts if _group(fact[5]) == group]
        if any(plus_months(diagnosed, -12) <= fact[0] < diagnosed for fact in mine):
            return "REJECTED", "NOT_NEW_CASE"
        medicines = [fact for fact in mine if fact[3] == "MEDICAMENTO"]
        starts = [fact[0] for fact in medicines if diagnosed <= fact[0] <= diagnosed + dt.timedelta(days=30)]
        if not starts:
            return ("REJECTED", "NO_TREATMENT") if diagnosed + dt.timedelta(days=30) <= horizon else ("PENDING", "")
        treated = starts[0]
        end = plus_months(treated, 6)
        needed = -(-(end - treated).days * 80 // 100)
        if sum(fact[6] for fact in medicines if treated <= fact[0] < end) >= needed:
            return "VERIFIED", ""
        return ("REJECTED", "NOT_ADHERENT") if end - dt.timedelta(days=1) <= horizon else ("PENDING", "")


def test_verdicts_follow_from_the_files(truth, files, rips):
    derived = FromFiles(files, rips, truth["invalid_rows"]).verdicts(MONTHS[-1], CONTRACT)
    check_verdicts(health(truth["claims"]), derived, more_than=60)


def test_unclaimed_outcomes_follow_from_the_files(truth, files, rips):
    person_of = people_by_document(truth["people"], "SALUD_")
    unclaimed = FromFiles(files, rips, truth["invalid_rows"]).unclaimed(
        [(programme, key) for key in person_of for programme in OUTCOME], MONTHS[-1])
    expected = {(person_of[key], owner[1], OUTCOME[programme], owner[0].isoformat()[:7])
                for (programme, key), owner in unclaimed}
    rows = truth["outcomes_unclaimed"].filter(pl.col("resultado").is_in(list(OUTCOME.values())))
    assert set(rows.select("person_id", "operador", "resultado", "enrolment_month").rows()) == expected and expected


def test_with_five_operators_a_second_operator_claims_a_person_another_enrolled_first(tmp_path):
    generate(tmp_path, seed=SEED, people=400, months=MONTHS, operators=5)
    claims = health(truth_of(tmp_path)["claims"])
    assert {path.split("/")[-1][:6] for path in claims["source_file"]} == {"op-008", "op-009", "op-010", "op-011"}
    for programme, scenarios in SCENARIOS.items():
        mine = health(claims, programme)
        assert set(scenarios) - NOISE_ONLY <= set(mine["scenario"]), programme
    assert set(claims.filter(pl.col("scenario") == "OTHER_OPERATOR")["final_reason"]) == {"OTHER_OPERATOR"}


def test_the_committed_sample_shows_every_scenario():
    truth = truth_of(SAMPLE_DATA_DIR)
    for programme, scenarios in SCENARIOS.items():
        mine = health(truth["claims"], programme)
        assert set(scenarios) - {"OTHER_OPERATOR"} - NOISE_ONLY <= set(mine["scenario"]), programme
        assert mine.filter(pl.col("final_status") == "VERIFIED").height >= 10
    for name in ("op-005_salud_materna_2025.yaml", "op-006_salud_transmisibles_2025.yaml"):
        assert (SAMPLE_DATA_DIR / "contracts" / name).exists()


# The oracle on hand-built cases ------------------------------------------------------------

E = dt.date(2025, 1, 15)
FAR = dt.date(2030, 1, 1)
RULES = Rules()


def row(kind: str, day: str, *, purpose: str = "", dx: str = "", days: int | None = None, number: int = 1,
        delivered: str = "2025-12", invoice: str = "F1") -> Row:
    return Row(kind, dt.date.fromisoformat(day), purpose, dx, days, (invoice, number, kind),
               (delivered, f"inbox/{delivered}/registros/rips/x.json", number))


def controls(*days: str, kind: str = "CONSULTA", purpose: str = "23", dx: str = "Z348") -> list[Row]:
    return [row(kind, day, purpose=purpose, dx=dx, number=n) for n, day in enumerate(days, 1)]


def maternal(rows: list[Row], sex: str = "F", horizon: dt.date = FAR) -> tuple[str, str, dt.date | None]:
    verdict = prenatal(RULES, rows, E, sex, horizon)
    return verdict.status, verdict.reason, verdict.outcome_date


def test_four_controls_on_distinct_days_verify_on_the_fourth():
    four = controls("2025-01-15", "2025-02-20", "2025-03-20", "2025-04-17", "2025-05-15")
    assert maternal(four) == ("VERIFIED", "", dt.date(2025, 4, 17))
    # The same day counts once, whatever the second row is.
    same_day = controls("2025-01-20", "2025-02-20", "2025-03-20") + controls("2025-03-20", kind="PROCEDIMIENTO")
    assert maternal(same_day, horizon=dt.date(2025, 10, 31)) == ("REJECTED", "NOT_ENOUGH_CONTROLS", None)
    assert maternal(same_day, horizon=dt.date(2025, 10, 14)) == ("PENDING", "", None)  # E + 9 months is 2025-10-15


def test_a_control_is_a_consultation_or_procedure_with_purpose_23_or_a_z34_z35_diagnosis():
    base = controls("2025-02-01", "2025-03-01", "2025-04-01")
    fourth = {
        "high-risk diagnosis, other purpose": (row("CONSULTA", "2025-05-02", purpose="15", dx="Z358"), True),
        "purpose 23, pregnancy condition": (row("PROCEDIMIENTO", "2025-05-02", purpose="23", dx="O244"), True),
        "an emergency with Z349": (row("URGENCIA", "2025-05-02", dx="Z349"), False),
        "a medicine with Z348": (row("MEDICAMENTO", "2025-05-02", dx="Z348", days=30), False),
        "a consultation for something else": (row("CONSULTA", "2025-05-02", purpose="15", dx="N390"), False),
        "Z33 is not Z34": (row("CONSULTA", "2025-05-02", purpose="15", dx="Z331"), False),
    }
    for what, (extra, counts) in fourth.items():
        status = maternal(base + [extra])[0]
        assert (status == "VERIFIED") == counts, what


def test_controls_count_from_enrolment_to_nine_months_after_and_only_for_women():
    before = controls("2024-11-10", "2024-12-10", "2025-01-14", "2025-02-10", "2025-03-10", "2025-04-10")
    assert maternal(before, horizon=dt.date(2025, 12, 31))[:2] == ("REJECTED", "NOT_ENOUGH_CONTROLS")
    edge = controls("2025-02-10", "2025-03-10", "2025-04-10", "2025-10-15")
    assert maternal(edge)[0] == "VERIFIED" and maternal(edge[:3] + controls("2025-10-16"))[0] == "REJECTED"
    assert maternal(edge, sex="M")[:2] == ("REJECTED", "NOT_ELIGIBLE")
    assert maternal([], sex="M", horizon=dt.date(2024, 1, 1))[:2] == ("REJECTED", "NOT_ELIGIBLE")  # at once


def case(rows: list[Row], horizon: dt.date = FAR) -> tuple[str, str, dt.date | None]:
    verdict = adherence(RULES, rows, E, horizon)
    return verdict.status, verdict.reason, verdict.outcome_date


def monthly(first: str, count: int, days: int = 30, dx: str = "B24X", every: int = 30) -> list[Row]:
    start = dt.date.fromisoformat(first)
    return [row("MEDICAMENTO", (start + dt.timedelta(days=every * n)).isoformat(), dx=dx, days=days, number=n + 1)
            for n in range(count)]


def test_an_adherent_new_case_verifies_on_the_dispensation_that_reached_80_percent():
    # T = 2025-01-20, T + 6 months = 2025-07-20: 181 days, 80% rounded up is 145.
    rows = [row("CONSULTA", "2025-01-10", purpose="15", dx="B24X")] + monthly("2025-01-20", 6)
    assert case(rows) == ("VERIFIED", "", dt.date(2025, 5, 20))  # the fifth: 150 days
    short = [row("CONSULTA", "2025-01-10", purpose="15", dx="B24X")] + monthly("2025-01-20", 4) + [
        row("MEDICAMENTO", "2025-05-20", dx="B24X", days=24, number=9)]
    assert case(short, horizon=dt.date(2025, 7, 19))[:2] == ("REJECTED", "NOT_ADHERENT")  # 144 days, span over
    assert case(short, horizon=dt.date(2025, 7, 18))[:2] == ("PENDING", "")
    late = short + [row("MEDICAMENTO", "2025-07-20", dx="B24X", days=30, number=10)]  # T + 6 months: outside
    assert case(late, horizon=dt.date(2025, 7, 31))[:2] == ("REJECTED", "NOT_ADHERENT")


def test_the_diagnosis_window_and_the_new_case_lookback():
    treated = monthly("2025-01-20", 6)
    on_day = [row("CONSULTA", "2024-12-16", purpose="15", dx="A150")] + monthly("2024-12-20", 6, dx="A150")
    assert case(on_day)[0] == "VERIFIED"  # E - 30 days counts
    day_before = [row("CONSULTA", "2024-12-15", purpose="15", dx="A150")] + monthly("2024-12-20", 6, dx="A150")
    assert case(day_before, horizon=dt.date(2026, 1, 15))[:2] == ("REJECTED", "NO_DIAGNOSIS")
    assert case(day_before, horizon=dt.date(2026, 1, 14))[:2] == ("PENDING", "")
    diagnosis = row("CONSULTA", "2025-01-10", purpose="15", dx="B24X")
    old_at = row("CONSULTA", "2024-01-10", purpose="16", dx="Z21X", number=7)
    old_before = row("CONSULTA", "2024-01-09", purpose="16", dx="B24X", number=7)
    old_other_group = row("MEDICAMENTO", "2024-06-10", dx="A150", days=28, number=8)
    assert case([diagnosis, old_at] + treated)[:2] == ("REJECTED", "NOT_NEW_CASE")
    assert case([diagnosis, old_before, old_other_group] + treated)[0] == "VERIFIED"


def test_treatment_must_start_within_30_days_of_the_diagnosis():
    diagnosis = [row("CONSULTA", "2025-01-10", purpose="15", dx="B24X")]
    assert case(diagnosis + monthly("2025-02-09", 6))[0] == "VERIFIED"  # D + 30 days
    assert case(diagnosis + monthly("2025-02-10", 6), horizon=dt.date(2025, 2, 9))[:2] == ("REJECTED", "NO_TREATMENT")
    assert case(diagnosis, horizon=dt.date(2025, 2, 8))[:2] == ("PENDING", "")


def test_the_first_diagnosis_decides_the_group():
    tb_first = [row("CONSULTA", "2025-01-10", purpose="15", dx="A150"), row("CONSULTA", "2025-01-25", dx="B24X"),
                *monthly("2025-01-12", 2, days=14, dx="A150", every=14), *monthly("2025-01-26", 8)]
    assert case(tb_first, horizon=dt.date(2025, 12, 31))[:2] == ("REJECTED", "NOT_ADHERENT")
    assert case(tb_first[1:], horizon=dt.date(2025, 12, 31))[0] == "VERIFIED"


def test_a_correction_applies_from_the_extract_that_brings_it_and_facts_wait_for_the_horizon():
    key = ("CC", "1098765432")
    rows = [row("CONSULTA", "2025-01-10", purpose="15", dx="B24X", delivered="2025-02")]
    rows += [row("MEDICAMENTO", f"2025-{m:02d}-20", dx="B24X", days=30, number=m, delivered=f"2025-{m + 1:02d}")
             for m in range(1, 6)]
    rows.append(row("MEDICAMENTO", "2025-05-20", dx="B24X", days=3, number=5, delivered="2025-08"))
    listing = Listing("2025-01", E, "OP-006", "M")
    oracle = Oracle(RULES, {("SALUD_TRANSMISIBLES", key): [listing]}, {key: rows},
                    {("SALUD_TRANSMISIBLES", "OP-006"): [CONTRACT]})
    status = {run: oracle.rule("SALUD_TRANSMISIBLES", key, listing, run).status
              for run in ("2025-06", "2025-07", "2025-08", "2025-09")}
    # The fifth dispensation (2025-05-20) counts from the run whose horizon reaches May; the
    # correction to 3 days arrives in 2025-08.
    assert status == {"2025-06": "PENDING", "2025-07": "VERIFIED", "2025-08": "PENDING", "2025-09": "REJECTED"}
