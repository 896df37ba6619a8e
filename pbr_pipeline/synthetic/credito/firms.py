"""The firms of CREDITO_MIPYME, who enrols them when, and the credit they get.

Firms are micro mostly, some small and medium, a few large (the programme does not pay for
those, but operators enrol some). About two thirds are companies with a NIT of the 900 series
(SAS registered since 2008), the others people in business, whose NIT is their cédula. Rosters
and reports give the NIT without its check digit.

Operators enrol most firms during the inbox months; a cohort enrolled up to 13 months before the
first inbox month (under the earlier agreement the city took over) is listed in the first roster,
so a small data set holds enrolments whose 12-month window closes within it even though
intermediaries report up to four months late (the oldest of them take every story in turn). A
few firms are enrolled again by a second operator; some appear only in the intermediaries'
reports.

Each enrolled firm has a story that decides what the disbursement reports will show:
- CREDIT: an eligible credit disbursed within 12 months of the enrolment (sometimes another one
  later);
- BEFORE: a credit disbursed in the 12 months before the enrolment (the firm already had credit),
  often another after it;
- LARGE: a credit reported with the size GRANDE;
- NONE: no credit at all, or only one older than two years;
- LATE: the only credit comes after the 12-month window;
- OLD: the only credit came just before the 12-month look-back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemas.codes import FIRM_SIZES

from .. import names
from ..claims import add_months_to_day
from ..operators import Enrolments, choose_enrolled, enrolments_in
from ..timeline import Timeline, first_day, last_day, month_of_day

MICRO, PEQUENA, MEDIANA, GRANDE = range(len(FIRM_SIZES))
SIZE_SHARES = (0.72, 0.17, 0.07, 0.04)

CREDIT, BEFORE, LARGE, NONE, LATE, OLD = range(6)
STORIES = ("CREDIT", "BEFORE", "LARGE", "NONE", "LATE", "OLD")
STORY_SHARES = (0.56, 0.1, 0.0, 0.2, 0.06, 0.08)
"""Stories of firms that are not GRANDE; a GRANDE firm's credit is reported as such (LARGE),
unless it gets none (NONE)."""

CARRIED_SHARE = 0.4
"""Enrolments listed in the first roster, dated 1-8 months before the first inbox month ..."""
CARRIED_OLDEST = 0.3
"""... this share of them (at least 8) 9-13 months before it, so that 8 inbox months reach the
end of their 12-month windows even though intermediaries report four months late. Their stories
take turns through every way a window can close without a payable credit."""
OLDEST_STORIES = (LARGE, NONE, LATE, OLD, BEFORE, LARGE, NONE, CREDIT)

_ACTIVITIES = (
    "PANADERÍA", "FERRETERÍA", "CONFECCIONES", "CALZADO", "DROGUERÍA", "MISCELÁNEA", "TALLER", "RESTAURANTE",
    "DISTRIBUCIONES", "INVERSIONES", "COMERCIALIZADORA", "MARROQUINERÍA", "TRANSPORTES", "CONSTRUCCIONES", "TIENDA",
    "CAFETERÍA", "LAVANDERÍA", "PAPELERÍA", "ASADERO", "SUPERMERCADO",
)
_PLACES = (
    "LA ESPIGA", "EL TORNILLO", "SANTANDER", "LOS ANDES", "DEL ORIENTE", "CHICAMOCHA", "LA SEXTA", "SAN FRANCISCO",
    "EL PRADO", "CABECERA", "LA CUMBRE", "GIRARDOT", "EL LLANITO", "LA CONCORDIA", "SAN ALONSO", "PROVENZA",
    "LOS COMUNEROS", "LA AURORA", "MUTIS", "EL JARDÍN", "DOÑA ROSA", "EL PORVENIR", "LA ÑAPA", "ALTOS DEL CACIQUE",
)
_FORMS = ("S.A.S.", "SAS", "S.A.S", "LTDA", "& CÍA S.A.S.")


@dataclass(frozen=True)
class Firms:
    """Firms as columns, indexed by firm; the first `enrolled_pool` are those operators may enrol."""

    nit: np.ndarray
    """The NIT without check digit, as text."""
    name: np.ndarray
    """`razon_social` as the firm registered it."""
    size: np.ndarray
    """Index into FIRM_SIZES."""
    company: np.ndarray
    """A company (900-series NIT); else a person in business (the NIT is the cédula)."""

    @property
    def count(self) -> int:
        return len(self.nit)


def build_firms(rng: np.random.Generator, count: int, taken: set[str]) -> Firms:
    """`count` firms; NITs avoid `taken` (document numbers in use) and join it."""
    company = rng.random(count) < 0.65
    size = rng.choice(len(FIRM_SIZES), size=count, p=SIZE_SHARES)
    # Medium and large firms are companies.
    company |= size >= MEDIANA
    nits = []
    for is_company in company.tolist():
        while True:
            if is_company:
                number = str(int(rng.integers(900_100_000, 901_800_000)))
            elif rng.random() < 0.6:
                series = 63_000_000 if rng.random() < 0.5 else 91_000_000
                number = str(int(rng.integers(series, series + 1_000_000)))
            else:
                number = str(int(rng.integers(1_095_000_000, 1_103_000_000)))
            if number not in taken:
                taken.add(number)
                nits.append(number)
                break
    name = np.empty(count, dtype=object)
    for index, is_company in enumerate(company.tolist()):
        activity = _ACTIVITIES[int(rng.integers(0, len(_ACTIVITIES)))]
        place = _PLACES[int(rng.integers(0, len(_PLACES)))]
        if is_company:
            name[index] = f"{activity} {place} {_FORMS[int(rng.integers(0, len(_FORMS)))]}"
        elif rng.random() < 0.5:
            name[index] = f"{activity} {place}"
        else:
            given = names.GIVEN[int(rng.integers(0, len(names.GIVEN)))]
            surname1, surname2 = (names.SURNAMES[int(i)] for i in rng.integers(0, len(names.SURNAMES), 2))
            name[index] = f"{given} {surname1} {surname2}"
    return Firms(np.array(nits), name, size, company)


def build_enrolments(rng: np.random.Generator, enrolled: int, ops: np.ndarray, codes: tuple[str, ...],
                     timeline: Timeline) -> tuple[Enrolments, np.ndarray]:
    """The first `enrolled` firms' first enrolments (the owners'), by operators among `ops`: a
    cohort carried from before the first inbox month, the rest thinning out month by month.
    Also returns the enrolments of the oldest part of the cohort."""
    firm, op = choose_enrolled(rng, enrolled, enrolled, ops)
    carried = rng.random(enrolled) < CARRIED_SHARE
    span = timeline.last - timeline.first + 1
    decay = 0.85 ** np.arange(span)
    old = timeline.first - rng.integers(1, 9, enrolled)
    oldest = np.flatnonzero(carried)[: max(8, round(CARRIED_OLDEST * carried.sum()))]
    carried[oldest] = True
    old[oldest] = timeline.first - rng.integers(9, 14, len(oldest))
    month = np.where(carried, old, timeline.first + rng.choice(span, size=enrolled, p=decay / decay.sum()))
    return enrolments_in(rng, enrolled, codes, firm, op, month, timeline), oldest


def draw_stories(rng: np.random.Generator, firms: Firms, enrolments: Enrolments, oldest: np.ndarray) -> np.ndarray:
    """Per enrolment, the story of its firm (see the module docstring); the `oldest` enrolments
    take OLDEST_STORIES in turn."""
    count = len(enrolments.person)
    large = firms.size[enrolments.person] == GRANDE
    story = rng.choice(len(STORIES), size=count, p=np.array(STORY_SHARES) / sum(STORY_SHARES))
    story = np.where(large, np.where(rng.random(count) < 0.8, LARGE, NONE), story)
    story[oldest] = np.resize(np.array(OLDEST_STORIES), len(oldest))
    return story


@dataclass(frozen=True)
class Credits:
    """Disbursements as the truth has them (one per credit; reports and corrections are made
    from these in `reports`)."""

    firm: np.ndarray
    day: np.ndarray
    size: np.ndarray
    """The size the intermediary reports (index into FIRM_SIZES)."""


def build_credits(rng: np.random.Generator, firms: Firms, enrolments: Enrolments, story: np.ndarray,
                  oldest: np.ndarray, registry_only: np.ndarray, timeline: Timeline) -> Credits:
    """The credits every story calls for, and those of the firms only the reports show. The
    `oldest` enrolments' credits after the enrolment come late in their window, from the month
    before the first inbox month on where the window reaches it."""
    e = enrolments
    count = len(e.person)
    start = e.date
    firm_parts, day_parts, size_parts = [], [], []

    def add(mask: np.ndarray, day: np.ndarray, size: np.ndarray | int | None = None) -> None:
        firm_parts.append(e.person[mask])
        day_parts.append(np.asarray(day)[mask])
        shown = firms.size[e.person] if size is None else np.broadcast_to(size, (count,))
        size_parts.append(np.asarray(shown)[mask])

    soon = np.where(rng.random(count) < 0.6, rng.integers(3, 121, count), rng.integers(121, 331, count))
    after = start + soon
    late = np.minimum(np.maximum(after[oldest], first_day(timeline.first - 1) + rng.integers(0, 90, len(oldest))),
                      add_months_to_day(start[oldest], 12) - 1)
    after[oldest] = np.maximum(late, start[oldest] + 3)
    # An eligible firm is reported with its own size; a small one now and then as the next size up.
    eligible_size = np.where((firms.size[e.person] < MEDIANA) & (rng.random(count) < 0.1),
                             firms.size[e.person] + 1, firms.size[e.person])
    add(story == CREDIT, after, eligible_size)
    again = (story == CREDIT) & (rng.random(count) < 0.15)
    add(again, after + rng.integers(60, 301, count), eligible_size)
    add(story == BEFORE, start - rng.integers(15, 331, count))
    add((story == BEFORE) & (rng.random(count) < 0.6), after, eligible_size)
    add(story == LARGE, after, GRANDE)
    add((story == NONE) & (rng.random(count) < 0.3), start - rng.integers(730, 900, count))
    add(story == LATE, add_months_to_day(start, 12) + rng.integers(5, 121, count))
    add(story == OLD, add_months_to_day(start, -12) - rng.integers(3, 91, count))

    # Firms only the reports show: a credit or two anywhere from two years before the first
    # inbox month to the last one.
    others = np.asarray(registry_only)
    low, high = int(first_day(timeline.first - 24)), int(last_day(timeline.last))
    for repeat in range(2):
        chosen = others if repeat == 0 else others[rng.random(len(others)) < 0.3]
        firm_parts.append(chosen)
        day_parts.append(rng.integers(low, high + 1, len(chosen)))
        size_parts.append(firms.size[chosen])
    return Credits(np.concatenate(firm_parts).astype(np.int64), np.concatenate(day_parts).astype(np.int64),
                   np.concatenate(size_parts).astype(np.int64))


def credit_months(credits: Credits) -> np.ndarray:
    return month_of_day(credits.day)
