"""What each claim is, in the generator's words: the scenario label and a plain-text reason.

Labels come from what the generator did (the operator's intent, the document defect) and from
the registry's final truth (is the person additional, does the registry support the outcome),
not from the verdicts; the tests then check that verdicts and labels agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from .claims import (ADDITIONALITY_MONTHS, ALIAS, COLOCACION, DOTS, EARLY, FABRICATED, NOT_ENROLLED, OTHER_OPERATOR,
                     PLACEMENT_WINDOW, RETENTION_MONTHS, TYPO)
from .timeline import Timeline, index_month, month_of
from .verdicts import REJECTED, VERIFIED, Verdict

SCENARIOS: tuple[str, ...] = (
    "TRUE_CLAIM", "UNSUPPORTED", "NOT_RETAINED", "EARLY_RETENTION", "DUPLICATE", "NOT_ENROLLED", "DOC_TYPO",
    "TYPE_ALIAS", "DOTS_IN_NUMBER", "OTHER_OPERATOR", "NOT_ADDITIONAL", "RESULT_BEFORE_ENROLMENT",
    "REGISTRY_CORRECTION", "INVALID_ROW",
)


@dataclass(frozen=True)
class ClaimFacts:
    """What the labeller needs of one valid claim."""

    person: int
    op: int
    outcome: int
    fecha: int
    month: int
    intent: int
    cosmetic: int
    written_type: str
    duplicate_of: str | None
    """`file row N` of the earlier claim it repeats, if any."""
    owner_code: str | None
    enrol_date: int | None
    """Owner's `fecha_inscripcion` (world truth), None when nobody enrolled the person."""
    world: int
    """Final qualifying-month mask of the person."""


def label(facts: ClaimFacts, received: Verdict, final: Verdict, timeline: Timeline,
          correction: str | None) -> tuple[str, str]:
    """(scenario, why) of one valid claim. `correction` describes a registry correction that
    touched the person, if any."""
    if facts.duplicate_of is not None:
        return "DUPLICATE", f"repeats the claim in {facts.duplicate_of}"
    if facts.intent == FABRICATED:
        return "NOT_ENROLLED", "nobody holds this document; no operator enrolled it"
    if facts.cosmetic == TYPO:
        return "DOC_TYPO", "document number mistyped (a digit changed or two swapped), so it matches no enrolment"
    if facts.intent == NOT_ENROLLED:
        return "NOT_ENROLLED", "the operator never enrolled this person"
    if facts.intent == OTHER_OPERATOR:
        return "OTHER_OPERATOR", f"{facts.owner_code} enrolled the person first"
    if facts.fecha < facts.enrol_date:
        return "RESULT_BEFORE_ENROLMENT", "the job started before the person's enrolment date"
    if received.status == VERIFIED and final.status == REJECTED:
        return "REGISTRY_CORRECTION", f"verified when received; {correction or 'a later extract'} took the month back"

    start = month_of(facts.enrol_date)
    bit = timeline.bit
    before = [month for month in range(start - ADDITIONALITY_MONTHS, start) if facts.world & bit(month)]
    if before:
        return "NOT_ADDITIONAL", (f"qualifying contribution in {index_month(before[0])}, within "
                                  f"{ADDITIONALITY_MONTHS} months before enrolment in {index_month(start)}")
    qualifying = [month for month in range(start, start + PLACEMENT_WINDOW + 1)
                  if month <= timeline.world_end and facts.world & bit(month)]
    placement = qualifying[0] if qualifying else None
    if facts.intent == EARLY:
        months = RETENTION_MONTHS[facts.outcome]
        return "EARLY_RETENTION", (f"claimed in {index_month(facts.month)}, before the retention window "
                                   f"{index_month(placement)}..{index_month(placement + months - 1)} was observable")
    if facts.outcome == COLOCACION:
        end = min(month_of(facts.fecha) + 1, start + PLACEMENT_WINDOW)
        found = [month for month in qualifying if month <= end]
        if not found:
            return "UNSUPPORTED", f"no qualifying month between {index_month(start)} and {index_month(end)}"
        why = f"qualifying month {index_month(found[0])} in the window {index_month(start)}..{index_month(end)}"
    else:
        months = RETENTION_MONTHS[facts.outcome]
        if placement is None:
            return "UNSUPPORTED", f"no qualifying month within {PLACEMENT_WINDOW} months of enrolment"
        gaps = [month for month in range(placement, placement + months) if not facts.world & bit(month)]
        if gaps:
            return "NOT_RETAINED", f"placed in {index_month(placement)}, but {index_month(gaps[0])} does not qualify"
        why = f"qualifying months {index_month(placement)}..{index_month(placement + months - 1)}"
    if facts.cosmetic == ALIAS:
        return "TYPE_ALIAS", f"document type written {facts.written_type!r}; {why}"
    if facts.cosmetic == DOTS:
        return "DOTS_IN_NUMBER", f"document number written with dots; {why}"
    return "TRUE_CLAIM", why
