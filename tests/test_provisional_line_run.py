"""A poverty line that arrives after a payment made under the provisional one: real Dagster runs.

DANE publishes a year's extreme-poverty line in the July after. Until then the pipeline judges
with the latest earlier year's line and says so; the run that first reads the year's own line
judges with it, and what that changes in money is an adjustment of that month, never a
rewrite of the month that paid.
"""

from __future__ import annotations

import polars as pl

from pbr_pipeline.core.warehouse import read_partition, scan_table
from pbr_pipeline.runner import run_month
from tests.scenario import Scenario, contract

PERSON = "1098123456"
PRICE = 3_000_000


def test_a_line_that_arrives_later_turns_a_paid_outcome_into_an_adjustment(tmp_path):
    # A short follow-up window (from E + 1 month), so that three months show the outcome.
    terms = contract("OP-021", contract_id="HAB-OP-021", programme="HABITANZA_CALLE",
                     milestones={"SUPERA_POBREZA_EXTREMA": {"price_cop": PRICE}}, rules={"follow_up_from_months": 1})
    world = Scenario(tmp_path, contracts=[terms]).enrol("2025-01", PERSON, "2025-01-15", operator="OP-021", programme="HABITANZA_CALLE")
    world.income("2025-02", PERSON, "2025-01-10", 300_000, 2)  # 150,000 per head: below the line
    world.income("2025-03", PERSON, "2025-02-20", 470_000, 2)  # 235,000 per head: above 2024's 227,220
    world.claim("2025-03", PERSON, "SUPERA_POBREZA_EXTREMA", "2025-02-20", operator="OP-021", programme="HABITANZA_CALLE", support="")
    world.rows[("2025-04", "reportes", "OP-021_HABITANZA_CALLE")].append(
        {"operador": "OP-021", "programa": "HABITANZA_CALLE", "tipo_documento": "CC", "numero_documento": "1098999000",
         "resultado": "SUPERA_POBREZA_EXTREMA", "fecha_resultado": "2025-03-01", "soporte": ""})  # the month has files
    world.write()
    assert run_month(world.settings, "2025-03").success
    paid = read_partition(world.settings.warehouse, "payments", "2025-03")
    assert paid.select("outcome", "amount_cop").rows() == [("SUPERA_POBREZA_EXTREMA", PRICE)]
    paid_file = world.settings.warehouse / "payments" / "month=2025-03" / "part-0.parquet"
    paid_bytes = paid_file.read_bytes()
    shows = read_partition(world.settings.warehouse, "claims_verified", "2025-03")["evidence_rows"][0][1]["shows"]
    assert shows.endswith("(of 2024: provisional)")

    # DANE publishes 2025's line: 240,000 per head. The household is below it after all.
    world.poverty_lines[(2025, "NACIONAL")] = 240_000
    world.write()
    outcome = run_month(world.settings, "2025-04")
    assert outcome.success, outcome.failed_checks
    verdict = read_partition(world.settings.warehouse, "claims_verified", "2025-04").filter(pl.col("received_month") == "2025-03")
    assert verdict.select("status", "reason").rows() == [("PENDING", None)]
    adjustments = scan_table(world.settings.warehouse, "adjustments").collect()
    assert adjustments.select("month", "amount_cop").rows() == [("2025-04", -PRICE)]
    assert scan_table(world.settings.warehouse, "payments").collect().height == 1  # paid once, never again
    assert paid_file.read_bytes() == paid_bytes  # the month that paid is not rewritten
