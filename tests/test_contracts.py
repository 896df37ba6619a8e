"""Contracts as data: real YAML files in temporary data directories, and the committed sample's."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path
from typing import Any, Callable

import polars as pl
import pytest
import yaml

from pbr_pipeline.money.contracts import (
    CONTRACTS_SCHEMA,
    Contract,
    ContractError,
    Milestone,
    contracts_frame,
    load_contracts,
    premium_percent,
)
from pbr_pipeline.core.settings import SAMPLE_DATA_DIR
from pbr_pipeline.programmes.bilinguismo import CertificationRules
from pbr_pipeline.programmes.empleo import EmploymentRules

FILE = "contracts/c.yaml"

BASE: dict[str, Any] = {
    "contract_id": "EMP-2025-OP001",
    "operator": "OP-001",
    "programme": "EMPLEO",
    "valid_from": "2025-01-01",
    "valid_to": "2025-12-31",
    "budget_cop": 450000000,
    "milestones": {
        "COLOCACION": {"price_cop": 1400000, "max_count": 300},
        "RETENCION_3M": {"price_cop": 1400000, "max_count": 250},
        "RETENCION_6M": {"price_cop": 280000},
    },
    "premiums": {"stacking": "highest", "percent": {"DISCAPACIDAD": 35, "MIGRANTE": 20, "MUJER": 10}},
}

# The brief's example, written as the data team would (unquoted YAML dates, flow mappings).
EXAMPLE_TEXT = """\
contract_id: EMP-2025-OP001          # unique across files
operator: OP-001
programme: EMPLEO
valid_from: 2025-01-01
valid_to: 2025-12-31
budget_cop: 450000000
milestones:
  COLOCACION:   {price_cop: 1400000, max_count: 300}
  RETENCION_3M: {price_cop: 1400000, max_count: 250}
  RETENCION_6M: {price_cop: 280000}
premiums:
  stacking: highest
  percent:
    DISCAPACIDAD: 35
    MIGRANTE: 20
    MUJER: 10
rules:
  qualifying_contributor_types: [1, 2, 22, 30, 51]
  min_days: 15
  ibc_at_least_prorated_minimum_wage: true
  additionality_lookback_months: 3
  placement_window_months: 12
  retention_same_employer: false
"""


def write(data_dir: Path, name: str, content: str | bytes | dict[str, Any]) -> Path:
    path = data_dir / "contracts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, dict):
        content = yaml.safe_dump(content, sort_keys=False)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def contract(**changes: Any) -> dict[str, Any]:
    """BASE with top-level keys replaced (None removes the key)."""
    document = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            document.pop(key, None)
        else:
            document[key] = value
    return document


def load_error(data_dir: Path) -> ContractError:
    with pytest.raises(ContractError) as caught:
        load_contracts(data_dir)
    return caught.value


# --- the committed sample ------------------------------------------------------------------


def test_the_sample_contracts_load():
    contracts = load_contracts(SAMPLE_DATA_DIR)
    employment = [c for c in contracts if c.programme == "EMPLEO"]
    assert [c.contract_id for c in employment] == ["EMP-2025-OP001", "EMP-2025-OP002", "EMP-2025-OP003"]
    assert [c.operator for c in employment] == ["OP-001", "OP-002", "OP-003"]
    assert sorted(c.premium_stacking for c in employment) == ["highest", "highest", "stack"]
    # The sample's ground truth was generated with the default verification rules.
    assert {c.rules for c in employment} == {EmploymentRules()}
    for c in employment:
        prices = {m.outcome: m.price_cop for m in c.milestones}
        assert prices["COLOCACION"] == prices["RETENCION_3M"] == 1_400_000
        bonus = prices["RETENCION_6M"] / (prices["COLOCACION"] + prices["RETENCION_3M"])
        assert 0.10 <= bonus <= 0.20


def _sample_claim_dates() -> pl.DataFrame:
    """fecha_resultado of every claim row in the sample inbox, as dates."""
    from pbr_pipeline.intake.headers import normalise_header
    from pbr_pipeline.intake.readers import read_file

    def as_date(text: str | None) -> dt.date | None:
        text = (text or "").strip()
        if match := re.match(r"^(\d{4}-\d{2}-\d{2})", text):
            return dt.date.fromisoformat(match[1])
        if match := re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text):
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if re.match(r"^\d+(\.0+)?$", text):  # an Excel serial day
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(float(text)))
        return None

    rows = []
    for path in sorted((SAMPLE_DATA_DIR / "inbox").glob("*/reportes/*")):
        frame = read_file(path.read_bytes(), path.name, ["operador", "resultado", "fecha_resultado"]).frame
        frame = frame.rename({name: normalise_header(name) for name in frame.columns if name != "source_row"})
        for row in frame.iter_rows(named=True):
            rows.append({
                "source_file": path.relative_to(SAMPLE_DATA_DIR).as_posix(),
                "source_row": row["source_row"],
                "operador": row["operador"],
                "date": as_date(row["fecha_resultado"]),
            })
    return pl.DataFrame(rows, schema={"source_file": pl.String, "source_row": pl.Int64, "operador": pl.String,
                                      "date": pl.Date})


def test_the_sample_contracts_cover_every_valid_claims_outcome_date():
    """Every valid claim of the sample that reaches the contract gate falls under a contract,
    but the one the ground truth rejects NO_CONTRACT on purpose. (A claim a gate before it
    rejects, such as an outcome dated before the enrolment, never asks for a contract.)"""
    earlier_gates = ["DUPLICATE", "MATCH_IN_REVIEW", "NOT_ENROLLED", "OTHER_OPERATOR"]
    truth = pl.read_csv(SAMPLE_DATA_DIR / "ground_truth" / "claims.csv", infer_schema=False).filter(
        (pl.col("scenario") != "INVALID_ROW") & (pl.col("final_reason") != "NO_CONTRACT")
        & ~pl.col("final_reason").is_in(earlier_gates).fill_null(False)
    ).select("source_file", pl.col("source_row").cast(pl.Int64))
    claims = truth.join(_sample_claim_dates(), on=["source_file", "source_row"], how="left")
    assert claims["date"].null_count() == 0
    validity = contracts_frame(load_contracts(SAMPLE_DATA_DIR)).select(
        pl.col("operator").alias("operador"), "valid_from", "valid_to"
    ).unique()
    uncovered = claims.join(validity, on="operador", how="left").filter(
        ~pl.col("date").is_between(pl.col("valid_from"), pl.col("valid_to")).fill_null(False)
    )
    assert uncovered.is_empty(), uncovered


def test_the_sample_budgets_and_caps_bind_where_intended():
    """With the ground truth's verified claims: OP-002's budget runs out, OP-003's placement
    cap is reached, and no other cap or budget binds."""
    truth = pl.read_csv(SAMPLE_DATA_DIR / "ground_truth" / "claims.csv", infer_schema=False)
    people = pl.read_csv(SAMPLE_DATA_DIR / "ground_truth" / "people.csv", infer_schema=False)
    verified = truth.filter(pl.col("final_status") == "VERIFIED").join(
        people.select("person_id", "sexo", "grupos"), on="person_id", how="left"
    )
    contracts = {c.operator: c for c in load_contracts(SAMPLE_DATA_DIR) if c.programme == "EMPLEO"}
    paid: dict[str, int] = {}
    reached: set[tuple[str, str]] = set()
    for operator, c in contracts.items():
        total = 0
        for milestone in c.milestones:
            rows = verified.filter((pl.col("operador") == operator) & (pl.col("resultado") == milestone.outcome))
            if milestone.max_count is not None and rows.height > milestone.max_count:
                reached.add((operator, milestone.outcome))
            # The cheapest rows, so the check holds whichever rows the cap lets through first.
            amounts = sorted(
                milestone.price_cop * (100 + premium_percent(c, frozenset(filter(None, (groups or "").split("|"))), sex)) // 100
                for sex, groups in rows.select("sexo", "grupos").iter_rows()
            )
            total += sum(amounts[: milestone.max_count])
        paid[operator] = total
    assert reached == {("OP-003", "COLOCACION")}
    assert paid["OP-002"] > contracts["OP-002"].budget_cop
    assert paid["OP-001"] < contracts["OP-001"].budget_cop
    assert paid["OP-003"] < contracts["OP-003"].budget_cop


# --- reading a good file -------------------------------------------------------------------


def test_a_contract_reads_into_its_fields(tmp_path):
    path = write(tmp_path, "op-001.yaml", EXAMPLE_TEXT)
    (read,) = load_contracts(tmp_path)
    assert read == Contract(
        contract_id="EMP-2025-OP001",
        operator="OP-001",
        programme="EMPLEO",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
        budget_cop=450_000_000,
        milestones=(
            Milestone("COLOCACION", 1_400_000, 300),
            Milestone("RETENCION_3M", 1_400_000, 250),
            Milestone("RETENCION_6M", 280_000, None),
        ),
        premium_stacking="highest",
        premium_percent=(("DISCAPACIDAD", 35), ("MIGRANTE", 20), ("MUJER", 10)),
        rules=EmploymentRules(),
        source_file="contracts/op-001.yaml",
        source_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def test_defaults_fill_in(tmp_path):
    write(tmp_path, "c.yaml", contract(premiums=None, rules={"min_days": 20}))
    (read,) = load_contracts(tmp_path)
    assert read.premium_stacking == "highest" and read.premium_percent == ()
    assert read.rules == EmploymentRules(min_days=20)
    assert read.rules.qualifying_contributor_types == (1, 2, 22, 30, 51)
    assert read.rules.retention_same_employer is False


def test_quoted_dates_underscored_numbers_and_yml_files_read(tmp_path):
    text = EXAMPLE_TEXT.replace("2025-01-01", "'2025-01-01'").replace("450000000", "450_000_000")
    write(tmp_path, "c.yml", text)
    (read,) = load_contracts(tmp_path)
    assert read.valid_from == dt.date(2025, 1, 1) and read.budget_cop == 450_000_000
    assert read.source_file == "contracts/c.yml"


def test_milestones_keep_the_files_order(tmp_path):
    milestones = {"RETENCION_6M": {"price_cop": 280000}, "COLOCACION": {"price_cop": 1400000}}
    write(tmp_path, "c.yaml", contract(milestones=milestones))
    (read,) = load_contracts(tmp_path)
    assert [m.outcome for m in read.milestones] == ["RETENCION_6M", "COLOCACION"]
    assert contracts_frame([read])["outcome"].to_list() == ["COLOCACION", "RETENCION_6M"]


def test_no_folder_or_no_files_is_no_contracts(tmp_path):
    assert load_contracts(tmp_path) == ()
    (tmp_path / "contracts").mkdir()
    write(tmp_path, "README.txt", "not a contract")
    write(tmp_path, ".op-001.yaml.swp", "editor file")
    write(tmp_path, ".hidden.yaml", "{")
    write(tmp_path, "~$lock.yaml", "{")
    assert load_contracts(tmp_path) == ()


def test_contracts_are_sorted_by_id_not_by_file(tmp_path):
    write(tmp_path, "a.yaml", contract(contract_id="EMP-B", operator="OP-001"))
    write(tmp_path, "b.yaml", contract(contract_id="EMP-A", operator="OP-002"))
    assert [c.contract_id for c in load_contracts(tmp_path)] == ["EMP-A", "EMP-B"]


# --- the frame -----------------------------------------------------------------------------

FRAME_COLUMNS = {
    "contract_id": pl.String, "operator": pl.String, "programme": pl.String,
    "valid_from": pl.Date, "valid_to": pl.Date, "budget_cop": pl.Int64,
    "outcome": pl.String, "role": pl.String, "price_cop": pl.Int64, "max_count": pl.Int64,
    "premium_stacking": pl.String, "premium_percent": pl.String, "rules": pl.String, "superseded_by": pl.String,
    "source_file": pl.String, "source_sha256": pl.String,
}


def test_contracts_frame_has_one_row_per_milestone(tmp_path):
    write(tmp_path, "b.yaml", contract(contract_id="EMP-B", operator="OP-002", premiums=None,
                                       milestones={"RETENCION_3M": {"price_cop": 1}, "COLOCACION": {"price_cop": 2}}))
    write(tmp_path, "a.yaml", contract(contract_id="EMP-A"))
    frame = contracts_frame(load_contracts(tmp_path))
    assert frame.schema == pl.Schema(FRAME_COLUMNS) == CONTRACTS_SCHEMA
    assert frame.select("contract_id", "outcome", "price_cop", "max_count").rows() == [
        ("EMP-A", "COLOCACION", 1_400_000, 300),
        ("EMP-A", "RETENCION_3M", 1_400_000, 250),
        ("EMP-A", "RETENCION_6M", 280_000, None),
        ("EMP-B", "COLOCACION", 2, None),
        ("EMP-B", "RETENCION_3M", 1, None),
    ]
    assert frame["premium_percent"].to_list()[0] == '{"DISCAPACIDAD":35,"MIGRANTE":20,"MUJER":10}'
    assert frame["premium_percent"].to_list()[-1] == "{}"
    assert frame["rules"].to_list()[0] == (
        '{"additionality_lookback_months":3,"ibc_at_least_prorated_minimum_wage":true,"min_days":15,'
        '"placement_window_months":12,"qualifying_contributor_types":[1,2,22,30,51],"retention_same_employer":false}')
    assert frame["source_file"].unique().sort().to_list() == ["contracts/a.yaml", "contracts/b.yaml"]


def test_contracts_frame_of_nothing_keeps_its_columns():
    frame = contracts_frame(())
    assert frame.is_empty() and frame.schema == pl.Schema(FRAME_COLUMNS)


def test_same_files_give_the_same_frame(tmp_path):
    for source in (SAMPLE_DATA_DIR / "contracts").iterdir():
        write(tmp_path / "one", source.name, source.read_bytes())
    shutil.copytree(tmp_path / "one", tmp_path / "two")
    first = contracts_frame(load_contracts(tmp_path / "one"))
    second = contracts_frame(load_contracts(tmp_path / "two"))
    assert first.equals(second)
    assert first.equals(contracts_frame(load_contracts(SAMPLE_DATA_DIR)))
    first.write_parquet(tmp_path / "one.parquet")
    second.write_parquet(tmp_path / "two.parquet")
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "two.parquet").read_bytes()


def test_an_edit_changes_the_files_hash(tmp_path):
    write(tmp_path, "c.yaml", EXAMPLE_TEXT)
    before = load_contracts(tmp_path)[0].source_sha256
    write(tmp_path, "c.yaml", EXAMPLE_TEXT.replace("# unique across files", "# edited comment"))
    after = load_contracts(tmp_path)[0]
    assert after.source_sha256 != before and after.budget_cop == 450_000_000


# --- premiums ------------------------------------------------------------------------------


def _with_premiums(stacking: str) -> Contract:
    return Contract(
        contract_id="X", operator="OP-001", programme="EMPLEO", valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31), budget_cop=1, milestones=(Milestone("COLOCACION", 1, None),),
        premium_stacking=stacking, premium_percent=(("DISCAPACIDAD", 35), ("MIGRANTE", 20), ("MUJER", 10)),
        rules=EmploymentRules(), source_file="contracts/x.yaml", source_sha256="",
    )


@pytest.mark.parametrize(
    "groups, sex, highest, stack",
    [
        (frozenset(), "M", 0, 0),
        (frozenset(), None, 0, 0),
        (frozenset({"VICTIMA"}), "M", 0, 0),  # a group the contract does not reward
        (frozenset(), "F", 10, 10),
        (frozenset({"MIGRANTE"}), "M", 20, 20),
        (frozenset({"MIGRANTE"}), "F", 20, 30),
        (frozenset({"MIGRANTE", "DISCAPACIDAD"}), "F", 35, 65),
        (frozenset({"MUJER"}), "M", 10, 10),  # MUJER as a tag is the key itself, not the sex
    ],
)
def test_premium_percent_highest_or_stacked(groups, sex, highest, stack):
    assert premium_percent(_with_premiums("highest"), groups, sex) == highest
    assert premium_percent(_with_premiums("stack"), groups, sex) == stack


def test_no_premiums_means_zero(tmp_path):
    write(tmp_path, "c.yaml", contract(premiums=None))
    assert premium_percent(load_contracts(tmp_path)[0], frozenset({"DISCAPACIDAD"}), "F") == 0


# --- every problem, named by file and field ------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set (or with value ... remove) a dotted path in the document."""
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = document
        for part in parents:
            node = node.setdefault(part, {})
        if value is ...:
            del node[last]
        else:
            node[last] = value
    return change


BAD_DOCUMENTS = [
    # (change, expected text in the message)
    (_set("budget_cop", ...), "contracts/c.yaml: budget_cop is missing"),
    (_set("contract_id", ...), "contracts/c.yaml: contract_id is missing"),
    (_set("milestones", ...), "contracts/c.yaml: milestones is missing"),
    (_set("milestones.COLOCACION.price_cop", ...), "contracts/c.yaml: milestones.COLOCACION.price_cop is missing"),
    (_set("budjet_cop", 1), "contracts/c.yaml: budjet_cop is not a known key; did you mean budget_cop?"),
    (_set("milestones.COLOCACION.max_cuont", 3),
     "contracts/c.yaml: milestones.COLOCACION.max_cuont is not a known key; did you mean max_count?"),
    (_set("premiums.stackin", "stack"), "contracts/c.yaml: premiums.stackin is not a known key; did you mean stacking?"),
    (_set("rules.min_day", 15), "contracts/c.yaml: rules.min_day is not a known key; did you mean min_days?"),
    (_set("milestones.COLOCACION.price_cop", "1.400.000"),
     "contracts/c.yaml: milestones.COLOCACION.price_cop must be a whole number of pesos above 0, got '1.400.000'; "
     "write it as a plain number"),
    (_set("milestones.COLOCACION.price_cop", "1400000"), "price_cop must be a whole number of pesos above 0, "
                                                         "got '1400000'; write it without quotes"),
    (_set("milestones.COLOCACION.price_cop", True), "milestones.COLOCACION.price_cop must be a whole number of pesos "
                                                    "above 0, got true (a yes/no value, not a number)"),
    (_set("milestones.COLOCACION.price_cop", 1400000.5), "price_cop must be a whole number of pesos above 0, got 1400000.5"),
    (_set("milestones.COLOCACION.price_cop", 0), "milestones.COLOCACION.price_cop must be a whole number of pesos above 0, got 0"),
    (_set("budget_cop", -5), "contracts/c.yaml: budget_cop must be a whole number of pesos above 0, got -5"),
    (_set("budget_cop", "$450.000.000"), "budget_cop must be a whole number of pesos above 0, got '$450.000.000'"),
    (_set("milestones.COLOCACION.max_count", 0), "milestones.COLOCACION.max_count must be a whole number of 1 or more"),
    (_set("milestones.COLOCACION.max_count", None),
     "milestones.COLOCACION.max_count must be a whole number of 1 or more (leave the key out for no count cap), got nothing"),
    (_set("operator", "OP-1"), "contracts/c.yaml: operator must be an operator code like OP-001"),
    (_set("operator", "op-001"), "operator must be an operator code like OP-001 (OP- and 3 or more digits), got 'op-001'"),
    (_set("contract_id", 2025001), "contracts/c.yaml: contract_id must be text"),
    (_set("contract_id", ""), "contracts/c.yaml: contract_id must be text"),
    (_set("programme", "EMPLEOS"), "contracts/c.yaml: programme must be one of EMPLEO, BILINGUISMO"),
    (_set("milestones.CERTIFICACION_B1", {"price_cop": 1}),
     "contracts/c.yaml: milestones.CERTIFICACION_B1 is not an outcome of EMPLEO; use COLOCACION, RETENCION_3M or RETENCION_6M"),
    (_set("milestones", {}), "contracts/c.yaml: milestones is empty"),
    (_set("milestones", None), "contracts/c.yaml: milestones must be a mapping"),
    (_set("milestones.COLOCACION", 1400000), "contracts/c.yaml: milestones.COLOCACION must be a mapping"),
    (_set("valid_from", "01/01/2025"), "contracts/c.yaml: valid_from must be a date written YYYY-MM-DD, e.g. 2025-01-01, got '01/01/2025'"),
    (_set("valid_to", "2025-02-30"), "contracts/c.yaml: valid_to must be a date written YYYY-MM-DD"),
    (_set("valid_to", "2025-12-31 10:00"), "contracts/c.yaml: valid_to must be a date written YYYY-MM-DD"),
    (_set("valid_to", "2024-12-31"), "contracts/c.yaml: valid_to (2024-12-31) is before valid_from (2025-01-01)"),
    (_set("premiums.percent.MIGRANTE", 120), "contracts/c.yaml: premiums.percent.MIGRANTE must be a whole percent from 0 to 100, got 120"),
    (_set("premiums.percent.MIGRANTE", -1), "premiums.percent.MIGRANTE must be a whole percent from 0 to 100, got -1"),
    (_set("premiums.percent.MIGRANTE", "20%"), "premiums.percent.MIGRANTE must be a whole percent from 0 to 100, got '20%'"),
    (_set("premiums.percent.MIGRANTES", 20), "contracts/c.yaml: premiums.percent.MIGRANTES is not a premium key; "
                                             "use a population group or MUJER (women); did you mean MIGRANTE?"),
    (_set("premiums.stacking", "sum"), "contracts/c.yaml: premiums.stacking must be highest (only the largest premium "
                                       "applies) or stack (premiums add up), got 'sum'"),
    (_set("premiums.stacking", ...), "contracts/c.yaml: premiums.stacking is missing"),
    (_set("premiums", None), "contracts/c.yaml: premiums must be a mapping"),
    (_set("rules.qualifying_contributor_types", [1, "dos"]),
     "contracts/c.yaml: rules.qualifying_contributor_types[1] must be a positive whole number, got 'dos'"),
    (_set("rules.qualifying_contributor_types", [0, 1]), "rules.qualifying_contributor_types[0] must be a positive whole number"),
    (_set("rules.qualifying_contributor_types", [1, 1]), "rules.qualifying_contributor_types[1] repeats 1"),
    (_set("rules.qualifying_contributor_types", 1), "contracts/c.yaml: rules.qualifying_contributor_types must be a list"),
    (_set("rules.qualifying_contributor_types", []), "rules.qualifying_contributor_types must be a list"),
    (_set("rules.min_days", 31), "contracts/c.yaml: rules.min_days must be a whole number of days from 0 to 30, got 31"),
    (_set("rules.min_days", -1), "rules.min_days must be a whole number of days from 0 to 30, got -1"),
    (_set("rules.additionality_lookback_months", 13), "rules.additionality_lookback_months must be a whole number of months from 0 to 12"),
    (_set("rules.placement_window_months", 0), "rules.placement_window_months must be a whole number of months from 1 to 24, got 0"),
    (_set("rules.placement_window_months", 25), "rules.placement_window_months must be a whole number of months from 1 to 24, got 25"),
    (_set("rules.retention_same_employer", "no"), "contracts/c.yaml: rules.retention_same_employer must be true or false, got 'no'"),
    (_set("rules.ibc_at_least_prorated_minimum_wage", 1), "rules.ibc_at_least_prorated_minimum_wage must be true or false, got 1"),
    (_set("rules", {}), "contracts/c.yaml: rules is empty"),
]


@pytest.mark.parametrize("change, expected", BAD_DOCUMENTS, ids=[text for _, text in BAD_DOCUMENTS])
def test_a_bad_field_is_named_with_its_file(tmp_path, change, expected):
    document = contract()
    change(document)
    write(tmp_path, "c.yaml", document)
    error = load_error(tmp_path)
    assert any(expected in line for line in error.problems), str(error)
    assert all(line.startswith(f"{FILE}: ") for line in error.problems)


BAD_TEXTS = [
    (EXAMPLE_TEXT.replace("operator: OP-001", "operator: OP-001: x"),
     "contracts/c.yaml: the file is not valid YAML at line 2, column 17: mapping values are not allowed here"),
    (EXAMPLE_TEXT.replace("  RETENCION_3M: {price_cop: 1400000, max_count: 250}", "  RETENCION_3M: {price_cop: 1400000"),
     "contracts/c.yaml: the file is not valid YAML at line 10, column 15: expected ',' or '}', but got ':' "
     "(while parsing a flow mapping that starts on line 9)"),
    (EXAMPLE_TEXT + "---\ncontract_id: OTHER\n",
     "contracts/c.yaml: the file holds a second YAML document (a '---' line) at line 24; write one contract per file"),
    (EXAMPLE_TEXT.replace("  RETENCION_6M: {price_cop: 280000}", "  COLOCACION: {price_cop: 280000}"),
     "contracts/c.yaml: the file is not valid YAML at line 10, column 3: the key 'COLOCACION' appears twice (first on line 8)"),
    ("- contract_id: X\n- operator: OP-001\n", "contracts/c.yaml: the file must be a mapping of keys (contract_id: …, operator: …), got a list"),
    ("just text\n", "contracts/c.yaml: the file must be a mapping of keys (contract_id: …, operator: …), got 'just text'"),
    ("", "contracts/c.yaml: the file is empty"),
    ("# only a comment\n", "contracts/c.yaml: the file is empty"),
    (EXAMPLE_TEXT.replace("1400000, max_count: 300", "01400000, max_count: 300"),
     "milestones.COLOCACION.price_cop must be a whole number of pesos above 0, got '01400000'; "
     "write it as a plain number without a leading zero"),
    (EXAMPLE_TEXT.replace("valid_to: 2025-12-31", "valid_to: 2025-12-31 10:00:00"), "valid_to must be a date written YYYY-MM-DD"),
    (EXAMPLE_TEXT.replace("programme: EMPLEO", "programme: BILINGUISMO").replace("COLOCACION:", "CERTIFICACION_B1:")
     .replace("  RETENCION_3M: {price_cop: 1400000, max_count: 250}\n", "").replace("  RETENCION_6M: {price_cop: 280000}\n", ""),
     "contracts/c.yaml: rules.min_days is not a known key"),
    (EXAMPLE_TEXT.replace("programme: EMPLEO", "programme: AGRO"),
     "contracts/c.yaml: milestones.COLOCACION is not an outcome of AGRO; use AUMENTO_PRODUCTIVIDAD"),
    (EXAMPLE_TEXT.replace("programme: EMPLEO", "programme: AGRO"),
     "contracts/c.yaml: rules.min_days is not a known key (known: baseline_months_before, follow_up_from_months, "
     "follow_up_to_months, area_tolerance_percent, yield_rise_percent)"),
]


@pytest.mark.parametrize("text, expected", BAD_TEXTS, ids=[expected for _, expected in BAD_TEXTS])
def test_a_bad_file_is_named_with_what_is_wrong(tmp_path, text, expected):
    write(tmp_path, "c.yaml", text)
    error = load_error(tmp_path)
    assert any(expected in line for line in error.problems), str(error)


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    write(tmp_path, "c.yaml", EXAMPLE_TEXT.replace("# unique", "# año").encode("cp1252"))
    assert load_error(tmp_path).problems == ("contracts/c.yaml: the file is not UTF-8 text; save it as UTF-8",)


def test_every_problem_is_listed_on_its_own_line(tmp_path):
    document = contract(operator="OP-1", budget_cop="450.000.000")
    document["milestones"]["COLOCACION"]["max_cuont"] = 3
    write(tmp_path, "a.yaml", document)
    write(tmp_path, "b.yaml", "operator: : :\n")
    write(tmp_path, "c.yaml", contract(contract_id="GOOD", operator="OP-009"))
    error = load_error(tmp_path)
    assert len(error.problems) == 4
    assert str(error).splitlines() == list(error.problems)
    assert [line.split(":")[0] for line in error.problems] == ["contracts/a.yaml"] * 3 + ["contracts/b.yaml"]
    assert isinstance(error, ValueError)


# --- across files --------------------------------------------------------------------------


def test_a_contract_id_used_twice_is_refused(tmp_path):
    write(tmp_path, "a.yaml", contract(operator="OP-001"))
    write(tmp_path, "b.yaml", contract(operator="OP-002"))
    assert load_error(tmp_path).problems == (
        "contracts/b.yaml: contract_id 'EMP-2025-OP001' is already used by contracts/a.yaml; every contract needs its own id",
    )


def test_overlapping_validity_for_the_same_operator_and_programme_is_refused(tmp_path):
    write(tmp_path, "first.yaml", contract(contract_id="A", valid_from="2025-01-01", valid_to="2025-06-30"))
    write(tmp_path, "second.yaml", contract(contract_id="B", valid_from="2025-06-30", valid_to="2025-12-31"))
    (problem,) = load_error(tmp_path).problems
    assert problem.startswith("contracts/second.yaml: valid_from..valid_to (2025-06-30..2025-12-31) overlaps contracts/first.yaml")
    assert "for OP-001 EMPLEO from 2025-06-30 to 2025-06-30" in problem


def test_a_contract_inside_another_is_an_overlap(tmp_path):
    write(tmp_path, "year.yaml", contract(contract_id="A", valid_from="2025-01-01", valid_to="2025-12-31"))
    write(tmp_path, "march.yaml", contract(contract_id="B", valid_from="2025-03-01", valid_to="2025-03-31"))
    write(tmp_path, "other.yaml", contract(contract_id="C", operator="OP-002"))
    (problem,) = load_error(tmp_path).problems
    assert "contracts/march.yaml" in problem and "contracts/year.yaml" in problem and "from 2025-03-01 to 2025-03-31" in problem


def test_consecutive_contracts_and_other_programmes_do_not_overlap(tmp_path):
    write(tmp_path, "h1.yaml", contract(contract_id="A", valid_from="2025-01-01", valid_to="2025-06-30"))
    write(tmp_path, "h2.yaml", contract(contract_id="B", valid_from="2025-07-01", valid_to="2025-12-31"))
    bilingual = contract(contract_id="C", programme="BILINGUISMO", premiums=None,
                         milestones={"CERTIFICACION_B1": {"price_cop": 900000}})
    write(tmp_path, "bil.yaml", bilingual)
    assert [c.contract_id for c in load_contracts(tmp_path)] == ["A", "B", "C"]


# --- programmes other than EMPLEO ----------------------------------------------------------


def bilingual(**overrides) -> dict:
    return {
        "contract_id": "BIL-1", "operator": "OP-004", "programme": "BILINGUISMO",
        "valid_from": "2025-01-01", "valid_to": "2025-12-31", "budget_cop": 90_000_000,
        "milestones": {"CERTIFICACION_B1": {"price_cop_by_role": {"DOCENTE": 2_500_000, "ESTUDIANTE": 900_000}, "max_count": 40}},
    } | overrides


def test_a_milestone_priced_by_role_has_one_row_per_role(tmp_path):
    write(tmp_path, "b.yaml", bilingual(rules={"certification_window_months": 10, "accepted_exit_tests": ["APTIS_GENERAL"]}))
    (read,) = load_contracts(tmp_path)
    assert read.milestones == (Milestone("CERTIFICACION_B1", None, 40, (("DOCENTE", 2_500_000), ("ESTUDIANTE", 900_000))),)
    assert read.rules == CertificationRules(certification_window_months=10, accepted_exit_tests=("APTIS_GENERAL",))
    frame = contracts_frame([read])
    assert frame.select("outcome", "role", "price_cop", "max_count").rows() == [
        ("CERTIFICACION_B1", "DOCENTE", 2_500_000, 40), ("CERTIFICACION_B1", "ESTUDIANTE", 900_000, 40)]


@pytest.mark.parametrize("milestone, rules, expected", [
    ({"price_cop_by_role": {"DOCENTE": 1, "RECTOR": 2}}, None,
     "milestones.CERTIFICACION_B1.price_cop_by_role.RECTOR is not a roster role; use DOCENTE or ESTUDIANTE"),
    ({"price_cop_by_role": {"DOCENTE": 0}}, None,
     "milestones.CERTIFICACION_B1.price_cop_by_role.DOCENTE must be a whole number of pesos above 0, got 0"),
    ({"price_cop": 1, "price_cop_by_role": {"DOCENTE": 1}}, None,
     "milestones.CERTIFICACION_B1 has both price_cop and price_cop_by_role; give one of them"),
    ({"max_count": 3}, None, "milestones.CERTIFICACION_B1.price_cop is missing; give price_cop (one price) or price_cop_by_role"),
    ({"price_cop": 1}, {"certified_level": "B3"}, "rules.certified_level must be one of PRE_A1, A1, A2, B1, B2, C1 or C2, got 'B3'"),
    ({"price_cop": 1}, {"accepted_exit_tests": ["TOEFL"]}, "rules.accepted_exit_tests holds 'TOEFL', which is not one of"),
    ({"price_cop": 1}, {"entry_test_days_after_enrolment": 200}, "rules.entry_test_days_after_enrolment must be a whole number of days from 0 to 120"),
])
def test_role_prices_and_programme_rules_are_checked(tmp_path, milestone, rules, expected):
    document = bilingual(milestones={"CERTIFICACION_B1": milestone})
    if rules:
        document["rules"] = rules
    write(tmp_path, "c.yaml", document)
    error = load_error(tmp_path)
    assert any(expected in line for line in error.problems), str(error)


# --- a new version of a contract -----------------------------------------------------------


def test_a_new_version_supersedes_the_old_one_from_its_valid_from(tmp_path):
    write(tmp_path, "v1.yaml", contract(contract_id="EMP-V1", valid_from="2025-01-01", valid_to="2025-12-31"))
    write(tmp_path, "v2.yaml", contract(contract_id="EMP-V2", valid_from="2025-07-01", valid_to="2026-06-30", supersedes="EMP-V1"))
    old, new = load_contracts(tmp_path)
    assert (old.valid_to, old.superseded_by) == (dt.date(2025, 6, 30), "EMP-V2")
    assert (new.valid_from, new.supersedes) == (dt.date(2025, 7, 1), "EMP-V1")
    frame = contracts_frame([old, new]).unique("contract_id", keep="first").sort("contract_id")
    assert frame.select("contract_id", "valid_to", "superseded_by").rows() == [
        ("EMP-V1", dt.date(2025, 6, 30), "EMP-V2"), ("EMP-V2", dt.date(2026, 6, 30), None)]


@pytest.mark.parametrize("supersedes, valid_from, operator, expected", [
    ("EMP-NONE", "2025-07-01", "OP-001", "supersedes names 'EMP-NONE', which no contract file has"),
    ("EMP-V1", "2025-01-01", "OP-001", "supersedes EMP-V1: valid_from (2025-01-01) must fall after EMP-V1 starts"),
    ("EMP-V1", "2026-02-01", "OP-001", "must fall after EMP-V1 starts (2025-01-01) and by its end (2025-12-31)"),
    ("EMP-V1", "2025-07-01", "OP-002", "supersedes names EMP-V1, a contract of OP-001 EMPLEO"),
])
def test_a_supersedes_that_cannot_be_honoured_is_named(tmp_path, supersedes, valid_from, operator, expected):
    write(tmp_path, "v1.yaml", contract(contract_id="EMP-V1", valid_from="2025-01-01", valid_to="2025-12-31"))
    write(tmp_path, "v2.yaml", contract(contract_id="EMP-V2", operator=operator, valid_from=valid_from,
                                        valid_to="2026-06-30", supersedes=supersedes))
    error = load_error(tmp_path)
    assert any(expected in line for line in error.problems), str(error)
