"""RIPS, the registry of health services (Registro Individual de Prestación de Servicios de
Salud), read by SALUD_MATERNA and SALUD_TRANSMISIBLES: its declaration, how their contracts
write CIE-10 codes and RIPS purposes, and what their rules share.

A RIPS row is one service given to one person (a consultation, a procedure, a medicine
dispensed, …), with its date, its kind, its main diagnosis in CIE-10 (normalised by
validation to 4 characters without the dot: B24X, Z340) and its purpose (finalidad).

Health data is sensitive (Law 1581 of 2012, art. 5): the registry is declared `sensitive`, so
its evidence rows reach only the verifier-only `health_evidence` table, which joins each back
to its RIPS row by file and row. Even there, what an evidence row `shows` never holds a
diagnosis, a technology, a provider or a purpose, nor the name of a condition group: it says in
plain words what the row was to the rule ("prenatal control", "diagnosis", "dispensation 30
days").
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from pbr_pipeline.intake.input_table import InputTable
from pbr_pipeline.programmes.spec import EVIDENCE_COLUMNS, Facts, Registry
from pbr_pipeline.verify.evidence import evidence_rows
from schemas.registries.rips import PURPOSES, RipsServices

RIPS = Registry(
    table=InputTable(
        "rips", RipsServices, inbox_folder="registros/rips",
        raw_description="RIPS health services received this month (`inbox/<month>/registros/rips/`), every value as written.",
        description="Valid RIPS health services received this month: one row per service, with its kind, date, "
                    "CIE-10 diagnoses and purpose.",
    ),
    correction_key=("invoice_number", "service_number", "service_kind"),
    fact_date=lambda: pl.col("service_date"),
    lag_months=2,
    names_people=False,
    sensitive=True,
)

# --- how contracts write codes --------------------------------------------------------------

CIE10_ITEMS = "CIE-10 categories (B20) or ranges of them (B20-B24)"
_CATEGORY = re.compile(r"^[A-Z]\d{2}$")


def _shown(item: Any) -> str:
    """An item as the contract wrote it, for a message."""
    if isinstance(item, str):
        return repr(item)
    if item is None:
        return "nothing"
    if isinstance(item, bool):
        return "true" if item else "false"
    return "a list" if isinstance(item, list) else "a mapping" if isinstance(item, dict) else str(item)


def _category_index(category: str) -> int:
    return (ord(category[0]) - ord("A")) * 100 + int(category[1:])


def _category(index: int) -> str:
    return f"{chr(ord('A') + index // 100)}{index % 100:02d}"


def cie10_item(item: Any) -> tuple[str, tuple[str, ...]]:
    """A CIE-10 category (`B20`: a capital letter and two digits) or a range of them
    (`B20-B24`, both ends included, `A00-B99` across letters), as a contract writes it: its
    normal spelling and the categories it covers. A diagnosis is in the item when its first
    three characters are one of them (B24X, B200)."""
    text = item.strip() if isinstance(item, str) else None
    ends = text.split("-") if text else []
    if 1 <= len(ends) <= 2 and all(_CATEGORY.fullmatch(end.strip()) for end in ends):
        first, last = ends[0].strip(), ends[-1].strip()
        if _category_index(first) > _category_index(last):
            raise ValueError(f"is a range that runs backwards ({first} after {last}), got {_shown(item)}; write the lower code first")
        covered = tuple(_category(index) for index in range(_category_index(first), _category_index(last) + 1))
        return (first if first == last else f"{first}-{last}"), covered
    raise ValueError(f"must be a CIE-10 category of 3 characters (a capital letter and two digits, e.g. B20) or a range "
                     f"of them (B20-B24), got {_shown(item)}")


PURPOSE_ITEMS = f"RIPS purpose codes (finalidad) from {PURPOSES[0]} to {PURPOSES[-1]}, such as 23"


def purpose_item(item: Any) -> tuple[str, tuple[str, ...]]:
    """A RIPS purpose (finalidadTecnologiaSalud) code, as a contract writes it (23 or "23")."""
    text = str(item).strip() if isinstance(item, (int, str)) and not isinstance(item, bool) else None
    if text in PURPOSES:
        return text, (text,)
    raise ValueError(f"must be a RIPS purpose code (finalidad) from {PURPOSES[0]} to {PURPOSES[-1]}, e.g. 23, got {_shown(item)}")


def code_table(claims: pl.DataFrame, column: str, read=cie10_item, *, grouped: bool = False) -> pl.DataFrame:
    """Per claim, the codes its `column` (a list of items, or of `GROUP:ITEM` texts when
    `grouped`) covers: claim_id, group (when grouped) and code."""
    items = claims.select("claim_id", pl.col(column).alias("item")).explode("item").drop_nulls("item")
    covered = []
    for text in items.get_column("item").unique().sort().to_list():
        group, spelled = text.split(":", 1) if grouped else (None, text)
        covered.extend((text, group, code) for code in read(spelled)[1])
    table = pl.DataFrame(covered, schema={"item": pl.String, "group": pl.String, "code": pl.String}, orient="row")
    return items.join(table, on="item").select("claim_id", *(["group"] if grouped else []), "code").unique(maintain_order=True)


# --- what the rules share -------------------------------------------------------------------


def services(facts: Facts) -> pl.DataFrame:
    """The RIPS rows the run sees, up to the horizon, with `category`: the first three
    characters of the main diagnosis."""
    return facts.registries[RIPS.name].filter(pl.col("fact_date") <= facts.horizons[RIPS.name]).with_columns(
        pl.col("dx_main").str.slice(0, 3).alias("category")
    )


def rips_evidence(claims: pl.DataFrame, shown: pl.DataFrame) -> pl.DataFrame:
    """EVIDENCE_COLUMNS per claim of `claims` (a verdict per claim, without its rows), the
    evidence rows from `shown`: RIPS rows with claim_id, `shows` and `counts`, listed by
    date, file and row."""
    rows = evidence_rows(
        claims.select("claim_id"), shown, on=["claim_id"], within=pl.lit(True),
        registry=RIPS.name, shows=pl.col("shows"), counts=pl.col("counts"), order=["fact_date"],
    )
    return claims.join(rows, on="claim_id", how="left").select(EVIDENCE_COLUMNS)

