"""The health services people receive: what RIPS will report about them, before anyone bills it.

Every enrolment gets a story, drawn with fixed shares, and a few are set aside so that every
edge of the two rules shows up even in a small data set.

Pregnancies (SALUD_MATERNA). A woman enrolled on day E is some weeks pregnant; she starts
prenatal care between weeks 6 and 14 and is seen at weeks 8, 12, 16, 20, 24, 28, 31, 34, 36
and 38 (a few days either way, missing one now and then) until she gives birth at 38-41
weeks (a few before). A control is a consultation with purpose 23 and a Z34 diagnosis (or a
pregnancy condition such as gestational diabetes), or with a Z34 diagnosis and another
purpose; one control day in twenty also brings an ultrasound or a blood count the same day, and
the dispensing pharmacy hands her folic acid most months. The birth is a stay, a delivery
procedure and a newborn row (with the number of controls), then a postpartum check. Stories:
- FULL: every control after E happens (four or more);
- HIGH_RISK: the same, seen by an obstetrician with a Z35 diagnosis and purpose 15 (they
  count by the diagnosis);
- FEW: one to three controls after E, then she stops coming;
- LATE: enrolled at 30-34 weeks, after most of her controls: three or fewer after E;
- SAME_DAY: three control days after E, one of them with two control rows;
- EMERGENCIES: three control days after E and two visits to the emergency room for the
  pregnancy (not controls: emergencies are not consultations);
- CORRECTED: exactly four control days after E; a later RIPS note corrects the fourth (it
  was not a prenatal control);
- MAN: a man enrolled by mistake, with everyday services.

Cases (SALUD_TRANSMISIBLES). A person with HIV or tuberculosis is diagnosed on day D near the
enrolment E (a consultation with the group's diagnosis, the same day a viral load or a
sputum smear), seen every two months after, and dispensed treatment from T: antiretrovirals
for 30 days every 30 days; for tuberculosis 14 days every 14 days for two months, then 28
days every 28 days for four. Stories:
- ADHERENT: on time (a few days either way); GAPS: late refills, still 80% of the six months;
- NOT_ADHERENT: stops after one to three refills (antiretrovirals) or after the intensive
  phase; NO_TREATMENT: never dispensed; LATE_TREATMENT: T is 31-60 days after D;
- OLD_CASE: a row of the group (a consultation or a dispensation) between 12 months before D
  and 31 days before E: not a new case; NO_DIAGNOSIS: only screening as a contact;
- set aside: D exactly 30 days before E (counts) or 31 (does not, and every later service of
  the group is a dispensation: no diagnosis); T exactly D + 30 days; an earlier row exactly 12
  months before D (old case) or one day before that (new case); tuberculosis then HIV (the
  first diagnosis decides the group); a dispensation later corrected from 30 days to 3.

Everyone also gets everyday services (consultations, dental care, tests, emergencies,
painkillers, supplies) whose codes touch neither rule: one every two people over the data set
(they only need to be there; at four a person they were more than a quarter of the committed
sample's RIPS rows). Days are day numbers; each row also has a minute of the day and the
provider that bills it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..bilinguismo.exams import add_months
from ..timeline import Timeline, first_day, last_day
from . import catalogue as c
from .people import BACKGROUND, CASE, MAN, MOTHER

FULL, HIGH_RISK, FEW, LATE, SAME_DAY, EMERGENCIES, CORRECTED, MAN_ENROLLED = range(8)
PREGNANCY_STORIES = ("FULL", "HIGH_RISK", "FEW", "LATE", "SAME_DAY", "EMERGENCIES", "CORRECTED", "MAN")
PREGNANCY_SHARES = (0.66, 0.08, 0.14, 0.07, 0.025, 0.025, 0.0, 0.0)

(ADHERENT, GAPS, NOT_ADHERENT, NO_TREATMENT, LATE_TREATMENT, OLD_CASE, NO_DIAGNOSIS, DX_MINUS_30, DX_MINUS_31,
 TREATMENT_DAY_30, OLD_AT_LOOKBACK, OLD_BEFORE_LOOKBACK, COINFECTION, CORRECTED_DAYS) = range(14)
CASE_STORIES = ("ADHERENT", "GAPS", "NOT_ADHERENT", "NO_TREATMENT", "LATE_TREATMENT", "OLD_CASE", "NO_DIAGNOSIS",
                "DX_MINUS_30", "DX_MINUS_31", "TREATMENT_DAY_30", "OLD_AT_LOOKBACK", "OLD_BEFORE_LOOKBACK",
                "COINFECTION", "CORRECTED_DAYS")
CASE_SHARES = (0.54, 0.10, 0.12, 0.05, 0.06, 0.07, 0.06, 0, 0, 0, 0, 0, 0, 0)
VERIFIED_CASES = (ADHERENT, GAPS, DX_MINUS_30, TREATMENT_DAY_30, OLD_BEFORE_LOOKBACK, CORRECTED_DAYS)
"""Stories whose registry rows (before any correction) verify CASO_ADHERENTE."""
VERIFIED_PREGNANCIES = (FULL, HIGH_RISK, CORRECTED)

HIV, TB = range(2)
WEEKS = np.array([8, 12, 16, 20, 24, 28, 31, 34, 36, 38])
"""Gestational weeks of the prenatal controls."""

# What a row is to the story (for the labels; never read by the rules).
ROLE_CONTROL, ROLE_SAME_DAY, ROLE_PREGNANCY_OTHER, ROLE_EVERYDAY, ROLE_DIAGNOSIS, ROLE_FOLLOW_UP, ROLE_DISPENSED, \
    ROLE_OLD, ROLE_SCREENING, ROLE_SECOND_GROUP = range(10)


@dataclass(frozen=True)
class Services:
    """Service rows as columns, in no particular order."""

    person: np.ndarray
    day: np.ndarray
    minute: np.ndarray
    """Minute of the day the care started (or the medicine was dispensed)."""
    service: np.ndarray
    """Index into catalogue.SERVICES."""
    dx: np.ndarray
    """CIE-10 main diagnosis ("" for none)."""
    purpose: np.ndarray
    """finalidadTecnologiaSalud ("" for none)."""
    days: np.ndarray
    """diasTratamiento of a medicine (-1 for none)."""
    provider: np.ndarray
    prenatal: np.ndarray
    """numConsultasCPrenatal of a newborn row (-1 for none)."""
    role: np.ndarray
    owner: np.ndarray
    """The enrolment (of the programme the row's story belongs to) whose story made the row;
    -1 for everyday services."""

    @property
    def size(self) -> int:
        return len(self.person)

    @property
    def kind(self) -> np.ndarray:
        return np.array([service.kind for service in c.SERVICES])[self.service]


class _Collector:
    _names = ("person", "day", "minute", "service", "dx", "purpose", "days", "provider", "prenatal", "role", "owner")
    _objects = {"dx", "purpose"}

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.parts: dict[str, list[np.ndarray]] = {name: [] for name in self._names}

    def add(self, mask, person, day, service, dx, provider, role, owner=-1, purpose=None, days=None, prenatal=-1,
            minute=None) -> None:
        mask = np.asarray(mask, dtype=bool)
        size = len(mask)
        count = int(mask.sum())
        if not count:
            return
        service_arr = np.broadcast_to(np.asarray(service, dtype=np.int64), (size,))
        if purpose is None:
            purpose = np.array([s.purpose for s in c.SERVICES], dtype=object)[service_arr]
        if days is None:
            days = np.array([s.days if s.kind == c.MEDICAMENTO else -1 for s in c.SERVICES])[service_arr]
        if minute is None:
            minute = self.rng.integers(7 * 60, 18 * 60, size)
        values = dict(person=person, day=day, minute=minute, service=service_arr, dx=dx, purpose=purpose, days=days,
                      provider=provider, prenatal=prenatal, role=role, owner=owner)
        for name in self._names:
            dtype = object if name in self._objects else np.int64
            self.parts[name].append(np.broadcast_to(np.asarray(values[name], dtype=dtype), (size,))[mask])

    def services(self) -> Services:
        empty = {name: np.zeros(0, dtype=object if name in self._objects else np.int64) for name in self._names}
        return Services(**{name: np.concatenate(parts) if parts else empty[name]
                           for name, parts in self.parts.items()})


def _pick(rng: np.random.Generator, options, size: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size)]


def _between(rng: np.random.Generator, low, high) -> np.ndarray:
    low, high = np.asarray(low, dtype=np.int64), np.asarray(high, dtype=np.int64)
    span = np.maximum(high - low + 1, 1)
    return low + (rng.random(span.shape) * span).astype(np.int64)


def _set_aside(rng: np.random.Generator, story: np.ndarray, set_aside: np.ndarray, eligible: np.ndarray, common: int,
               wanted: int, prefer: np.ndarray | None = None, convert: bool = False) -> None:
    """Set one subject of story `wanted` aside to show it (chosen where `prefer` holds when it
    can): an eligible one drawn with it, or, when none was (or always with `convert`), one of
    the `common` story turned into it."""
    drawn = eligible & ~set_aside & (story == wanted) & (not convert)
    turned = eligible & ~set_aside & (story == common)
    preferred = np.ones(len(story), dtype=bool) if prefer is None else prefer
    for pool in (drawn & preferred, turned & preferred, drawn, turned):
        if pool.any():
            chosen = int(rng.choice(np.flatnonzero(pool)))
            story[chosen], set_aside[chosen] = wanted, True
            return


# Pregnancies -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pregnancies:
    """Per subject of SALUD_MATERNA (enrolled or not): the story and its days."""

    person: np.ndarray
    reference: np.ndarray
    """E for an enrolled subject; a made-up day for a pregnant woman nobody enrolled."""
    enrolment: np.ndarray
    """Index into the programme's Enrolments, -1 for nobody's."""
    story: np.ndarray
    control_day: np.ndarray
    """(subjects × len(WEEKS)) day of each control, -1 where it does not happen."""
    delivery: np.ndarray
    """Day of birth (-1 for a man)."""
    set_aside: np.ndarray
    """Chosen to show an edge case: its owner claims it for sure."""

    def controls_after(self) -> np.ndarray:
        """Control days on or after the reference day, per subject, sorted (-1 padded)."""
        after = np.where(self.control_day >= self.reference[:, None], self.control_day, np.iinfo(np.int64).max)
        ordered = np.sort(after, axis=1)
        return np.where(ordered == np.iinfo(np.int64).max, -1, ordered)


def plan_pregnancies(rng: np.random.Generator, person: np.ndarray, reference: np.ndarray, enrolment: np.ndarray,
                     is_man: np.ndarray, timeline: Timeline, contract_start: int) -> Pregnancies:
    """Draw the stories and the control days; set one subject aside for each rare story."""
    size = len(person)
    story = rng.choice(len(PREGNANCY_SHARES), size=size, p=PREGNANCY_SHARES)
    story = np.where(is_man, MAN_ENROLLED, story)
    enrolled = enrolment >= 0
    women = ~is_man & enrolled
    set_aside = np.zeros(size, dtype=bool)
    # Where the nine-month window closes within the data set, a rejection can show.
    closes = add_months(reference, 9) <= last_day(timeline.last - 2)
    # Elsewhere, where the fourth control (or its absence) shows within the data set and the
    # contract covers it.
    shows = (add_months(reference, 5) <= last_day(timeline.last - 2)) & (reference >= contract_start - 60)
    for wanted in (LATE, FEW, SAME_DAY, EMERGENCIES, HIGH_RISK):
        _set_aside(rng, story, set_aside, women, FULL, wanted, prefer=closes if wanted in (LATE, FEW) else shows)

    pregnant_days = np.where(story == LATE, rng.integers(210, 239, size), rng.integers(42, 169, size))
    lmp = reference - pregnant_days
    term = np.where(rng.random(size) < 0.06, rng.integers(240, 266, size), rng.integers(266, 288, size))
    delivery = np.where(is_man, -1, lmp + term)
    start_week = np.where(story == LATE, rng.integers(6, 11, size), rng.integers(6, 15, size))
    slots = len(WEEKS)
    day = lmp[:, None] + WEEKS[None, :] * 7 + rng.integers(-4, 5, (size, slots))
    happens = (WEEKS[None, :] >= start_week[:, None]) & (day < delivery[:, None] - 2) & ~is_man[:, None]
    missed = rng.random((size, slots)) < 0.1
    after = day >= reference[:, None]
    # After enrolment the stories decide; before it, a missed control is a missed control.
    happens &= ~(missed & ~after)
    happens &= ~(missed & after & (story == LATE)[:, None])
    control_day = np.where(happens, day, -1)
    rank = np.cumsum(happens & after, axis=1)
    keep_after = np.select([story == FEW, story == LATE, np.isin(story, (SAME_DAY, EMERGENCIES)), story == CORRECTED],
                           [rng.integers(1, 4, size), np.minimum(3, rng.integers(2, 4, size)), 3, 4], slots)
    control_day = np.where(after & (rank > keep_after[:, None]), -1, control_day)
    pregnancies = Pregnancies(person, reference, enrolment, story, control_day, delivery, set_aside)

    # One fourth control corrected later: the claim comes two months after it, the note a
    # month after the claim, both within the data set, and the contract covers the control.
    fourth = pregnancies.controls_after()[:, 3]
    fits = (women & ~set_aside & (story == FULL) & (fourth >= contract_start)
            & (fourth <= last_day(timeline.last - 3)))
    if fits.any():
        chosen = int(rng.choice(np.flatnonzero(fits)))
        story[chosen], set_aside[chosen] = CORRECTED, True
        later = np.flatnonzero(control_day[chosen] > fourth[chosen])
        control_day[chosen, later] = -1
    return Pregnancies(person, reference, enrolment, story, control_day, delivery, set_aside)


def pregnancy_services(rng: np.random.Generator, rows: _Collector, pregnancies: Pregnancies) -> None:
    """The rows of every pregnancy: controls, same-day tests, vitamins, emergencies, the birth."""
    p = pregnancies
    size = len(p.person)
    woman = p.story != MAN_ENROLLED
    home = np.asarray([c.PRIMARY, c.CLINIC, c.MATERNITY])[rng.integers(0, 3, size)]
    home = np.where(p.story == HIGH_RISK, c.HOSPITAL, home)
    happens = p.control_day >= 0
    first_slot = np.argmax(happens, axis=1)
    for slot in range(len(WEEKS)):
        mask = happens[:, slot]
        day = p.control_day[:, slot]
        normal = rng.random(size)
        dx = np.where(normal < 0.12, _pick(rng, c.PREGNANCY_CONDITIONS, size), _pick(rng, c.NORMAL_PREGNANCY, size))
        # A few controls are written with a Z34 diagnosis and purpose 15: they count by the diagnosis.
        purpose = np.where((normal >= 0.12) & (normal < 0.2), c.DIAGNOSIS, c.PRENATAL_CARE).astype(object)
        service = np.where(slot == first_slot, c.FIRST_CONTROL, np.where(rng.random(size) < 0.35, c.NURSE_CONTROL,
                                                                          c.CONTROL))
        high = p.story == HIGH_RISK
        service = np.where(high, c.OBSTETRICIAN, service)
        dx = np.where(high, _pick(rng, c.HIGH_RISK_PREGNANCY, size), dx)
        purpose = np.where(high, c.DIAGNOSIS, purpose)
        minute = rng.integers(7 * 60, 16 * 60, size)
        rows.add(mask, p.person, day, service, dx, home, ROLE_CONTROL, p.enrolment, purpose=purpose, minute=minute)
        # A test the same day (an ultrasound or a blood count): a second control row on a day
        # that counts once.
        test = mask & (rng.random(size) < 0.05)
        # Never on the control a note corrects later: that day must stop counting.
        test &= ~((p.story == CORRECTED) & (day == p.controls_after()[:, 3]))
        test_dx = np.where(high, dx, _pick(rng, c.NORMAL_PREGNANCY, size))
        rows.add(test, p.person, day, np.where(rng.random(size) < 0.5, c.ULTRASOUND, c.PRENATAL_LAB), test_dx,
                 np.where(high, c.HOSPITAL, c.CLINIC), ROLE_SAME_DAY, p.enrolment,
                 purpose=np.where(high, c.DIAGNOSIS, c.PRENATAL_CARE), minute=minute + rng.integers(20, 90, size))

    # SAME_DAY: one of the three control days after E gets a second control row.
    after = p.controls_after()
    same = np.flatnonzero(p.story == SAME_DAY)
    if len(same):
        day = after[same, rng.integers(0, 3, len(same))]
        rows.add(day >= 0, p.person[same], day, c.ULTRASOUND, _pick(rng, c.NORMAL_PREGNANCY, len(same)), c.CLINIC,
                 ROLE_SAME_DAY, p.enrolment[same], minute=rng.integers(16 * 60, 18 * 60, len(same)))
    # EMERGENCIES: two emergency visits for the pregnancy after E, on days without a control.
    urgent = np.flatnonzero(p.story == EMERGENCIES)
    for offset in (9, 23):
        day = after[urgent, 0] + offset
        rows.add(after[urgent, 0] >= 0, p.person[urgent], day, c.EMERGENCY,
                 _pick(rng, c.PREGNANCY_EMERGENCIES, len(urgent)), c.HOSPITAL, ROLE_PREGNANCY_OTHER,
                 p.enrolment[urgent])
    # Some women go to the emergency room once during the pregnancy anyway.
    started = np.where(happens.any(axis=1), np.where(happens, p.control_day, np.iinfo(np.int64).max).min(axis=1), -1)
    er = woman & (started >= 0) & (rng.random(size) < 0.15)
    rows.add(er, p.person, _between(rng, started + 10, p.delivery - 10), c.EMERGENCY,
             _pick(rng, c.PREGNANCY_EMERGENCIES[:2], size), c.HOSPITAL, ROLE_PREGNANCY_OTHER, p.enrolment)
    # Folic acid, dispensed each month from the first control by the insurer's dispensing
    # pharmacy (a medicine: never a control).
    for month_offset in range(0, 8):
        day = started + 30 * month_offset + rng.integers(0, 5, size)
        dispensed = woman & (started >= 0) & (day < p.delivery) & (rng.random(size) < 0.7)
        rng.random(size)  # once sent half of it to her provider; still drawn, so that every later draw stays put
        rows.add(dispensed, p.person, day, c.FOLIC_ACID, "Z348", c.PHARMACY, ROLE_PREGNANCY_OTHER, p.enrolment)
    # The birth: a stay, the delivery, the newborn (with the controls she had), a postpartum check.
    born = woman & (p.delivery >= 0)
    place = np.where(rng.random(size) < 0.6, c.HOSPITAL, c.MATERNITY)
    controls = happens.sum(axis=1)
    birth_minute = rng.integers(0, 24 * 60, size)
    rows.add(born, p.person, p.delivery, c.DELIVERY_STAY, _pick(rng, c.DELIVERY_DX, size), place,
             ROLE_PREGNANCY_OTHER, p.enrolment, minute=np.maximum(birth_minute - 240, 0))
    rows.add(born, p.person, p.delivery, c.DELIVERY, _pick(rng, c.DELIVERY_DX, size), place, ROLE_PREGNANCY_OTHER,
             p.enrolment, minute=birth_minute)
    rows.add(born, p.person, p.delivery, c.NEWBORN, c.NEWBORN_DX, place, ROLE_PREGNANCY_OTHER, p.enrolment,
             prenatal=controls, minute=birth_minute)
    rows.add(born & (rng.random(size) < 0.6), p.person, p.delivery + rng.integers(7, 11, size), c.POSTPARTUM,
             c.POSTPARTUM_DX, home, ROLE_PREGNANCY_OTHER, p.enrolment)


# Cases -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cases:
    """Per subject of SALUD_TRANSMISIBLES (enrolled or not): the story and its days."""

    person: np.ndarray
    reference: np.ndarray
    enrolment: np.ndarray
    story: np.ndarray
    group: np.ndarray
    diagnosis: np.ndarray
    """D: day of the diagnosing consultation (-1 for none)."""
    treatment: np.ndarray
    """T: day of the first dispensation (-1 for none)."""
    set_aside: np.ndarray


def plan_cases(rng: np.random.Generator, person: np.ndarray, reference: np.ndarray, enrolment: np.ndarray,
               timeline: Timeline, contract_start: int) -> Cases:
    size = len(person)
    story = rng.choice(len(CASE_SHARES), size=size, p=np.array(CASE_SHARES) / sum(CASE_SHARES))
    group = np.where(rng.random(size) < 0.6, HIV, TB)
    enrolled = enrolment >= 0
    set_aside = np.zeros(size, dtype=bool)
    # Where a window closes within the data set (twelve months for the diagnosis; about eight
    # for treatment and adherence), a rejection can show.
    horizon = last_day(timeline.last - 2)
    closes = {NO_DIAGNOSIS: add_months(reference, 12) <= horizon, NOT_ADHERENT: add_months(reference, 8) <= horizon,
              DX_MINUS_31: add_months(reference, 12) <= horizon, COINFECTION: add_months(reference, 8) <= horizon}
    # Elsewhere, where the outcome shows within the data set and the contract covers it.
    shows = (add_months(reference, 6) <= horizon) & (reference >= contract_start - 60)
    # At least one of each drawn story among the enrolled, then one of each rare one.
    for wanted in (GAPS, NOT_ADHERENT, NO_TREATMENT, LATE_TREATMENT, OLD_CASE, NO_DIAGNOSIS):
        _set_aside(rng, story, set_aside, enrolled, ADHERENT, wanted, prefer=closes.get(wanted, shows))
    for wanted in (DX_MINUS_30, DX_MINUS_31, TREATMENT_DAY_30, OLD_AT_LOOKBACK, OLD_BEFORE_LOOKBACK, COINFECTION):
        _set_aside(rng, story, set_aside, enrolled, ADHERENT, wanted, prefer=closes.get(wanted, shows), convert=True)
    group = np.where(story == COINFECTION, TB, group)

    offset = np.where(rng.random(size) < 0.7, rng.integers(-20, 15, size), rng.integers(15, 60, size))
    diagnosis = reference + offset
    diagnosis = np.select([story == DX_MINUS_30, story == DX_MINUS_31], [reference - 30, reference - 31], diagnosis)
    diagnosis = np.where(story == NO_DIAGNOSIS, -1, diagnosis)
    treatment = diagnosis + np.where(rng.random(size) < 0.8, rng.integers(0, 15, size), rng.integers(15, 29, size))
    treatment = np.select([story == LATE_TREATMENT, story == TREATMENT_DAY_30, story == DX_MINUS_31],
                          [diagnosis + rng.integers(31, 61, size), diagnosis + 30, reference - 25], treatment)
    treatment = np.where(np.isin(story, (NO_TREATMENT, NO_DIAGNOSIS)), -1, treatment)
    # One dispensation corrected later (30 days written, 3 meant): five on time, the fifth
    # reaching 80%, within the contract, claimed two months later, corrected a month after that.
    fits = (enrolled & ~set_aside & (story == ADHERENT) & (group == HIV) & (treatment + 120 >= contract_start)
            & (treatment + 120 <= last_day(timeline.last - 3)))
    if fits.any():
        chosen = int(rng.choice(np.flatnonzero(fits)))
        story[chosen], set_aside[chosen] = CORRECTED_DAYS, True
    return Cases(person, reference, enrolment, story, group, diagnosis, treatment, set_aside)


def _schedule(rng: np.random.Generator, cases: Cases) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Dispensations as (offset from T, days, service) per slot, one array per column."""
    size = len(cases.person)
    story, group = cases.story, cases.group
    gaps = story == GAPS
    slots = []
    offset = np.zeros(size, dtype=np.int64)
    # Antiretrovirals: 12 refills of 30 days; tuberculosis: 4 of 14, then 4 of 28.
    for step in range(12):
        tb_days = np.where(step < 4, 14, 28)
        days = np.where(group == HIV, 30, tb_days)
        service = np.where(group == HIV, np.where(rng.random(size) < 0.25, c.ARV_DTG, c.ARV),
                           np.where(step < 4, c.TB_INTENSIVE, c.TB_CONTINUATION))
        present = (group == HIV) | (step < 8)
        stop = np.select([story == NOT_ADHERENT, story == CORRECTED_DAYS, story == COINFECTION],
                         [np.where(group == HIV, 1 + cases.person % 3, 4 + cases.person % 2), 5, 2], 12)
        present &= step < stop
        slots.append((offset.copy(), days, service, present))
        jitter = np.where(gaps, rng.integers(3, 9, size) * (group == HIV) + rng.integers(1, 5, size) * (group == TB),
                          rng.integers(-3, 4, size))
        jitter = np.where(story == CORRECTED_DAYS, 0, jitter)
        offset = offset + days + np.where(step == 0, np.maximum(jitter, 0), jitter)
    return slots


def case_services(rng: np.random.Generator, rows: _Collector, cases: Cases) -> None:
    k = cases
    size = len(k.person)
    diagnosed = k.diagnosis >= 0
    dx = np.where(k.group == HIV, _pick(rng, c.HIV_DX, size), _pick(rng, c.TB_DX, size))
    # The diagnosis: a consultation with the group's diagnosis and, the same day, its test.
    rows.add(diagnosed, k.person, k.diagnosis, c.INFECTIOUS_FIRST, dx, c.PROGRAMME_IPS, ROLE_DIAGNOSIS, k.enrolment,
             minute=rng.integers(7 * 60, 12 * 60, size))
    rows.add(diagnosed & (rng.random(size) < 0.7), k.person, k.diagnosis,
             np.where(k.group == HIV, c.VIRAL_LOAD, c.SPUTUM_SMEAR), dx, c.PROGRAMME_IPS, ROLE_DIAGNOSIS, k.enrolment,
             minute=rng.integers(12 * 60, 17 * 60, size))
    # Follow-ups every two months (none for the case whose later care is dispensations only).
    for step in range(1, 5):
        day = k.diagnosis + 60 * step + rng.integers(-5, 6, size)
        rows.add(diagnosed & (k.story != DX_MINUS_31) & (rng.random(size) < 0.8), k.person, day,
                 c.INFECTIOUS_FOLLOW_UP, dx, c.PROGRAMME_IPS, ROLE_FOLLOW_UP, k.enrolment)
    # Dispensations.
    treated = k.treatment >= 0
    where = np.where(rng.random(size) < 0.55, c.PROGRAMME_IPS, c.PHARMACY)
    for offset, days, service, present in _schedule(rng, k):
        rows.add(treated & present, k.person, k.treatment + offset, service, dx, where, ROLE_DISPENSED, k.enrolment,
                 days=days)
    # An earlier row of the group: an old case (or, one day before the lookback, a new one).
    lookback = add_months(np.maximum(k.diagnosis, 0), -12)
    latest_old = k.reference - 31
    old_day = np.select([k.story == OLD_AT_LOOKBACK, k.story == OLD_BEFORE_LOOKBACK],
                        [lookback, lookback - 1], _between(rng, np.maximum(lookback, latest_old - 300), latest_old))
    old = np.isin(k.story, (OLD_CASE, OLD_AT_LOOKBACK, OLD_BEFORE_LOOKBACK))
    as_medicine = (k.story == OLD_CASE) & (rng.random(size) < 0.4)
    rows.add(old & ~as_medicine, k.person, old_day, c.INFECTIOUS_FOLLOW_UP, dx, c.PROGRAMME_IPS, ROLE_OLD, k.enrolment)
    rows.add(old & as_medicine, k.person, old_day, np.where(k.group == HIV, c.ARV, c.TB_CONTINUATION), dx, c.PHARMACY,
             ROLE_OLD, k.enrolment, days=np.where(k.group == HIV, 30, 28))
    # Screening as a contact: no condition group at all.
    screened = k.story == NO_DIAGNOSIS
    rows.add(screened, k.person, k.reference + rng.integers(-10, 30, size), c.GENERAL,
             np.where(k.group == HIV, c.CONTACT_DX[0], c.CONTACT_DX[1]), c.PROGRAMME_IPS, ROLE_SCREENING, k.enrolment,
             purpose=c.EARLY_DETECTION)
    # Tuberculosis first, then HIV: diagnosed 10-20 days later and treated on time.
    both = k.story == COINFECTION
    hiv_day = k.diagnosis + rng.integers(10, 21, size)
    rows.add(both, k.person, hiv_day, c.INFECTIOUS_FIRST, "B24X", c.PROGRAMME_IPS, ROLE_SECOND_GROUP, k.enrolment)
    for step in range(8):
        rows.add(both, k.person, hiv_day + 5 + 30 * step, c.ARV, "B24X", c.PROGRAMME_IPS, ROLE_SECOND_GROUP,
                 k.enrolment, days=30)


# Everyday services -------------------------------------------------------------------------

def everyday_services(rng: np.random.Generator, rows: _Collector, person: np.ndarray, timeline: Timeline,
                      per_person: float, days: tuple[int, int] | None = None) -> None:
    """Services that touch neither rule, `per_person` on average over `days` (first and last
    day number; by default from six months before the first inbox month to its last month)."""
    size = len(person)
    low, high = days or (int(first_day(timeline.first - 6)), int(last_day(timeline.last)))
    count = rng.poisson(per_person, size)
    total = int(count.sum())
    who = np.repeat(person, count)
    day = rng.integers(low, high + 1, total)
    draw = rng.random(total)
    choice = np.select([draw < 0.45, draw < 0.55, draw < 0.67, draw < 0.77, draw < 0.92], [
        c.GENERAL, c.DENTAL, c.GLUCOSE, c.EMERGENCY, c.PAINKILLER], c.SUPPLY)
    dx = np.select([choice == c.DENTAL, choice == c.EMERGENCY, choice == c.SUPPLY],
                   [_pick(rng, c.DENTAL_DX, total), _pick(rng, c.EMERGENCY_DX, total), ""],
                   _pick(rng, c.EVERYDAY_DX, total)).astype(object)
    provider = np.select([choice == c.EMERGENCY, choice == c.PAINKILLER],
                         [c.HOSPITAL, np.where(rng.random(total) < 0.5, c.PHARMACY, c.PRIMARY)],
                         np.asarray([c.PRIMARY, c.CLINIC, c.PRIMARY, c.MATERNITY])[rng.integers(0, 4, total)])
    rows.add(np.ones(total, dtype=bool), who, day, choice, dx, provider, ROLE_EVERYDAY)


def build_services(rng: np.random.Generator, pregnancies: Pregnancies, cases: Cases, people: int,
                   timeline: Timeline, everyday_per_person: float = 0.5) -> Services:
    """Every service row of the `people` people of the health population."""
    rows = _Collector(rng)
    pregnancy_services(rng, rows, pregnancies)
    case_services(rng, rows, cases)
    everyday_services(rng, rows, np.arange(people), timeline, everyday_per_person)
    return rows.services()


__all__ = ["Services", "Pregnancies", "Cases", "plan_pregnancies", "plan_cases", "build_services", "MOTHER", "MAN",
           "CASE", "BACKGROUND"]
