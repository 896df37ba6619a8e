"""The health programmes' rows of the ground truth: each claim's scenario and verdicts, the
outcomes nobody claimed, and the people.

Scenario labels come from what the generator did (the operator's intent, the person's story,
the document as written, when the registry can show the outcome), never from the verdicts;
the tests check that labels and verdicts agree. Where noise in RIPS (a mistyped number, the PT
of a renewed PEP) makes matching by document decide otherwise than perfect linkage would, the
label says so instead (REGISTRY_DOC_TYPO, REGISTRY_DOC_RENEWED).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from ..dated_claims import not_owned_label, spelling_label
from ..population import DOC_TYPES, PE, TI
from ..timeline import index_month, month_of, to_date
from ..truth import people_rows, unclaimed_frame, with_operators
from . import claims as intents
from . import services as s
from .claims import Claims
from .people import KIND_NAMES, OUTCOMES, PROGRAMMES
from .verdicts import VERIFIED, Decided, Key, Oracle

SCENARIOS: dict[str, tuple[str, ...]] = {
    "SALUD_MATERNA": (
        "TRUE_CLAIM", "EARLY_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER", "TI_CC", "HIGH_RISK_CONTROLS",
        "DUPLICATE", "NOT_ENROLLED", "OTHER_OPERATOR", "RESULT_BEFORE_ENROLMENT", "NO_CONTRACT", "DOC_RENEWED",
        "NOT_ELIGIBLE", "NOT_ENOUGH_CONTROLS", "CONTROLS_BEFORE_ENROLMENT", "SAME_DAY_CONTROLS",
        "EMERGENCIES_NOT_CONTROLS", "REGISTRY_CORRECTION", "REGISTRY_DOC_TYPO", "REGISTRY_DOC_RENEWED", "INVALID_ROW",
    ),
    "SALUD_TRANSMISIBLES": (
        "TRUE_CLAIM", "EARLY_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER",
        "ADHERENT_WITH_GAPS", "DIAGNOSIS_30_DAYS_BEFORE_ENROLMENT", "TREATMENT_ON_DAY_30", "OLD_ROW_BEFORE_LOOKBACK",
        "DUPLICATE", "NOT_ENROLLED", "OTHER_OPERATOR", "NO_CONTRACT", "DOC_RENEWED",
        "NOT_ADHERENT", "NO_TREATMENT", "TREATMENT_AFTER_30_DAYS", "NOT_NEW_CASE", "OLD_ROW_AT_LOOKBACK",
        "NO_DIAGNOSIS", "DIAGNOSIS_31_DAYS_BEFORE_ENROLMENT", "FIRST_GROUP_DECIDES", "REGISTRY_CORRECTION",
        "REGISTRY_DOC_TYPO", "REGISTRY_DOC_RENEWED", "INVALID_ROW",
    ),
}
"""Every scenario of each programme's claims."""

VERIFIED_SCENARIOS = ("TRUE_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS", "DOTS_IN_NUMBER", "TI_CC", "HIGH_RISK_CONTROLS",
                      "ADHERENT_WITH_GAPS", "DIAGNOSIS_30_DAYS_BEFORE_ENROLMENT", "TREATMENT_ON_DAY_30",
                      "OLD_ROW_BEFORE_LOOKBACK")
"""Scenarios whose claim the registry verifies (in the last run; EARLY_CLAIM may still wait)."""

_PREGNANCY_LABELS = {
    s.FEW: ("NOT_ENOUGH_CONTROLS", "she stopped coming after {after} control days after enrolment"),
    s.LATE: ("CONTROLS_BEFORE_ENROLMENT", "enrolled late in the pregnancy: {before} control days before E, "
                                          "{after} after"),
    s.SAME_DAY: ("SAME_DAY_CONTROLS", "four control rows after enrolment on {after} distinct days"),
    s.EMERGENCIES: ("EMERGENCIES_NOT_CONTROLS", "{after} control days after enrolment and two emergency visits for "
                                                "the pregnancy, which are not controls"),
    s.MAN_ENROLLED: ("NOT_ELIGIBLE", "a man enrolled in a programme for pregnant women"),
}
_CASE_LABELS = {
    s.NOT_ADHERENT: ("NOT_ADHERENT", "treatment stopped well before 80% of six months was dispensed"),
    s.NO_TREATMENT: ("NO_TREATMENT", "diagnosed on {d}, never dispensed treatment"),
    s.LATE_TREATMENT: ("TREATMENT_AFTER_30_DAYS", "diagnosed on {d}, first dispensation on {t}"),
    s.OLD_CASE: ("NOT_NEW_CASE", "a row of the group dated {old}, in the 12 months before the diagnosis of {d}"),
    s.OLD_AT_LOOKBACK: ("OLD_ROW_AT_LOOKBACK", "a row of the group exactly 12 months before the diagnosis of {d} "
                                               "({old}): not a new case"),
    s.NO_DIAGNOSIS: ("NO_DIAGNOSIS", "only screened as a contact; no diagnosis of HIV or tuberculosis"),
    s.DX_MINUS_31: ("DIAGNOSIS_31_DAYS_BEFORE_ENROLMENT", "diagnosed on {d}, E - 31 days; every later service of "
                                                          "the group is a dispensation"),
    s.COINFECTION: ("FIRST_GROUP_DECIDES", "tuberculosis diagnosed first ({d}) and its treatment stopped; HIV "
                                           "diagnosed later and treated does not count"),
    s.GAPS: ("ADHERENT_WITH_GAPS", "late refills, still 80% of six months; treatment from {t}"),
    s.DX_MINUS_30: ("DIAGNOSIS_30_DAYS_BEFORE_ENROLMENT", "diagnosed on {d}, E - 30 days; treatment from {t}"),
    s.TREATMENT_DAY_30: ("TREATMENT_ON_DAY_30", "diagnosed on {d}, first dispensation on D + 30 days ({t})"),
    s.OLD_BEFORE_LOOKBACK: ("OLD_ROW_BEFORE_LOOKBACK", "a row of the group on {old}, one day before the 12 months "
                                                       "before the diagnosis of {d}: a new case"),
}


def _date(day: int) -> str:
    return to_date(int(day)).isoformat()


class Labeller:
    """What the generator knows about each claim, in words."""

    def __init__(self, *, claims: Claims, world, contract_start: int, noisy: dict[int, str],
                 old_rows: dict[int, int]) -> None:
        self.claims, self.world, self.contract_start = claims, world, contract_start
        self.noisy = noisy
        """Per person whose RIPS rows carry document noise: REGISTRY_DOC_TYPO or REGISTRY_DOC_RENEWED."""
        self.old_rows = old_rows
        """Per transmisibles enrolment with an earlier row of its group: that row's day."""

    def label(self, index: int, duplicate_of: str | None, noise_changed: bool, last: int) -> tuple[str, str]:
        claims, w = self.claims, self.world
        if duplicate_of is not None:
            return "DUPLICATE", f"repeats the claim in {duplicate_of}"
        intent, programme = int(claims.intent[index]), int(claims.programme[index])
        enrolments = w.enrolments[programme]
        enrolment = int(claims.enrolment[index])
        fecha = int(claims.fecha[index])
        not_owned = not_owned_label(intent, enrolment, fecha, programme=PROGRAMMES[programme], enrolments=enrolments,
                                    codes=w.codes, before_enrolment="is a fourth control before the enrolment")
        if not_owned is not None:
            return not_owned
        start = int(enrolments.date[enrolment])
        person = int(claims.person[index])
        population = w.population
        if population.renewal[person] <= fecha and population.doc_type[person] == PE:
            return "DOC_RENEWED", (f"claimed with the PT that replaced the PEP on {_date(population.renewal[person])};"
                                   " the roster lists the PEP")
        if fecha < self.contract_start:
            return "NO_CONTRACT", (f"the outcome of {_date(fecha)} is before the contract began on "
                                   f"{_date(self.contract_start)}")
        if noise_changed:
            cause = self.noisy[person]
            what = ("a provider mistyped the person's number on an invoice" if cause == "REGISTRY_DOC_TYPO"
                    else "RIPS shows the PT that replaced the person's PEP from the renewal on")
            return cause, f"{what}; matching by document misses those rows"
        subject = w.subject_of[programme][enrolment]
        if programme == 0:
            p = w.pregnancies
            story = int(p.story[subject])
            after = int((p.controls_after()[subject] >= 0).sum())
            before = int(((p.control_day[subject] >= 0) & (p.control_day[subject] < start)).sum())
            if story in _PREGNANCY_LABELS:
                scenario, why = _PREGNANCY_LABELS[story]
                return scenario, why.format(after=after, before=before)
            if story == s.CORRECTED:
                return "REGISTRY_CORRECTION", (f"the fourth control after enrolment ({_date(fecha)}) verified the "
                                               "claim when received; a later RIPS note says it was no prenatal control")
            why = f"fourth control after enrolment on {_date(w.believed[programme][enrolment])}, enrolled {_date(start)}"
            special = ("HIGH_RISK_CONTROLS", f"controls by an obstetrician with Z35 diagnoses and purpose 15; {why}") \
                if story == s.HIGH_RISK else None
        else:
            k = w.cases
            story = int(k.story[subject])
            facts = dict(d=_date(k.diagnosis[subject]) if k.diagnosis[subject] >= 0 else "",
                         t=_date(k.treatment[subject]) if k.treatment[subject] >= 0 else "",
                         old=_date(self.old_rows[enrolment]) if enrolment in self.old_rows else "")
            if story == s.CORRECTED_DAYS:
                return "REGISTRY_CORRECTION", ("the dispensation that reached 80% verified the claim when received; "
                                               "a later RIPS row corrects its 30 days to 3")
            if story in _CASE_LABELS and story not in (s.GAPS, s.DX_MINUS_30, s.TREATMENT_DAY_30,
                                                       s.OLD_BEFORE_LOOKBACK):
                scenario, why = _CASE_LABELS[story]
                return scenario, why.format(**facts)
            why = f"80% of six months dispensed on {_date(w.believed[programme][enrolment])}, enrolled {_date(start)}"
            special = None
            if story in _CASE_LABELS:
                scenario, text = _CASE_LABELS[story]
                special = scenario, f"{text.format(**facts)}; {why}"
        outcome = int(w.believed[programme][enrolment])
        if month_of(outcome) + 2 > last:
            return "EARLY_CLAIM", f"the outcome of {_date(outcome)} is after the last run's RIPS horizon; {why}"
        if int(claims.month[index]) < month_of(outcome) + 2:
            if special is not None:
                return special
            return "EARLY_CLAIM", (f"claimed in {index_month(claims.month[index])}, before RIPS can show the "
                                   f"outcome of {_date(outcome)}; {why}")
        if special is not None:
            return special
        shown = population.doc_type_at(np.array([person, person]), np.array([start, fecha]))
        if population.doc_type[person] == TI and shown[0] != shown[1]:
            return "TI_CC", f"enrolled with {DOC_TYPES[shown[0]]}, claimed with {DOC_TYPES[shown[1]]}; {why}"
        return spelling_label(int(claims.cosmetic[index]), claims.doc_type[index], why)


def claim_truth(labeller: Labeller, decided: list[Decided], linked: list[Decided],
                positions: dict[tuple[str, int], int], person_ids: list[str], last: int) -> list[dict]:
    """Rows of claims.csv for the valid claims, in verdict order. `linked` holds the verdicts
    with every RIPS row of a person linked to the person (what perfect linkage would decide)."""
    records = []
    for entry, other in zip(decided, linked):
        claim = entry.claim
        index = positions[(claim.path, claim.row)]
        earlier = None if entry.duplicate_of is None else decided[entry.duplicate_of].claim
        person = int(labeller.claims.person[index])
        changed = (person in labeller.noisy and labeller.claims.intent[index] != intents.OTHER_PROGRAMME
                   and [(v.status, v.reason) for v in (entry.received, entry.final)]
                   != [(v.status, v.reason) for v in (other.received, other.final)])
        scenario, why = labeller.label(index, None if earlier is None else f"{earlier.path} row {earlier.row}",
                                       changed, last)
        records.append({
            "source_file": claim.path, "source_row": claim.row, "received_month": claim.month,
            "operador": claim.op, "person_id": person_ids[index], "resultado": claim.outcome, "scenario": scenario,
            "status_when_received": entry.received.status, "reason_when_received": entry.received.reason,
            "final_status": entry.final.status, "final_reason": entry.final.reason, "why": why,
        })
    return records


def unclaimed(oracle: Oracle, decided: list[Decided], person_of_key: dict[Key, str], last: str) -> pl.DataFrame:
    """Outcomes RIPS verifies as of `last` for people enrolled in either programme whose owner
    never claimed the programme's outcome under the document (whatever the verdict). Read by
    document, as deterministic matching reads them; `outcome_month` is the month of the outcome
    date; `placement_month` is empty."""
    claimed = {(entry.claim.programme, entry.claim.key, entry.claim.op) for entry in decided}
    records = []
    for programme, key in sorted(oracle.listings, key=lambda item: (person_of_key.get(item[1], ""), item[0])):
        if key not in person_of_key:
            continue
        owner = oracle.owner(programme, key, last)
        if owner is None or (programme, key, owner.op) in claimed:
            continue
        verdict = oracle.rule(programme, key, owner, last)
        if verdict.status == VERIFIED:
            records.append({"person_id": person_of_key[key], "operador": owner.op,
                            "resultado": OUTCOMES[PROGRAMMES.index(programme)],
                            "outcome_month": verdict.outcome_date.strftime("%Y-%m"),
                            "enrolment_month": owner.date.strftime("%Y-%m"), "placement_month": ""})
    return unclaimed_frame(records)


def people_truth(population, kind: np.ndarray, extras, listed: pl.DataFrame) -> pl.DataFrame:
    """The health people, then the people of the invalid rows, in the columns of people.csv.
    `kind` is SALUD_MATERNA, SALUD_TRANSMISIBLES or SALUD_RIPS_ONLY (someone only RIPS
    knows); `listed` holds every roster listing (person, op code, date) of both programmes."""
    kinds = np.array(KIND_NAMES)[kind]
    people = pl.concat([people_rows(population, kinds), people_rows(extras, "INVALID_ROW_ONLY")])
    listed = listed.unique(["person", "code"], keep="first").sort(["person", "date", "code"])
    return with_operators(people, population, listed)
