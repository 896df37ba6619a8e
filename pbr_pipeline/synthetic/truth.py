"""The ground-truth files under `<out>/ground_truth/`: people, claims with their scenario and
verdicts, unclaimed outcomes, invalid rows and the inbox file list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from . import names
from .claims import ADDITIONALITY_MONTHS, COLOCACION, OUTCOMES, PLACEMENT_WINDOW, RETENTION_MONTHS, Claims
from .inbox import FileRecord
from .invalid import BrokenFile, InvalidRow
from .population import DOC_TYPES, Population
from .rosters import Roster
from .scenarios import REGISTRY_LINKED, ROSTERS_LINKED, ClaimFacts, label
from .timeline import index_month, month_of
from .dated_verdicts import Decided
from .dated_verdicts import Verdict as DatedVerdict
from .verdicts import VERIFIED, Decisions, Judge, Key, LinkedJudge, Listing, Verdict, judge_one
from .world import World


def claim_truth(world: World, judge: Judge, claims: Claims, decisions: Decisions, numbered: pl.DataFrame,
                invalid: list[InvalidRow], linked: dict[int, list[Listing]], noisy: set[int]) -> pl.DataFrame:
    """One row per claim row written to a `reportes` file (invalid rows included, with empty
    verdicts: validation quarantines them before any verdict). `judge` holds the final
    knowledge; `linked` the roster listings by person and `noisy` the people some roster row or
    registry row shows under another document, whose verdicts the noise may have changed."""
    knowledge, enrolments, codes = judge.knowledge, world.enrolments, world.codes
    corrections: dict[int, str] = {}
    for row in knowledge.special:
        if row.kind != "LATE":
            corrections[row.person] = (f"the extract of {index_month(row.versions[-1].delivered)} "
                                       f"(correcting {index_month(row.period)})")
    ids = world.population.person_ids().to_list()
    by_rosters, by_everything = LinkedJudge(judge, linked, False), LinkedJudge(judge, linked, True)
    last = world.timeline.last
    records = []
    for position, index in enumerate(decisions.claim):
        person = int(claims.person[index])
        enrolled = int(enrolments.row_of[person]) if person >= 0 else -1
        earlier = decisions.duplicate_of[position]
        received, final = decisions.received[position], decisions.final[position]
        # A claim whose own document is off (mistyped, wrong type, the PT of a renewed PEP) is
        # labelled for that; for the others, noise elsewhere may have changed the verdict.
        own_document = judge.person_of_key.get(decisions.keys[position]) == person and not claims.renewed[index]
        linked_by = None
        if person in noisy and earlier is None and own_document:
            verdicts = [_outcome(received), _outcome(final)]
            for cause, other in ((ROSTERS_LINKED, by_rosters), (REGISTRY_LINKED, by_everything)):
                if [_outcome(judge_one(other, claims, decisions, position, run)) for run in (None, last)] != verdicts:
                    linked_by = cause
                    break
        facts = ClaimFacts(
            person=person, op=int(claims.op[index]), outcome=int(claims.outcome[index]), fecha=int(claims.fecha[index]),
            month=int(claims.month[index]), intent=int(claims.intent[index]), cosmetic=int(claims.cosmetic[index]),
            written_type=str(claims.doc_type[index]),
            held_type=DOC_TYPES[int(world.population.doc_type[person])] if person >= 0 else "",
            duplicate_of=None if earlier is None else f"{decisions.path[earlier]} row {decisions.row[earlier]}",
            owner_code=codes[enrolments.op[enrolled]] if enrolled >= 0 else None,
            enrol_date=int(enrolments.date[enrolled]) if enrolled >= 0 else None,
            world=int(knowledge.world[person]) if person >= 0 else 0,
            renewed=bool(claims.renewed[index]), linked_by=linked_by,
        )
        scenario, why = label(facts, received, final, world.timeline, corrections.get(person))
        records.append({
            "source_file": decisions.path[position], "source_row": decisions.row[position],
            "received_month": index_month(facts.month), "operador": codes[facts.op],
            "person_id": ids[person] if person >= 0 else "", "resultado": OUTCOMES[facts.outcome],
            "scenario": scenario, "status_when_received": received.status, "reason_when_received": received.reason,
            "final_status": final.status, "final_reason": final.reason, "why": why,
        })
    records += invalid_claims(numbered, invalid, world.extras)
    return pl.DataFrame(records).sort(["received_month", "source_file", "source_row"])


def invalid_claims(numbered: pl.DataFrame, invalid: list[InvalidRow], extras: Population) -> list[dict]:
    """Rows of claims.csv for the invalid claim rows of `numbered`, with empty verdicts:
    validation quarantines them before any verdict."""
    extra_ids = extras.person_ids().to_list()
    bad = numbered.filter(pl.col("invalid").is_not_null())
    by_id = {row.id: row for row in invalid}
    records = []
    for row_id, path, source_row, operador, resultado in bad.select(
            "invalid", "path", "source_row", "operador", "resultado").iter_rows():
        row = by_id[row_id]
        records.append({
            "source_file": path, "source_row": source_row, "received_month": index_month(row.month),
            "operador": operador, "person_id": extra_ids[row.person], "resultado": resultado or "",
            "scenario": "INVALID_ROW", "status_when_received": "", "reason_when_received": "", "final_status": "",
            "final_reason": "", "why": f"quarantined by validation: {row.why} ({row.column}: {row.rule})",
        })
    return records


def _outcome(verdict: Verdict) -> tuple[str, str]:
    return verdict.status, verdict.reason


def unclaimed_outcomes(world: World, judge: Judge, claims: Claims, decisions: Decisions) -> pl.DataFrame:
    """Outcomes the registry shows as of the last month for enrolled, additional people, that
    their owner never claimed (a claim with the same document, any verdict). Read by document,
    as deterministic matching reads them: the owner is the earliest enrolment any roster gives
    under the document, and the registry rows are those written under it."""
    timeline = world.timeline
    claimed = {(key, int(claims.op[index]), int(claims.outcome[index]))
               for key, index in zip(decisions.keys, decisions.claim)}
    enrolled = sorted((person, key) for key in judge.rosters
                      if (person := judge.person_of_key.get(key)) is not None)
    ids = world.population.person_ids(np.array([person for person, _ in enrolled], dtype=np.int64)).to_list()
    bit = timeline.bit
    records = []
    for (person, key), person_id in zip(enrolled, ids):
        owner = judge.owner(key, timeline.last)
        known = judge.known(key, timeline.last)
        start, op = month_of(owner.date), owner.op
        if any(known & bit(month) for month in range(start - ADDITIONALITY_MONTHS, start)):
            continue
        placement = next((month for month in range(start, start + PLACEMENT_WINDOW + 1) if known & bit(month)), None)
        if placement is None:
            continue
        outcomes = [(COLOCACION, placement)]
        for outcome, months in RETENTION_MONTHS.items():
            if all(known & bit(month) for month in range(placement, placement + months)):
                outcomes.append((outcome, placement + months - 1))
        for outcome, month in outcomes:
            if (key, op, outcome) not in claimed:
                records.append({"person_id": person_id, "operador": world.codes[op], "resultado": OUTCOMES[outcome],
                                "outcome_month": index_month(month), "enrolment_month": index_month(start),
                                "placement_month": index_month(placement)})
    return unclaimed_frame(records)


def dated_claim_truth(decided: list[Decided], positions: dict[tuple[str, int], int], person_ids: list[str],
                      outcome: str, label: Callable[[int, str | None], tuple[str, str]]) -> list[dict]:
    """Rows of claims.csv for the valid claims of a programme whose claims name one person and
    one date (BILINGUISMO, HABITANZA_CALLE), in verdict order. `positions` maps (file, row) to
    the claim index; `person_ids` gives each claim's true person ("" for nobody); `label(index,
    repeated)` the (scenario, why) of a claim (`repeated`: "<file> row <n>" of the claim a
    duplicate repeats, else None)."""
    records = []
    for entry in decided:
        claim = entry.claim
        index = positions[(claim.path, claim.row)]
        earlier = None if entry.duplicate_of is None else decided[entry.duplicate_of].claim
        scenario, why = label(index, None if earlier is None else f"{earlier.path} row {earlier.row}")
        records.append({
            "source_file": claim.path, "source_row": claim.row, "received_month": claim.month,
            "operador": claim.op, "person_id": person_ids[index], "resultado": outcome, "scenario": scenario,
            "status_when_received": entry.received.status, "reason_when_received": entry.received.reason,
            "final_status": entry.final.status, "final_reason": entry.final.reason, "why": why,
        })
    return records


def dated_unclaimed(oracle: Any, decided: list[Decided], person_of_key: dict[Key, str], last: str, outcome: str,
                    rule: Callable[[Key, dt.date, str], DatedVerdict]) -> pl.DataFrame:
    """Outcomes of a programme whose claims name one person and one date that the registry
    verifies as of `last` (`rule(key, enrolment date, run)`) for enrolled people whose owner
    (`oracle.owner`) never claimed them under the document (whatever the verdict). Read by
    document, as deterministic matching reads them; `outcome_month` is the month of the
    outcome's date; `placement_month` is left empty."""
    claimed = {(entry.claim.key, entry.claim.op) for entry in decided}
    records = []
    for key in sorted(oracle.listings, key=lambda key: person_of_key.get(key, "")):
        if key not in person_of_key:
            continue
        owner = oracle.owner(key, last)
        if owner is None or (key, owner.op) in claimed:
            continue
        verdict = rule(key, owner.date, last)
        if verdict.status == VERIFIED:
            records.append({"person_id": person_of_key[key], "operador": owner.op, "resultado": outcome,
                            "outcome_month": verdict.outcome_date.strftime("%Y-%m"),
                            "enrolment_month": owner.date.strftime("%Y-%m"), "placement_month": ""})
    return unclaimed_frame(records)


UNCLAIMED_COLUMNS = ("person_id", "operador", "resultado", "outcome_month", "enrolment_month", "placement_month")


def unclaimed_frame(records: list[dict]) -> pl.DataFrame:
    """Rows of outcomes_unclaimed.csv (every column text, so that no rows still gives the columns)."""
    return pl.DataFrame(records, schema={name: pl.String for name in UNCLAIMED_COLUMNS})


def people_truth(world: World, roster: Roster) -> pl.DataFrame:
    """True identity of every person: population first, then the people of invalid rows."""
    people = pl.concat([people_rows(world.population, "POPULATION"), people_rows(world.extras, "INVALID_ROW_ONLY")])
    listed = pl.DataFrame({"person": roster.person, "op": roster.op, "date": roster.date})
    listed = listed.unique(["person", "op"], keep="first")
    listed = listed.sort(["person", "date", "op"]).with_columns(
        pl.col("op").replace_strict(list(range(len(world.codes))), list(world.codes)).alias("code"))
    return with_operators(people, world.population, listed)


def people_rows(population: Population, kind: str | np.ndarray) -> pl.DataFrame:
    """The people of `population` in the columns of people.csv before the operators; `kind` is
    one value for all or one per person."""
    # A TI holder shows CC with the same number from the 18th birthday; a renewed PEP
    # holder a PT with a new number from the renewal.
    documents = ["|".join(f"{doc_type}:{number}" for doc_type, number in shown) for shown in population.documents()]
    given, surnames = names.spellings(names.GIVEN), names.spellings(names.SURNAMES)
    upper = np.zeros(population.size, dtype=np.int64)
    return pl.DataFrame({
        "person_id": population.person_ids(),
        "kind": kind,
        "documentos": documents,
        "tipo_documento": np.array(DOC_TYPES)[population.doc_type],
        "numero_documento": population.doc_number,
        "primer_nombre": names.spell(given, len(names.GIVEN), population.given1, upper),
        "segundo_nombre": names.spell(given, len(names.GIVEN), population.given2, upper),
        "primer_apellido": names.spell(surnames, len(names.SURNAMES), population.surname1, upper),
        "segundo_apellido": names.spell(surnames, len(names.SURNAMES), population.surname2, upper),
        "fecha_nacimiento": pl.Series(population.birth).cast(pl.Int32).cast(pl.Date),
        "sexo": np.where(population.sex == 0, "F", "M"),
        "grupos": population.groups_text(),
    })


def with_operators(people: pl.DataFrame, population: Population, listed: pl.DataFrame) -> pl.DataFrame:
    """`people` with the operators that enrolled each person of `population`, in enrolment order
    (`operadores`), the first being the owner (`owner`); empty for people nobody enrolled.
    `listed` holds each person's enrolling operators (`person`, `code`), one row per operator, in
    enrolment order."""
    by_person = listed.group_by("person", maintain_order=True).agg(pl.col("code").str.join("|").alias("operadores"))
    by_person = by_person.with_columns(
        population.person_ids(by_person["person"].to_numpy()).alias("person_id"),
        pl.col("operadores").str.split("|").list.first().alias("owner"))
    return people.join(by_person.select("person_id", "operadores", "owner"), on="person_id", how="left",
                       maintain_order="left").with_columns(pl.col("operadores", "owner").fill_null(""))


def invalid_truth(invalid: list[InvalidRow], numbered: dict[str, pl.DataFrame],
                  pila_rows: dict[int, tuple[str, int]], broken: BrokenFile | None) -> pl.DataFrame:
    """Every invalid row with the file, row, column and rule; the broken file with no row.
    `pila_rows` locates the invalid registry rows (of any registry)."""
    located: dict[int, tuple[str, int]] = dict(pila_rows)
    for frame in numbered.values():
        for row_id, path, source_row in frame.filter(pl.col("invalid").is_not_null()).select(
                "invalid", "path", "source_row").iter_rows():
            located[row_id] = (path, source_row)
    records = []
    for row in invalid:
        path, source_row = located[row.id]
        records.append({"source_file": path, "source_row": str(source_row), "column": row.column, "rule": row.rule,
                        "why": row.why})
    if broken is not None:
        records.append({"source_file": broken.path, "source_row": "", "column": broken.column, "rule": broken.rule,
                        "why": broken.why})
    return pl.DataFrame(records).sort(["source_file", "source_row"])


def write_ground_truth(out_dir: Path, *, people: pl.DataFrame, claims: pl.DataFrame, unclaimed: pl.DataFrame,
                       invalid: pl.DataFrame, files: list[FileRecord]) -> None:
    """The five UTF-8 CSV files of `<out>/ground_truth/`."""
    folder = out_dir / "ground_truth"
    folder.mkdir(parents=True, exist_ok=True)
    listing = pl.DataFrame([asdict(record) for record in files],
                           schema_overrides={"header_row": pl.Int64}).sort("path")
    for name, frame in (("people", people), ("claims", claims), ("outcomes_unclaimed", unclaimed),
                        ("invalid_rows", invalid), ("files", listing)):
        frame.write_csv(folder / f"{name}.csv")
