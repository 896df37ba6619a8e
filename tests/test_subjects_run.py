"""Firms and producer units through real Dagster runs: paid once per subject, keyed, never named.

A firm (CREDITO_MIPYME) enrolled by two operators and a producer unit (AGRO) whose producer also
has a second unit; months 2025-01 to 2025-05 run in order. Only what a full run shows is
checked here (the ledger, the analyst tables); the rules themselves are tested on small frames
in tests/test_credito_rules.py and tests/test_agro_rules.py.
"""

from __future__ import annotations

import polars as pl
import pytest

from pbr_pipeline.core.keys import person_key, person_key_secret
from pbr_pipeline.core.warehouse import read_partition, scan_table
from pbr_pipeline.runner import run_month
from tests.scenario import Scenario, contract
from tests.analyst_tables import ANALYST_TABLES, text_values

FIRM, FIRM_NAME = "900123456", "FERRETERÍA EL TORNILLO SAS"
PRODUCER, UNIT, OTHER_UNIT = "63555123", "UP-0042", "UP-0043"
LAST = "2025-05"


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> Scenario:
    root = tmp_path_factory.mktemp("subjects")
    contracts = [
        contract("OP-031", contract_id="CRE-OP-031", programme="CREDITO_MIPYME", milestones={"CREDITO_DESEMBOLSADO": {"price_cop": 800_000}}),
        contract("OP-032", contract_id="CRE-OP-032", programme="CREDITO_MIPYME", milestones={"CREDITO_DESEMBOLSADO": {"price_cop": 800_000}}),
        # A short follow-up window, so that five months show a rise.
        contract("OP-041", contract_id="AGR-OP-041", programme="AGRO", milestones={"AUMENTO_PRODUCTIVIDAD": {"price_cop": 5_000_000}},
                 rules={"follow_up_from_months": 1}),
    ]
    world = Scenario(root, contracts=contracts)
    world.enrol_firm("2025-01", FIRM, "2025-01-15", operator="OP-031", name=FIRM_NAME)
    world.enrol_firm("2025-01", FIRM, "2025-01-20", operator="OP-032", name=FIRM_NAME)
    world.enrol_unit("2025-01", PRODUCER, UNIT, "2025-01-15", operator="OP-041")
    world.enrol_unit("2025-01", PRODUCER, OTHER_UNIT, "2025-01-16", operator="OP-041")
    world.disbursement("2025-03", FIRM, "2025-01-20", size="PEQUENA")
    world.harvest("2025-01", PRODUCER, UNIT, "2025-01-10", 600, "2").harvest("2025-03", PRODUCER, UNIT, "2025-02-20", 800, "2")
    for operator in ("OP-031", "OP-032"):
        world.claim("2025-03", FIRM, "CREDITO_DESEMBOLSADO", "2025-01-20", operator=operator, doc_type="NIT",
                    programme="CREDITO_MIPYME", support="")
    world.claim("2025-03", PRODUCER, "AUMENTO_PRODUCTIVIDAD", "2025-02-20", operator="OP-041", programme="AGRO", support="")
    # Claimed again in a later month: a duplicate of the same unit's outcome, never paid twice.
    world.claim("2025-04", PRODUCER, "AUMENTO_PRODUCTIVIDAD", "2025-02-20", operator="OP-041", programme="AGRO", support=UNIT)
    world.rows[(LAST, "reportes", "OP-041_AGRO")].append(
        {"operador": "OP-041", "programa": "AGRO", "tipo_documento": "CC", "numero_documento": PRODUCER,
         "resultado": "AUMENTO_PRODUCTIVIDAD", "fecha_resultado": "2025-02-20", "soporte": OTHER_UNIT})
    world.write()
    outcome = run_month(world.settings, LAST)
    assert outcome.success, outcome.failed_checks
    return world


def test_each_subject_is_paid_once_under_its_own_key(ran):
    payments = scan_table(ran.settings.warehouse, "payments").collect().sort("programme")
    secret = person_key_secret()
    assert payments.select("programme", "operator", "month", "amount_cop").rows() == [
        ("AGRO", "OP-041", "2025-03", 5_000_000), ("CREDITO_MIPYME", "OP-031", "2025-05", 800_000)]
    assert payments["person_key"].to_list() == [person_key(f"UP:{UNIT}", secret), person_key(f"NIT:{FIRM}", secret)]


def test_the_second_operator_of_a_firm_and_a_repeated_unit_claim_are_not_paid(ran):
    verdicts = read_partition(ran.settings.warehouse, "claims_verified", LAST).sort("received_month", "source_file", "source_row")
    assert verdicts.select("received_month", "programme", "operator", "status", "reason").rows() == [
        ("2025-03", "CREDITO_MIPYME", "OP-031", "VERIFIED", None),
        ("2025-03", "CREDITO_MIPYME", "OP-032", "REJECTED", "OTHER_OPERATOR"),
        ("2025-03", "AGRO", "OP-041", "VERIFIED", None),
        ("2025-04", "AGRO", "OP-041", "DUPLICATE", "DUPLICATE"),  # the same unit named in soporte
        ("2025-05", "AGRO", "OP-041", "REJECTED", "NO_BASELINE"),  # the producer's other unit: never measured
    ]


def test_no_nit_unit_id_producer_document_or_firm_name_reaches_an_analyst_table(ran):
    secrets = {FIRM, f"NIT:{FIRM}", FIRM_NAME, UNIT, OTHER_UNIT, f"UP:{UNIT}", PRODUCER, f"CC:{PRODUCER}", "890903938"}
    for table in ANALYST_TABLES:
        frame = scan_table(ran.settings.warehouse, table).collect()
        values = text_values(frame)
        leaked = {value for value in values for secret in secrets if secret in value}
        assert not leaked, (table, sorted(leaked))
