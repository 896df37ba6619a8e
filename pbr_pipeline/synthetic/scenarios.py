"""What each claim is, in the generator's words: the scenario label and a plain-text reason.

Labels come from what the generator did (the operator's intent, the document defect) and from
the registry's final truth (is the person additional, does the registry support the outcome),
not from the verdicts; the tests then check that verdicts and labels agree. Where noise in
other records (a roster row, the registry under a renewed document) makes matching by
document decide otherwise than perfect linkage would, the label says so instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .claims import (ADDITIONALITY_MONTHS, ALIAS, COLOCACION, DOTS, EARLY, FABRICATED, NOT_ENROLLED, OTHER_OPERATOR,
                     PLACEMENT_WINDOW, RETENTION_MONTHS, TYPO, WRONG_TYPE)
from .timeline import Timeline, index_month, month_of
from .verdicts import REJECTED, VERIFIED, Verdict

SCENARIOS: tuple[str, ...] = (
    "TRUE_CLAIM", "UNSUPPORTED", "NOT_RETAINED", "EARLY_RETENTION", "DUPLICATE", "NOT_ENROLLED", "DOC_TYPO",
    "TYPE_ALIAS", "DOTS_IN_NUMBER", "OTHER_OPERATOR", "NOT_ADDITIONAL", "RESULT_BEFORE_ENROLMENT",
    "REGISTRY_CORRECTION", "INVALID_ROW", "DOC_WRONG_TYPE", "DOC_RENEWED", "ROSTER_DOC_NOISE", "REGISTRY_DOC_RENEWED",
)

ROSTERS_LINKED, REGISTRY_LINKED = "rosters", "registry"
"""What linkage would have to fix for a claim to get the verdict perfect linkage gives it:
the person's roster rows (a mistyped or wrongly typed document), or the registry rows under
the PT that replaced the PEP."""


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
    held_type: str
    """Type of the document the person held at the start."""
    duplicate_of: str | None
    """`file row N` of the earlier claim it repeats, if any."""
    owner_code: str | None
    enrol_date: int | None
    """Owner's `fecha_inscripcion` (world truth), None when nobody enrolled the person."""
    world: int
    """Final qualifying-month mask of the person."""
    renewed: bool = False
    """The claim gives the PT that replaced the person's PEP."""
    linked_by: str | None = None
    """ROSTERS_LINKED or REGISTRY_LINKED when linking the person's records would change the
    verdict (only for claims that give the person's own document)."""


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
    if facts.cosmetic == WRONG_TYPE:
        return "DOC_WRONG_TYPE", (f"document type written {facts.written_type} for the person's {facts.held_type}, "
                                  "so it matches no enrolment")
    if facts.renewed:
        return "DOC_RENEWED", ("the person's PEP was replaced by a PT with a new number after the enrolment; the claim "
                               "gives the PT, the rosters the PEP, so it matches no enrolment")
    if facts.linked_by == ROSTERS_LINKED:
        return "ROSTER_DOC_NOISE", (f"a roster row of the person gives a mistyped number or a wrong type, so by "
                                    f"document the enrolment history differs: {final.status} {final.reason}".strip())
    if facts.linked_by == REGISTRY_LINKED:
        return "REGISTRY_DOC_RENEWED", ("the registry gives the person's months after the PEP's renewal under the new "
                                        f"PT, which matching by document does not see: {final.status} "
                                        f"{final.reason}".strip())
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
