"""The English exams of the programme's people: what the `examenes_ingles` registry holds.

Each enrolled person gets an entry story and an exit story, drawn with fixed shares, and a few
people are set aside so that every edge of the rule shows up even in a small data set:

- entry: a test below B1 around the enrolment date E (the usual case); the same plus an older
  B1 test from before E - 3 months, which does not count; a B1 placement test followed by a
  later test below B1 (the latest decides); an entry at B1 or above (not additional); no entry
  test at all, or only one too old; the only entry test on day E + 30 (counts) or E + 31
  (does not);
- exit: an accepted test (Aptis general or for teachers) at B1 or above 3-11 months after E;
  a failed attempt then a pass; only failed attempts; no exit test; a pass in a test that
  does not certify (Saber 11, another test); a pass exactly on E + 12 months (counts) or the
  day after (does not); a pass dated before the contract began; a pass later corrected to A2
  by a re-delivered row with the same key.

Rows are delivered with lag 1: an exam dated in month X arrives in the extract of month X + 1,
everything dated before the first inbox month in the first extract. Exams dated in the last
inbox month or later are never delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..claims import ClaimBatch
from ..operators import Enrolments, SetAside
from ..population import ADULT_MONTHS, TI, Population
from ..timeline import Timeline, first_day, last_day, month_of_day
from .people import DOCENTE

TESTS: tuple[str, ...] = ("APTIS_GENERAL", "APTIS_DOCENTES", "SABER11", "OTRA")
APTIS_GENERAL, APTIS_DOCENTES, SABER11, OTRA = range(4)
ACCEPTED_TESTS: tuple[int, ...] = (APTIS_GENERAL, APTIS_DOCENTES)
MOMENTS: tuple[str, ...] = ("ENTRADA", "SALIDA")
ENTRADA, SALIDA = range(2)
LEVELS: tuple[str, ...] = ("PRE_A1", "A1", "A2", "B1", "B2", "C1", "C2")
PRE_A1, A1, A2, B1, B2, C1, C2 = range(7)

ENTRY_DAYS_AFTER = 30
"""An entry test counts up to E + 30 days ..."""
ENTRY_MONTHS_BEFORE = 3
"""... and from E - 3 months."""
WINDOW_MONTHS = 12
"""The certifying exit test is dated in [E, E + 12 months]."""

E_BELOW, E_OLD_B1, E_LATEST, E_ADVANCED, E_NONE, E_DAY30, E_DAY31 = range(7)
ENTRY_SHARES = (0.72, 0.05, 0.04, 0.07, 0.06, 0.03, 0.03)
X_PASS, X_RETAKE, X_FAIL, X_NONE, X_NOT_ACCEPTED, X_WINDOW_END, X_AFTER_WINDOW, X_BEFORE_CONTRACT, X_CORRECTED = (
    range(9))
EXIT_SHARES = (0.58, 0.08, 0.15, 0.10, 0.05, 0.02, 0.02, 0.0, 0.0)
"""Passing before the contract, and corrected passes, are only set aside (see `plan_stories`)."""
CERTIFIED_EXITS = (X_PASS, X_RETAKE, X_WINDOW_END, X_BEFORE_CONTRACT, X_CORRECTED)
"""Exit stories whose registry rows (before any correction) hold a certifying pass in the window."""

_APTIS_SCORES = ((5, 59), (60, 99), (100, 139), (140, 169), (170, 189), (190, 200), (200, 200))
_SABER_SCORES = ((20, 47), (48, 57), (58, 70), (71, 79), (80, 100), (100, 100), (100, 100))
"""Overall scores by level: Aptis on its 0-200 scale, Saber 11 English on 0-100."""


def add_months(day: np.ndarray, months: int) -> np.ndarray:
    """The same day `months` calendar months later (earlier when negative), clamped to the
    last day of the month it lands in (31 March - 1 month = 28 or 29 February)."""
    day = np.asarray(day, dtype=np.int64)
    month = month_of_day(day)
    target = month + months
    return np.minimum(first_day(target) + (day - first_day(month)), last_day(target))


def between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A day drawn evenly from [low, high] (low where high < low)."""
    low, high = np.asarray(low, dtype=np.int64), np.asarray(high, dtype=np.int64)
    span = np.maximum(high - low + 1, 1)
    return low + (rng.random(span.shape) * span).astype(np.int64)


@dataclass(frozen=True)
class Stories:
    """Per enrolment (aligned with Enrolments): its entry and exit story."""

    entry: np.ndarray
    exit: np.ndarray
    set_aside: np.ndarray
    """Chosen to show an edge case: the owner claims it for sure, a month or two after the exam."""


@dataclass(frozen=True)
class ExamRows:
    """Exam rows as columns, corrections included (a correction repeats the key of the row it
    corrects with another level and a later delivery)."""

    person: np.ndarray
    test: np.ndarray
    moment: np.ndarray
    day: np.ndarray
    """`fecha_examen` (day number)."""
    level: np.ndarray
    """Index into LEVELS."""
    written_level: np.ndarray
    """`nivel_mcer` as the extract writes it (aliases, lower case)."""
    score: np.ndarray
    """`puntaje`, -1 for none."""
    certificate: np.ndarray
    """`numero_certificado`, "" for none."""
    delivered: np.ndarray
    """Inbox month of the extract that carries the row, -1 if never delivered."""
    corrects: np.ndarray
    """Index of the row this one corrects, -1 for an ordinary row."""

    @property
    def size(self) -> int:
        return len(self.person)


@dataclass(frozen=True)
class Exams:
    rows: ExamRows
    stories: Stories
    population: Population
    """The people, with the birth dates of the students set aside to turn 18 during the course."""
    claimed_row: np.ndarray
    """Per enrolment: the exit row an owner's claim names (the pass, the failed attempt, the
    test that does not certify), -1 when there is none."""
    entry_row: np.ndarray
    """Per enrolment: the entry row that decides (the latest in the window), -1 if none."""
    turns_adult: np.ndarray
    """Per enrolment: a student set aside to turn 18 between enrolment and the exit pass."""


def plan_stories(rng: np.random.Generator, enrolments: Enrolments, timeline: Timeline, contract_start: int,
                 corrections: int) -> Stories:
    """Draw the stories, then set aside one enrolment for each edge case (and `corrections`
    corrected passes), choosing where the case can show within the data set."""
    count = len(enrolments.person)
    entry = rng.choice(len(ENTRY_SHARES), size=count, p=ENTRY_SHARES)
    exit_ = rng.choice(len(EXIT_SHARES), size=count, p=EXIT_SHARES)
    date = enrolments.date
    seen_until = int(last_day(timeline.last - 1))
    low, high = exit_span(date, np.full(count, X_PASS), contract_start)
    # A pass the final run sees, claimed in a month that exists.
    claimable = low <= np.minimum(high, seen_until)
    closes = add_months(date, WINDOW_MONTHS) + 1 <= seen_until
    before = add_months(date, 3) < contract_start
    correctable = low <= np.minimum(high, last_day(timeline.last - 2))
    retake = low + 30 <= np.minimum(high, seen_until)
    edges = SetAside(rng, {"entry": (entry, E_BELOW), "exit": (exit_, X_PASS)})
    take, set_aside = edges.take, edges.chosen
    take("exit", X_WINDOW_END, closes)
    take("exit", X_AFTER_WINDOW, closes)
    take("exit", X_CORRECTED, correctable, prefer=closes, how_many=corrections)
    take("exit", X_BEFORE_CONTRACT, before)
    take("exit", X_FAIL, claimable, prefer=closes)
    # A failed test claimed while the window is still open stays pending.
    take("exit", X_FAIL, claimable & ~closes)
    take("exit", X_NOT_ACCEPTED, claimable, prefer=closes)
    take("exit", X_RETAKE, retake)
    for kind in (E_DAY30, E_DAY31, E_ADVANCED, E_NONE, E_LATEST, E_OLD_B1):
        take("entry", kind, claimable)
    # Rarely, a pass before the contract began happens on its own (only where it can).
    drawn = before & ~set_aside & (exit_ == X_PASS) & (rng.random(count) < 0.05)
    exit_[drawn] = X_BEFORE_CONTRACT
    return Stories(entry, exit_, set_aside)


def exit_span(date: np.ndarray, exit_: np.ndarray, contract_start: int) -> tuple[np.ndarray, np.ndarray]:
    """Days an exit test falls between: 3-11 months after enrolment, from the contract's start
    (before it only for a pass made to fall before the contract)."""
    early = add_months(date, 3)
    late = add_months(date, 11)
    before = exit_ == X_BEFORE_CONTRACT
    return np.where(before, early, np.maximum(early, contract_start)), np.where(before, np.minimum(
        late, contract_start - 1), late)


class _Collector(ClaimBatch):
    """Exam rows as they are drawn."""

    def __init__(self) -> None:
        names = ("person", "test", "moment", "day", "level", "owner")
        super().__init__(names, {name: np.int64 for name in names})

    def add(self, mask, person, test, moment, day, level, owner) -> np.ndarray:
        """Add the masked rows; returns, per input position, the index of its row (-1 if none)."""
        return self.add_group(mask, (person, test, moment, day, level, owner))


def build_exams(rng: np.random.Generator, population: Population, role: np.ndarray, enrolments: Enrolments,
                stories: Stories, timeline: Timeline, contract_start: int) -> Exams:
    """Every exam row, with the one correction per corrected pass and the written levels."""
    count = len(enrolments.person)
    person = enrolments.person
    teacher = role[person] == DOCENTE
    date = enrolments.date
    entry, exit_ = stories.entry, stories.exit
    seen_until = int(last_day(timeline.last - 1))
    rows = _Collector()
    owner = np.arange(count)

    def draw(student_p: dict[int, float], teacher_p: dict[int, float]) -> np.ndarray:
        def one(p: dict[int, float]) -> np.ndarray:
            return rng.choice(list(p), size=count, p=list(p.values()))
        return np.where(teacher, one(teacher_p), one(student_p))

    below = draw({PRE_A1: 0.3, A1: 0.4, A2: 0.3}, {A1: 0.25, A2: 0.75})
    advanced = draw({B1: 0.7, B2: 0.3}, {B1: 0.7, B2: 0.3})
    passed = draw({B1: 0.72, B2: 0.28}, {B1: 0.45, B2: 0.40, C1: 0.15})
    failed = draw({A1: 0.3, A2: 0.7}, {A2: 1.0})
    entry_test = draw({APTIS_GENERAL: 0.55, SABER11: 0.30, OTRA: 0.15}, {APTIS_DOCENTES: 0.6, APTIS_GENERAL: 0.25,
                                                                          OTRA: 0.15})
    exit_test = np.where(teacher & (rng.random(count) < 0.7), APTIS_DOCENTES, APTIS_GENERAL)
    other_test = np.where(teacher, OTRA, SABER11)

    # Entry tests.
    window_start = add_months(date, -ENTRY_MONTHS_BEFORE)
    wide = rng.random(count) < 0.3
    main_day = np.where(wide, between(rng, window_start, date + ENTRY_DAYS_AFTER), between(rng, date - 30, date + 20))
    main_day = np.select([entry == E_LATEST, entry == E_DAY30, entry == E_DAY31],
                         [between(rng, date, date + 20), date + ENTRY_DAYS_AFTER, date + ENTRY_DAYS_AFTER + 1],
                         main_day)
    has_main = entry != E_NONE
    main_level = np.where(entry == E_ADVANCED, advanced, below)
    entry_row = rows.add(has_main, person, entry_test, ENTRADA, main_day, main_level, owner)
    entry_row = np.where(entry == E_DAY31, -1, entry_row)
    # A B1 placement test earlier in the window, which the later test overrides.
    rows.add(entry == E_LATEST, person, OTRA, ENTRADA, between(rng, window_start, date - 1), B1, owner)
    # An older test, out of the window: at B1 (it does not make the person not additional)
    # or, for half of those without an entry test, below B1.
    old_day = between(rng, window_start - 180, window_start - 1)
    old = (entry == E_OLD_B1) | ((entry == E_NONE) & (rng.random(count) < 0.5))
    rows.add(old, person, other_test, ENTRADA, old_day, np.where(entry == E_OLD_B1, B1, below), owner)

    # Exit tests.
    low, high = exit_span(date, exit_, contract_start)
    high = np.where(stories.set_aside, np.minimum(high, seen_until), high)
    high = np.where(exit_ == X_CORRECTED, np.minimum(high, last_day(timeline.last - 2)), high)
    # Most sit the exit test soon after the 80-100 hour course, within 6 months of enrolling.
    middle = np.clip(add_months(date, 6), low, np.maximum(low, high))
    exit_day = np.where(rng.random(count) < 0.65, between(rng, low, middle), between(rng, middle, high))
    fail_day = between(rng, low, high - 30)
    retake_day = between(rng, fail_day + 30, high)
    window_end = add_months(date, WINDOW_MONTHS)
    exit_day = np.select([exit_ == X_RETAKE, exit_ == X_WINDOW_END, exit_ == X_AFTER_WINDOW],
                         [retake_day, window_end, window_end + 1], exit_day)
    pass_level = np.where(exit_ == X_CORRECTED, B1, passed)
    accepted_pass = np.isin(exit_, (X_PASS, X_RETAKE, X_WINDOW_END, X_AFTER_WINDOW, X_BEFORE_CONTRACT, X_CORRECTED))
    claimed_row = rows.add(accepted_pass, person, exit_test, SALIDA, exit_day, pass_level, owner)
    first_fail = rows.add(np.isin(exit_, (X_RETAKE, X_FAIL)) | ((exit_ == X_NOT_ACCEPTED) & (rng.random(count) < 0.4)),
                          person, exit_test, SALIDA, fail_day, failed, owner)
    claimed_row = np.where(exit_ == X_FAIL, first_fail, claimed_row)
    # Some who failed try again, and fail again.
    again = (exit_ == X_FAIL) & (rng.random(count) < 0.3)
    rows.add(again, person, exit_test, SALIDA, fail_day + rng.integers(30, 91, count), failed, owner)
    not_accepted = rows.add(exit_ == X_NOT_ACCEPTED, person, other_test, SALIDA, exit_day, passed, owner)
    claimed_row = np.where(exit_ == X_NOT_ACCEPTED, not_accepted, claimed_row)

    _registry_only(rng, rows, population, role, enrolments, timeline)
    columns = rows.arrays()
    # Saber 11 reports up to B+ (B2).
    columns["level"] = np.where(columns["test"] == SABER11, np.minimum(columns["level"], B2), columns["level"])

    population, turns_adult = _turning_adult(rng, population, enrolments, stories, columns, claimed_row, timeline)
    _show_every_spelling(rng, columns, delivery(columns["day"], timeline))
    corrected = claimed_row[exit_ == X_CORRECTED]
    size = len(columns["person"])
    delivered = delivery(columns["day"], timeline)
    corrects = np.full(size, -1, dtype=np.int64)
    if len(corrected):
        # The correction arrives at least a month after the owner's claim (filed the month the
        # pass was delivered), by the last inbox month.
        late = rng.integers(delivered[corrected] + 1, timeline.last + 1)
        for name in columns:
            columns[name] = np.concatenate([columns[name], columns[name][corrected]])
        columns["level"][size:] = A2
        delivered = np.concatenate([delivered, late])
        corrects = np.concatenate([corrects, corrected])
    written = written_levels(rng, columns["test"], columns["level"], delivered)
    score, certificate = _scores_and_certificates(rng, columns)
    # A correction keeps the certificate number of the result it corrects.
    certificate[size:] = certificate[corrected]
    exam_rows = ExamRows(columns["person"], columns["test"], columns["moment"], columns["day"], columns["level"],
                         written, score, certificate, delivered, corrects)
    return Exams(exam_rows, stories, population, claimed_row, entry_row, turns_adult)


def delivery(day: np.ndarray, timeline: Timeline) -> np.ndarray:
    """The inbox month whose extract carries an exam of that day (-1: after the data set)."""
    month = np.maximum(month_of_day(day) + 1, timeline.first)
    return np.where(month <= timeline.last, month, -1)


def _registry_only(rng, rows: _Collector, population: Population, role: np.ndarray, enrolments: Enrolments,
                   timeline: Timeline) -> None:
    """People nobody enrolls: some took a test anyway (Saber 11 at school, Aptis for a job)."""
    others = np.flatnonzero(enrolments.row_of < 0)
    took = others[rng.random(len(others)) < 0.4]
    size = len(took)
    day = between(rng, np.full(size, first_day(timeline.first - 9)), np.full(size, last_day(timeline.last)))
    test = np.where(role[took] == DOCENTE, APTIS_DOCENTES, np.where(rng.random(size) < 0.6, SABER11, APTIS_GENERAL))
    level = rng.choice(np.array([PRE_A1, A1, A2, B1, B2]), size=size, p=[0.15, 0.3, 0.3, 0.17, 0.08])
    rows.add(np.ones(size, dtype=bool), took, test, ENTRADA, day, level, -1)


def _turning_adult(rng, population: Population, enrolments: Enrolments, stories: Stories, columns, claimed_row,
                   timeline: Timeline) -> tuple[Population, np.ndarray]:
    """Set aside one student with a TI whose 18th birthday is made to fall between enrolment
    and the exit pass: the roster gives the TI, the pass and the claim the CC."""
    count = len(enrolments.person)
    turns = np.zeros(count, dtype=bool)
    person = enrolments.person
    day = np.where(claimed_row >= 0, columns["day"][np.maximum(claimed_row, 0)], -1)
    eligible = ((population.doc_type[person] == TI) & ~stories.set_aside & (stories.entry == E_BELOW)
                & (stories.exit == X_PASS) & (day - enrolments.date >= 40)
                & (day <= last_day(timeline.last - 1)))
    if not eligible.any():
        return population, turns
    chosen = int(rng.choice(np.flatnonzero(eligible)))
    turns[chosen] = True
    birthday = int(between(rng, enrolments.date[chosen] + 10, day[chosen] - 10))
    month = int(month_of_day(birthday))
    dom = min(birthday - int(first_day(month)) + 1, 28)
    birth, adult = population.birth.copy(), population.adult.copy()
    adult[person[chosen]] = int(first_day(month)) + dom - 1
    birth[person[chosen]] = int(first_day(month - ADULT_MONTHS)) + dom - 1
    return replace(population, birth=birth, adult=adult), turns


def _show_every_spelling(rng, columns, delivered: np.ndarray) -> None:
    """Make sure a delivered row exists for every alias spelling: Aptis at PRE_A1 (A0) and C1
    (C), Saber 11 at PRE_A1 (A-) and B2 (B+). A level is moved only where no verdict can change
    (below B1 to PRE_A1; B1 to B2 or B2 to C1)."""
    test, level = columns["test"], columns["level"]
    seen = delivered >= 0
    aptis = np.isin(test, ACCEPTED_TESTS)
    for group, wanted, source in ((aptis, PRE_A1, (A1, A2)), (test == SABER11, PRE_A1, (A1, A2)),
                                  (test == SABER11, B2, (B1,)), (aptis, C1, (B2,))):
        if (seen & group & (level == wanted)).any():
            continue
        pool = np.flatnonzero(seen & group & np.isin(level, source))
        if len(pool):
            level[int(rng.choice(pool))] = wanted


_ALIASES = {(PRE_A1, "aptis"): "A0", (C1, "aptis"): "C", (PRE_A1, "saber"): "A-", (B2, "saber"): "B+"}


def written_levels(rng: np.random.Generator, test: np.ndarray, level: np.ndarray, delivered: np.ndarray) -> np.ndarray:
    """`nivel_mcer` as exam bodies write it: Aptis says A0 and C, Saber 11 says A- and B+ (most
    of the time), and a few rows come in lower case. Every spelling shows at least once."""
    size = len(level)
    written = np.array(LEVELS, dtype=object)[level]
    family = np.where(np.isin(test, ACCEPTED_TESTS), "aptis", np.where(test == SABER11, "saber", "other"))
    draw = rng.random(size)
    seen = delivered >= 0
    for (wanted, body), alias in _ALIASES.items():
        rows = (level == wanted) & (family == body)
        use = rows & (draw < (0.7 if body == "aptis" else 0.8))
        if (rows & seen).any() and not (use & seen).any():
            use[int(rng.choice(np.flatnonzero(rows & seen)))] = True
        written[use] = alias
    lower = rng.random(size) < 0.06
    if seen.any() and not (lower & seen).any():
        lower[int(rng.choice(np.flatnonzero(seen)))] = True
    written[lower] = np.char.lower(written[lower].astype(str)).astype(object)
    return written


def _scores_and_certificates(rng: np.random.Generator, columns) -> tuple[np.ndarray, np.ndarray]:
    """Scores by level (none for other tests, and for some Aptis rows); a certificate number
    for every Aptis exit test and Saber 11 result, for some other tests."""
    test, level, day = columns["test"], columns["level"], columns["day"]
    size = len(test)
    aptis = np.isin(test, ACCEPTED_TESTS)
    aptis_range, saber_range = np.array(_APTIS_SCORES), np.array(_SABER_SCORES)
    low = np.where(aptis, aptis_range[level, 0], saber_range[level, 0])
    high = np.where(aptis, aptis_range[level, 1], saber_range[level, 1])
    score = between(rng, low, high)
    score = np.where((test == OTRA) | (aptis & (rng.random(size) < 0.1)), -1, score)
    year = (1970 + month_of_day(day) // 12).astype(str)
    serial = (rng.permutation(size) + 100_000_000).astype(str)
    aptis_number = np.char.add(np.char.add(np.char.add("APT", year), "-"), serial)
    saber_number = np.char.add(np.char.add("AC", year), serial)
    other_number = np.char.add("CERT-", serial)
    certificate = np.select(
        [aptis & (columns["moment"] == SALIDA), test == SABER11, (test == OTRA) & (rng.random(size) < 0.5)],
        [aptis_number, saber_number, other_number], "",
    ).astype(object)
    return score, certificate
