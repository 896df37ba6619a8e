"""The English programme (BILINGUISMO): teachers and students certified at B1 (CERTIFICACION_B1).

Added beside the employment data set without touching it: every draw comes from one random
stream of its own (`world.stream(seed, "bilinguismo")` split into parts), its people hold
document numbers nobody in the employment world holds, and its operators are numbered after
the employment ones (OP-004 when there are three; about a quarter of all operators, at least
one). `simulate_and_write` writes

    inbox/<M>/inscripciones/op-NNN_bilinguismo_<M>.csv|xlsx   rosters, with `rol`
    inbox/<M>/reportes/op-NNN_bilinguismo_<M>.csv|xlsx        CERTIFICACION_B1 claims
    inbox/<M>/registros/examenes_ingles/examenes_<M>.csv|parquet

and returns the rows it adds to the ground truth. The verdicts come from `verdicts.Oracle`,
which assumes every operator of the programme holds one contract from the first day of the
month before the first inbox month to the end of the last inbox month's year (the span of the
sample's hand-written contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from ..dated_claims import claim_person_ids
from ..dated_verdicts import dated_listings, oracle_claims, people_by_key
from ..inbox import FileRecord, claim_rows, programme_rows, write_operator_files
from ..layout import CLAIMS, EXAMS, ROSTERS, Layout, plan_operator_files
from ..noise import Noise
from ..operators import operator_codes
from ..pila import RegistryNames
from ..population import DOC_TYPES, build_population
from ..records import as_records, ids_of, operator_records, quarantined_records
from ..rosters import ROSTER_COLUMNS, build_roster
from ..timeline import Timeline, first_day, index_month, last_day, to_date
from ..truth import invalid_claims, invalid_truth
from ..world import World as EmploymentWorld
from ..world import operators_beside, part_stream, sample_contract
from .claims import build_claims
from .exams import LEVELS, MOMENTS, TESTS, X_PASS, X_RETAKE, ExamRows, build_exams, plan_stories
from .invalid import INVALID_PEOPLE, PROGRAMME, build_invalid_rows
from .people import ROLES, build_enrolments, build_people, exit_listings, second_enrolments
from .registry import exam_frame, plan_exam_files, write_exam_extracts
from .truth import OUTCOME, SCENARIOS, claim_truth, people_truth, unclaimed
from .verdicts import Exam, Oracle, Rules, decide, identity_key
from .world import World

__all__ = ["Added", "SCENARIOS", "operator_count", "simulate_and_write", "CANONICAL_LEVELS"]

SHARE = 0.05
"""People of the programme per person of the employment population ..."""
MIN_PEOPLE = 100
"""... and at least this many, so that a small data set shows every scenario."""

ROSTER_COLUMNS_BILINGUISMO: tuple[str, ...] = (*ROSTER_COLUMNS[:11], "rol", *ROSTER_COLUMNS[11:])
"""The roster columns with `rol` after `grupos`."""

CANONICAL_LEVELS: dict[str, str] = {**{level: level for level in LEVELS},
                                    "A0": "PRE_A1", "A-": "PRE_A1", "B+": "B2", "C": "C1"}
"""`nivel_mcer` spellings (upper case) and the level each one means."""

_PARTS = ("people", "extras", "enrolments", "exits", "seconds", "stories", "exams", "claims", "layout",
          "exam_layout", "rosters", "noise_rosters", "registry_names", "noise_registry", "exam_rows", "invalid")
"""The parts of the programme's stream; new parts go at the end."""


def stream(seed: int, part: str) -> np.random.Generator:
    """The random stream of one part of the programme, inside the generator's `bilinguismo` stream."""
    return part_stream(seed, "bilinguismo", _PARTS, part)


operator_count = operators_beside
"""Operators of the programme beside the employment ones: a quarter of all, at least one."""


@dataclass(frozen=True)
class Added:
    """What the programme adds to the data set."""

    files: list[FileRecord]
    people: pl.DataFrame
    claims: pl.DataFrame
    unclaimed: pl.DataFrame
    invalid: pl.DataFrame
    records: list[pl.DataFrame]
    roster_rows: int
    claim_rows: int
    enrolled: int
    exam_rows: int


def simulate_and_write(out_dir: Path, *, seed: int, people: int, timeline: Timeline, employment: EmploymentWorld,
                       first_person: int, taken: set[str], noise: Noise, say: Callable[[str], None]) -> Added:
    """Simulate the programme for a data set of `people` employment people, write its inbox
    files and return its ground-truth rows. `first_person` is the 0-based index its person ids
    start from; `taken` every document number the employment files hold (it grows by the
    numbers used here)."""
    world = _simulate(seed, people, timeline, employment, first_person, taken)
    say(f"bilinguismo: {world.population.size:,} people, {len(world.enrolments.person):,} enrolled by "
        f"{len(world.ops)} operators")
    layout = Layout(plan_operator_files(stream(seed, "layout"), world.codes[len(employment.codes):], timeline,
                                        PROGRAMME, first_op=len(employment.codes)), {})
    exam_files = plan_exam_files(stream(seed, "exam_layout"), timeline)
    rng = stream(seed, "invalid")
    csv_months = [month for month, plan in sorted(exam_files.items()) if plan.fmt == "csv"]
    invalid = build_invalid_rows(rng, world.extras, world.codes, world.ops, timeline,
                                 csv_months[int(rng.integers(0, len(csv_months)))])

    roster = build_roster(world.enrolments, world.exits, world.seconds)
    claims_written = claim_rows(world.claims, world.codes, layout, programme=PROGRAMME, resultado=OUTCOME,
                                noise_labels="")
    rows = programme_rows(roster=roster, population=world.population, layout=layout, codes=world.codes,
                          programme=PROGRAMME, noise=noise, taken=taken, roster_rng=stream(seed, "rosters"),
                          noise_rng=stream(seed, "noise_rosters"), claims_written=claims_written, invalid=invalid,
                          rng=rng, columns=(pl.Series("rol", np.array(ROLES)[world.role[roster.person]],
                                                      dtype=pl.String),))
    files = write_operator_files(out_dir, layout, rows, world.codes, say, programme=PROGRAMME,
                                 roster_columns=ROSTER_COLUMNS_BILINGUISMO)
    names = RegistryNames.build(stream(seed, "registry_names"), world.population, noise,
                                stream(seed, "noise_registry"))
    frame = exam_frame(world.exams.rows, world.population, names, stream(seed, "exam_rows"))
    extracts = write_exam_extracts(out_dir, exam_files, frame, [row for row in invalid if row.kind == EXAMS])
    say(f"bilinguismo: {extracts.rows.height:,} exam rows in {len(extracts.records)} extracts")

    oracle = Oracle(Rules(), dated_listings(roster, rows[ROSTERS], world.codes, identity_key),
                    _exams(world.exams.rows, world.population),
                    {world.codes[op]: [world.contract] for op in world.ops})
    oracle_input, positions = oracle_claims(world.claims.month, world.claims.op, world.claims.fecha, rows[CLAIMS],
                                            world.codes, identity_key)
    decided = decide(oracle, oracle_input, index_month(timeline.last))
    person_ids = claim_person_ids(world.claims, world.population, employment.population)
    claims = claim_truth(world, world.claims, decided, positions, person_ids.to_list())
    claims += invalid_claims(rows[CLAIMS], invalid, world.extras)
    return Added(
        files=files + extracts.records,
        people=people_truth(world, roster.listed(world.codes)),
        claims=pl.DataFrame(claims),
        unclaimed=unclaimed(oracle, decided, people_by_key(world.population), index_month(timeline.last)),
        invalid=invalid_truth(invalid, rows, extracts.invalid_rows, None),
        records=[
            operator_records(ROSTERS, rows[ROSTERS], world.population.person_ids(roster.person), world.extras,
                             invalid),
            operator_records(CLAIMS, rows[CLAIMS], person_ids.replace("", None), world.extras, invalid),
            _exam_records(extracts, world.population, world.extras, invalid),
        ],
        roster_rows=rows[ROSTERS].height, claim_rows=rows[CLAIMS].height, enrolled=len(world.enrolments.person),
        exam_rows=extracts.rows.height,
    )


def _simulate(seed: int, people: int, timeline: Timeline, employment: EmploymentWorld, first_person: int,
              taken: set[str]) -> World:
    """People, operators, enrolments, exams and the claims operators make of them."""
    size = max(MIN_PEOPLE, round(people * SHARE))
    count_ops = len(employment.codes)
    codes = operator_codes(count_ops + operator_count(count_ops))
    ops = np.arange(count_ops, len(codes))
    numbers = np.array(sorted(int(number) for number in taken if number.isdigit()), dtype=np.int64)
    population, role = build_people(stream(seed, "people"), size, timeline, id_offset=first_person, taken=numbers)
    extras = build_population(stream(seed, "extras"), INVALID_PEOPLE, timeline, id_offset=first_person + size,
                              taken=np.concatenate([numbers, population.doc_number.astype(np.int64)]), only_cc=True)
    taken |= set(population.doc_number.tolist()) | set(extras.doc_number.tolist())
    enrolments = build_enrolments(stream(seed, "enrolments"), size, ops, codes, timeline)
    exits = exit_listings(stream(seed, "exits"), enrolments, timeline)
    contract = sample_contract(timeline)
    contract_start = int(first_day(timeline.first - 1))
    stories = plan_stories(stream(seed, "stories"), enrolments, timeline, contract_start,
                           corrections=max(1, round(0.003 * len(enrolments.person))))
    exams = build_exams(stream(seed, "exams"), population, role, enrolments, stories, timeline, contract_start)
    population = exams.population
    # A second operator claims a pass the data set shows.
    pass_day = exams.rows.day[np.maximum(exams.claimed_row, 0)]
    claimable = ((exams.claimed_row >= 0) & np.isin(stories.exit, (X_PASS, X_RETAKE)) & ~stories.set_aside
                 & ~exams.turns_adult & (pass_day <= last_day(timeline.last - 1)))
    seconds, second_claims = second_enrolments(stream(seed, "seconds"), enrolments, ops, timeline, claimable)
    claims = build_claims(stream(seed, "claims"), population=population, enrolments=enrolments, exams=exams,
                          seconds=seconds, second_claims=second_claims, ops=ops, timeline=timeline,
                          contract_start=contract_start,
                          employment=(employment.population, employment.enrolments.person), taken=taken)
    return World(timeline=timeline, codes=codes, ops=ops, population=population, extras=extras, enrolments=enrolments,
                 exits=exits, seconds=seconds, contract=contract, role=role, employment=employment.population,
                 exams=exams, claims=claims)


def _exams(rows: ExamRows, population) -> dict:
    """Delivered exam rows by document as the registry writes it (the one shown on the exam date)."""
    delivered = np.flatnonzero(rows.delivered >= 0)
    kinds, numbers = population.document_at(rows.person[delivered], rows.day[delivered])
    exams: dict = {}
    for position, kind, number in zip(delivered.tolist(), kinds.tolist(), numbers.tolist()):
        exams.setdefault(identity_key(DOC_TYPES[kind], number), []).append(Exam(
            TESTS[rows.test[position]], MOMENTS[rows.moment[position]], to_date(int(rows.day[position])),
            CANONICAL_LEVELS[str(rows.written_level[position]).upper()], index_month(int(rows.delivered[position]))))
    return exams


def _exam_records(extracts, population, extras, invalid) -> pl.DataFrame:
    """One record per exam row (the rows are few: a person has two to four), then the invalid ones."""
    rows = extracts.rows
    mine = rows.with_columns(ids_of(population, rows["person"].to_numpy()).alias("person_id"),
                             pl.lit(EXAMS).alias("source"), pl.lit(False).alias("quarantined"))
    return pl.concat([as_records(mine).sort("source_file", "source_row"),
                      quarantined_records(EXAMS, invalid, extracts.invalid_rows, extras)])
