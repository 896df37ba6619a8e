"""What a programme declares, once: the only place the engine learns a programme's name.

A programme module (`empleo.py`, `bilinguismo.py`, …) builds one `Programme`: its code and
outcome codes, the kind of subject it pays for, the registries it reads, the parameters of
its rule (a dataclass whose fields carry their defaults and how the contract's `rules:`
section is checked), and one function, `evidence`, that turns the as-of registry rows of the
claimed subjects into each claim's evidence verdict. Ingestion, the shared gates, unclaimed
outcomes, pricing and the ledger are generic and read only what is declared here.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import polars as pl

from pbr_pipeline.core.months import add_months, parse_month
from pbr_pipeline.intake.input_table import InputTable

PERSON, FIRM, UNIT = "PERSON", "FIRM", "UNIT"
SUBJECT_KINDS = (PERSON, FIRM, UNIT)
"""Who a programme pays for: a person (by document), a firm (by NIT) or a producer unit."""


@dataclass(frozen=True)
class Registry:
    """An administrative registry: an input table delivered in monthly extracts under
    `inbox/<YYYY-MM>/registros/<folder>/`, validated like any input."""

    table: InputTable
    correction_key: tuple[str, ...]
    """Validated columns that, with the subject's document, name one fact: a later delivery
    of the same key replaces the earlier row from the month it arrives in."""
    fact_date: Callable[[], pl.Expr]
    """The Date a row's fact happened on (the horizon is compared with it)."""
    lag_months: int
    """In the run for month M, facts dated up to the last day of M − lag are complete."""
    names_people: bool = False
    """Rows carry the person's names (and the claim's support, e.g. the employer): the
    probabilistic second pass links enrolled people and claims through this registry."""
    unit_column: str | None = None
    """The validated column that names a producer unit, for a registry whose rows are about
    units (productivity measurements): the unit, not the person on the row, is the subject."""
    sensitive: bool = False
    """Health data (Law 1581 of 2012, art. 5): its rows never reach an analyst table. Evidence
    rows from it are shown there as one line naming the registry; the rows themselves are in
    the verifier-only `health_evidence` table."""

    @property
    def name(self) -> str:
        return self.table.name

    def horizon(self, month: str) -> dt.date:
        """The last day whose facts the run for `month` takes as complete."""
        year, mon = (int(part) for part in add_months(parse_month(month), -self.lag_months).split("-"))
        return dt.date(year, mon, calendar.monthrange(year, mon)[1])


# --- rule parameters ------------------------------------------------------------------------
# A programme's Rules is a frozen dataclass; each field is made with `parameter`, which keeps
# the default, the check the contract loader applies to `rules.<field>`, and the field's doc.


@dataclass(frozen=True)
class Whole:
    """A whole number in [low, high] of `unit`."""
    low: int
    high: int
    unit: str


@dataclass(frozen=True)
class Flag:
    """true or false."""


@dataclass(frozen=True)
class WholeList:
    """A non-empty list of distinct positive whole numbers (e.g. PILA contributor types)."""
    example: str


@dataclass(frozen=True)
class Codes:
    """A non-empty list of codes out of `choices`."""
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Code:
    """One code out of `choices`."""
    choices: tuple[str, ...]


@dataclass(frozen=True)
class CodeList:
    """A non-empty list of codes from an open code system (CIE-10, RIPS purposes), each item a
    code or a range of codes. `read` takes one item as written and returns its normal spelling
    and the codes it covers, or raises ValueError whose text follows the field's name in the
    contract loader's message ("must be …, got …"); kept as the sorted spellings, without
    repeats."""
    read: Callable[[Any], tuple[str, tuple[str, ...]]]
    what: str
    """What an item is, for messages: "CIE-10 categories (B20) or ranges of them (B20-B24)"."""
    example: str


@dataclass(frozen=True)
class CodeGroups:
    """A mapping of group names (capital letters, digits and _) to lists that `items` checks,
    no code in two groups; kept as the sorted texts `GROUP:ITEM` (e.g. `HIV:B20-B24`), a flat
    list of text that a contracts table and a rule column hold as they hold any list of codes."""
    items: CodeList
    example: str


Check = Whole | Flag | WholeList | Codes | Code | CodeList | CodeGroups


def parameter(default: Any, check: Check, doc: str) -> Any:
    """A rule parameter: its default (domain defaults of the programme), the check the
    contract's `rules:` value must pass, and what it means."""
    return dataclasses.field(default=default, metadata={"check": check, "doc": doc})


def rule_checks(rules: type) -> dict[str, Check]:
    return {field.name: field.metadata["check"] for field in dataclasses.fields(rules)}


def rule_contradictions(rules: Any) -> tuple[tuple[str, str], ...]:
    """(field, what is wrong) for values that pass their checks one by one but not together (a
    window that ends before it starts). A Rules class says so in an optional
    `contradictions()` method; the contract loader reports each like a failed check."""
    check = getattr(rules, "contradictions", None)
    return tuple(check()) if check is not None else ()


# --- what the evidence function receives and returns ----------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a programme's `evidence` reads in the run for `month`.

    `claims`: one row per claim to judge (or would-be claim, for unclaimed outcomes), each
    past the shared gates: claim_id, document (the subject), outcome, enrolled_on (E, the
    owner's enrolment date), outcome_date (the date claimed; null for a would-be claim, which
    takes the widest window), contract_id, the owner's sex, role and groups, and one column
    per field of the programme's Rules (the contract's value, or the default).
    `registries`: per registry name, its rows as known in the run (latest delivery of each
    key, facts up to the registry's horizon) for the claimed subjects, with `document`,
    `fact_date`, `source_file`, `source_row`.
    `horizons`: per registry name, the last day whose facts are complete.
    `reference`: reference tables by name (minimum_wages, poverty_lines).
    """

    month: str
    claims: pl.DataFrame
    registries: Mapping[str, pl.DataFrame]
    horizons: Mapping[str, dt.date]
    reference: Mapping[str, pl.DataFrame]


EVIDENCE_COLUMNS = ("claim_id", "status", "reason", "outcome_on", "evidence_from", "evidence_to", "evidence_rows")
"""What `evidence` returns, one row per claim of `Facts.claims`: status VERIFIED, PENDING or
REJECTED; the reason of a rejection; the date of the registry fact that verified the outcome;
the window of facts the verdict looked at (or waits for); the registry rows it rests on."""


@dataclass(frozen=True)
class Programme:
    code: str
    outcomes: tuple[str, ...]
    subject: str
    registries: tuple[Registry, ...]
    rules: type
    """A frozen dataclass of `parameter` fields; `rules()` gives the defaults."""
    evidence: Callable[[Facts], pl.DataFrame]
    description: str

    def rule_columns(self, rule_sets: Mapping[str, Any]) -> pl.DataFrame:
        """One row per key of `rule_sets` (contract id → Rules instance): `contract_id` and one
        column per parameter."""
        rows = [{"contract_id": key, **dataclasses.asdict(rules)} for key, rules in sorted(rule_sets.items())]
        defaults = dataclasses.asdict(self.rules())
        schema = {"contract_id": pl.String, **{name: _dtype(value) for name, value in defaults.items()}}
        return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _dtype(value: Any) -> pl.DataType:
    if isinstance(value, bool):
        return pl.Boolean
    if isinstance(value, int):
        return pl.Int64
    if isinstance(value, (tuple, list)):
        return pl.List(pl.Int64 if value and isinstance(value[0], int) else pl.String)
    return pl.String
