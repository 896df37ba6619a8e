"""AUMENTO_PRODUCTIVIDAD claims as operators make them, and the defects they make.

An operator follows its units' measurements and claims the first visit, 10 to 24 months after
the enrolment, whose yield is a fifth above the unit's last visit before the enrolment: dated on
that visit, naming the producer (the claim format has no unit column), in the month the
measurement reaches it or the next. Operators compare yields but overlook that the area changed
or the crop did, and use whatever visit came last before the enrolment, however old, or the
first after it when there was none; now and then they claim a unit without any rise. A producer
with two units is claimed with the unit in `soporte` (as the roster writes it, or in lower
case), but not always: without it the claim is about the producer's first unit. Operators also
claim the baseline visit by mistake (before the enrolment), producers they never enrolled or
another operator enrolled first, a document nobody holds, and send claims twice. The producer's
CC is written as held, now and then with dots, leading zeros or a type alias.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..bilinguismo.verdicts import add_months
from ..claims import ClaimBatch, fresh_number, send_twice
from ..dated_claims import BEFORE_ENROLMENT, FABRICATED, NOT_ENROLLED, OWN, PLAIN, SECOND, DatedClaims, with_copies
from ..operators import Enrolments, ExtraEnrolments
from ..population import Population
from ..subjects import spell_some_oddly
from ..timeline import Timeline, month_of_day, to_date
from .measurements import Measurements
from .units import NO_BASELINE, RISES, Units

_TYPE_ALIASES = {"CC": ("C.C.", "cc", "C.C")}
EARLIEST_CLAIM_DAYS = 60
"""Operators claim rises from this many days before their contract starts on."""


@dataclass(frozen=True)
class Claims(DatedClaims):
    """AUMENTO_PRODUCTIVIDAD claim rows as columns: `person` is the producer (-1 for a document
    nobody holds), `enrolment` the unit's enrolment."""

    unit: np.ndarray
    """The unit the operator means (-1: none)."""


@dataclass(frozen=True)
class Beliefs:
    """Per enrolled unit, what its operator reads in the measurements (row indices, -1: none)."""

    baseline: np.ndarray
    """The last visit on or before the enrolment, or the first after it when there is none."""
    rise: np.ndarray
    """The first visit 10-24 months after the enrolment a fifth above the baseline's yield."""
    latest: np.ndarray
    """The last visit 10-24 months after the enrolment."""


def _days(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def read_measurements(rows: Measurements, units: Units, start: np.ndarray) -> Beliefs:
    count = units.enrolled
    baseline, rise, latest = (np.full(count, -1, dtype=np.int64) for _ in range(3))
    by_unit: dict[int, list[int]] = {}
    for row in np.argsort(rows.day, kind="stable").tolist():
        if rows.corrects[row] < 0:
            by_unit.setdefault(int(rows.unit[row]), []).append(row)
    for unit in range(count):
        mine = by_unit.get(unit, [])
        e = to_date(int(start[unit]))
        before = [row for row in mine if rows.day[row] <= start[unit]]
        after = [row for row in mine if rows.day[row] > start[unit]]
        if before or after:
            baseline[unit] = before[-1] if before else after[0]
        low, high = _days(add_months(e, 10)), _days(add_months(e, 24))
        window = [row for row in mine if low <= rows.day[row] <= high]
        if window:
            latest[unit] = window[-1]
        if baseline[unit] >= 0:
            base = rows.production[baseline[unit]] / rows.area[baseline[unit]]
            risen = [row for row in window if rows.production[row] / rows.area[row] >= 1.2 * base]
            if risen:
                rise[unit] = risen[0]
    return Beliefs(baseline, rise, latest)


class _Batch(ClaimBatch):
    _names = ("person", "op", "fecha", "month", "intent", "enrolment", "unit", "support")

    def __init__(self) -> None:
        super().__init__(self._names, {name: np.int64 for name in self._names})

    def add(self, mask, person, op, fecha, month, intent, enrolment, unit, support) -> None:
        self.add_group(mask, (person, op, fecha, month, intent, enrolment, unit, support))


NO_SUPPORT, SUPPORT_AS_LISTED, SUPPORT_LOWER = range(3)


def build_claims(rng: np.random.Generator, *, producers: Population, units: Units, enrolments: Enrolments,
                 story: np.ndarray, oldest: np.ndarray, rows: Measurements, beliefs: Beliefs,
                 seconds: ExtraEnrolments, second_claims: np.ndarray, ops: np.ndarray, timeline: Timeline,
                 contract_start: int, taken: set[str]) -> Claims:
    """Every claim row the programme's operators send. `taken` holds every document number in
    use; a made-up one avoids it and joins it."""
    e = enrolments
    count = len(e.person)
    first, last = timeline.first, timeline.last
    batch = _Batch()
    producer = units.producer[:count]
    two_units = np.bincount(producer, minlength=producer.max() + 1)[producer] > 1

    def sent(row: np.ndarray, received: np.ndarray) -> np.ndarray:
        """The month a claim of measurement `row` is sent: when the measurement reaches the
        operator or the month after, not before the roster that lists the enrolment."""
        return np.maximum.reduce([rows.delivered[row] + rng.integers(0, 2, len(row)), received,
                                  np.full(len(row), first)])

    chance = np.where(beliefs.rise >= 0, 0.9, np.where(story == NO_BASELINE, 0.6, 0.35))
    chance[oldest] = 1.0
    # The oldest enrolments' window closes within the data set: their operator claims its last visit.
    row = np.where(beliefs.rise >= 0, beliefs.rise, beliefs.latest)
    row[oldest] = beliefs.latest[oldest]
    fecha = rows.day[np.maximum(row, 0)]
    claim = (row >= 0) & (rng.random(count) < chance) & (fecha >= contract_start - EARLIEST_CLAIM_DAYS)
    month = sent(np.maximum(row, 0), e.received)
    # A few operators claim the baseline visit by mistake, before the enrolment: their only claim.
    pool = np.flatnonzero(~two_units & (beliefs.baseline >= 0) & ~claim
                          & (rows.day[np.maximum(beliefs.baseline, 0)] < e.date)
                          & (rows.day[np.maximum(beliefs.baseline, 0)] >= contract_start - EARLIEST_CLAIM_DAYS))
    mistaken = rng.permutation(pool)[:max(1, round(0.02 * count))]
    mistaken_month = np.minimum(sent(beliefs.baseline[mistaken], e.received[mistaken]), last)
    support = np.where(two_units, np.where(rng.random(count) < 0.75,
                                           np.where(rng.random(count) < 0.7, SUPPORT_AS_LISTED, SUPPORT_LOWER),
                                           NO_SUPPORT),
                       np.where(rng.random(count) < 0.2, SUPPORT_AS_LISTED, NO_SUPPORT))
    # At least one second unit is claimed, and one such claim says nothing of the unit (so the
    # first unit is judged).
    second_unit = np.r_[False, producer[1:] == producer[:-1]]
    soonest = np.maximum.reduce([rows.delivered[np.maximum(row, 0)], e.received, np.full(count, first)])
    claimable = np.flatnonzero(second_unit & (row >= 0) & (soonest <= last)
                               & (fecha >= contract_start - EARLIEST_CLAIM_DAYS))
    if len(claimable) and not (claim & second_unit & (month <= last)).any():
        claim[claimable[0]], month[claimable[0]] = True, soonest[claimable[0]]
    claimed_second = np.flatnonzero(claim & second_unit & (month <= last))
    if len(claimed_second) and not (support[claimed_second] == NO_SUPPORT).any():
        support[claimed_second[0]] = NO_SUPPORT
    units_index = np.arange(count)
    batch.add(claim & (month <= last), producer, e.op, fecha, month, OWN, units_index, units_index, support)
    batch.add(np.ones(len(mistaken), bool), producer[mistaken], e.op[mistaken], rows.day[beliefs.baseline[mistaken]],
              mistaken_month, BEFORE_ENROLMENT, mistaken, mistaken, NO_SUPPORT)

    # A second operator, which enrolled the unit later, claims its rise.
    index = e.row_of[seconds.person[second_claims]]
    rise = beliefs.rise[index]
    day = rows.day[np.maximum(rise, 0)]
    month = sent(np.maximum(rise, 0), seconds.received[second_claims])
    batch.add((rise >= 0) & (day >= seconds.date[second_claims]) & (month <= last), producer[index],
              seconds.op[second_claims], day, month, SECOND, index, index, SUPPORT_AS_LISTED)

    total = batch.count()
    covered = (rows.day >= contract_start) & (rows.corrects < 0)
    # Producers no operator enrolled, whose unit the extension service measures.
    others = np.flatnonzero(covered & (rows.unit >= units.enrolled))
    picked = rng.permutation(others)[:max(1, round(0.01 * total))]
    batch.add(np.ones(len(picked), bool), units.producer[rows.unit[picked]], rng.choice(ops, len(picked)),
              rows.day[picked], np.minimum(sent(picked, np.zeros(len(picked), np.int64)), last), NOT_ENROLLED, -1,
              rows.unit[picked], NO_SUPPORT)
    # An operator claims a producer another operator enrolled, without enrolling it itself.
    if len(ops) > 1:
        alone = np.flatnonzero(covered & (rows.unit < units.enrolled) & ~np.isin(rows.unit, seconds.person))
        picked = rng.permutation(alone)[:max(1, round(0.01 * total))]
        unit = rows.unit[picked]
        position = np.searchsorted(ops, e.op[unit])
        other = ops[(position + rng.integers(1, len(ops), len(picked))) % len(ops)]
        batch.add(np.ones(len(picked), bool), producer[unit], other, rows.day[picked],
                  np.minimum(sent(picked, e.received[unit]), last), NOT_ENROLLED, unit, unit, NO_SUPPORT)
    fabricated = max(1, round(0.005 * total))
    day = rng.integers(contract_start, int(rows.day.max()) + 1, fabricated)
    batch.add(np.ones(fabricated, bool), -1, rng.choice(ops, fabricated), day,
              np.minimum(np.maximum(month_of_day(day) + 1, first), last), FABRICATED, -1, -1, NO_SUPPORT)
    return _write_documents(rng, batch.arrays(), producers, units, story, taken, timeline, contract_start)


def _write_documents(rng: np.random.Generator, columns: dict[str, np.ndarray], producers: Population, units: Units,
                     story: np.ndarray, taken: set[str], timeline: Timeline, contract_start: int) -> Claims:
    """Documents and `soporte` as written, the odd spellings (on rises claimed in the contract),
    and the claims sent twice."""
    size = len(columns["person"])
    person, intent, unit = columns["person"], columns["intent"], columns["unit"]
    doc_type = np.full(size, "CC", dtype=object)
    doc_number = np.where(person >= 0, producers.doc_number[np.maximum(person, 0)], "").astype(object)
    for index in np.flatnonzero(person < 0).tolist():
        doc_number[index] = fresh_number(rng, taken)
    listed = units.unit_id[np.maximum(unit, 0)]
    soporte = np.where(columns["support"] == SUPPORT_AS_LISTED, listed,
                       np.where(columns["support"] == SUPPORT_LOWER, np.char.lower(listed.astype(str)), None))
    soporte = np.array(["" if text is None or index < 0 else str(text) for text, index in zip(soporte, unit)],
                       dtype=object)
    cosmetic = np.full(size, PLAIN)
    ordinary = np.flatnonzero((intent == OWN) & (story[np.maximum(columns["enrolment"], 0)] == RISES)
                              & (columns["fecha"] >= contract_start))
    spell_some_oddly(rng, doc_type, doc_number, cosmetic, ordinary, 0.05, _TYPE_ALIASES)
    copies = send_twice(rng, np.flatnonzero(intent == OWN), columns["month"], timeline.last)
    return Claims(**with_copies(dict(
        person=person, op=columns["op"], fecha=columns["fecha"], month=columns["month"], intent=intent,
        cosmetic=cosmetic, enrolment=columns["enrolment"], soporte=soporte, doc_type=doc_type, doc_number=doc_number,
        unit=unit), copies))
