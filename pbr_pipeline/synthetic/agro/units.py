"""Producers and producer units of AGRO, who enrols them when, and what their harvests will show.

A producer unit (`UP-68001-0042`: the municipality's DIVIPOLA code and a serial) grows one crop:
cocoa, coffee, bananas or another crop (avocado, citrus, blackberry), on half a hectare to a few
hectares of Bucaramanga's rural corregimientos and the municipalities around it. Producers are
people (CC; most of them men between 28 and 72); about one in five has a second unit.

Operators enrol units with the producer's document. A cohort enrolled 8 to 14 months before the
first inbox month is listed in the first roster (their follow-up window, E + 10 to E + 24 months,
falls in the data set), and a few oldest ones 19-24 months before it (the window closes within
it); the others are enrolled during the inbox months. Some units only the extension service
knows (never enrolled).

Each enrolled unit has a story for its yield, kilograms per hectare of the crop:
- RISES: technical assistance lifts the yield by 35-70% over a year, on about the same area
  (some units' area is measured again a few percent off);
- SMALL_RISE: the yield moves by -5% to +10%;
- AREA_CHANGED: the yield rises, but the cultivated area grows or shrinks by a quarter or more
  a few months after enrolment (a plot planted or sold);
- CROP_CHANGED: a few months after enrolment the unit changes crop (cocoa for coffee);
- NO_BASELINE: the extension service first measures the unit after its enrolment;
- TOO_OLD: the unit was measured more than 12 months before its enrolment, then not until the
  follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemas.codes import CROPS

from ..operators import Enrolments, choose_enrolled, enrolments_in
from ..population import CC, Population, draw_birth_days, draw_groups, draw_names, new_population, unique_numbers
from ..timeline import Timeline, last_day, month_of_day

CACAO, CAFE, BANANO, OTRO = range(len(CROPS))
CROP_SHARES = (0.35, 0.4, 0.1, 0.15)
YIELDS = {CACAO: (380, 650), CAFE: (800, 1_300), BANANO: (15_000, 24_000), OTRO: (5_000, 12_000)}
"""Yield before the assistance, kg per hectare per year: the low half of what the crop gives in
Santander (cocoa 400-900, coffee 800-1,800, bananas 15-40 t, avocado or citrus 5-15 t)."""
AREAS = {CACAO: (0.5, 5.0), CAFE: (0.5, 5.0), BANANO: (0.5, 4.0), OTRO: (0.3, 3.0)}
"""Cultivated hectares."""
SWITCH = {CACAO: CAFE, CAFE: CACAO, BANANO: OTRO, OTRO: CACAO}
"""The crop a unit that changes crop turns to."""
MUNICIPALITIES = ("68001", "68001", "68001", "68276", "68307", "68547", "68406", "68615")
"""Bucaramanga's corregimientos most, then Floridablanca, Girón, Piedecuesta, Lebrija, Rionegro."""

RISES, SMALL_RISE, AREA_CHANGED, CROP_CHANGED, NO_BASELINE, TOO_OLD = range(6)
STORIES = ("RISES", "SMALL_RISE", "AREA_CHANGED", "CROP_CHANGED", "NO_BASELINE", "TOO_OLD")
STORY_SHARES = (0.5, 0.16, 0.1, 0.06, 0.1, 0.08)

CARRIED_SHARE = 0.6
"""Enrolments listed in the first roster, dated 8-14 months before the first inbox month (their
yield rises within the data set) ..."""
OLDEST = 6
"""... and at least this many 19-24 months before it (their follow-up window closes within it),
whose stories take OLDEST_STORIES in turn."""
OLDEST_STORIES = (SMALL_RISE, AREA_CHANGED, CROP_CHANGED, TOO_OLD, NO_BASELINE, SMALL_RISE)
SECOND_UNIT_SHARE = 0.2
"""Producers with a second unit, enrolled with the first or up to six months later."""
REGISTRY_ONLY_SHARE = 0.1
"""Units only the extension service measures, per enrolled unit."""


@dataclass(frozen=True)
class Units:
    """Producer units as columns; the first `enrolled` are those operators enrol."""

    unit_id: np.ndarray
    producer: np.ndarray
    """Index into the producers."""
    crop: np.ndarray
    area: np.ndarray
    """Square metres before any change."""
    base_yield: np.ndarray
    """kg per hectare per year before the assistance."""
    municipality: np.ndarray
    enrolled: int

    @property
    def count(self) -> int:
        return len(self.unit_id)


def build_producers(rng: np.random.Generator, size: int, timeline: Timeline, *, id_offset: int,
                    taken: np.ndarray) -> Population:
    """`size` producers holding a CC; numbers avoid `taken`."""
    sex = (rng.random(size) < 0.68).astype(np.uint8)
    age = rng.integers(28, 73, size)
    birth_month, birth, adult = draw_birth_days(rng, age, timeline)
    doc_type = np.full(size, CC, dtype=np.uint8)
    numbers = unique_numbers(rng, doc_type, sex, 1970 + birth_month // 12, taken)
    groups = draw_groups(rng, migrant=None, disability=0.04, victim=0.18, head_candidates=(sex == 0) & (age >= 25),
                         head_share=0.3, ethnic=0.03)
    return new_population(id_offset=id_offset, sex=sex, birth=birth, adult=adult, doc_type=doc_type, numbers=numbers,
                          names=draw_names(rng, sex), groups=groups)


def build_units(rng: np.random.Generator, enrolled: int, others: int) -> tuple[Units, int]:
    """`enrolled` units operators enrol and `others` only the extension service knows, and the
    number of producers they belong to (a second unit belongs to the producer of the unit
    before it)."""
    count = enrolled + others
    second = rng.random(count) < SECOND_UNIT_SHARE
    second[0] = second[enrolled] = False
    # Never a third unit: a second unit's successor starts a producer of its own.
    second[1:] &= ~second[:-1]
    producer = np.cumsum(~second) - 1
    crop = rng.choice(len(CROPS), size=count, p=CROP_SHARES)
    low = np.array([AREAS[int(c)][0] for c in crop])
    high = np.array([AREAS[int(c)][1] for c in crop])
    hectares = low + rng.random(count) * (high - low)
    # Areas are measured to the twentieth of a hectare, some by GPS to the square metre.
    area = np.where(rng.random(count) < 0.15, np.round(hectares * 10_000), np.round(hectares * 20) * 500)
    yield_low = np.array([YIELDS[int(c)][0] for c in crop])
    yield_high = np.array([YIELDS[int(c)][1] for c in crop])
    base_yield = yield_low + rng.random(count) * (yield_high - yield_low)
    municipality = np.array(MUNICIPALITIES)[rng.integers(0, len(MUNICIPALITIES), count)]
    serial = rng.choice(np.arange(1, 10_000), size=count, replace=False)
    unit_id = np.array([f"UP-{m}-{s:04d}" for m, s in zip(municipality.tolist(), serial.tolist())])
    units = Units(unit_id, producer.astype(np.int64), crop, area.astype(np.int64), base_yield, municipality, enrolled)
    return units, int(producer[-1]) + 1


def build_enrolments(rng: np.random.Generator, units: Units, ops: np.ndarray, codes: tuple[str, ...],
                     timeline: Timeline) -> tuple[Enrolments, np.ndarray]:
    """First enrolments (the owners') of the enrolled units, and the oldest of them. A producer's
    second unit is enrolled by the operator of the first, the same day or up to six months later."""
    count = units.enrolled
    unit, op = choose_enrolled(rng, count, count, ops)
    carried = rng.random(count) < CARRIED_SHARE
    month = np.where(carried, timeline.first - rng.integers(8, 15, count),
                     rng.integers(timeline.first, timeline.last + 1, count))
    producer = units.producer[:count]
    firsts = np.flatnonzero(np.r_[True, producer[1:] != producer[:-1]])
    oldest = rng.permutation(firsts)[:max(OLDEST, round(0.1 * count))]
    month[oldest] = timeline.first - rng.integers(19, 25, len(oldest))
    e = enrolments_in(rng, count, codes, unit, op, month, timeline)
    date, op, received = e.date.copy(), e.op.copy(), e.received.copy()
    second = np.flatnonzero(np.r_[False, producer[1:] == producer[:-1]])
    later = rng.random(len(second)) < 0.5
    date[second] = np.minimum(date[second - 1] + np.where(later, rng.integers(30, 181, len(second)), 0),
                              last_day(timeline.last))
    op[second] = op[second - 1]
    month = month_of_day(date)
    received[second] = np.maximum.reduce([month[second], np.full(len(second), timeline.first), received[second - 1]])
    return Enrolments(codes, unit, op, date, month, received, e.row_of), oldest


def draw_stories(rng: np.random.Generator, count: int, oldest: np.ndarray) -> np.ndarray:
    story = rng.choice(len(STORIES), size=count, p=STORY_SHARES)
    story[oldest] = np.resize(np.array(OLDEST_STORIES), len(oldest))
    return story
