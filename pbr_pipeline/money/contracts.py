"""Contracts as data: the payment rules the city publishes to each operator for a period.

One YAML file per contract under `<data dir>/contracts/` (format: docs/contracts.md). A
contract says which outcomes of a programme an operator is paid for, at what price, with which
population premiums, up to which counts and budget, and under which verification rules, for
outcomes dated within its validity. Payment rules are data: changing a price is a new file (or
a new version of one) that the data team commits, never a code change, and every payment can
name the file and the exact bytes (`source_sha256`) that priced it.

Unlike operator submissions, a contract is written by the city itself, so a contract that does
not read is not quarantined: `load_contracts` refuses the whole set with one `ContractError`
listing every problem, each naming the file and the field in plain words, so the data team can
fix them all in one pass. Paying from a half-understood contract would be worse than not paying.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import polars as pl
import yaml

from pbr_pipeline.programmes import PROGRAMMES as VERIFIED_PROGRAMMES
from pbr_pipeline.programmes import programme as programme_spec
from pbr_pipeline.programmes.spec import FIRM, Check, Code, CodeGroups, CodeList, Codes, Flag, Whole, WholeList, rule_checks, rule_contradictions
from schemas.codes import OUTCOMES_BY_PROGRAMME, POPULATION_GROUPS, PROGRAMMES, ROLES

CONTRACTS_FOLDER = "contracts"
CONTRACT_SUFFIXES = (".yaml", ".yml")

WOMEN_PREMIUM = "MUJER"
"""Premium key that applies to beneficiaries whose sex is F (not a roster group tag)."""
PREMIUM_KEYS: tuple[str, ...] = (*POPULATION_GROUPS, WOMEN_PREMIUM)

HIGHEST = "highest"
STACK = "stack"
STACKING_CHOICES: tuple[str, ...] = (HIGHEST, STACK)

_OPERATOR = re.compile(r"^OP-\d{3,}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GROUP_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


class ContractError(ValueError):
    """The contracts cannot be used. One line per problem, each naming the file (relative to
    the data directory) and the field."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Milestone:
    """One paid outcome of a contract: paid once per subject, at its price plus premium."""

    outcome: str
    price_cop: int | None
    """The price, or None when the milestone is priced by role."""
    max_count: int | None
    """Most outcomes of this kind the contract pays (all roles together); None means no count cap."""
    price_cop_by_role: tuple[tuple[str, int], ...] = ()
    """(role, price) for milestones priced by the subject's roster role (BILINGUISMO: a
    teacher and a student are priced apart), sorted by role."""

    def prices(self) -> tuple[tuple[str | None, int], ...]:
        """(role or None for every role, price)."""
        return self.price_cop_by_role or ((None, self.price_cop),)


@dataclass(frozen=True)
class Contract:
    """One operator's payment terms for one programme over a validity period."""

    contract_id: str
    operator: str
    programme: str
    valid_from: dt.date
    valid_to: dt.date
    """Outcomes dated in [valid_from, valid_to], both included, fall under this contract."""
    budget_cop: int
    """Ceiling on everything the contract pays, premiums included."""
    milestones: tuple[Milestone, ...]
    """In the file's order."""
    premium_stacking: str
    """`highest` (only the largest applicable premium) or `stack` (their sum)."""
    premium_percent: tuple[tuple[str, int], ...]
    """(premium key, whole percent added to the price), sorted by key."""
    rules: Any
    """The programme's Rules (pbr_pipeline.programmes): the contract's `rules:` over the defaults."""
    source_file: str
    """Relative to the data directory, `/` separators."""
    source_sha256: str
    """Of the file's bytes: which version of the contract priced a payment."""
    supersedes: str | None = None
    """The contract this one replaces from its `valid_from` on (a new version: new prices or
    rules for outcomes dated from then, the earlier file left as it was)."""
    superseded_by: str | None = None
    """Set by the loader on the replaced contract, whose `valid_to` then ends the day before
    its successor's `valid_from`."""


def premium_percent(contract: Contract, groups: frozenset[str], sex: str | None) -> int:
    """Percent added for a beneficiary: 0 when none applies; the largest or the sum per stacking.

    `MUJER` applies when sex == 'F'; every other key applies when it is one of `groups`.
    """
    applicable = [
        percent
        for key, percent in contract.premium_percent
        if key in groups or (key == WOMEN_PREMIUM and sex == "F")
    ]
    if not applicable:
        return 0
    return sum(applicable) if contract.premium_stacking == STACK else max(applicable)


# --- reading -------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, made strict where YAML 1.1 would silently change a payment rule."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # PyYAML keeps the last of two equal keys; in a contract the second `COLOCACION:` would
        # quietly replace the first price, so a repeated key is a reading error with its line.
        first_line: dict[str, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in first_line:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"the key {key_node.value!r} appears twice (first on line {first_line[key_node.value]})",
                        key_node.start_mark,
                    )
                first_line[key_node.value] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class _OddNumber(str):
    """An unquoted number YAML 1.1 would read in a surprising way, kept as written."""


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str:
    # YAML 1.1 reads 01400000 as octal and 1:20 as 80; only plain decimals (underscores allowed
    # as thousands separators) become numbers, anything else stays text and is refused by name.
    digits = node.value.replace("_", "")
    return int(digits) if re.fullmatch(r"[-+]?(0|[1-9]\d*)", digits) else _OddNumber(node.value)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
# Dates stay text, so a YAML date and a quoted 'YYYY-MM-DD' are read by the same code, and an
# impossible date (2025-02-30) is reported against its field instead of crashing the reader.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_contracts(data_dir: Path) -> tuple[Contract, ...]:
    """Every `<data_dir>/contracts/*.yaml` (and .yml), sorted by contract_id.

    Raises one ContractError listing every problem found, in the files and across them
    (duplicate ids, overlapping validity for the same operator and programme). No contracts
    folder, or no files in it, gives an empty tuple: the caller decides what that means.
    """
    folder = Path(data_dir) / CONTRACTS_FOLDER
    if not folder.is_dir():
        return ()
    paths = sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.suffix.lower() in CONTRACT_SUFFIXES and not path.name.startswith((".", "~"))
    )
    problems: list[str] = []
    contracts: list[Contract] = []
    for path in paths:
        reader = _ContractReader(path, Path(data_dir))
        contract = reader.read()
        problems.extend(reader.problems)
        if contract is not None:
            contracts.append(contract)
    contracts, superseding = _with_successors(contracts)
    problems.extend(superseding)
    problems.extend(_problems_across_files(contracts))
    if problems:
        raise ContractError(problems)
    return tuple(sorted(contracts, key=lambda contract: contract.contract_id))


def _with_successors(contracts: list[Contract]) -> tuple[list[Contract], list[str]]:
    """Contracts with each superseded one ending the day before its successor starts, and the
    problems of `supersedes` keys that cannot be honoured."""
    by_id = {contract.contract_id: contract for contract in contracts}
    problems: list[str] = []
    ends: dict[str, Contract] = {}
    for new in sorted((c for c in contracts if c.supersedes), key=lambda c: c.source_file):
        old = by_id.get(new.supersedes)
        where = f"{new.source_file}: supersedes"
        if old is None:
            problems.append(f"{where} names {new.supersedes!r}, which no contract file has")
        elif (old.operator, old.programme) != (new.operator, new.programme):
            problems.append(f"{where} names {old.contract_id}, a contract of {old.operator} {old.programme}; "
                            f"a new version is for the same operator and programme")
        elif not old.valid_from < new.valid_from <= old.valid_to:
            problems.append(f"{where} {old.contract_id}: valid_from ({new.valid_from}) must fall after {old.contract_id} "
                            f"starts ({old.valid_from}) and by its end ({old.valid_to})")
        elif old.contract_id in ends:
            problems.append(f"{where} {old.contract_id}, which {ends[old.contract_id].source_file} supersedes already")
        else:
            ends[old.contract_id] = new
    replaced = [
        dataclasses.replace(c, valid_to=ends[c.contract_id].valid_from - dt.timedelta(days=1),
                            superseded_by=ends[c.contract_id].contract_id) if c.contract_id in ends else c
        for c in contracts
    ]
    return replaced, problems


def _problems_across_files(contracts: Sequence[Contract]) -> list[str]:
    """Duplicate ids, and two contracts that would both price the same outcome."""
    problems: list[str] = []
    first_file_of_id: dict[str, str] = {}
    for contract in sorted(contracts, key=lambda c: c.source_file):
        if contract.contract_id in first_file_of_id:
            problems.append(
                f"{contract.source_file}: contract_id {contract.contract_id!r} is already used by "
                f"{first_file_of_id[contract.contract_id]}; every contract needs its own id"
            )
        else:
            first_file_of_id[contract.contract_id] = contract.source_file
    ordered = sorted(contracts, key=lambda c: (c.operator, c.programme, c.valid_from, c.source_file))
    for index, earlier in enumerate(ordered):
        for later in ordered[index + 1:]:
            if (later.operator, later.programme) != (earlier.operator, earlier.programme):
                break
            if later.valid_from <= earlier.valid_to:
                problems.append(
                    f"{later.source_file}: valid_from..valid_to ({later.valid_from}..{later.valid_to}) overlaps "
                    f"{earlier.source_file} ({earlier.valid_from}..{earlier.valid_to}) for {later.operator} "
                    f"{later.programme} from {later.valid_from} to {min(earlier.valid_to, later.valid_to)}; "
                    f"an outcome must fall under one contract only"
                )
    return problems


_REQUIRED = ("contract_id", "operator", "programme", "valid_from", "valid_to", "budget_cop", "milestones")
_OPTIONAL = ("premiums", "rules", "supersedes")
_MILESTONE_REQUIRED = ()
_MILESTONE_OPTIONAL = ("price_cop", "price_cop_by_role", "max_count")
_PREMIUM_SECTION_KEYS = ("stacking", "percent")


def _shown(value: Any) -> str:
    """A value as the data team wrote it, for an error message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _number_hint(value: Any) -> str:
    if isinstance(value, _OddNumber):
        return "; write it as a plain number without a leading zero or colons, e.g. 1400000"
    if isinstance(value, str):
        if value.strip().isdigit():
            return "; write it without quotes"
        return "; write it as a plain number without dots, commas or $, e.g. 1400000"
    if isinstance(value, bool):
        return " (a yes/no value, not a number)"
    return ""


def _choices(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]


def _suggestion(word: Any, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else f" (known: {', '.join(known)})"


class _ContractReader:
    """Reads one file, collecting every problem instead of stopping at the first."""

    def __init__(self, path: Path, data_dir: Path) -> None:
        self.path = path
        self.name = path.relative_to(data_dir).as_posix()
        self.problems: list[str] = []

    def problem(self, field: str | None, text: str) -> None:
        self.problems.append(f"{self.name}: {field} {text}" if field else f"{self.name}: {text}")

    def read(self) -> Contract | None:
        content = self.path.read_bytes()
        document = self._parse(content)
        if document is None:
            return None
        self._keys(document, None, _REQUIRED, _OPTIONAL)
        contract_id = self._text(document, "contract_id")
        operator = self._operator(document)
        programme = self._programme(document)
        valid_from = self._date(document, "valid_from")
        valid_to = self._date(document, "valid_to")
        if valid_from and valid_to and valid_from > valid_to:
            self.problem("valid_to", f"({valid_to}) is before valid_from ({valid_from})")
        budget = self._whole(document, "budget_cop", "budget_cop", "a whole number of pesos above 0", low=1)
        milestones = self._milestones(document, programme)
        stacking, percents = self._premiums(document)
        self._premiums_fit_subject(programme, percents)
        rules = self._rules(document, programme)
        if self.problems:
            return None
        return Contract(
            contract_id=contract_id,
            operator=operator,
            programme=programme,
            valid_from=valid_from,
            valid_to=valid_to,
            budget_cop=budget,
            milestones=milestones,
            premium_stacking=stacking,
            premium_percent=percents,
            rules=rules,
            source_file=self.name,
            source_sha256=hashlib.sha256(content).hexdigest(),
            supersedes=self._text(document, "supersedes") if "supersedes" in document else None,
        )

    # -- the file as a whole

    def _parse(self, content: bytes) -> dict[str, Any] | None:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problem(None, "the file is not UTF-8 text; save it as UTF-8")
            return None
        try:
            document = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
        except yaml.MarkedYAMLError as error:
            self.problem(None, _yaml_error_text(error))
            return None
        except yaml.YAMLError as error:
            self.problem(None, f"the file is not valid YAML: {error}")
            return None
        if document is None:
            self.problem(None, "the file is empty; a contract is a mapping starting with contract_id: …")
            return None
        if not isinstance(document, dict):
            self.problem(None, f"the file must be a mapping of keys (contract_id: …, operator: …), got {_shown(document)}")
            return None
        return document

    def _keys(self, mapping: dict[Any, Any], where: str | None, required: Sequence[str], optional: Sequence[str]) -> None:
        known = (*required, *optional)
        for key in mapping:
            if key not in known:
                self.problem(_join(where, key), f"is not a known key{_suggestion(key, known)}")
        for key in required:
            if key not in mapping:
                self.problem(_join(where, key), "is missing")

    # -- fields

    def _text(self, document: dict[str, Any], key: str) -> str | None:
        value = document.get(key)
        if key in document and (not isinstance(value, str) or not value.strip() or value != value.strip()):
            self.problem(key, f"must be text without surrounding spaces, got {_shown(value)}")
        return value

    def _operator(self, document: dict[str, Any]) -> str | None:
        value = document.get("operator")
        if "operator" in document and not (isinstance(value, str) and _OPERATOR.fullmatch(value)):
            self.problem("operator", f"must be an operator code like OP-001 (OP- and 3 or more digits), got {_shown(value)}")
        return value

    def _programme(self, document: dict[str, Any]) -> str | None:
        value = document.get("programme")
        if "programme" not in document:
            return None
        if value not in PROGRAMMES:
            self.problem("programme", f"must be one of {_choices(PROGRAMMES)}, got {_shown(value)}")
            return None
        if programme_spec(value) is None:
            verified = [programme.code for programme in VERIFIED_PROGRAMMES]
            self.problem("programme", f"{value} is not verified by this pipeline yet; contracts can be given for "
                                      f"{_choices(verified)}")
            return None
        return value

    def _date(self, document: dict[str, Any], key: str) -> dt.date | None:
        if key not in document:
            return None
        value = document[key]
        day = None
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if day is None:
            self.problem(key, f"must be a date written YYYY-MM-DD, e.g. 2025-01-01, got {_shown(value)}")
        return day

    def _whole(self, mapping: dict[str, Any], key: str, field: str, what: str, *, low: int,
               high: int | None = None) -> int | None:
        """An int in [low, high]: a bool, a float or any text is refused, saying why."""
        if key not in mapping:
            return None
        value = mapping[key]
        if isinstance(value, int) and not isinstance(value, bool) and value >= low and (high is None or value <= high):
            return value
        self.problem(field, f"must be {what}, got {_shown(value)}{_number_hint(value)}")
        return None

    def _flag(self, mapping: dict[str, Any], key: str, field: str) -> bool | None:
        value = mapping[key]
        if isinstance(value, bool):
            return value
        self.problem(field, f"must be true or false, got {_shown(value)}")
        return None

    def _section(self, value: Any, field: str, example: str) -> dict[str, Any] | None:
        # An empty optional section is refused rather than read as absent: it usually means
        # the lines below it lost their indentation, and then a rule would be silently dropped.
        if isinstance(value, dict) and value:
            return value
        if isinstance(value, dict):
            self.problem(field, f"is empty; give at least one entry, such as {example}")
        else:
            self.problem(field, f"must be a mapping such as {example}, got {_shown(value)}")
        return None

    # -- sections

    def _milestones(self, document: dict[str, Any], programme: str | None) -> tuple[Milestone, ...]:
        if "milestones" not in document:
            return ()
        section = self._section(document["milestones"], "milestones", "{COLOCACION: {price_cop: 1400000}}")
        if section is None:
            return ()
        outcomes = OUTCOMES_BY_PROGRAMME.get(programme, ()) if programme else None
        milestones: list[Milestone] = []
        for outcome, terms in section.items():
            field = f"milestones.{outcome}"
            if outcomes is not None and outcome not in outcomes:
                self.problem(field, f"is not an outcome of {programme}; use {_choices(outcomes)}")
            if not isinstance(terms, dict):
                self.problem(field, f"must be a mapping such as {{price_cop: 1400000, max_count: 300}}, got {_shown(terms)}")
                continue
            self._keys(terms, field, _MILESTONE_REQUIRED, _MILESTONE_OPTIONAL)
            price = self._whole(terms, "price_cop", f"{field}.price_cop", "a whole number of pesos above 0", low=1)
            by_role = self._prices_by_role(terms, field)
            if "price_cop" not in terms and "price_cop_by_role" not in terms:
                self.problem(f"{field}.price_cop", "is missing; give price_cop (one price) or price_cop_by_role "
                                                   "(a price per roster role, e.g. {DOCENTE: 2500000, ESTUDIANTE: 900000})")
            elif "price_cop" in terms and "price_cop_by_role" in terms:
                self.problem(field, "has both price_cop and price_cop_by_role; give one of them")
            cap = self._whole(terms, "max_count", f"{field}.max_count",
                              "a whole number of 1 or more (leave the key out for no count cap)", low=1)
            milestones.append(Milestone(outcome=str(outcome), price_cop=price, max_count=cap, price_cop_by_role=by_role))
        return tuple(milestones)

    def _prices_by_role(self, terms: dict[str, Any], field: str) -> tuple[tuple[str, int], ...]:
        if "price_cop_by_role" not in terms:
            return ()
        where = f"{field}.price_cop_by_role"
        table = self._section(terms["price_cop_by_role"], where, "{DOCENTE: 2500000, ESTUDIANTE: 900000}")
        prices: dict[str, int] = {}
        for role in table or {}:
            if role not in ROLES:
                self.problem(f"{where}.{role}", f"is not a roster role; use {_choices(ROLES)}{_suggestion(role, ROLES)}")
                continue
            price = self._whole(table, role, f"{where}.{role}", "a whole number of pesos above 0", low=1)
            if price is not None:
                prices[str(role)] = price
        return tuple(sorted(prices.items()))

    def _premiums(self, document: dict[str, Any]) -> tuple[str, tuple[tuple[str, int], ...]]:
        if "premiums" not in document:
            return HIGHEST, ()
        section = self._section(document["premiums"], "premiums", "{stacking: highest, percent: {MIGRANTE: 20}}")
        if section is None:
            return HIGHEST, ()
        self._keys(section, "premiums", (), _PREMIUM_SECTION_KEYS)
        stacking = section.get("stacking")
        if "stacking" in section and stacking not in STACKING_CHOICES:
            self.problem("premiums.stacking", f"must be highest (only the largest premium applies) or stack "
                                              f"(premiums add up), got {_shown(stacking)}")
        percents: dict[str, int] = {}
        if "percent" in section:
            table = self._section(section["percent"], "premiums.percent", "{DISCAPACIDAD: 35, MUJER: 10}")
            for key in table or {}:
                field = f"premiums.percent.{key}"
                if key not in PREMIUM_KEYS:
                    self.problem(field, f"is not a premium key; use a population group or {WOMEN_PREMIUM} "
                                        f"(women){_suggestion(key, PREMIUM_KEYS)}")
                percent = self._whole(table, key, field, "a whole percent from 0 to 100", low=0, high=100)
                if percent is not None:
                    percents[str(key)] = percent
            if table and "stacking" not in section:
                # Stacking changes amounts a lot and is a contract choice: say it.
                self.problem("premiums.stacking", "is missing; say highest (only the largest premium applies) "
                                                  "or stack (premiums add up)")
        return stacking if stacking in STACKING_CHOICES else HIGHEST, tuple(sorted(percents.items()))

    def _premiums_fit_subject(self, programme: str | None, percents: tuple[tuple[str, int], ...]) -> None:
        """Population premiums (MUJER, MIGRANTE, …) describe people: a programme that pays
        firms has no one they could apply to, so a premium there is a mistake, not a no-op."""
        spec = programme_spec(programme) if programme else None
        if spec is not None and spec.subject == FIRM and percents:
            self.problem("premiums", f"{programme} pays firms (by NIT): population premiums ({', '.join(group for group, _ in percents)}) "
                                     "are for people; remove the premiums section")

    def _rules(self, document: dict[str, Any], programme: str | None) -> Any:
        spec = programme_spec(programme) if programme else None
        if spec is None:
            return None
        if "rules" not in document:
            return spec.rules()
        section = self._section(document["rules"], "rules", "{min_days: 15}")
        if section is None:
            return spec.rules()
        checks = rule_checks(spec.rules)
        self._keys(section, "rules", (), tuple(checks))
        values = {key: self._parameter(section[key], f"rules.{key}", checks[key]) for key in checks if key in section}
        rules = spec.rules(**{key: value for key, value in values.items() if value is not None})
        for field, text in rule_contradictions(rules):
            self.problem(f"rules.{field}", text)
        return rules

    def _parameter(self, value: Any, field: str, check: Check) -> Any:
        """`value` checked as the programme's Rules declare it; None (with a problem) when it fails."""
        if isinstance(check, Whole):
            return self._whole({"value": value}, "value", field, f"a whole number of {check.unit} from {check.low} to {check.high}",
                               low=check.low, high=check.high)
        if isinstance(check, Flag):
            return self._flag({"value": value}, "value", field)
        if isinstance(check, Code):
            if value in check.choices:
                return value
            self.problem(field, f"must be one of {_choices(check.choices)}, got {_shown(value)}")
            return None
        if isinstance(check, Codes):
            if not isinstance(value, list) or not value:
                self.problem(field, f"must be a list of codes out of {_choices(check.choices)}, got {_shown(value)}")
                return None
            unknown = [item for item in value if item not in check.choices]
            for item in unknown:
                self.problem(field, f"holds {_shown(item)}, which is not one of {_choices(check.choices)}")
            return None if unknown else tuple(sorted(set(value)))
        if isinstance(check, CodeList):
            items = self._code_items(value, field, check)
            return None if items is None else tuple(sorted(items))
        if isinstance(check, CodeGroups):
            return self._code_groups(value, field, check)
        return self._whole_list(value, field, check)

    def _code_items(self, value: Any, field: str, check: CodeList) -> dict[str, tuple[str, ...]] | None:
        """Each item of a list of codes by its normal spelling, with the codes it covers; None
        (with the problems) when the list or an item is wrong."""
        if not isinstance(value, list) or not value:
            self.problem(field, f"must be a list of {check.what}, such as {check.example}, got {_shown(value)}")
            return None
        items: dict[str, tuple[str, ...]] = {}
        wrong = False
        for index, item in enumerate(value):
            try:
                spelling, codes = check.read(item)
            except ValueError as error:
                self.problem(f"{field}[{index}]", str(error))
                wrong = True
                continue
            if spelling in items:
                self.problem(f"{field}[{index}]", f"repeats {spelling}")
            items[spelling] = codes
        return None if wrong else items

    def _code_groups(self, value: Any, field: str, check: CodeGroups) -> tuple[str, ...] | None:
        section = self._section(value, field, check.example)
        if section is None:
            return None
        texts: list[str] = []
        owner: dict[str, str] = {}
        wrong = False
        for group, listed in section.items():
            where = f"{field}.{group}"
            if not (isinstance(group, str) and _GROUP_NAME.fullmatch(group)):
                self.problem(field, f"has the group name {_shown(group)}; name a group in capital letters, digits and _, e.g. HIV")
                wrong = True
                continue
            items = self._code_items(listed, where, check.items)
            if items is None:
                wrong = True
                continue
            for spelling, codes in items.items():
                texts.append(f"{group}:{spelling}")
                for code in codes:
                    if owner.setdefault(code, group) != group:
                        self.problem(where, f"holds {code}, which {owner[code]} holds too; a code belongs to one group")
                        wrong = True
        return None if wrong else tuple(sorted(set(texts)))

    def _whole_list(self, value: Any, field: str, check: WholeList) -> tuple[int, ...] | None:
        if not isinstance(value, list) or not value:
            self.problem(field, f"must be a list of whole numbers such as {check.example}, got {_shown(value)}")
            return None
        numbers: list[int] = []
        for index, item in enumerate(value):
            if isinstance(item, int) and not isinstance(item, bool) and item > 0:
                if item in numbers:
                    self.problem(f"{field}[{index}]", f"repeats {item}")
                numbers.append(item)
            else:
                self.problem(f"{field}[{index}]", f"must be a positive whole number, got {_shown(item)}{_number_hint(item)}")
        return tuple(sorted(set(numbers)))


def _yaml_error_text(error: yaml.MarkedYAMLError) -> str:
    """PyYAML's complaint with the line a person should look at."""
    mark = error.problem_mark or error.context_mark
    if error.context == "expected a single document in the stream":
        return (f"the file holds a second YAML document (a '---' line) at line {mark.line + 1}; "
                f"write one contract per file")
    text = f"the file is not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {error.problem or error.context}"
    if error.problem and error.context and error.context_mark and error.context_mark.line != mark.line:
        # An unclosed `{` is noticed lines later; the line where it opened is the one to fix.
        text += f" ({error.context} that starts on line {error.context_mark.line + 1})"
    return text


def _join(where: str | None, key: Any) -> str:
    return f"{where}.{key}" if where else str(key)


# --- the table -----------------------------------------------------------------------------

CONTRACTS_SCHEMA = pl.Schema(
    {
        "contract_id": pl.String,
        "operator": pl.String,
        "programme": pl.String,
        "valid_from": pl.Date,
        "valid_to": pl.Date,
        "budget_cop": pl.Int64,
        "outcome": pl.String,
        "role": pl.String,
        "price_cop": pl.Int64,
        "max_count": pl.Int64,
        "premium_stacking": pl.String,
        "premium_percent": pl.String,
        "rules": pl.String,
        "superseded_by": pl.String,
        "source_file": pl.String,
        "source_sha256": pl.String,
    }
)
"""Columns of `contracts_frame`: one row per contract, milestone and role (role empty when the
milestone has one price for everyone)."""


def rules_json(rules: Any) -> str:
    """The contract's rule parameters as a JSON object with sorted keys: flat, and the same
    text every run."""
    return json.dumps(dataclasses.asdict(rules), sort_keys=True, separators=(",", ":"))


def contracts_frame(contracts: Sequence[Contract]) -> pl.DataFrame:
    """One row per contract x milestone x role, sorted by contract_id, outcome and role
    (CONTRACTS_SCHEMA).

    `max_count` is null for no cap; `premium_percent` is a JSON object with sorted keys
    (`{"MIGRANTE":20}`, `{}` for none) and `rules` the programme's rule parameters as JSON,
    so the table stays flat and prints the same every run.
    """
    rows = [
        {
            "contract_id": contract.contract_id,
            "operator": contract.operator,
            "programme": contract.programme,
            "valid_from": contract.valid_from,
            "valid_to": contract.valid_to,
            "budget_cop": contract.budget_cop,
            "outcome": milestone.outcome,
            "role": role,
            "price_cop": price,
            "max_count": milestone.max_count,
            "premium_stacking": contract.premium_stacking,
            "premium_percent": json.dumps(dict(contract.premium_percent), sort_keys=True, separators=(",", ":")),
            "rules": rules_json(contract.rules),
            "superseded_by": contract.superseded_by,
            "source_file": contract.source_file,
            "source_sha256": contract.source_sha256,
        }
        for contract in contracts
        for milestone in contract.milestones
        for role, price in milestone.prices()
    ]
    return pl.DataFrame(rows, schema=CONTRACTS_SCHEMA).sort("contract_id", "outcome", "role", maintain_order=True, nulls_last=False)
