"""The two health programmes: SALUD_MATERNA (pregnant women who attend four prenatal controls,
CONTROLES_PRENATALES) and SALUD_TRANSMISIBLES (people newly diagnosed with HIV or tuberculosis
who start and keep their treatment, CASO_ADHERENTE), verified against RIPS.

Added beside the employment and English data sets without touching them: every draw comes from
one random stream of its own (`world.stream(seed, "health")` split into parts), its people
hold document numbers nobody else holds, and its operators are numbered after the others
(OP-005 runs SALUD_MATERNA and OP-006 SALUD_TRANSMISIBLES when there are three employment
operators; a quarter of the employment operators' number each, at least one). `simulate_and_write`
writes

    inbox/<M>/inscripciones/op-NNN_salud_materna_<M>.csv|xlsx        rosters (and _salud_transmisibles_)
    inbox/<M>/reportes/op-NNN_salud_materna_<M>.csv|xlsx             claims
    inbox/<M>/registros/rips/rips_<NIT>_<numFactura>.json            RIPS invoices (rips.py)
    inbox/<M>/registros/rips/rips_<NIT>_<M>.csv                      the pharmacy's flat CSV
    inbox/<first>/registros/rips/rips_historico_hasta_<M>.csv        what was billed before

and returns the rows it adds to the ground truth. The verdicts come from `verdicts.Oracle`,
which assumes every operator of the programmes holds one contract from the first day of the
month before the first inbox month to the end of the last inbox month's year (the span of the
sample's hand-written contracts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from ..bilinguismo import Added
from ..dated_verdicts import people_by_key
from ..inbox import FileRecord, claim_rows, number_rows, with_invalid_rows, write_operator_files
from ..invalid import InvalidRow
from ..layout import CLAIMS, ROSTERS, Layout, plan_operator_files
from ..noise import PEP_TO_PT, Noise, labels
from ..operators import Enrolments, ExtraEnrolments, operator_codes
from ..population import CC, DOC_TYPES, GROUP_BIT, PE, PT, TI, Population, build_population, unique_numbers
from ..records import as_records, ids_of, operator_records, quarantined_records
from ..rosters import ROSTER_COLUMNS, build_roster, written_roster
from ..timeline import Timeline, first_day, index_month, last_day, to_date
from ..truth import invalid_truth
from ..world import World as EmploymentWorld
from ..world import operators_beside, part_stream, sample_contract
from . import catalogue as c
from . import claims as intents
from . import services as s
from .claims import Claims, Intentions, build_claims
from .invalid import INVALID_PEOPLE, build_invalid_rows
from .people import (CASE, MAN, MATERNA, MOTHER, OUTCOMES, PROGRAMMES, TRANSMISIBLES, build_enrolments, build_people,
                     exit_listings, renew_peps, second_enrolments)
from .rips import RIPS, Correction, Delivery, plan_delivery, write_files
from .truth import SCENARIOS, Labeller, claim_truth, people_truth, unclaimed
from .verdicts import Claim, Listing, Oracle, Row, Rules, adherence, decide, identity_key, prenatal

__all__ = ["SCENARIOS", "operator_count", "simulate_and_write", "PROGRAMMES", "OUTCOMES"]

SHARE = 0.04
"""Pregnant women, and people with HIV or tuberculosis, per person of the employment population ..."""
MIN_PEOPLE = 80
"""... and at least this many of each, so that a small data set shows every scenario."""
BACKGROUND_SHARE = 0.1
"""People only RIPS knows, per person of the employment population (at least 40)."""
USERS_PER_INVOICE = 25
"""Patients per invoice in a small data set; a larger one bills about one patient in 1,500 of
its people per invoice (200 at 300,000 people), as big providers do."""

_PARTS = ("people", "extras", "enrolments", "exits", "seconds", "stories", "services", "claims", "layout", "rosters",
          "noise_rosters", "renewals", "delivery", "invalid")
"""The parts of the health stream; new parts go at the end."""


def stream(seed: int, part: str) -> np.random.Generator:
    """The random stream of one part of the health programmes, inside the generator's `health` stream."""
    return part_stream(seed, "health", _PARTS, part)


operator_count = operators_beside
"""Operators of each health programme beside the employment ones: a third as many, at least one."""


@dataclass(frozen=True)
class World:
    """The health programmes as simulated (what the files and the labels are made from)."""

    timeline: Timeline
    codes: tuple[str, ...]
    ops: tuple[np.ndarray, np.ndarray]
    population: Population
    kind: np.ndarray
    extras: Population
    enrolments: tuple[Enrolments, Enrolments]
    exits: tuple[ExtraEnrolments, ExtraEnrolments]
    seconds: tuple[tuple[ExtraEnrolments, np.ndarray], tuple[ExtraEnrolments, np.ndarray]]
    pregnancies: s.Pregnancies
    cases: s.Cases
    services: s.Services
    subject_of: tuple[np.ndarray, np.ndarray]
    """Per programme and enrolment: the subject (index into pregnancies or cases)."""
    believed: tuple[np.ndarray, np.ndarray]
    """Per programme and enrolment: the outcome day every RIPS row of the person shows (-1: none)."""
    verified: tuple[np.ndarray, np.ndarray]
    contract: tuple[dt.date, dt.date]

    @property
    def contract_start(self) -> int:
        return (self.contract[0] - dt.date(1970, 1, 1)).days


def simulate_and_write(out_dir: Path, *, seed: int, people: int, timeline: Timeline, employment: EmploymentWorld,
                       first_person: int, first_op: int, taken: set[str], noise: Noise,
                       say: Callable[[str], None]) -> Added:
    """Simulate both health programmes for a data set of `people` employment people, write
    their inbox files and return their ground-truth rows. `first_person` is the 0-based index
    their person ids start from; `first_op` the number of operators before theirs; `taken`
    every document number the other files hold (it grows by the numbers used here)."""
    world = _simulate(seed, people, timeline, employment, first_person, first_op, taken, noise)
    say(f"health: {world.population.size:,} people, {len(world.enrolments[0].person):,} enrolled in SALUD_MATERNA and "
        f"{len(world.enrolments[1].person):,} in SALUD_TRANSMISIBLES")
    claims = build_claims(stream(seed, "claims"), intentions=_intentions(world, stream(seed, "claims")),
                          population=world.population, subjects=[world.pregnancies.person, world.cases.person],
                          seconds=list(world.seconds), ops=list(world.ops), timeline=timeline,
                          contract_start=world.contract_start,
                          employment=(employment.population, employment.enrolments.person), taken=taken)
    rng = stream(seed, "invalid")
    invalid = build_invalid_rows(rng, world.extras, world.codes, world.ops, timeline,
                                 int(rng.integers(min(timeline.first + 1, timeline.last), timeline.last + 1)))

    files: list[FileRecord] = []
    rows = {ROSTERS: [], CLAIMS: []}
    listed_frames, roster_records = [], []
    for programme in (MATERNA, TRANSMISIBLES):
        written = _write_programme(out_dir, seed, programme, world, claims, invalid, taken, noise, say)
        files += written.files
        rows[ROSTERS].append(written.rosters)
        rows[CLAIMS].append(written.claims)
        listed_frames.append(written.listed)
        roster_records.append(operator_records(ROSTERS, written.rosters, world.population.person_ids(written.people),
                                               world.extras, invalid))
    numbered = {kind: pl.concat(frames, how="diagonal_relaxed") for kind, frames in rows.items()}

    # People set aside to show an edge keep their documents clean in RIPS.
    clean = np.zeros(world.population.size, dtype=bool)
    clean[world.pregnancies.person[world.pregnancies.set_aside]] = True
    clean[world.cases.person[world.cases.set_aside]] = True
    delivery = plan_delivery(stream(seed, "delivery"), world.services, world.population, timeline,
                             typo_rate=noise.roster_typo, taken=taken,
                             users_per_invoice=max(USERS_PER_INVOICE, round(people / 1500)),
                             corrections=_corrections(world, claims), invalid=invalid, extras=world.extras,
                             typo_people=~clean)
    files += write_files(out_dir, delivery)
    say(f"health: {delivery.rows.height:,} RIPS rows in {delivery.files.height} files")

    rules = Rules()
    listings = _listings(world, numbered[ROSTERS])
    contracts = {(PROGRAMMES[p], world.codes[op]): [world.contract] for p in (0, 1) for op in world.ops[p]}
    oracle = Oracle(rules, listings, _rows(delivery, by_person=None), contracts)
    linked = Oracle(rules, listings, _rows(delivery, by_person=world.population), contracts)
    oracle_claims, positions = _claims(world, claims, numbered[CLAIMS])
    last = index_month(timeline.last)
    decided, linked_decided = decide(oracle, oracle_claims, last), decide(linked, oracle_claims, last)
    person_ids = _claim_person_ids(world, claims, employment)
    labeller = Labeller(claims=claims, world=world, contract_start=world.contract_start,
                        noisy=_noisy_people(delivery), old_rows=_old_rows(world))
    truth_claims = claim_truth(labeller, decided, linked_decided, positions, person_ids, timeline.last)
    truth_claims += _invalid_claims(numbered[CLAIMS], invalid, world.extras)
    listed = pl.concat(listed_frames)
    located = {row_id: (path, row) for row_id, path, row in delivery.rows.filter(pl.col("invalid").is_not_null())
               .select("invalid", "file", "source_row").iter_rows()}
    return Added(
        files=files,
        people=people_truth(world.population, world.kind, world.extras, listed),
        claims=pl.DataFrame(truth_claims),
        unclaimed=unclaimed(oracle, decided, people_by_key(world.population), last),
        invalid=invalid_truth(invalid, numbered, located, None),
        records=[
            pl.concat(roster_records).sort("source_file", "source_row"),
            operator_records(CLAIMS, numbered[CLAIMS], pl.Series(person_ids).replace("", None), world.extras, invalid),
            rips_records(delivery, world.population, world.extras, invalid, located),
        ],
        roster_rows=numbered[ROSTERS].height, claim_rows=numbered[CLAIMS].height,
        enrolled=len(world.enrolments[0].person) + len(world.enrolments[1].person),
        exam_rows=0,
    )


# The world ---------------------------------------------------------------------------------

def _simulate(seed: int, people: int, timeline: Timeline, employment: EmploymentWorld, first_person: int,
              first_op: int, taken: set[str], noise: Noise) -> World:
    mothers = max(MIN_PEOPLE, round(people * SHARE))
    counts = (mothers, max(1, round(mothers * 0.03)), max(MIN_PEOPLE, round(people * SHARE)),
              max(40, round(people * BACKGROUND_SHARE)))
    per_programme = operator_count(len(employment.codes))
    codes = operator_codes(first_op + 2 * per_programme)
    ops = (np.arange(first_op, first_op + per_programme), np.arange(first_op + per_programme, len(codes)))
    numbers = np.array(sorted(int(number) for number in taken if number.isdigit()), dtype=np.int64)
    population, kind = build_people(stream(seed, "people"), counts, timeline, id_offset=first_person, taken=numbers)
    extras = build_population(stream(seed, "extras"), INVALID_PEOPLE, timeline,
                              id_offset=first_person + population.size,
                              taken=np.concatenate([numbers, population.doc_number.astype(np.int64)]), only_cc=True)
    taken |= set(population.doc_number.tolist()) | set(extras.doc_number.tolist())
    size = population.size
    rng = stream(seed, "enrolments")
    enrolments = (
        build_enrolments(rng, size, np.flatnonzero(kind == MOTHER), np.flatnonzero(kind == MAN), ops[0], codes,
                         timeline),
        build_enrolments(rng, size, np.flatnonzero(kind == CASE), np.zeros(0, dtype=np.int64), ops[1], codes,
                         timeline),
    )
    rng = stream(seed, "exits")
    exits = (exit_listings(rng, enrolments[0], timeline, (150, 271)), exit_listings(rng, enrolments[1], timeline,
                                                                                    (180, 366)))
    contract_start = int(first_day(timeline.first - 1))
    contract = sample_contract(timeline)

    rng = stream(seed, "stories")
    subjects = np.flatnonzero((kind == MOTHER) | (kind == MAN))
    pregnancies = s.plan_pregnancies(rng, subjects, *_references(rng, subjects, enrolments[0], timeline),
                                     kind[subjects] == MAN, timeline, contract_start)
    subjects = np.flatnonzero(kind == CASE)
    cases = s.plan_cases(rng, subjects, *_references(rng, subjects, enrolments[1], timeline), timeline,
                         contract_start)
    services = s.build_services(stream(seed, "services"), pregnancies, cases, size, timeline)
    subject_of = tuple(_subject_of(enrolments[p], subjects_) for p, subjects_ in
                       ((0, pregnancies), (1, cases)))
    believed, verified = _world_outcomes(enrolments, subject_of, services, population, pregnancies, cases)

    rng = stream(seed, "seconds")
    seconds = tuple(
        second_enrolments(rng, enrolments[p], ops[p], timeline,
                          verified[p] & (believed[p] >= contract_start) & (believed[p] <= last_day(timeline.last - 1)))
        for p in (0, 1))
    # Rosters list a renewed PEP holder with the PEP: the PT comes after the last listing.
    listed_until = np.full(size, -1, dtype=np.int64)
    for p in (0, 1):
        np.maximum.at(listed_until, enrolments[p].person, enrolments[p].date)
        np.maximum.at(listed_until, seconds[p][0].person, seconds[p][0].date)
    everyone = np.concatenate([numbers, population.doc_number.astype(np.int64), extras.doc_number.astype(np.int64)])
    rng = stream(seed, "renewals")
    population = renew_peps(rng, population, noise.pep_to_pt, listed_until,
                            (int(first_day(timeline.first - 6)), int(last_day(timeline.last))), everyone)
    if noise.pep_to_pt > 0:
        for subjects, p in ((pregnancies, MATERNA), (cases, TRANSMISIBLES)):
            population = _renewed_before_the_claim(rng, population, subjects, believed[p], listed_until, timeline,
                                                   contract_start, everyone)
    population = _turning_adult(rng, population, pregnancies, believed[0], timeline, contract_start)
    taken |= set(population.new_number[population.new_number != ""].tolist()) | set(population.doc_number.tolist())
    return World(timeline, codes, ops, population, kind, extras, enrolments, exits, seconds, pregnancies, cases,
                 services, subject_of, believed, verified, contract)


def _claimable(subjects, believed: np.ndarray, timeline: Timeline, contract_start: int) -> tuple[np.ndarray, np.ndarray]:
    """Subjects (pregnancies or cases) in an ordinary story (FULL, ADHERENT) whose outcome the
    contract covers and RIPS shows within the data set; and each one's outcome day."""
    enrolment = subjects.enrolment
    outcome = np.where(enrolment >= 0, believed[np.maximum(enrolment, 0)], -1)
    visible = (outcome >= contract_start) & (outcome <= last_day(timeline.last - 2))
    ordinary = np.isin(subjects.story, (s.FULL, s.ADHERENT)) & ~subjects.set_aside
    return (enrolment >= 0) & ordinary & visible, outcome


def _turning_adult(rng: np.random.Generator, population: Population, pregnancies: s.Pregnancies,
                   believed: np.ndarray, timeline: Timeline, contract_start: int) -> Population:
    """Set aside one pregnant 17-year-old whose 18th birthday falls between her enrolment and
    her fourth control: the roster gives her TI; RIPS and the claim, from the birthday, her CC."""
    eligible, outcome = _claimable(pregnancies, believed, timeline, contract_start)
    person = pregnancies.person
    eligible &= outcome - pregnancies.reference >= 40
    nuip = np.char.str_len(population.doc_number[person].astype(str)) == 10
    for pool in (eligible & (population.doc_type[person] == TI), eligible & nuip):
        if pool.any():
            chosen = int(rng.choice(np.flatnonzero(pool)))
            break
    else:
        return population
    who = int(person[chosen])
    adult_day = int(rng.integers(pregnancies.reference[chosen] + 10, outcome[chosen] - 9))
    birthday = to_date(adult_day)
    day = min(birthday.day, 28)
    adult = (dt.date(birthday.year, birthday.month, day) - dt.date(1970, 1, 1)).days
    birth = (dt.date(birthday.year - 18, birthday.month, day) - dt.date(1970, 1, 1)).days
    pregnancies.set_aside[chosen] = True
    arrays = {name: getattr(population, name).copy() for name in ("birth", "adult", "doc_type")}
    arrays["birth"][who], arrays["adult"][who], arrays["doc_type"][who] = birth, adult, TI
    return replace(population, **arrays)


def _renewed_before_the_claim(rng: np.random.Generator, population: Population, subjects, believed: np.ndarray,
                              listed_until: np.ndarray, timeline: Timeline, contract_start: int,
                              taken: np.ndarray) -> Population:
    """Make sure one enrolled PEP holder of the programme shows the new PT from a few days before
    the outcome (the operator claims with the PT; the roster listed the PEP), when there is one."""
    eligible, outcome = _claimable(subjects, believed, timeline, contract_start)
    person = subjects.person
    eligible &= listed_until[person] < outcome - 12
    holders = eligible & (population.doc_type[person] == PE)
    if ((population.renewal[person] <= outcome) & holders).any():
        return population
    # Without such a PEP holder, one of the others is a migrant who came with a PEP.
    pool = holders if holders.any() else eligible & (population.doc_type[person] == CC)
    if not pool.any():
        return population
    chosen = int(rng.choice(np.flatnonzero(pool)))
    who = int(person[chosen])
    if not holders.any():
        arrays = {name: getattr(population, name).copy() for name in ("doc_type", "doc_number", "groups")}
        pep = unique_numbers(rng, np.array([PE], dtype=np.uint8), population.sex[[who]], np.zeros(1, dtype=np.int64),
                             taken)
        arrays["doc_type"][who], arrays["doc_number"][who] = PE, str(int(pep[0]))
        arrays["groups"][who] |= GROUP_BIT["MIGRANTE"]
        population = replace(population, **arrays)
        taken = np.concatenate([taken, pep.astype(np.int64)])
    renewal, new_number = population.renewal.copy(), population.new_number.copy()
    renewal[who] = int(rng.integers(max(listed_until[who] + 1, outcome[chosen] - 10), outcome[chosen] - 2))
    number = unique_numbers(rng, np.array([PT], dtype=np.uint8), population.sex[[who]], np.zeros(1, dtype=np.int64),
                            np.concatenate([taken, population.new_number[population.new_number != ""].astype(np.int64)]))
    new_number[who] = str(int(number[0]))
    subjects.set_aside[chosen] = True
    return replace(population, renewal=renewal, new_number=new_number)


def _references(rng: np.random.Generator, subjects: np.ndarray, enrolments: Enrolments,
                timeline: Timeline) -> tuple[np.ndarray, np.ndarray]:
    """Per subject: E (or, for someone nobody enrolled, a day in the data set) and the enrolment."""
    enrolment = enrolments.row_of[subjects]
    made_up = rng.integers(int(first_day(timeline.first - 6)), int(last_day(timeline.last)) + 1, len(subjects))
    return np.where(enrolment >= 0, enrolments.date[np.maximum(enrolment, 0)], made_up), enrolment


def _subject_of(enrolments: Enrolments, subjects) -> np.ndarray:
    result = np.full(len(enrolments.person), -1, dtype=np.int64)
    mine = subjects.enrolment >= 0
    result[subjects.enrolment[mine]] = np.flatnonzero(mine)
    return result


def _service_rows(services: s.Services, index: np.ndarray) -> list[Row]:
    kinds = np.array(c.KIND_CODES)[services.kind[index]]
    return [Row(kind, to_date(int(day)), purpose or "", dx or "", None if days < 0 else int(days),
                (str(row), 0, kind), ("", "", int(row)))
            for row, kind, day, purpose, dx, days in zip(index.tolist(), kinds.tolist(), services.day[index].tolist(),
                                                         services.purpose[index].tolist(), services.dx[index].tolist(),
                                                         services.days[index].tolist())]


def _world_outcomes(enrolments, subject_of, services: s.Services, population: Population, pregnancies: s.Pregnancies,
                    cases: s.Cases) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Per programme and enrolment: the day every RIPS row of the person (perfectly linked, as
    billed, without lag) verifies the outcome, -1 where it does not; and whether it does."""
    rules, far = Rules(), dt.date(9999, 12, 31)
    order = np.argsort(services.person, kind="stable")
    bounds = np.searchsorted(services.person[order], np.arange(population.size + 1))
    believed, verified = [], []
    for p, e in enumerate(enrolments):
        days = np.full(len(e.person), -1, dtype=np.int64)
        for index, (person, date) in enumerate(zip(e.person.tolist(), e.date.tolist())):
            rows = _service_rows(services, order[bounds[person]:bounds[person + 1]])
            start = to_date(date)
            if p == MATERNA:
                verdict = prenatal(rules, rows, start, "F" if population.sex[person] == 0 else "M", far)
            else:
                verdict = adherence(rules, rows, start, far)
            if verdict.outcome_date is not None:
                days[index] = (verdict.outcome_date - dt.date(1970, 1, 1)).days
        believed.append(days)
        verified.append(days >= 0)
    return (believed[0], believed[1]), (verified[0], verified[1])


def _intentions(world: World, rng: np.random.Generator) -> list[Intentions]:
    """What each owner believes and does (see claims.py)."""
    timeline, start = world.timeline, world.contract_start
    result = []
    for p in (MATERNA, TRANSMISIBLES):
        e = world.enrolments[p]
        count = len(e.person)
        subject = world.subject_of[p]
        believed, verified = world.believed[p], world.verified[p]
        if p == MATERNA:
            stories = world.pregnancies.story[subject]
            set_aside = world.pregnancies.set_aside[subject]
            after = world.pregnancies.controls_after()[subject]
            last_seen = np.where((after >= 0).any(axis=1), after.max(axis=1), e.date + 60)
            reported = np.where(stories == s.MAN_ENROLLED, e.date + rng.integers(90, 151, count),
                                last_seen + rng.integers(20, 61, count))
            fixed = np.where(stories == s.CORRECTED, 2, -1)
            # A few operators count the controls she had before they enrolled her and date the
            # claim with the last of those (that is the only claim they send about her).
            days = world.pregnancies.control_day[subject]
            earlier = np.where((days >= 0) & (days < e.date[:, None]), days, -1).max(axis=1)
            pool = np.flatnonzero((stories == s.FULL) & ~set_aside & (earlier >= 0))
            before = np.full(count, -1, dtype=np.int64)
            picked = rng.permutation(pool)[: max(1, round(0.01 * count))]
            before[picked] = earlier[picked]
        else:
            k = world.cases
            stories = k.story[subject]
            set_aside = k.set_aside[subject]
            anchor = np.where(k.treatment[subject] >= 0, k.treatment[subject],
                              np.where(k.diagnosis[subject] >= 0, k.diagnosis[subject], e.date))
            reported = anchor + rng.integers(150, 201, count)
            fixed = np.where(stories == s.CORRECTED_DAYS, 2, -1)
            before = np.full(count, -1, dtype=np.int64)
        # A claim the operator is not sure of is dated in the contract and not before the
        # enrolment; an edge set aside is reported by the last inbox month.
        reported = np.maximum.reduce([reported, e.date, start + rng.integers(0, 31, count)])
        reported = np.where(set_aside, np.maximum(np.minimum(reported, last_day(timeline.last) - 5),
                                                  np.maximum(e.date, start)), reported)
        reported = np.where(verified, -1, reported)
        ordinary = np.isin(stories, (s.FULL, s.ADHERENT)) & ~set_aside
        # One outcome from before the contract began is claimed for sure (when there is one).
        early = np.flatnonzero(ordinary & verified & (believed < start) & (before < 0))
        if len(early):
            chosen = int(rng.choice(early))
            set_aside, ordinary = set_aside.copy(), ordinary.copy()
            set_aside[chosen], ordinary[chosen] = True, False
        result.append(Intentions(p, e, np.where(verified, believed, -1), verified, set_aside, reported, fixed, before,
                                 ordinary))
    return result


# Files -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Written:
    files: list[FileRecord]
    rosters: pl.DataFrame
    claims: pl.DataFrame
    listed: pl.DataFrame
    people: np.ndarray
    """The person of each roster listing (by the `roster` column)."""


def _subset(claims: Claims, mask: np.ndarray) -> Claims:
    return Claims(**{name: getattr(claims, name)[mask] for name in Claims.__dataclass_fields__})


def _write_programme(out_dir: Path, seed: int, programme: int, world: World, claims: Claims,
                     invalid: list[InvalidRow], taken: set[str], noise: Noise, say) -> _Written:
    """One programme's rosters and claims files."""
    name = PROGRAMMES[programme]
    timeline, codes = world.timeline, world.codes
    ops = world.ops[programme]
    layout = Layout(plan_operator_files(stream(seed, "layout"), codes[ops[0]: ops[-1] + 1], timeline, name,
                                        first_op=int(ops[0])), {})
    second, _ = world.seconds[programme]
    roster = build_roster(world.enrolments[programme], world.exits[programme], second)
    # Rosters carry the name, case and birth-date noise of the level, not its document noise.
    quiet = replace(noise, roster_typo=0.0, roster_wrong_type=0.0)
    written = written_roster(stream(seed, "rosters"), roster, world.population, layout, codes, noise=quiet,
                             noise_rng=stream(seed, "noise_rosters"), taken=taken, programme=name)
    written = written.with_columns(pl.int_range(pl.len()).alias("roster"), pl.lit(None, pl.Int64).alias("invalid"),
                                   pl.lit(programme).alias("programme_index"))
    mine = [row for row in invalid if row.kind in (ROSTERS, CLAIMS) and row.op in ops]
    rng = stream(seed, "invalid")
    mask = claims.programme == programme
    subset = _subset(claims, mask)
    # A claim written with the PT that replaced the person's PEP carries that noise.
    ours = (subset.person >= 0) & (subset.intent != intents.OTHER_PROGRAMME)
    renewed = ours & (world.population.renewal[np.where(ours, subset.person, 0)] <= subset.fecha)
    claim_frame = claim_rows(subset, codes, layout, programme=name, resultado=OUTCOMES[programme],
                             noise_labels=labels({PEP_TO_PT: renewed}, subset.size))
    claim_frame = claim_frame.with_columns(pl.Series("claim", np.flatnonzero(mask)[claim_frame["claim"].to_numpy()]))
    rows = {
        ROSTERS: number_rows(with_invalid_rows(written, mine, ROSTERS, layout, rng), layout, ROSTERS),
        CLAIMS: number_rows(with_invalid_rows(claim_frame, mine, CLAIMS, layout, rng), layout, CLAIMS),
    }
    files = write_operator_files(out_dir, layout, rows, codes, say, programme=name, roster_columns=ROSTER_COLUMNS)
    return _Written(files, rows[ROSTERS].with_columns(pl.lit(programme).alias("programme_index")),
                    rows[CLAIMS].with_columns(pl.lit(programme).alias("programme_index")), roster.listed(codes),
                    roster.person)


def _corrections(world: World, claims: Claims) -> list[Correction]:
    """The set-aside corrections: a month after the owner's claim of the corrected outcome."""
    result = []
    for programme, story, values in ((MATERNA, s.CORRECTED, dict(purpose="15", dx="N390")),
                                     (TRANSMISIBLES, s.CORRECTED_DAYS, dict(days=3))):
        subjects = world.pregnancies if programme == MATERNA else world.cases
        for subject in np.flatnonzero(subjects.story == story).tolist():
            enrolment = int(subjects.enrolment[subject])
            outcome = int(world.believed[programme][enrolment])
            own = np.flatnonzero((claims.programme == programme) & (claims.enrolment == enrolment)
                                 & (claims.intent == intents.OWN))
            if outcome < 0 or not len(own):
                continue
            services = world.services
            row = np.flatnonzero((services.person == subjects.person[subject]) & (services.day == outcome)
                                 & np.isin(services.role, (s.ROLE_CONTROL, s.ROLE_DISPENSED)))
            month = int(claims.month[own].max()) + 1
            if len(row) == 1 and month <= world.timeline.last:
                result.append(Correction(int(row[0]), month, **values))
    return result


# The oracle's inputs ------------------------------------------------------------------------

def _listings(world: World, numbered: pl.DataFrame) -> dict:
    """Valid roster rows by (programme, document), with the sex as written."""
    result: dict = {}
    valid = numbered.filter(pl.col("roster").is_not_null())
    for programme in (MATERNA, TRANSMISIBLES):
        frame = valid.filter(pl.col("programme_index") == programme)
        roster = build_roster(world.enrolments[programme], world.exits[programme], world.seconds[programme][0])
        index = frame["roster"].to_numpy()
        sexes = frame["sexo"].str.to_uppercase().replace({"MUJER": "F", "HOMBRE": "M"}).to_list()
        for kind, number, sex, received, date, op in zip(frame["tipo_documento"].to_list(),
                                                         frame["numero_documento"].to_list(), sexes,
                                                         roster.received[index].tolist(), roster.date[index].tolist(),
                                                         roster.op[index].tolist()):
            result.setdefault((PROGRAMMES[programme], identity_key(kind, number)), []).append(
                Listing(index_month(received), to_date(date), world.codes[op], sex))
    return result


def _rows(delivery: Delivery, by_person: Population | None) -> dict:
    """Delivered RIPS rows by document as written, or (`by_person`) by the document each row's
    true person holds: what perfect linkage would give."""
    frame = delivery.rows.filter(pl.col("invalid").is_null())
    result: dict = {}
    held_key = None
    if by_person is not None:
        held_key = [identity_key(DOC_TYPES[int(kind)], str(number))
                    for kind, number in zip(by_person.doc_type.tolist(), by_person.doc_number.tolist())]
    for (kind_, number, person, service_kind, day, purpose, dx, days, invoice, consecutivo, delivered, path,
         source_row) in frame.select("tipo_documento", "numero_documento", "person", "tipo_servicio", "day", "finalidad",
                                     "dx_principal", "dias_tratamiento", "num_factura", "consecutivo", "delivered",
                                     "file", "source_row").iter_rows():
        key = identity_key(kind_, number) if held_key is None else held_key[person]
        result.setdefault(key, []).append(Row(service_kind, to_date(day), purpose or "", dx or "", days,
                                              (invoice, consecutivo, service_kind), (delivered, path, source_row)))
    return result


def _claims(world: World, claims: Claims, numbered: pl.DataFrame) -> tuple[list[Claim], dict]:
    valid = numbered.filter(pl.col("claim").is_not_null())
    result, positions = [], {}
    for path, row, index, kind, number in valid.select("path", "source_row", "claim", "tipo_documento",
                                                       "numero_documento").iter_rows():
        programme = int(claims.programme[index])
        result.append(Claim(path, row, index_month(int(claims.month[index])), world.codes[int(claims.op[index])],
                            PROGRAMMES[programme], OUTCOMES[programme], identity_key(kind, number),
                            to_date(int(claims.fecha[index]))))
        positions[(path, row)] = index
    return result, positions


def _claim_person_ids(world: World, claims: Claims, employment: EmploymentWorld) -> list[str]:
    other = claims.intent == intents.OTHER_PROGRAMME
    mine = ids_of(world.population, np.where(other, -1, claims.person))
    theirs = ids_of(employment.population, np.where(other, claims.person, -1))
    return pl.select(pl.coalesce(mine, theirs).fill_null("")).to_series().to_list()


def _noisy_people(delivery: Delivery) -> dict[int, str]:
    """People whose RIPS rows carry document noise, and which (a typo wins over a renewal)."""
    noisy = delivery.rows.filter((pl.col("person") >= 0) & (pl.col("noise") != "")).group_by("person").agg(
        pl.col("typo").any())
    return {person: "REGISTRY_DOC_TYPO" if typo else "REGISTRY_DOC_RENEWED" for person, typo in noisy.iter_rows()}


def _old_rows(world: World) -> dict[int, int]:
    """Per transmisibles enrolment whose story has an earlier row of its group: that row's day."""
    services = world.services
    old = np.flatnonzero(services.role == s.ROLE_OLD)
    return dict(zip(services.owner[old].tolist(), services.day[old].tolist()))


def _invalid_claims(numbered: pl.DataFrame, invalid: list[InvalidRow], extras: Population) -> list[dict]:
    from ..truth import invalid_claims
    return invalid_claims(numbered, invalid, extras)


def rips_records(delivery: Delivery, population: Population, extras: Population, invalid: list[InvalidRow],
                 located: dict[int, tuple[str, int]]) -> pl.DataFrame:
    """One record per RIPS identity (a person under one document as written, with the birth
    date), at its first row; then the invalid rows' people."""
    rows = delivery.rows.filter(pl.col("invalid").is_null() & (pl.col("corrects") < 0)).sort(
        "delivered", "file", "source_row")
    first = rows.group_by("tipo_documento", "numero_documento", maintain_order=True).first()
    mine = first.select(
        pl.col("file").alias("source_file"), "source_row",
        ids_of(population, first["person"].to_numpy()).alias("person_id"), "tipo_documento", "numero_documento",
        pl.col("fecha_nacimiento").str.to_date("%Y-%m-%d"), "noise",
        pl.lit(RIPS).alias("source"), pl.lit(False).alias("quarantined"))
    return pl.concat([as_records(mine), quarantined_records(RIPS, invalid, located, extras)])

