"""Each validation rule with a row that fails it and a row that passes, through real files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pbr_pipeline.intake.ingest import ingest_table
from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.intake.tables import CLAIMS, ENROLMENTS, MINIMUM_WAGES, REVIEWS
from pbr_pipeline.intake.validate import validate_table
from pbr_pipeline.programmes.agro import PRODUCTIVITY_MEASUREMENTS
from pbr_pipeline.programmes.bilinguismo import ENGLISH_EXAMS
from pbr_pipeline.programmes.credito_mipyme import CREDIT_DISBURSEMENTS
from pbr_pipeline.programmes.empleo import PILA as PILA_REGISTRY
from pbr_pipeline.programmes.income import INCOME_MEASUREMENTS
from tests.conftest import CLAIM_ROW, ENROLMENT_ROW, MONTH, PILA_ROW, REVIEW_ROW, csv_bytes, put

PILA, EXAMS = PILA_REGISTRY.table, ENGLISH_EXAMS.table
INCOME, CREDIT, HARVESTS = INCOME_MEASUREMENTS.table, CREDIT_DISBURSEMENTS.table, PRODUCTIVITY_MEASUREMENTS.table
HARVEST_ROW = {"tipo_documento": "CC", "numero_documento": "63555123", "unidad_productiva": "UP-0042", "cultivo": "CACAO",
               "fecha_medicion": "2025-02-20", "produccion_kg": "1200", "area_ha": "2,5"}
INCOME_ROW = {"tipo_documento": "CC", "numero_documento": "1098765432", "fecha_medicion": "2025-02-20",
              "ingreso_mensual_hogar": "850.000", "personas_hogar": "3", "fuente": "visita SISBEN"}
CREDIT_ROW = {"tipo_documento": "NIT", "numero_documento": "900123456", "razon_social": "Panadería La Ñapa SAS",
              "entidad": "890903938-8", "numero_obligacion": "OB-2025-001", "fecha_desembolso": "2025-02-20",
              "monto": "25.000.000", "tamano_empresa": "MICRO", "plazo_meses": "36"}
EXAM_ROW = {
    "tipo_documento": "TI", "numero_documento": "1098765432", "primer_nombre": "LAURA", "primer_apellido": "PEÑA",
    "fecha_nacimiento": "2009-05-17", "sexo": "F", "prueba": "APTIS_GENERAL", "momento": "SALIDA",
    "fecha_examen": "2025-02-20", "nivel_mcer": "B1", "puntaje": "165", "numero_certificado": "APT-2025-0001",
}
BASE_ROWS = {ENROLMENTS.name: ENROLMENT_ROW, CLAIMS.name: CLAIM_ROW, PILA.name: PILA_ROW, REVIEWS.name: REVIEW_ROW,
             EXAMS.name: EXAM_ROW, INCOME.name: INCOME_ROW, CREDIT.name: CREDIT_ROW,
             HARVESTS.name: HARVEST_ROW}


def validate_rows(data_dir: Path, table: InputTable, rows: list[dict[str, str]]):
    folder = f"inbox/{MONTH}/{table.inbox_folder}" if table.inbox_folder else "reference"
    name = f"{table.reference_name}.csv" if table.reference_name else "file.csv"
    put(data_dir, f"{folder}/{name}", csv_bytes(rows))
    return validate_table(ingest_table(data_dir, MONTH, table).frame, table)


FAILING = [
    (ENROLMENTS, {"tipo_documento": "XX"}, "document_type_known"),
    (ENROLMENTS, {"tipo_documento": ""}, "required_value_missing"),
    (ENROLMENTS, {"numero_documento": "12A45"}, "document_number_digits_only"),
    (ENROLMENTS, {"numero_documento": "12345678901234567"}, "document_number_shape"),
    (ENROLMENTS, {"operador": "OPERADOR1"}, "operator_code_shape"),
    (ENROLMENTS, {"programa": "EMPLEOS"}, "programme_known"),
    (ENROLMENTS, {"primer_nombre": ""}, "first_name_required"),
    (ENROLMENTS, {"primer_apellido": " "}, "first_surname_required"),
    (ENROLMENTS, {"programa": "CREDITO_MIPYME", "tipo_documento": "NIT", "numero_documento": "900123456"}, "business_name_required"),
    (ENROLMENTS, {"programa": "CREDITO_MIPYME"}, "firm_programmes_enrol_firms"),
    (ENROLMENTS, {"tipo_documento": "NIT", "numero_documento": "900123456", "razon_social": "Ferretería El Tornillo SAS"},
     "people_programmes_enrol_people"),
    (ENROLMENTS, {"programa": "AGRO"}, "unit_required_for_agro"),
    (ENROLMENTS, {"programa": "AGRO", "unidad_productiva": "UP#42"}, "unit_id_shape"),
    (ENROLMENTS, {"fecha_nacimiento": ""}, "birth_date_required"),
    (ENROLMENTS, {"fecha_nacimiento": "31/02/1990"}, "birth_date_is_date"),
    (ENROLMENTS, {"sexo": ""}, "sex_required"),
    (ENROLMENTS, {"sexo": "X"}, "sex_known"),
    (ENROLMENTS, {"grupos": "VICTIMA|ALIEN"}, "groups_known"),
    (ENROLMENTS, {"programa": "BILINGUISMO"}, "role_required_for_bilingualism"),
    (ENROLMENTS, {"rol": "PROFESOR"}, "role_known"),
    (ENROLMENTS, {"fecha_inscripcion": ""}, "required_value_missing"),
    (ENROLMENTS, {"fecha_inscripcion": "03-03-2025"}, "enrolment_date_is_date"),
    (ENROLMENTS, {"fecha_inscripcion": "2025-04-01"}, "enrolment_date_not_in_future"),
    (ENROLMENTS, {"fecha_inscripcion": "1989-01-01"}, "enrolment_date_not_before_birth"),
    (ENROLMENTS, {"fecha_egreso": "2025-03-01"}, "exit_date_not_before_enrolment"),
    (ENROLMENTS, {"fecha_egreso": "2025-04-30"}, "exit_date_not_in_future"),
    (ENROLMENTS, {"fecha_egreso": "ayer"}, "exit_date_is_date"),
    (ENROLMENTS, {"municipio": "6801"}, "municipality_code_shape"),
    (CLAIMS, {"resultado": "CERTIFICACION_B1"}, "outcome_belongs_to_programme"),
    (CLAIMS, {"resultado": "EMPLEADO"}, "outcome_known"),
    (CLAIMS, {"fecha_resultado": "2025-04-15"}, "outcome_date_not_in_future"),
    (CLAIMS, {"fecha_resultado": "15/15/2025"}, "outcome_date_is_date"),
    (CLAIMS, {"numero_documento": ""}, "required_value_missing"),
    (PILA, {"periodo": "2025-13"}, "period_shape"),
    (PILA, {"periodo": "202502"}, "period_shape"),
    (PILA, {"periodo": "2025-04"}, "period_not_in_future"),
    (PILA, {"nit_aportante": "800197268-5"}, "employer_nit_check_digit"),
    (PILA, {"nit_aportante": "80019726A"}, "employer_nit_shape"),
    (PILA, {"tipo_cotizante": "uno"}, "contributor_type_shape"),
    (PILA, {"dias_cotizados": "31"}, "days_contributed_range"),
    (PILA, {"dias_cotizados": "-1"}, "days_contributed_range"),
    (PILA, {"ibc": "1.423.500,50"}, "ibc_whole_pesos"),
    (PILA, {"salario_basico": "mucho"}, "base_salary_whole_pesos"),
    (PILA, {"novedad_ing": "SI"}, "entry_novelty_flag"),
    (PILA, {"novedad_ret": "R"}, "exit_novelty_flag"),
    (PILA, {"fecha_ingreso": "2025/02/01"}, "entry_date_is_date"),
    (PILA, {"fecha_retiro": "32/01/2025"}, "exit_date_is_date"),
    (EXAMS, {"prueba": "TOEFL"}, "test_known"),
    (EXAMS, {"momento": "FINAL"}, "moment_known"),
    (EXAMS, {"fecha_examen": "2025-02-30"}, "exam_date_is_date"),
    (EXAMS, {"fecha_examen": "2025-04-01"}, "exam_date_not_in_future"),
    (EXAMS, {"nivel_mcer": "B3"}, "level_known"),
    (EXAMS, {"nivel_mcer": ""}, "required_value_missing"),
    (EXAMS, {"puntaje": "alto"}, "score_whole"),
    (INCOME, {"fecha_medicion": "2025-04-01"}, "measured_on_not_in_future"),
    (INCOME, {"fecha_medicion": "20/20/2025"}, "measured_on_is_date"),
    (INCOME, {"ingreso_mensual_hogar": "850000,50"}, "income_whole_pesos"),
    (INCOME, {"ingreso_mensual_hogar": "-5"}, "income_whole_pesos"),
    (INCOME, {"personas_hogar": "0"}, "household_size_positive"),
    (INCOME, {"personas_hogar": "2.5"}, "household_size_positive"),
    (INCOME, {"personas_hogar": ""}, "required_value_missing"),
    (CREDIT, {"tipo_documento": "CC", "numero_documento": "1098765432"}, "subject_is_a_firm"),
    (CREDIT, {"entidad": "890903938-1"}, "lender_nit_check_digit"),
    (CREDIT, {"entidad": "BANCO"}, "lender_nit_shape"),
    (CREDIT, {"fecha_desembolso": "2025-04-02"}, "disbursed_on_not_in_future"),
    (CREDIT, {"monto": "0"}, "amount_whole_pesos"),
    (CREDIT, {"tamano_empresa": "GIGANTE"}, "firm_size_known"),
    (CREDIT, {"plazo_meses": "0"}, "term_months_range"),
    (CREDIT, {"numero_obligacion": ""}, "required_value_missing"),
    (HARVESTS, {"unidad_productiva": ""}, "required_value_missing"),
    (HARVESTS, {"unidad_productiva": "UP#42"}, "unit_id_shape"),
    (HARVESTS, {"cultivo": "YUCA"}, "crop_known"),
    (HARVESTS, {"fecha_medicion": "2025-04-01"}, "measured_on_not_in_future"),
    (HARVESTS, {"produccion_kg": "1200,5"}, "production_whole_kilograms"),
    (HARVESTS, {"area_ha": "0"}, "area_in_hectares"),
    (HARVESTS, {"area_ha": "2,50001"}, "area_in_hectares"),
    (HARVESTS, {"area_ha": "1.234.567"}, "area_in_hectares"),
    (HARVESTS, {"produccion_kg": "12501"}, "yield_physically_possible"),  # 5,000.4 kg/ha of cocoa on 2.5 ha
    (REVIEWS, {"id_caso": "claim-42"}, "case_id_shape"),
    (REVIEWS, {"decision": "QUIZAS"}, "decision_known"),
    (REVIEWS, {"revisor": "Ana Peña"}, "reviewer_shape"),
    (REVIEWS, {"fecha_revision": "2025-04-01"}, "review_date_not_in_future"),
    (REVIEWS, {"fecha_revision": "ayer"}, "review_date_is_date"),
    (REVIEWS, {"revisor": ""}, "required_value_missing"),
]


@pytest.mark.parametrize(("table", "change", "rule"), FAILING, ids=[f"{t.name}-{r}-{next(iter(c.values()))}" for t, c, r in FAILING])
def test_a_row_breaking_one_rule_is_quarantined_by_that_rule_alone(data_dir, table, change, rule):
    result = validate_rows(data_dir, table, [BASE_ROWS[table.name] | change])
    assert result.valid.height == 0
    assert result.rejected.get_column("rule").to_list() == [rule]
    assert result.rejected.get_column("source_row").to_list() == [2]
    assert result.rejected.get_column("reason").str.len_chars().min() > 10


def test_future_birth_date(data_dir):
    # A birth date after the file's month also puts the enrolment before the birth: two rules.
    result = validate_rows(data_dir, ENROLMENTS, [ENROLMENT_ROW | {"fecha_nacimiento": "2025-04-02"}])
    assert sorted(result.rejected.get_column("rule")) == ["birth_date_not_in_future", "enrolment_date_not_before_birth"]


PASSING = [
    (ENROLMENTS, {}),
    (ENROLMENTS, {"tipo_documento": "CE", "numero_documento": "AB-123.45"}),
    (ENROLMENTS, {"tipo_documento": "C.C.", "numero_documento": "1.098.765.432"}),
    (ENROLMENTS, {"tipo_documento": "PPT", "numero_documento": "5678901"}),
    (ENROLMENTS, {"programa": "CREDITO_MIPYME", "tipo_documento": "nit", "numero_documento": "900123456", "razon_social": "Panadería La Ñapa SAS",
                  "primer_nombre": "", "primer_apellido": "", "fecha_nacimiento": "", "sexo": ""}),
    (ENROLMENTS, {"sexo": "Mujer", "grupos": "victima | migrante"}),
    (ENROLMENTS, {"fecha_nacimiento": "17/05/1990", "fecha_inscripcion": "3/3/2025"}),
    (ENROLMENTS, {"programa": "BILINGUISMO", "rol": "docente"}),
    (ENROLMENTS, {"programa": "AGRO", "unidad_productiva": "up-68001-0042"}),
    (ENROLMENTS, {"fecha_egreso": "2025-03-31", "municipio": ""}),
    (CLAIMS, {}),
    (CLAIMS, {"programa": "Empleo", "resultado": "retencion_3m", "fecha_resultado": "20/03/2025"}),
    (PILA, {}),
    (PILA, {"nit_aportante": "800.197.268-4", "ibc": "1.423.500", "salario_basico": "1423500,00"}),
    (PILA, {"tipo_cotizante": "51", "dias_cotizados": "0", "novedad_ing": "x"}),
    (EXAMS, {}),
    (EXAMS, {"nivel_mcer": "a-", "momento": "entrada", "prueba": "saber11", "puntaje": ""}),
    (EXAMS, {"nivel_mcer": "Pre-A1", "fecha_examen": "20/02/2025", "primer_nombre": "", "sexo": ""}),
    (EXAMS, {"nivel_mcer": "B+"}),
    (INCOME, {}),
    (INCOME, {"ingreso_mensual_hogar": "0", "personas_hogar": "1", "fuente": "", "fecha_medicion": "20/02/2025"}),
    (CREDIT, {}),
    (CREDIT, {"tamano_empresa": "Pequeña", "plazo_meses": "", "razon_social": "", "entidad": "890903938"}),
    (HARVESTS, {}),
    (HARVESTS, {"produccion_kg": "12500", "cultivo": "Café", "area_ha": "2.5"}),  # 5,000 kg/ha of coffee
    (HARVESTS, {"produccion_kg": "0", "area_ha": "0,0001"}),
    (REVIEWS, {}),
    (REVIEWS, {"id_caso": "0123456789ABCDEF", "decision": "reject", "revisor": "Ana.Pena@Bucaramanga.gov.co", "nota": ""}),
    (REVIEWS, {"decision": "Rechazar", "fecha_revision": "10/03/2025"}),
]


@pytest.mark.parametrize(("table", "change"), PASSING, ids=[f"{t.name}-{i}" for i, (t, _) in enumerate(PASSING)])
def test_a_row_within_the_rules_is_valid(data_dir, table, change):
    result = validate_rows(data_dir, table, [BASE_ROWS[table.name] | change])
    assert result.rejected.height == 0, result.rejected.select("column", "rule").rows()
    assert result.valid.height == 1


def test_valid_rows_are_typed_and_normalised(data_dir):
    enrolment = validate_rows(
        data_dir,
        ENROLMENTS,
        [ENROLMENT_ROW | {"tipo_documento": "c.c.", "numero_documento": "1.098.765.432", "sexo": "HOMBRE",
                          "grupos": "migrante|Víctima", "fecha_nacimiento": "17/05/1990", "municipio": ""}],
    ).valid.row(0, named=True)
    assert enrolment["document_type"] == "CC"
    assert enrolment["document_number"] == "1098765432"
    assert enrolment["sex"] == "M"
    assert enrolment["groups"] == "MIGRANTE|VICTIMA"
    assert enrolment["birth_date"] == dt.date(1990, 5, 17)
    assert enrolment["enrolled_on"] == dt.date(2025, 3, 3)
    assert enrolment["exited_on"] is None
    assert enrolment["municipality"] == "68001"
    assert enrolment["first_surname"] == "Muñoz"
    assert enrolment["source_row"] == 2 and enrolment["inbox_month"] == MONTH


def test_pila_amounts_and_nit_are_typed(data_dir):
    row = validate_rows(
        data_dir, PILA, [PILA_ROW | {"nit_aportante": "800.197.268-4", "ibc": "1.423.500", "novedad_ret": ""}]
    ).valid.row(0, named=True)
    assert row["employer_nit"] == "800197268"
    assert row["ibc"] == 1_423_500 and row["days_contributed"] == 30 and row["contributor_type"] == 1
    assert row["entry_novelty"] is True and row["exit_novelty"] is False
    assert row["entry_date"] == dt.date(2025, 2, 1)


@pytest.mark.parametrize(("written", "square_metres"), [("2,5", 25_000), ("2.5", 25_000), ("1.234,5", 12_345_000),
                                                       ("1,234.5", 12_345_000), ("0,0001", 1), ("3", 30_000), ("2.50", 25_000)])
def test_areas_are_typed_as_whole_square_metres(data_dir, written, square_metres):
    result = validate_rows(data_dir, HARVESTS, [HARVEST_ROW | {"area_ha": written, "produccion_kg": "0"}])
    assert result.valid.get_column("area_m2").to_list() == [square_metres]


def test_reference_table_rules(data_dir):
    result = validate_rows(
        data_dir,
        MINIMUM_WAGES,
        [{"anio": "2024", "valor": "1.300.000"}, {"anio": "2024", "valor": "1300000"}, {"anio": "25", "valor": "0"}],
    )
    rules = sorted(zip(result.rejected.get_column("source_row"), result.rejected.get_column("rule")))
    assert rules == [(2, "value_repeated"), (3, "value_repeated"), (4, "minimum_wage_positive"), (4, "year_shape")]


def test_personal_values_are_withheld_from_the_quarantine(data_dir):
    result = validate_rows(data_dir, ENROLMENTS, [ENROLMENT_ROW | {"numero_documento": "12A45", "sexo": "X"}])
    by_column = {row["column"]: row for row in result.rejected.iter_rows(named=True)}
    assert by_column["numero_documento"]["value"] is None
    assert by_column["numero_documento"]["value_withheld"] is True
    assert by_column["sexo"]["value"] == "X"
    assert by_column["sexo"]["value_withheld"] is False


@pytest.mark.parametrize(("written", "level"), [("A0", "PRE_A1"), ("A-", "PRE_A1"), ("pre a1", "PRE_A1"), ("b+", "B2"),
                                                ("C", "C1"), ("b1", "B1"), ("C2", "C2")])
def test_exam_levels_are_read_as_cefr_levels(data_dir, written, level):
    result = validate_rows(data_dir, EXAMS, [EXAM_ROW | {"nivel_mcer": written}])
    assert result.valid.get_column("level").to_list() == [level]
    assert result.valid.get_column("exam_date").to_list() == [dt.date(2025, 2, 20)]


def test_validating_a_few_rows_at_a_time_gives_the_same_tables(tmp_path):
    import shutil

    from pbr_pipeline.programmes.rips import RIPS

    folder = tmp_path / "inbox" / "2025-03" / "registros" / "rips"
    folder.mkdir(parents=True)
    for name in ("servicios.csv", "FEBU4433.json"):
        shutil.copy(Path(__file__).parent / "fixtures" / "rips" / name, folder / name)
    raw = ingest_table(tmp_path, "2025-03", RIPS.table).frame
    whole, chunked = validate_table(raw, RIPS.table), validate_table(raw, RIPS.table, chunk_rows=3)
    assert raw.height > 6 and whole.rejected.height > 0 and whole.valid.height > 0
    assert chunked.valid.equals(whole.valid) and chunked.rejected.equals(whole.rejected)
