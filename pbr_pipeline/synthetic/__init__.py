"""Seeded synthetic data for the programmes of people the pipeline verifies (EMPLEO,
BILINGUISMO, SALUD_MATERNA, SALUD_TRANSMISIBLES, HABITANZA_CALLE, EMPRENDIMIENTO): inbox files,
reference tables and the ground truth the pipeline is checked against.

`generate` simulates a world (people, operators, jobs, the contribution registry), lets the
operators report on it with the defects real operators make, decides every claim by the
verdict rules run by run, and writes:

    <out>/inbox/<YYYY-MM>/inscripciones/   one roster per operator and month (CSV or XLSX)
    <out>/inbox/<YYYY-MM>/reportes/        one claims file per operator and month
    <out>/inbox/<YYYY-MM>/registros/pila/  the month's PILA extract (CSV or Parquet)
    <out>/inbox/<YYYY-MM>/registros/examenes_ingles/  the month's English exam extract
    <out>/inbox/<YYYY-MM>/registros/rips/  the health services billed (package `health`)
    <out>/inbox/<YYYY-MM>/registros/mediciones_ingreso/  household income measurements (packages `habitanza`,
                                           `emprendimiento`)
    <out>/inbox/<YYYY-MM>/registros/registro_mercantil/  matrículas mercantiles (package `emprendimiento`)
    <out>/inbox/<YYYY-MM>/registros/desembolsos_credito/  credit disbursements (package `credito`)
    <out>/inbox/<YYYY-MM>/registros/mediciones_productividad/  harvest measurements (package `agro`)
    <out>/inbox/<YYYY-MM>/registros/*/*_otros_<YYYY-MM>.parquet  from 100,000 people, the rows of those
                                           four registries about nobody enrolled (module `background`)
    <out>/reference/                       smmlv.csv, lineas_pobreza.csv, metas_plan.csv
    <out>/ground_truth/                    people, claims, outcomes_unclaimed, invalid_rows, files
                                           (CSV) and records.parquet (who is who, with the noise)

The English programme (teachers and students certified at B1, package `bilinguismo`) is
simulated after the employment one from a stream of its own, with operators numbered after
the employment ones, so adding it left every employment file and ground-truth row as it was:
its ground-truth rows come after (people, unclaimed outcomes) or among (claims, invalid rows,
files, in their sort order) the employment ones. The health programmes (package `health`),
HABITANZA_CALLE (package `habitanza`), EMPRENDIMIENTO (package `emprendimiento`), CREDITO_MIPYME
(package `credito`) and AGRO (package `agro`) were added after it the same way, each with a
stream of its own and operators numbered after the earlier ones.

How much records of one person disagree is a `Noise` level (noise.py); the verdicts in the
ground truth are those of deterministic matching, which reads identity from the document as
written. Same arguments, same bytes; the registry is streamed to disk one period at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl

from .claims import Claims, build_claims, with_wrong_types
from .inbox import claims_frame, number_rows, with_invalid_rows, write_broken_file, write_operator_files
from .invalid import BrokenFile, InvalidRow, build_broken_file, build_invalid_rows
from .layout import CLAIMS, INCOMES, PILA, ROSTERS, Layout, plan_layout
from .noise import HIGH, LEVELS, LOW, NONE, REALISTIC, Noise
from .operators import operator_codes
from .pila import Identities, RegistryNames, write_extract
from .records import ids_of, operator_records, pila_records, write_records
from .reference import write_reference
from .rosters import Roster, build_roster, written_roster
from .timeline import Timeline
from .corrections import take_back_a_verified_month
from .truth import claim_truth, invalid_truth, people_truth, unclaimed_outcomes, write_ground_truth
from .verdicts import Judge, decide, identity_key, key_periods, linked_rosters, person_keys, roster_listings
from .world import INVALID_PEOPLE, World, simulate, stream
from .background import write_background
from .bilinguismo import Added
from . import agro, bilinguismo, credito, emprendimiento, habitanza, health

__all__ = ["GenerationSummary", "generate", "Noise", "NONE", "LOW", "REALISTIC", "HIGH", "LEVELS"]

MIN_PEOPLE = 100
"""Below this the scenario mix (every defect at least once) cannot be guaranteed."""


@dataclass(frozen=True)
class GenerationSummary:
    people: int
    """Population size (people in the registry and rosters), without the invalid-row people."""
    enrolled: int
    """People some operator enrolled (both programmes)."""
    roster_rows: int
    claims: int
    """Claim rows written to `reportes` files (invalid rows included, the broken file not)."""
    pila_rows: int
    exam_rows: int
    """Rows of the `examenes_ingles` extracts (invalid rows not counted)."""
    rips_rows: int
    """Services in the `rips` files (JSON and CSV; corrections and invalid rows counted)."""
    income_rows: int
    """Rows of the `mediciones_ingreso` extracts (corrections and invalid rows counted)."""
    disbursement_rows: int
    """Rows of the `desembolsos_credito` extracts (corrections and invalid rows counted)."""
    productivity_rows: int
    """Rows of the `mediciones_productividad` extracts (corrections and invalid rows counted)."""
    files_written: int
    """Inbox files written."""
    records: int
    """Rows of ground_truth/records.parquet."""


def generate(out_dir: Path, *, seed: int, people: int, months: list[str], operators: int,
             noise: Noise = REALISTIC, progress: Callable[[str], None] | None = None) -> GenerationSummary:
    """Generate the data set of every programme of people for `months` (consecutive `YYYY-MM`, oldest first) into
    `out_dir`, which must not hold generated data already, with the noise of `noise` (one of
    NONE, LOW, REALISTIC, HIGH or any `Noise`). `progress` receives short lines without
    personal data."""
    say = progress or (lambda line: None)
    out_dir = Path(out_dir)
    if seed < 0:
        raise ValueError("the seed is a whole number from 0 up")
    if people < MIN_PEOPLE:
        raise ValueError(f"generate at least {MIN_PEOPLE} people")
    for folder in ("inbox", "ground_truth", "reference"):
        if (out_dir / folder).exists() and any((out_dir / folder).iterdir()):
            raise ValueError(f"{out_dir / folder} already holds files; generate into an empty folder")
    timeline = Timeline.of(list(months))

    world = simulate(seed, people, timeline, operator_codes(operators), say, noise)
    layout = plan_layout(stream(seed, "layout"), world.codes, timeline)
    sent = _submissions(seed, world, layout, noise)

    rosters = roster_listings(sent.roster, sent.rows[ROSTERS])
    judge = Judge(timeline, world.knowledge, rosters, person_keys(world), key_periods(world))
    decisions = decide(judge, sent.claims, sent.rows[CLAIMS], timeline.last)
    judge, taken_back = take_back_a_verified_month(stream(seed, "withdrawal"), world, judge, sent.claims, decisions)
    knowledge = judge.knowledge
    say(f"verdicts: {len(decisions.claim):,} claims judged"
        + ("" if taken_back else "; no verified month could be taken back"))

    files = write_operator_files(out_dir, layout, sent.rows, world.codes, say)
    files.append(write_broken_file(out_dir, sent.broken, world.codes))
    registry_names = RegistryNames.build(stream(seed, "registry_names"), world.population, noise,
                                         stream(seed, "noise_registry"))
    identities = Identities(world.population.size)
    extracts = [
        write_extract(out_dir, plan, timeline, spells=world.spells, population=world.population,
                      registry_names=registry_names, employers=world.employers, knowledge=knowledge,
                      invalid=[row for row in sent.invalid if row.kind == PILA and row.month == month],
                      identities=identities, progress=say)
        for month, plan in sorted(layout.pila_files.items())
    ]
    files.extend(extract.record for extract in extracts)
    write_reference(out_dir)

    pila_rows = {row_id: (extract.record.path, number) for extract in extracts
                 for row_id, number in extract.invalid_rows.items()}
    # People whose verdicts noise elsewhere may change: a roster row under another document,
    # or registry rows split between a PEP and the PT that replaced it.
    written = sent.rows[ROSTERS].filter(pl.col("roster").is_not_null())
    off = written["noise"].str.contains(r"(^|\|)(typo|wrong_type)(\||$)").to_numpy()
    noisy = set(sent.roster.person[written["roster"].to_numpy()[off]].tolist())
    noisy |= set(np.flatnonzero(world.population.new_number != "").tolist())
    taken = _numbers_in_use(world, sent)
    more = _write_programmes(out_dir, seed=seed, people=people, timeline=timeline, world=world, taken=taken,
                             noise=noise, say=say)
    added, cared, homeless, entrepreneurs, firms, units = more
    # Last, so that its numbers avoid every programme's: rows about nobody enrolled, at a
    # metropolitan area's size (large data sets only).
    background = write_background(out_dir, seed=seed, people=people, timeline=timeline, taken=taken, say=say)
    claims = claim_truth(world, judge, sent.claims, decisions, sent.rows[CLAIMS], sent.invalid,
                         linked_rosters(sent.roster, sent.rows[ROSTERS]), noisy)
    invalid = invalid_truth(sent.invalid, sent.rows, pila_rows, sent.broken)
    every_file = files + [record for part in more for record in part.files] + background

    def rows_of(kind: str) -> int:
        return sum(record.data_rows for record in every_file if record.kind == kind)

    write_ground_truth(
        out_dir,
        people=pl.concat([people_truth(world, sent.roster), *(part.people for part in more)]),
        claims=pl.concat([claims, *(part.claims for part in more)]).sort(["received_month", "source_file",
                                                                           "source_row"]),
        unclaimed=pl.concat([unclaimed_outcomes(world, judge, sent.claims, decisions),
                             *(part.unclaimed for part in more)]),
        invalid=pl.concat([invalid, *(part.invalid for part in more)]).sort(["source_file", "source_row"]),
        files=every_file,
    )
    records = [
        operator_records(ROSTERS, sent.rows[ROSTERS], ids_of(world.population, sent.roster.person), world.extras,
                         sent.invalid),
        operator_records(CLAIMS, sent.rows[CLAIMS], ids_of(world.population, sent.claims.person), world.extras,
                         sent.invalid),
        pila_records(identities.frame(world.population, registry_names), sent.invalid, pila_rows, world.extras),
    ]
    records += [frame for part in more for frame in part.records]
    write_records(out_dir, records)
    summary = GenerationSummary(
        people=people, enrolled=len(world.enrolments.person) + sum(part.enrolled for part in more),
        roster_rows=sent.rows[ROSTERS].height + sum(part.roster_rows for part in more),
        claims=sent.rows[CLAIMS].height + sum(part.claim_rows for part in more),
        pila_rows=sum(extract.record.data_rows for extract in extracts), exam_rows=added.exam_rows,
        rips_rows=rows_of("rips"), income_rows=rows_of(INCOMES), disbursement_rows=rows_of(credito.DISBURSEMENTS),
        productivity_rows=rows_of(agro.MEASUREMENTS), files_written=len(every_file),
        records=sum(part.height for part in records),
    )
    say(f"done: {summary.files_written} inbox files, {summary.claims:,} claims, {summary.pila_rows:,} pila rows")
    return summary


def _write_programmes(out_dir: Path, *, seed: int, people: int, timeline: Timeline, world: World, taken: set[str],
                      noise: Noise, say: Callable[[str], None]) -> tuple[Added, ...]:
    """The programmes added after EMPLEO, in order: each one's person ids and operator codes
    start where the one before it ended (EMPLEO's people and the people of its invalid rows,
    EMPLEO's operators first)."""
    common = dict(out_dir=out_dir, seed=seed, people=people, timeline=timeline, taken=taken, say=say)
    employment_operators = len(world.codes)
    first_person, first_op = people + INVALID_PEOPLE, employment_operators
    parts: list[Added] = []

    def written(part: Added, operators: int) -> None:
        nonlocal first_person, first_op
        parts.append(part)
        first_person, first_op = first_person + part.people.height, first_op + operators

    written(bilinguismo.simulate_and_write(employment=world, first_person=first_person, noise=noise, **common),
            bilinguismo.operator_count(employment_operators))
    written(health.simulate_and_write(employment=world, first_person=first_person, first_op=first_op, noise=noise,
                                      **common), 2 * health.operator_count(employment_operators))
    for programme in (habitanza, emprendimiento):
        written(programme.simulate_and_write(employment=world, first_person=first_person, first_op=first_op,
                                             noise=noise, **common), programme.operator_count(employment_operators))
    written(credito.simulate_and_write(employment_operators=employment_operators, first_person=first_person,
                                       first_op=first_op, **common), credito.operator_count(employment_operators))
    written(agro.simulate_and_write(employment_operators=employment_operators, first_person=first_person,
                                    first_op=first_op, noise=noise, **common), agro.operator_count(employment_operators))
    return tuple(parts)


def _numbers_in_use(world: World, sent: "_Submissions") -> set[str]:
    """Every document number the employment data set holds or writes (typos and made-up
    numbers included), so the English programme's people and made-up numbers avoid them."""
    taken = world.taken_numbers
    for frame in sent.rows.values():
        taken |= set(frame["numero_documento"].drop_nulls().str.replace_all(r"[.\s-]", "").to_list())
    taken |= set(re.findall(r"\b\d{6,}\b", sent.broken.data.decode("utf-8")))
    return taken


@dataclass(frozen=True)
class _Submissions:
    """What the operators send, before anything is written."""

    claims: Claims
    roster: Roster
    invalid: list[InvalidRow]
    broken: BrokenFile
    rows: dict[str, pl.DataFrame]
    """Roster and claim rows as written, with file path and row number (invalid rows included)."""


def _submissions(seed: int, world: World, layout: Layout, noise: Noise) -> _Submissions:
    timeline, codes = world.timeline, world.codes
    # People with a late or corrected row get no early retention claim: an early claim must be
    # pending when received, and a registry change could decide it before its window ends.
    avoid_early = np.zeros(world.population.size, dtype=bool)
    avoid_early[[row.person for row in world.knowledge.special]] = True
    taken = world.taken_numbers
    claims = build_claims(
        stream(seed, "claims"), population=world.population, enrolments=world.enrolments,
        placements=world.placements, seconds=world.seconds, second_claims=world.second_claims, spells=world.spells,
        employers=world.employers, world=world.knowledge.world, timeline=timeline, avoid_early=avoid_early,
        taken_numbers=taken, noise=noise,
    )
    rng = stream(seed, "invalid")
    pila_csv = [month for month, plan in sorted(layout.pila_files.items()) if plan.fmt == "csv"]
    pila_month = pila_csv[int(rng.integers(0, len(pila_csv)))]
    invalid = build_invalid_rows(rng, world.extras, codes, timeline, world.employers, pila_month,
                                 layout.pila_files[pila_month].dotted)
    broken = build_broken_file(rng, codes, timeline, world.taken_numbers | set(claims.doc_number.tolist()))

    roster = build_roster(world.enrolments, world.exits, world.seconds)
    written = written_roster(stream(seed, "rosters"), roster, world.population, layout, codes, noise=noise,
                             noise_rng=stream(seed, "noise_rosters"), taken=taken)
    written = written.with_columns(pl.int_range(pl.len()).alias("roster"), pl.lit(None, pl.Int64).alias("invalid"))
    # A claim's wrong type never lands on a document some roster gives by mistake.
    listed = {identity_key(kind, number) for kind, number in written.select("tipo_documento", "numero_documento")
              .iter_rows()}
    claims = with_wrong_types(stream(seed, "noise_claims"), claims, noise.claim_wrong_type,
                              lambda kind, number: identity_key(kind, number) in listed)
    rows = {
        ROSTERS: number_rows(with_invalid_rows(written, invalid, ROSTERS, layout, rng), layout, ROSTERS),
        CLAIMS: number_rows(with_invalid_rows(claims_frame(claims, codes, layout), invalid, CLAIMS, layout, rng),
                            layout, CLAIMS),
    }
    return _Submissions(claims, roster, invalid, broken, rows)
