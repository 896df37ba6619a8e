"""The synthetic-data generator: determinism, the published formats, and a ground truth that
points at real rows and agrees with itself.

Files are read back with plain Python, openpyxl and polars, never with pipeline code, so
these tests hold the generator to docs/formats.md on their own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pbr_pipeline.core.months import add_months, parse_month_range
from pbr_pipeline.synthetic import HIGH, LEVELS, NONE, REALISTIC, Noise, generate
from pbr_pipeline.synthetic.agro import SCENARIOS as AGRO_LABELS
from pbr_pipeline.synthetic.bilinguismo import SCENARIOS as BILINGUISMO_LABELS
from pbr_pipeline.synthetic.credito import SCENARIOS as CREDITO_LABELS
from pbr_pipeline.synthetic.emprendimiento.truth import GATE_SCENARIOS as EMPRENDIMIENTO_GATES
from pbr_pipeline.synthetic.emprendimiento.truth import SCENARIOS as EMPRENDIMIENTO_LABELS
from pbr_pipeline.synthetic.habitanza import SCENARIOS as HABITANZA_LABELS
from pbr_pipeline.synthetic.health import SCENARIOS as HEALTH_LABELS
from pbr_pipeline.synthetic.noise import KINDS
from pbr_pipeline.synthetic.scenarios import SCENARIOS as LABELS
from schemas.codes import DEPENDENT_CONTRIBUTOR_TYPES, nit_check_digit

SEED = 7
PERIOD = r"^\d{4}-(0[1-9]|1[0-2])$"
"""A well-formed period (one invalid registry row has month 13)."""
MONTHS = parse_month_range("2025-01..2025-08")
SAMPLE = dict(people=400, months=MONTHS, operators=3)

EMPLEO_OUTCOMES = ("COLOCACION", "RETENCION_3M", "RETENCION_6M")
EXAM_COLUMNS = ("tipo_documento", "numero_documento", "primer_nombre", "segundo_nombre", "primer_apellido",
                "segundo_apellido", "fecha_nacimiento", "sexo", "prueba", "momento", "fecha_examen", "nivel_mcer",
                "puntaje", "numero_certificado")

SCENARIOS = {
    "TRUE_CLAIM", "UNSUPPORTED", "NOT_RETAINED", "EARLY_RETENTION", "DUPLICATE", "NOT_ENROLLED", "DOC_TYPO",
    "TYPE_ALIAS", "DOTS_IN_NUMBER", "OTHER_OPERATOR", "NOT_ADDITIONAL", "RESULT_BEFORE_ENROLMENT",
    "REGISTRY_CORRECTION", "INVALID_ROW",
}


# Helpers ---------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Header matching as docs/formats.md states it: case, accents, spaces and `_` do not count."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text.replace("\ufeff", "")) if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", "_", text.strip().lower())


def number_key(kind: str, number: str) -> tuple[str, str]:
    """A document as matching compares it: aliases resolved, TI folded into CC, a NIT's `-DV`
    dropped, dots, spaces and dashes dropped, and leading zeros dropped from digits-only numbers."""
    kind = re.sub(r"[.\s]", "", kind).upper()
    kind = {"PPT": "PT", "PEP": "PE", "TI": "CC"}.get(kind, kind)
    if kind == "NIT":
        number = re.sub(r"-\d$", "", number)  # typed without its check digit
    number = re.sub(r"[.\s-]", "", number)
    if kind in {"CC", "RC", "SC", "NIT"}:
        number = number.lstrip("0") or "0"
    return kind, number


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def read_operator_file(path: Path) -> tuple[dict, dict[int, dict[str, str]]]:
    """(facts about the file, {row number as a person sees it: {folded header: text}})."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        header_row = next(i for i, row in enumerate(rows, 1) if "operador" in {fold(str(v)) for v in row if v})
        header = [fold(str(v)) if v else "" for v in rows[header_row - 1]]

        def text(value):
            if value is None:
                return ""
            return value.date().isoformat() if hasattr(value, "date") else str(value)

        records = {number: dict(zip(header, map(text, row)))
                   for number, row in enumerate(rows, 1) if number > header_row}
        facts = {"format": "xlsx", "header_row": header_row, "first_row": rows[0], "raw_header": rows[header_row - 1]}
        return facts, records
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text_ = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, text_ = "cp1252", data.decode("cp1252")
    delimiter = ";" if text_.splitlines()[0].count(";") > text_.splitlines()[0].count(",") else ","
    lines = list(csv.reader(io.StringIO(text_), delimiter=delimiter))
    header = [fold(v) for v in lines[0]]
    records = {number: dict(zip(header, row)) for number, row in enumerate(lines[1:], 2)}
    return {"format": "csv", "encoding": encoding, "delimiter": delimiter, "raw_header": lines[0]}, records


def read_exams(path: Path) -> pl.DataFrame:
    """An `examenes_ingles` extract as text columns, dates as YYYY-MM-DD."""
    if path.suffix == ".parquet":
        return pl.read_parquet(path).select(pl.all().cast(pl.String))
    data = path.read_text(encoding="utf-8")
    delimiter = ";" if data.splitlines()[0].count(";") > 1 else ","
    frame = pl.read_csv(io.StringIO(data), separator=delimiter, infer_schema=False)
    return frame.with_columns(pl.col("fecha_nacimiento", "fecha_examen").map_elements(day_iso, return_dtype=pl.String))


def read_incomes(path: Path) -> pl.DataFrame:
    """A `mediciones_ingreso` extract as text columns, dates as YYYY-MM-DD, amounts as plain digits."""
    if path.suffix == ".parquet":
        return pl.read_parquet(path).select(pl.all().cast(pl.String))
    data = path.read_text(encoding="utf-8")
    delimiter = ";" if data.splitlines()[0].count(";") > 1 else ","
    frame = pl.read_csv(io.StringIO(data), separator=delimiter, infer_schema=False)
    return frame.with_columns(pl.col("fecha_nacimiento", "fecha_medicion").map_elements(day_iso, return_dtype=pl.String),
                              pl.col("ingreso_mensual_hogar").str.replace_all(".", "", literal=True))


def read_businesses(path: Path) -> pl.DataFrame:
    """A `registro_mercantil` extract as text columns, dates as YYYY-MM-DD."""
    if path.suffix == ".parquet":
        return pl.read_parquet(path).select(pl.all().cast(pl.String))
    data = path.read_text(encoding="utf-8")
    delimiter = ";" if data.splitlines()[0].count(";") > 1 else ","
    frame = pl.read_csv(io.StringIO(data), separator=delimiter, infer_schema=False)
    return frame.with_columns(pl.col("fecha_matricula", "fecha_renovacion", "fecha_cancelacion").map_elements(
        day_iso, return_dtype=pl.String))


def read_registries(out: Path, files: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Every extract of a registry, each row tagged with its inbox month (`received`), file and
    row number (CSV: the header is row 1)."""
    frames = []
    for path, month, fmt in files.filter(pl.col("kind") == kind).select("path", "month", "format").iter_rows():
        frame = {"pila": read_pila, "examenes_ingles": read_exams, "mediciones_ingreso": read_incomes,
                 "registro_mercantil": read_businesses}[kind](out / path)
        first = 2 if fmt == "csv" else 1
        frames.append(frame.with_columns(pl.lit(month).alias("received"), pl.lit(path).alias("path"),
                                         pl.int_range(first, first + pl.len()).alias("row")))
    return pl.concat(frames)


def read_pila(path: Path) -> pl.DataFrame:
    """A PILA extract as text columns, amounts as plain digits."""
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        return frame.select(pl.all().cast(pl.String))
    data = path.read_text(encoding="utf-8")
    delimiter = ";" if data.splitlines()[0].count(";") > 1 else ","
    frame = pl.read_csv(io.StringIO(data), separator=delimiter, infer_schema=False)
    return frame.with_columns(pl.col("salario_basico", "ibc").str.replace_all(".", "", literal=True))


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def is_typo(written: str, held: str) -> bool:
    """One digit changed, or two neighbours transposed."""
    if len(written) != len(held) or written == held:
        return False
    diffs = [i for i, (a, b) in enumerate(zip(written, held)) if a != b]
    return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                               and written[diffs[0]] == held[diffs[1]] and written[diffs[1]] == held[diffs[0]])


def document_noise(kind: str, number: str, documents: str) -> set[str]:
    """The noise a written document shows against the documents a person holds
    (`PE:123|PT:456`, the held one first)."""
    held = [tuple(document.split(":")) for document in documents.split("|")]
    renewed = held[0][0] == "PE" and len(held) > 1
    written = number_key(kind, number)
    found = set()
    for held_type, held_number in held:
        if written[1] == held_number:
            found |= set() if written == number_key(held_type, held_number) else {"wrong_type"}
        elif is_typo(written[1], held_number):
            found.add("typo")
        else:
            continue
        if renewed and held_type == "PT":
            found.add("pep_to_pt")
        return found
    raise AssertionError(f"{kind}:{number} is none of {documents} nor a typo of one")


def name_noise(written: tuple[str, ...], true: tuple[str, ...]) -> set[str]:
    """The noise written names (given, given, surname, surname; "" for none) show against the
    person's (upper case, accented)."""
    w = tuple(name.upper() for name in written)
    stripped = all(name == strip_accents(name) for name in w)

    def same(name: str, truth: str) -> bool:
        return name == (strip_accents(truth) if stripped else truth)

    found, present = set(), [true[0]]
    assert same(w[0], true[0]), (written, true)
    if w[1] == "" and true[1]:
        found.add("missing_second_given")
    else:
        assert same(w[1], true[1]), (written, true)
        present.append(true[1])
    s1, s2 = true[2], true[3]
    if same(w[2], s1) and same(w[3], s2):
        present += [s1, s2]
    elif s2 and same(w[2], s2) and not same(w[2], s1) and same(w[3], s1):
        found.add("swapped_surnames")
        present += [s1, s2]
    elif s2 and same(w[2], s1) and w[3] == "":
        found.add("missing_second_surname")
        present.append(s1)
    elif s2 and same(w[2], s2) and not same(w[2], s1) and w[3] == "":
        found |= {"swapped_surnames", "missing_second_surname"}
        present.append(s2)
    else:
        raise AssertionError(f"surnames {written} are not those of {true}")
    if stripped and any(name != strip_accents(name) for name in present):
        found.add("accents_dropped")
    return found


def birth_noise(written: str, true: str) -> set[str]:
    import datetime as dt

    w, t = dt.date.fromisoformat(day_iso(written)), dt.date.fromisoformat(true)
    if w == t:
        return set()
    if t.day <= 12 and w == t.replace(month=t.day, day=t.month):
        return {"birth_day_month_swapped"}
    if abs((w - t).days) == 1:
        return {"birth_day_off"}
    if (w.month, w.day) == (t.month, t.day) and abs(w.year - t.year) == 1:
        return {"birth_year_off"}
    raise AssertionError(f"birth date {written} is no known shift of {true}")


def letter_case(name: str) -> str:
    return "upper" if name == name.upper() else "lower" if name == name.lower() else "title"


def recorded(noise: str) -> set[str]:
    return set(noise.split("|")) - {""}


def day_iso(text: str) -> str:
    """DD/MM/YYYY or YYYY-MM-DD as YYYY-MM-DD."""
    if re.fullmatch(r"\d{2}/\d{2}/\d{4}", text):
        day, month, year = text.split("/")
        return f"{year}-{month}-{day}"
    return text


# Fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("sample")
    lines: list[str] = []
    generate(out, seed=SEED, progress=lines.append, **SAMPLE)
    return out, lines


@pytest.fixture(scope="module")
def out(sample) -> Path:
    return sample[0]


@pytest.fixture(scope="module")
def truth(out) -> dict[str, pl.DataFrame]:
    return {name: pl.read_csv(out / "ground_truth" / f"{name}.csv", infer_schema=False).fill_null("")
            for name in ("people", "claims", "outcomes_unclaimed", "invalid_rows", "files")}


@pytest.fixture(scope="module")
def operator_files(out, truth) -> dict[str, tuple[dict, dict]]:
    files = truth["files"].filter(pl.col("kind").is_in(["inscripciones", "reportes"]) & (pl.col("broken") == "false"))
    return {path: read_operator_file(out / path) for path in files["path"]}


@pytest.fixture(scope="module")
def pila(out, truth) -> pl.DataFrame:
    """Every PILA extract, each row tagged with the inbox month it arrived in and its row number."""
    return read_registries(out, truth["files"], "pila")


@pytest.fixture(scope="module")
def exams(out, truth) -> pl.DataFrame:
    """Every `examenes_ingles` extract, tagged like `pila`."""
    return read_registries(out, truth["files"], "examenes_ingles")


@pytest.fixture(scope="module")
def incomes(out, truth) -> pl.DataFrame:
    """Every `mediciones_ingreso` extract, tagged like `pila`."""
    return read_registries(out, truth["files"], "mediciones_ingreso")


@pytest.fixture(scope="module")
def businesses(out, truth) -> pl.DataFrame:
    """Every `registro_mercantil` extract, tagged like `pila`."""
    return read_registries(out, truth["files"], "registro_mercantil")


@pytest.fixture(scope="module")
def records(out) -> pl.DataFrame:
    return pl.read_parquet(out / "ground_truth" / "records.parquet")


# Determinism -----------------------------------------------------------------------------

def test_same_seed_gives_the_same_bytes(out, tmp_path):
    generate(tmp_path, seed=SEED, **SAMPLE)
    assert tree_hashes(tmp_path) == tree_hashes(out)


def test_another_seed_gives_other_data(out, tmp_path):
    generate(tmp_path, seed=SEED + 1, **SAMPLE)
    mine, theirs = tree_hashes(tmp_path), tree_hashes(out)
    assert mine != theirs
    assert mine["ground_truth/people.csv"] != theirs["ground_truth/people.csv"]


def test_refuses_a_folder_that_already_holds_data(out):
    with pytest.raises(ValueError, match="already holds files"):
        generate(out, seed=SEED, **SAMPLE)


# Layout and shapes -----------------------------------------------------------------------

def test_inbox_layout_follows_formats_md(out, truth):
    inbox = sorted(str(p.relative_to(out)) for p in (out / "inbox").rglob("*") if p.is_file())
    folders = ("inscripciones|reportes|registros/pila|registros/examenes_ingles|registros/rips|registros/mediciones_ingreso|"
               "registros/registro_mercantil|registros/desembolsos_credito|registros/mediciones_productividad")
    pattern = re.compile(rf"inbox/(\d{{4}}-\d{{2}})/({folders})/[^/]+\.(csv|xlsx|parquet|json)")
    for path in inbox:
        match = pattern.fullmatch(path)
        assert match, path
        assert match.group(1) in MONTHS
    assert sorted(truth["files"]["path"]) == inbox
    for month in MONTHS:
        kinds = set(truth["files"].filter(pl.col("month") == month)["kind"])
        assert kinds == {"inscripciones", "reportes", "pila", "examenes_ingles", "rips", "mediciones_ingreso",
                         "registro_mercantil", "desembolsos_credito", "mediciones_productividad"}, month
    assert (out / "reference/smmlv.csv").read_text() == (
        "anio,valor\n2023,1160000\n2024,1300000\n2025,1423500\n2026,1750905\n")
    lines = (out / "reference/lineas_pobreza.csv").read_text().splitlines()
    assert lines[0] == "anio,dominio,pobreza_extrema,pobreza"
    assert "2024,NACIONAL,227220," in lines and "2024,BUCARAMANGA_AM,,638918" in lines


def test_every_operator_file_shape_is_present(out, truth, operator_files):
    facts = [facts for facts, _ in operator_files.values()]
    csv_facts = {(f["encoding"], f["delimiter"]) for f in facts if f["format"] == "csv"}
    assert {("utf-8", ","), ("utf-8-sig", ","), ("cp1252", ";")} <= csv_facts
    titled = [f for f in facts if f["format"] == "xlsx" and f["header_row"] > 1]
    assert titled and all(fold(str(f["first_row"][0])) not in {"operador", ""} for f in titled)
    assert any(f["format"] == "xlsx" and f["header_row"] == 1 for f in facts)
    # What the files say of themselves matches files.csv.
    for path, encoding, delimiter, header_row in truth["files"].filter(
            pl.col("kind").is_in(["inscripciones", "reportes"]) & (pl.col("broken") == "false")).select(
            "path", "encoding", "delimiter", "header_row").iter_rows():
        facts_ = operator_files[path][0]
        if facts_["format"] == "csv":
            assert (facts_["encoding"], facts_["delimiter"]) == (encoding, delimiter), path
        else:
            assert facts_["header_row"] == int(header_row), path


def test_spanish_spreadsheet_exports_use_dmy_dates_and_cp1252(operator_files):
    exports = [(facts, records) for facts, records in operator_files.values() if facts.get("encoding") == "cp1252"]
    assert exports
    for facts, records in exports:
        assert any("Número" in cell or "NÚMERO" in cell for cell in facts["raw_header"])
        for record in records.values():
            for column in ("fecha_inscripcion", "fecha_resultado"):
                if record.get(column):
                    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", record[column]), record[column]


def test_headers_vary_as_formats_md_allows(operator_files):
    spellings = {cell for facts, _ in operator_files.values() for cell in facts["raw_header"]}
    assert {"Número Documento", "TIPO_DOCUMENTO", " Primer Nombre "} <= spellings
    folded = {fold(cell) for cell in spellings}
    assert {"numero_documento", "tipo_documento", "primer_nombre", "fecha_inscripcion", "fecha_resultado"} <= folded


def test_pila_comes_as_csv_and_parquet_with_spanish_amounts(out, truth, pila):
    formats = set(truth["files"].filter(pl.col("kind") == "pila")["format"])
    assert formats == {"csv", "parquet"}
    texts = [(out / p).read_text(encoding="utf-8") for p in truth["files"].filter(
        (pl.col("kind") == "pila") & (pl.col("format") == "csv"))["path"]]
    assert any(re.search(r";1\.\d{3}\.\d{3};", text) for text in texts)
    parquet = pl.read_parquet(out / truth["files"].filter((pl.col("format") == "parquet")
                                                           & (pl.col("kind") == "pila"))["path"][0])
    assert parquet.schema["tipo_cotizante"].is_integer() and parquet.schema["fecha_ingreso"] == pl.Date
    assert "fecha_nacimiento" not in pila.columns


def test_pila_extracts_hold_the_month_before_and_history_first(pila):
    first = pila.filter(pl.col("received") == MONTHS[0])
    periods = set(first["periodo"])
    assert {add_months(MONTHS[0], -k) for k in range(1, 8)} <= periods
    for month in MONTHS[1:]:
        extract = pila.filter((pl.col("received") == month) & pl.col("periodo").str.contains(PERIOD))
        counts = extract.group_by("periodo").len()
        main = counts.sort("len", descending=True)["periodo"][0]
        assert main == add_months(month, -1)
        assert all(period < month for period in counts["periodo"])
    # Rows of earlier periods arrive in later extracts: late rows and corrections.
    older = [month for month in MONTHS[1:]
             if pila.filter((pl.col("received") == month) & (pl.col("periodo") == add_months(month, -2))).height]
    assert older


def test_names_carry_accents_enye_and_compound_surnames(truth, operator_files):
    people = truth["people"]
    surnames = set(people["primer_apellido"]) | set(people["segundo_apellido"])
    assert any("Ñ" in name for name in surnames)
    assert any(name.startswith(("DE LA ", "DEL ", "DE LOS ")) for name in surnames)
    assert any(re.search("[ÁÉÍÓÚ]", name) for name in set(people["primer_nombre"]))
    roster_names = [record.get("primer_apellido", "") for facts, records in operator_files.values()
                    for record in records.values()]
    assert any(name and name == name.lower() for name in roster_names)
    assert any(name and name[0].isupper() and name[1:] == name[1:].lower() and len(name) > 2 for name in roster_names)
    types = set(people["tipo_documento"])
    assert {"CC", "TI", "CE", "PT", "PE"} <= types


# Registry values -------------------------------------------------------------------------

def test_every_employer_nit_has_a_valid_check_digit(pila, truth, operator_files):
    wrong_dv = truth["invalid_rows"].filter(pl.col("rule") == "employer_nit_check_digit")
    expected_bad = {(path, int(row)) for path, row in wrong_dv.select("source_file", "source_row").iter_rows()}
    nits = pila.select("nit_aportante", "path", "row").iter_rows()
    soportes = [(record.get("soporte", ""), path, number) for path, (_, records) in operator_files.items()
                if "_empleo_" in path for number, record in records.items()]
    checked = 0
    for nit, path, row in [*nits, *soportes]:
        if not nit:
            continue
        base, _, dv = nit.partition("-")
        assert re.fullmatch(r"\d{9}", base), nit
        if dv:
            checked += 1
            valid = int(dv) == nit_check_digit(base)
            assert valid != ((path, row) in expected_bad), (nit, path, row)
    assert checked > 0 and expected_bad


def test_ibc_is_consistent_with_the_minimum_wage_of_the_year(out, pila):
    smmlv = dict(pl.read_csv(out / "reference/smmlv.csv").iter_rows())
    rows = pila.filter(pl.col("periodo").str.contains(PERIOD)).with_columns(
        pl.col("tipo_cotizante", "dias_cotizados", "salario_basico", "ibc").cast(pl.Int64),
        pl.col("periodo").str.slice(0, 4).cast(pl.Int64).replace_strict(smmlv).alias("smmlv"),
    ).filter(pl.col("dias_cotizados") <= 30)
    dependent = rows.filter(pl.col("tipo_cotizante").is_in(sorted(DEPENDENT_CONTRIBUTOR_TYPES)))
    assert (dependent["salario_basico"] >= dependent["smmlv"]).all()
    short = rows.filter(pl.col("dias_cotizados") < 30)
    assert (short["novedad_ing"].fill_null("") + short["novedad_ret"].fill_null("")).str.contains("X").all()
    prorated = pl.col("smmlv") * pl.col("dias_cotizados")
    qualifying = dependent.filter((pl.col("dias_cotizados") >= 15) & (pl.col("ibc") * 30 >= prorated))
    below = dependent.filter(pl.col("ibc") * 30 < prorated)
    assert qualifying.height > 10 * below.height > 0
    # "Just below": an employer's rounding, never a wild value.
    assert below.select((pl.col("ibc") * 30 >= prorated * 0.98).all()).item()


def test_some_rows_are_corrected_in_a_later_extract(pila):
    key = ["numero_documento", "periodo", "nit_aportante"]
    versions = pila.group_by(key).agg(pl.col("received").n_unique().alias("extracts"),
                                      pl.col("ibc").n_unique().alias("ibcs"))
    corrected = versions.filter((pl.col("extracts") > 1) & (pl.col("ibcs") > 1))
    assert corrected.height >= 1
    # Within one extract a key is never repeated: a repeated key means a correction.
    assert pila.group_by([*key, "received"]).len()["len"].max() == 1


# Ground truth ----------------------------------------------------------------------------

def test_claims_ground_truth_points_at_real_rows(truth, operator_files):
    people = {pid: documents for pid, documents in truth["people"].select("person_id", "documentos").iter_rows()}
    seen = set()
    for claim in truth["claims"].iter_rows(named=True):
        _, records = operator_files[claim["source_file"]]
        record = records[int(claim["source_row"])]
        assert record["operador"] == claim["operador"]
        assert record["resultado"] == claim["resultado"]
        assert record["programa"] == next((programme for programme in ("BILINGUISMO", "SALUD_MATERNA", "SALUD_TRANSMISIBLES",
                                                                       "HABITANZA_CALLE", "EMPRENDIMIENTO",
                                                                       "CREDITO_MIPYME", "AGRO")
                                           if f"_{programme.lower()}_" in claim["source_file"]), "EMPLEO")
        seen.add((claim["source_file"], int(claim["source_row"])))
        if not claim["person_id"] or claim["scenario"] == "NIT_WITH_CHECK_DIGIT":
            continue  # a NIT written with its check digit: test_synthetic_credito_agro
        held = {number_key(*doc.split(":")) for doc in people[claim["person_id"]].split("|")}
        written = number_key(record["tipo_documento"], record["numero_documento"])
        if claim["scenario"] in {"DOC_TYPO", "DOC_WRONG_TYPE", "CLAIM_DOC_TYPO"}:
            assert written not in held
        else:
            assert written in held, claim
    claim_rows = {(path, number) for path, (facts, records) in operator_files.items()
                  if "/reportes/" in path for number in records}
    assert seen == claim_rows


def test_invalid_rows_point_at_the_offending_cell(out, truth, operator_files, pila, exams):
    rules = set()
    invalid = truth["invalid_rows"].select("source_file", "source_row", "column", "rule")
    for path, row, column, rule in invalid.iter_rows():
        if any(mark in path for mark in ("_salud_", "/registros/rips/", "_habitanza_calle_", "/mediciones_ingreso/",
                                         "_emprendimiento_", "/registro_mercantil/", "_credito_mipyme_",
                                         "/desembolsos_credito/", "_agro_", "/mediciones_productividad/")):
            continue  # the programmes added after BILINGUISMO: their own test files
        rules.add(rule)
        if not row:
            facts, _ = read_operator_file(out / path)
            assert column not in {fold(cell) for cell in facts["raw_header"]}
            continue
        if "/registros/" in path:
            extract = pila if "/registros/pila/" in path else exams
            value = extract.filter((pl.col("path") == path) & (pl.col("row") == int(row)))[column].item()
        else:
            value = operator_files[path][1][int(row)].get(column, "")
        checks = {
            "document_type_known": lambda v: v not in {"CC", "TI", "CE", "PA", "RC", "PT", "PPT", "PE", "PEP"},
            "document_number_digits_only": lambda v: not v.isdigit(),
            "outcome_date_not_in_future": lambda v: day_iso(v) > f"{MONTHS[-1]}-31",
            "enrolment_date_not_before_birth": lambda v: day_iso(v) < day_iso(
                operator_files[path][1][int(row)]["fecha_nacimiento"]),
            "period_shape": lambda v: not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v),
            "days_contributed_range": lambda v: int(v) > 30,
            "employer_nit_check_digit": lambda v: int(v.split("-")[1]) != nit_check_digit(v.split("-")[0]),
            "outcome_belongs_to_programme": lambda v: v not in (
                {"CERTIFICACION_B1"} if "_bilinguismo_" in path else set(EMPLEO_OUTCOMES)),
            "required_value_missing": lambda v: (v or "") == "",
            "role_required_for_bilingualism": lambda v: v == "",
            "role_known": lambda v: v not in {"DOCENTE", "ESTUDIANTE"},
            "test_known": lambda v: v not in {"APTIS_GENERAL", "APTIS_DOCENTES", "SABER11", "OTRA"},
            "moment_known": lambda v: v not in {"ENTRADA", "SALIDA"},
            "level_known": lambda v: v.upper() not in {"PRE_A1", "A1", "A2", "B1", "B2", "C1", "C2", "A0", "A-", "B+",
                                                       "C"},
        }
        assert checks[rule](value or ""), (path, row, column, rule, value)
    assert len(rules) == 15  # nine employment row rules, the broken file and five English-programme rules


def test_every_scenario_appears(truth):
    assert SCENARIOS <= set(truth["claims"]["scenario"])
    assert set(truth["claims"]["scenario"]) <= set(LABELS) | set(BILINGUISMO_LABELS) | set(HABITANZA_LABELS) | {
        scenario for scenarios in (*HEALTH_LABELS.values(), *EMPRENDIMIENTO_LABELS.values(), EMPRENDIMIENTO_GATES,
                                   CREDITO_LABELS, AGRO_LABELS)
        for scenario in scenarios}
    assert truth["outcomes_unclaimed"].height > 0


def test_document_aliases_and_dots_are_written(truth, operator_files):
    written_types = set()
    dotted = False
    for claim in truth["claims"].iter_rows(named=True):
        record = operator_files[claim["source_file"]][1][int(claim["source_row"])]
        written_types.add(record["tipo_documento"])
        dotted |= claim["scenario"] == "DOTS_IN_NUMBER" and "." in record["numero_documento"]
    assert dotted
    assert written_types & {"c.c", "C.C.", "C.C", "cc"}
    roster_types = {record["tipo_documento"] for path, (_, records) in operator_files.items()
                    if "/inscripciones/" in path for record in records.values()}
    assert "PPT" in written_types | roster_types and "TI" in roster_types
    exits = [record for path, (_, records) in operator_files.items() if "/inscripciones/" in path
             for record in records.values() if record.get("fecha_egreso")]
    assert exits


def test_verdicts_agree_with_scenarios(truth):
    final = {
        "TRUE_CLAIM": {"VERIFIED/", "PENDING/"}, "TYPE_ALIAS": {"VERIFIED/", "PENDING/"},
        "DOTS_IN_NUMBER": {"VERIFIED/", "PENDING/"}, "UNSUPPORTED": {"REJECTED/NO_FORMAL_JOB", "PENDING/"},
        "NOT_RETAINED": {"REJECTED/NOT_RETAINED", "PENDING/"}, "DUPLICATE": {"DUPLICATE/DUPLICATE"},
        "NOT_ENROLLED": {"REJECTED/NOT_ENROLLED"}, "DOC_TYPO": {"REJECTED/NOT_ENROLLED"},
        "RESULT_BEFORE_ENROLMENT": {"REJECTED/NOT_ENROLLED"}, "OTHER_OPERATOR": {"REJECTED/OTHER_OPERATOR"},
        "NOT_ADDITIONAL": {"REJECTED/NOT_ADDITIONAL"}, "INVALID_ROW": {"/"},
        "DOC_WRONG_TYPE": {"REJECTED/NOT_ENROLLED"}, "DOC_RENEWED": {"REJECTED/NOT_ENROLLED"},
        "REGISTRY_CORRECTION": {"REJECTED/NO_FORMAL_JOB", "REJECTED/NOT_RETAINED", "REJECTED/NOT_ADDITIONAL"},
    }
    for claim in truth["claims"].filter(~pl.col("source_file").str.contains(
            "_bilinguismo_|_salud_|_habitanza_calle_|_emprendimiento_|_credito_mipyme_|_agro_")).iter_rows(named=True):
        scenario = claim["scenario"]
        if scenario in final:
            assert f"{claim['final_status']}/{claim['final_reason']}" in final[scenario], claim
        if scenario == "EARLY_RETENTION":
            assert claim["status_when_received"] == "PENDING", claim
        if scenario == "REGISTRY_CORRECTION":
            assert claim["status_when_received"] == "VERIFIED", claim
        if claim["final_status"] in {"VERIFIED", "PENDING"}:
            assert claim["final_reason"] == ""
    # Verdicts in the month a claim arrives are not the last word: some change later.
    changed = truth["claims"].filter(pl.col("status_when_received") != pl.col("final_status"))
    assert changed.height > 0


def test_claims_are_repeated_in_the_same_file_and_in_a_later_month(truth):
    repeats = truth["claims"].filter(pl.col("scenario") == "DUPLICATE")
    places = {(path, re.search(r"repeats the claim in (\S+) row", why).group(1) == path)
              for path, why in repeats.select("source_file", "why").iter_rows()}
    assert {same for _, same in places} == {True, False}


def test_someone_is_enrolled_by_two_operators(truth, operator_files):
    operators = defaultdict(set)
    for path, (_, records) in operator_files.items():
        if "/inscripciones/" in path:
            for record in records.values():
                operators[number_key(record["tipo_documento"], record["numero_documento"])].add(record["operador"])
    assert any(len(ops) > 1 for ops in operators.values())
    assert truth["people"].filter(pl.col("operadores").str.contains("|", literal=True)).height >= 1


def owners_from_rosters(operator_files) -> dict[tuple[str, str], tuple[str, str]]:
    """Per document as matching reads it (a producer unit's as `UP`, its id): the earliest
    (enrolment date, operator) in the rosters as written."""
    owner: dict[tuple[str, str], tuple[str, str]] = {}
    for path, (_, records) in operator_files.items():
        if "/inscripciones/" in path:
            for record in records.values():
                if record.get("fecha_inscripcion"):
                    unit = record.get("unidad_productiva")
                    key = number_key("UP", unit) if unit else number_key(record["tipo_documento"], record["numero_documento"])
                    listing = (day_iso(record["fecha_inscripcion"]), record["operador"])
                    owner[key] = min(owner.get(key, listing), listing)
    return owner


def test_placement_verdicts_follow_from_the_files(out, truth, operator_files, pila):
    """Independent of the generator's rules code: owners and enrolment months from the rosters
    as written, each registry key in its latest version, and the placement window of the rules."""
    owner = owners_from_rosters(operator_files)
    smmlv = dict(pl.read_csv(out / "reference/smmlv.csv").iter_rows())
    latest = (
        pila.filter(pl.col("periodo").str.contains(PERIOD))
        .sort(["received", "row"])
        .unique(["numero_documento", "periodo", "nit_aportante"], keep="last")
        .with_columns(pl.col("tipo_cotizante", "dias_cotizados", "ibc").cast(pl.Int64),
                      pl.col("periodo").str.slice(0, 4).cast(pl.Int64).replace_strict(smmlv).alias("smmlv"))
        .filter(pl.col("tipo_cotizante").is_in(sorted(DEPENDENT_CONTRIBUTOR_TYPES)) & (pl.col("dias_cotizados") >= 15)
                & (pl.col("ibc") * 30 >= pl.col("smmlv") * pl.col("dias_cotizados")))
    )
    qualifying = defaultdict(set)
    for number, period in latest.select("numero_documento", "periodo").iter_rows():
        qualifying[number].add(period)
    decided = truth["claims"].filter((pl.col("resultado") == "COLOCACION") & (
        (pl.col("final_status") == "VERIFIED") | (pl.col("final_reason") == "NO_FORMAL_JOB")))
    assert set(decided["final_status"]) == {"VERIFIED", "REJECTED"}
    for path, row, status in decided.select("source_file", "source_row", "final_status").iter_rows():
        record = operator_files[path][1][int(row)]
        key = number_key(record["tipo_documento"], record["numero_documento"])
        start = owner[key][0][:7]
        end = min(add_months(day_iso(record["fecha_resultado"])[:7], 1), add_months(start, 12))
        found = {period for period in qualifying[key[1]] if start <= period <= end}
        assert bool(found) == (status == "VERIFIED"), (path, row, status, start, end)


def test_unclaimed_outcomes_were_never_claimed_by_their_owner(truth, operator_files):
    """Owners by document, as deterministic matching reads the rosters: a roster row with a
    mistyped number or a wrong type enrols another (nobody's) document."""
    documents = {pid: number_key(*documents.split("|")[0].split(":"))
                 for pid, documents in truth["people"].select("person_id", "documentos").iter_rows()}
    owner = owners_from_rosters(operator_files)
    own_document = {"DOC_TYPO", "DOC_WRONG_TYPE", "DOC_RENEWED", "INVALID_ROW", "CLAIM_DOC_TYPO"}
    claimed = {(p, op, r) for p, op, r, scenario in truth["claims"].select(
        "person_id", "operador", "resultado", "scenario").iter_rows() if scenario not in own_document}
    unclaimed = truth["outcomes_unclaimed"].select("person_id", "operador", "resultado", "enrolment_month")
    for person_id, operador, resultado, enrolment_month in unclaimed.iter_rows():
        assert owner[documents[person_id]][1] == operador
        assert owner[documents[person_id]][0][:7] == enrolment_month
        assert (person_id, operador, resultado) not in claimed


def test_progress_lines_hold_no_personal_data(sample, truth):
    _, lines = sample
    assert lines and all(len(line) < 120 for line in lines)
    text = "\n".join(lines)
    assert not re.search(r"\d{5,}", text)  # counts are written 412,331
    names = set(truth["people"]["primer_apellido"]) - {""}
    assert not any(name in text for name in names)


# Noise and the truth of who is who --------------------------------------------------------

def test_noise_levels():
    assert set(LEVELS) == {"none", "low", "realistic", "high"} and LEVELS["none"] == NONE == Noise()
    # The defects the generator always made keep their rates at the default level.
    assert (REALISTIC.claim_typo, REALISTIC.roster_accents_dropped, REALISTIC.registry_accents_dropped) == (
        0.02, 0.15, 0.35)
    for field in ("claim_typo", "roster_typo", "claim_wrong_type", "roster_wrong_type", "pep_to_pt",
                  "roster_birth_date_shifted", "registry_missing_second_surname"):
        assert 0 == getattr(NONE, field) < getattr(LEVELS["low"], field) < getattr(REALISTIC, field) < getattr(
            HIGH, field), field
    with pytest.raises(ValueError, match="rate"):
        Noise(roster_typo=1.5)


def test_records_cover_every_enrolment_and_claim_row(records, operator_files, truth):
    for kind in ("inscripciones", "reportes"):
        mine = records.filter(pl.col("source") == kind)
        rows = {(path, number) for path, (_, rows_) in operator_files.items() if f"/{kind}/" in path
                for number in rows_}
        assert set(mine.select("source_file", "source_row").iter_rows()) == rows and mine.height == len(rows)
        for path, row, kind_, number, month in mine.select(
                "source_file", "source_row", "tipo_documento", "numero_documento", "received_month").iter_rows():
            record = operator_files[path][1][row]
            assert (record["tipo_documento"], record["numero_documento"]) == (kind_, number)
            assert path.startswith(f"inbox/{month}/")
    claims = truth["claims"].select("source_file", pl.col("source_row").cast(pl.Int64), "person_id")
    joined = records.filter(pl.col("source") == "reportes").join(claims, on=["source_file", "source_row"],
                                                                 suffix="_truth")
    assert joined.height == claims.height
    assert (joined["person_id"].fill_null("") == joined["person_id_truth"]).all()
    assert records.filter(pl.col("source") == "inscripciones")["person_id"].null_count() == 0
    invalid = {(path, int(row)) for path, row in truth["invalid_rows"].select("source_file", "source_row").iter_rows()
               if row}
    assert set(records.filter("quarantined").select("source_file", "source_row").iter_rows()) == invalid


def test_records_hold_every_pila_identity_once_at_its_first_row(records, pila, truth):
    names = ["primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido"]
    identity = ["tipo_documento", "numero_documento", *names]
    first = (pila.sort("received", "row").group_by(identity, maintain_order=True).first()
             .select(*identity, pl.col("path").alias("source_file"), pl.col("row").cast(pl.Int64).alias("source_row")))
    mine = records.filter(pl.col("source") == "pila")
    assert mine.height == first.height == mine.select(identity).unique().height
    assert sorted(mine.select(first.columns).rows(), key=str) == sorted(first.rows(), key=str)
    documents = dict(truth["people"].select("person_id", "documentos").iter_rows())
    for person_id, kind, number, quarantined in mine.select(
            "person_id", "tipo_documento", "numero_documento", "quarantined").iter_rows():
        assert f"{kind}:{number}" in documents[person_id].split("|") or (quarantined and kind == "CC")
    assert mine.filter("quarantined").height == 3


def test_every_noise_kind_appears_and_is_recorded(records):
    seen = defaultdict(set)
    for source, noise in records.select("source", "noise").iter_rows():
        for kind in recorded(noise):
            seen[kind].add(source)
    assert set(seen) == set(KINDS)
    for kind in ("typo", "wrong_type"):
        assert {"inscripciones", "reportes"} <= seen[kind], kind
    assert "pila" in seen["pep_to_pt"]
    for kind in ("swapped_surnames", "missing_second_given", "missing_second_surname", "accents_dropped"):
        # The exam and income registries spell names as the bodies behind them hold them, with the same kinds.
        assert {"inscripciones", "pila"} <= seen[kind] <= {"inscripciones", "pila", "examenes_ingles",
                                                           "mediciones_ingreso", "registro_mercantil"}, kind
    for kind in ("case_changed", "birth_day_month_swapped", "birth_day_off", "birth_year_off"):
        assert seen[kind] == {"inscripciones"}, kind
    assert records.filter(pl.col("quarantined"))["noise"].to_list() == [""] * records["quarantined"].sum()


def check_recorded_noise(records: pl.DataFrame, operator_files, pila: pl.DataFrame, truth,
                         exams: pl.DataFrame, incomes: pl.DataFrame, businesses: pl.DataFrame) -> None:
    """Every record's noise is exactly what its row shows against the person's truth."""
    people = {row["person_id"]: row for row in truth["people"].iter_rows(named=True)}
    names = ("primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido")
    cases = defaultdict(lambda: defaultdict(set))
    pila_rows = {(path, row): values for frame in (pila, businesses) for path, row, *values in
                 frame.select("path", "row", "tipo_documento", "numero_documento", *names).iter_rows()}
    exam_rows = {(path, row): values for frame in (exams, incomes) for path, row, *values in
                 frame.select("path", "row", "tipo_documento", "numero_documento", *names, "fecha_nacimiento")
                 .iter_rows()}
    for record in records.filter(~pl.col("quarantined")).iter_rows(named=True):
        person = people.get(record["person_id"])
        if person is None:  # a fabricated document
            assert record["source"] == "reportes" and record["noise"] == ""
            continue
        true_names = tuple(person[name] for name in names)
        if record["source"] in ("pila", "registro_mercantil"):
            kind, number, *written = pila_rows[(record["source_file"], record["source_row"])]
            # The chamber's rows, like the exam registry's, sometimes give the document alone.
            shown = (name_noise(tuple(name or "" for name in written), true_names)
                     if written[0] or record["source"] == "pila" else set())
        elif record["source"] == "rips":
            # RIPS users carry no names; the document as written (test_synthetic_health reads the files).
            kind, number = record["tipo_documento"], record["numero_documento"]
            shown = set()
            assert record["fecha_nacimiento"].isoformat() == person["fecha_nacimiento"], record
        elif record["source"] in ("examenes_ingles", "mediciones_ingreso"):
            kind, number, *written, birth = exam_rows[(record["source_file"], record["source_row"])]
            # Some rows give the document alone; the others the registry's names.
            shown = name_noise(tuple(name or "" for name in written), true_names) if written[0] else set()
            assert birth in (None, person["fecha_nacimiento"]), record
        else:
            row = operator_files[record["source_file"]][1][record["source_row"]]
            kind, number = row["tipo_documento"], row["numero_documento"]
            shown = set()
            if record["source"] == "inscripciones" and kind != "NIT":  # a firm's rows: no names, no birth date
                shown = name_noise(tuple(row.get(name, "") for name in names), true_names)
                shown |= birth_noise(row["fecha_nacimiento"], person["fecha_nacimiento"])
                changed = "case_changed" in recorded(record["noise"])
                cases[record["source_file"]][changed].add(letter_case(row["primer_nombre"]))
        shown |= document_noise(kind, number, person["documentos"])
        assert shown == recorded(record["noise"]) - {"case_changed"}, (record, shown)
    # Rows in the file's letter case share it; a row whose case was changed shows another one.
    for path, by_flag in cases.items():
        assert len(by_flag[False]) <= 1, path
        assert not by_flag[False] & by_flag[True], path


def test_recorded_noise_is_what_the_files_show(records, operator_files, pila, truth, exams, incomes, businesses):
    check_recorded_noise(records, operator_files, pila, truth, exams, incomes, businesses)
    scenarios = set(truth["claims"]["scenario"])
    assert "DOC_TYPO" in scenarios and "DOC_WRONG_TYPE" in scenarios


def test_no_noise_writes_every_record_as_held(tmp_path):
    generate(tmp_path, seed=SEED, noise=NONE, **SAMPLE)
    truth = {name: pl.read_csv(tmp_path / "ground_truth" / f"{name}.csv", infer_schema=False).fill_null("")
             for name in ("people", "claims", "files")}
    records = pl.read_parquet(tmp_path / "ground_truth" / "records.parquet")
    assert records.height > 0 and (records["noise"] == "").all()
    noisy = {"DOC_TYPO", "DOC_WRONG_TYPE", "DOC_RENEWED", "ROSTER_DOC_NOISE", "REGISTRY_DOC_RENEWED", "CLAIM_DOC_TYPO"}
    assert not noisy & set(truth["claims"]["scenario"])
    peps = truth["people"].filter(pl.col("tipo_documento") == "PE")
    assert peps.height and not peps["documentos"].str.contains("|", literal=True).any()
    files = truth["files"].filter(pl.col("kind").is_in(["inscripciones", "reportes"]) & (pl.col("broken") == "false"))
    operator_files_ = {path: read_operator_file(tmp_path / path) for path in files["path"]}
    check_recorded_noise(records, operator_files_, read_registries(tmp_path, truth["files"], "pila"), truth,
                         read_registries(tmp_path, truth["files"], "examenes_ingles"),
                         read_registries(tmp_path, truth["files"], "mediciones_ingreso"),
                         read_registries(tmp_path, truth["files"], "registro_mercantil"))
