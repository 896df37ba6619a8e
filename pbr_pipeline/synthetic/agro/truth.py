"""The ground-truth rows of AGRO: each claim's scenario and why, its producers and its units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from ..dated_claims import COPY, PLAIN, not_owned_label, spelling_label
from ..operators import Enrolments
from ..population import Population
from ..subjects import Ids
from ..timeline import to_date
from ..truth import people_rows, with_operators
from .claims import Claims
from .units import AREA_CHANGED, CROP_CHANGED, NO_BASELINE, RISES, SMALL_RISE, STORIES, TOO_OLD, Units
from .verdicts import UNIT, Oracle, UnitClaim

OUTCOME = "AUMENTO_PRODUCTIVIDAD"
PROGRAMME = "AGRO"

SCENARIOS: dict[str, set[str]] = {
    **{scenario: {"VERIFIED/", "PENDING/"} for scenario in ("TRUE_CLAIM", "UNIT_IN_SOPORTE", "TYPE_ALIAS",
                                                             "LEADING_ZEROS", "DOTS_IN_NUMBER")},
    **{scenario: {"REJECTED/NO_YIELD_RISE", "PENDING/"} for scenario in ("NO_YIELD_RISE", "AREA_CHANGED",
                                                                          "CROP_CHANGED")},
    **{scenario: {"REJECTED/NO_BASELINE", "PENDING/"} for scenario in ("NO_BASELINE", "BASELINE_TOO_OLD")},
    "WRONG_UNIT": {"VERIFIED/", "PENDING/", "REJECTED/NO_YIELD_RISE", "REJECTED/NO_BASELINE", "REJECTED/NO_CONTRACT",
                   "DUPLICATE/DUPLICATE"},
    "DUPLICATE": {"DUPLICATE/DUPLICATE"},
    **{scenario: {"REJECTED/NOT_ENROLLED"} for scenario in ("NOT_ENROLLED", "RESULT_BEFORE_ENROLMENT")},
    "OTHER_OPERATOR": {"REJECTED/OTHER_OPERATOR"},
    "NO_CONTRACT": {"REJECTED/NO_CONTRACT"},
    "REGISTRY_CORRECTION": {"VERIFIED/", "PENDING/", "REJECTED/NO_YIELD_RISE"},
    "INVALID_ROW": {"/"},
}
"""Every scenario of the programme's claims and the final verdicts (status/reason) it allows."""

_STORY_LABELS = {
    SMALL_RISE: ("NO_YIELD_RISE", "the unit's yield moved by less than a fifth"),
    AREA_CHANGED: ("AREA_CHANGED", "the yield rose, but on an area more than 10% off the baseline's"),
    CROP_CHANGED: ("CROP_CHANGED", "the unit changed crop after its enrolment: no follow-up of the baseline's crop"),
    NO_BASELINE: ("NO_BASELINE", "the unit was first measured after its enrolment on {start}"),
    TOO_OLD: ("BASELINE_TOO_OLD",
              "the unit's last measurement before its enrolment on {start} is older than 12 months"),
}


@dataclass(frozen=True)
class Labeller:
    """Scenario and why of every valid claim (`label`, as `truth.dated_claim_truth` asks)."""

    claims: Claims
    units: Units
    enrolments: Enrolments
    story: np.ndarray
    codes: tuple[str, ...]
    oracle: Oracle
    read: dict[int, UnitClaim]
    """Each valid claim as the oracle reads it, by claim index."""
    last: str
    corrected: set[int]
    """The claims whose verdicts a measurement sent again changed."""

    def label(self, index: int, repeated: str | None) -> tuple[str, str]:
        c, e = self.claims, self.enrolments
        intent, enrolment, fecha = int(c.intent[index]), int(c.enrolment[index]), to_date(int(c.fecha[index]))
        if intent == COPY:
            return "DUPLICATE", f"repeats the claim in {repeated}"
        not_owned = not_owned_label(intent, enrolment, int(c.fecha[index]), programme=PROGRAMME, enrolments=e,
                                    codes=self.codes,
                                    before_enrolment="is the unit's baseline visit, before the enrolment")
        if not_owned:
            return not_owned
        unit = str(self.units.unit_id[int(c.unit[index])])
        mapped = self.oracle.subject(self.read[index], self.last)
        if mapped != (UNIT, unit):
            return "WRONG_UNIT", (f"the producer has two units and soporte does not name {unit}, which rose; the "
                                  f"claim is about {mapped[1]}")
        if repeated is not None:
            return "DUPLICATE", f"repeats the claim in {repeated}"
        if not self.oracle.covered(self.codes[int(c.op[index])], fecha):
            return "NO_CONTRACT", f"fecha_resultado {fecha} is outside the operator's contract"
        story = int(self.story[enrolment])
        start = to_date(int(e.date[enrolment]))
        if index in self.corrected:
            return "REGISTRY_CORRECTION", (f"the extension service sent a measurement again with another harvest "
                                           f"({STORIES[story]} before it)")
        if story == RISES:
            why = f"the yield of {unit} rose by a fifth on the same area after the enrolment on {start}"
            if c.soporte[index] and int(c.cosmetic[index]) == PLAIN:
                return "UNIT_IN_SOPORTE", f"soporte names the unit ({c.soporte[index]}); {why}"
            return spelling_label(int(c.cosmetic[index]), str(c.doc_type[index]), why)
        scenario, why = _STORY_LABELS[story]
        return scenario, why.format(start=start)


def people_truth(producers: Population, extras: Population, units: Units, unit_ids: Ids, kinds: np.ndarray,
                 listed: pl.DataFrame) -> pl.DataFrame:
    """The producers (kind AGRO, or AGRO_MEASURED_ONLY for those no operator enrolled), the people of
    the invalid rows, then the units (kind AGRO_UNIT: document `UP:<unit id>`, no names), each with
    the operators that enrolled it. `listed` holds (`producer`, `unit`, `code`, `date`) per roster row."""
    listed = listed.sort(["date", "code"])
    by_producer = with_operators(pl.concat([people_rows(producers, kinds), people_rows(extras, "INVALID_ROW_ONLY")]),
                                 producers, listed.select(pl.col("producer").alias("person"), "code")
                                 .unique(["person", "code"], keep="first", maintain_order=True))
    empty = pl.Series([""] * units.count, dtype=pl.String)
    unit_rows = pl.DataFrame({
        "person_id": unit_ids.person_ids(), "kind": "AGRO_UNIT",
        "documentos": pl.Series([f"{UNIT}:{unit}" for unit in units.unit_id.tolist()], dtype=pl.String),
        "tipo_documento": UNIT, "numero_documento": pl.Series(units.unit_id.tolist(), dtype=pl.String),
        "primer_nombre": empty, "segundo_nombre": empty, "primer_apellido": empty, "segundo_apellido": empty,
        "fecha_nacimiento": pl.Series([None] * units.count, dtype=pl.Date), "sexo": empty, "grupos": empty,
    })
    by_unit = with_operators(unit_rows, unit_ids, listed.select(pl.col("unit").alias("person"), "code")
                             .unique(["person", "code"], keep="first", maintain_order=True))
    return pl.concat([by_producer, by_unit])
