"""Months build on the month before, through real Dagster runs: the stored state of M − 1, the
run manifest, closed months that are never rewritten, contracts that cannot change under a
payment, and a retrained linkage model that leaves closed months alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pbr_pipeline.cli import main as pbr
from pbr_pipeline.core.closing import ClosedMonth, close_month, closed_months, manifest_dir
from pbr_pipeline.core.warehouse import partition_dir, read_partition, write_partition
from pbr_pipeline.identity.model_store import request_retraining
from pbr_pipeline.runner import run_month
from tests.scenario import Scenario

PERSON = "1098765432"


def paid_world(tmp_path: Path) -> Scenario:
    """A placement paid in March, then three more months."""
    world = Scenario(tmp_path).enrol("2025-01", PERSON, "2025-01-10")
    world.job("2025-03", PERSON, ["2025-02"]).claim("2025-03", PERSON, "COLOCACION", "2025-02-15")
    world.job("2025-04", PERSON, ["2025-03"]).job("2025-05", PERSON, ["2025-04"]).job("2025-06", "5555555", ["2025-05"])
    return world.write()


def files_of(warehouse: Path) -> dict[str, bytes]:
    return {
        path.relative_to(warehouse).as_posix(): path.read_bytes()
        for path in sorted(warehouse.rglob("*"))
        if path.is_file() and path.suffix in (".parquet", ".json")
    }


def months_of(files: dict[str, bytes], *months: str) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if any(f"month={month}/" in name for month in months)}


def test_a_month_runs_the_months_it_builds_on_first_and_the_result_equals_running_them_one_by_one(tmp_path):
    one_by_one = paid_world(tmp_path / "one")
    for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
        assert run_month(one_by_one.settings, month).success
    at_once = paid_world(tmp_path / "once")
    outcome = run_month(at_once.settings, "2025-04")
    assert outcome.success and outcome.ran_first == ("2025-01", "2025-02", "2025-03")
    assert files_of(at_once.settings.warehouse) == files_of(one_by_one.settings.warehouse)

    # A rerun of the last month writes the same bytes, manifest included.
    before = files_of(one_by_one.settings.warehouse)
    assert run_month(one_by_one.settings, "2025-04").success and run_month(one_by_one.settings, "2025-04").ran_first == ()
    assert files_of(one_by_one.settings.warehouse) == before


def test_the_manifest_says_what_the_run_used(tmp_path):
    world = paid_world(tmp_path)
    assert run_month(world.settings, "2025-03").success
    manifest = json.loads((manifest_dir(world.settings.warehouse, "2025-03") / "manifest.json").read_text())
    assert manifest["month"] == "2025-03"
    assert {entry["file"] for entry in manifest["inputs"] if entry["table"] == "pila"} == {
        "inbox/2025-03/registros/pila/pila_2025-03.csv"}
    assert {entry["table"] for entry in manifest["inputs"]} >= {"enrolments", "claims", "pila", "minimum_wages"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"])
    assert [c["contract_id"] for c in manifest["contracts"]] == ["EMP-OP-001", "EMP-OP-002"]
    assert manifest["row_counts"]["payments"] == 1 and manifest["row_counts"]["claims_verified"] == 1
    assert len(manifest["code"]["source_sha256"]) == 64
    assert manifest["person_keys"].startswith("public development secret")
    assert manifest["linkage_model"]["trained_in"] == "2025-01"


def test_a_month_whose_month_before_lost_its_state_stops_with_the_month_to_run(tmp_path):
    world = paid_world(tmp_path)
    assert run_month(world.settings, "2025-03").success
    (partition_dir(world.settings.warehouse, "claims_verified", "2025-02") / "part-0.parquet").unlink()
    outcome = run_month(world.settings, "2025-03")
    assert not outcome.success


def test_a_closed_month_is_never_rewritten(tmp_path, capsys):
    world = paid_world(tmp_path)
    warehouse = world.settings.warehouse
    assert run_month(world.settings, "2025-04").success
    with pytest.raises(ClosedMonth, match="2025-01 is still open"):
        close_month(warehouse, "2025-02", "verifier@bucaramanga.gov.co", "2025-01")
    with pytest.raises(ClosedMonth, match="no run manifest"):
        close_month(warehouse, "2025-05", "verifier@bucaramanga.gov.co", "2025-01")
    for month in ("2025-01", "2025-02", "2025-03"):
        close_month(warehouse, month, "verifier@bucaramanga.gov.co", "2025-01")
    assert closed_months(warehouse) == ["2025-01", "2025-02", "2025-03"]
    before = files_of(warehouse)

    with pytest.raises(ClosedMonth, match="2025-03 is closed"):
        run_month(world.settings, "2025-03")
    with pytest.raises(ClosedMonth, match="2025-03 is closed"):
        write_partition(read_partition(warehouse, "payments", "2025-03").clear(), warehouse, "payments", "2025-03")
    data = ["--data-dir", str(world.data_dir), "--warehouse", str(warehouse)]
    assert pbr(["run", "--month", "2025-03", *data]) == 2
    assert "2025-03 is closed" in capsys.readouterr().err
    assert pbr(["run", "--all", *data]) == 0  # closed months are left as they are, the open ones run
    assert "2025-03: closed (approved), left as it is" in capsys.readouterr().out
    assert pbr(["close", "--month", "2025-03", "--by", "x", *data]) == 2
    assert months_of(files_of(warehouse), "2025-01", "2025-02", "2025-03") == months_of(before, "2025-01", "2025-02", "2025-03")


def test_a_contract_edited_after_it_priced_a_payment_is_refused(tmp_path):
    world = paid_world(tmp_path)
    assert run_month(world.settings, "2025-03").success
    assert read_partition(world.settings.warehouse, "payments", "2025-03")["amount_cop"].to_list() == [1_400_000]
    path = world.data_dir / "contracts" / "emp-op-001.yaml"
    terms = yaml.safe_load(path.read_text())
    terms["milestones"]["COLOCACION"]["price_cop"] = 1_500_000
    path.write_text(yaml.safe_dump(terms, sort_keys=False))
    outcome = run_month(world.settings, "2025-04")
    assert not outcome.success
    assert not (partition_dir(world.settings.warehouse, "payments", "2025-04") / "part-0.parquet").exists()

    from pbr_pipeline.money.contract_versions import EditedContract, refuse_edited_contracts
    from pbr_pipeline.money.contracts import contracts_frame, load_contracts

    with pytest.raises(EditedContract, match=r"contracts/emp-op-001.yaml: the contract EMP-OP-001 was edited after it "
                                             r"priced the payments of 2025-03"):
        refuse_edited_contracts(contracts_frame(load_contracts(world.data_dir)), world.settings.warehouse, "2025-04")
    # The run of March itself replaces March's payments: repricing an open month is a rerun.
    refuse_edited_contracts(contracts_frame(load_contracts(world.data_dir)), world.settings.warehouse, "2025-03")


def test_a_retrained_linkage_model_changes_no_closed_month(tmp_path):
    world = paid_world(tmp_path)
    warehouse = world.settings.warehouse
    assert run_month(world.settings, "2025-04").success
    for month in ("2025-01", "2025-02", "2025-03"):
        close_month(warehouse, month, "verifier@bucaramanga.gov.co", "2025-01")
    before = files_of(warehouse)
    request_retraining(warehouse, "2025-04")
    assert run_month(world.settings, "2025-04").success
    training = json.loads((warehouse / "linkage" / "month=2025-04" / "training.json").read_text())
    assert training["trained_in"] == "2025-04"
    assert months_of(files_of(warehouse), "2025-01", "2025-02", "2025-03") == months_of(before, "2025-01", "2025-02", "2025-03")
    # The months after reuse the model retrained in April.
    assert run_month(world.settings, "2025-05").success
    assert json.loads((warehouse / "linkage" / "month=2025-05" / "training.json").read_text())["trained_in"] == "2025-04"
