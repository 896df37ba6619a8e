"""CREDITO_MIPYME: micro, small and medium firms that get credit within 12 months of enrolment
(CREDITO_DESEMBOLSADO), verified against the intermediaries' disbursement reports
(`desembolsos_credito`).

Added beside the other programmes without touching them: every draw comes from one random
stream of its own split into parts, its firms hold NITs no other file uses, and its operators are
numbered after the others' (two at least, so that some firms are enrolled by two operators).
`simulate_and_write` writes

    inbox/<M>/inscripciones/op-NNN_credito_mipyme_<M>.csv         rosters: NIT without check digit, razon_social
    inbox/<M>/reportes/op-NNN_credito_mipyme_<M>.csv              CREDITO_DESEMBOLSADO claims
    inbox/<M>/registros/desembolsos_credito/desembolsos_<M>.csv   (`,` or `;` with DD/MM/YYYY)

and returns the rows it adds to the ground truth (a firm is a row of people.csv, its document
`NIT:<number>`). The verdicts come from `verdicts.Oracle`, which assumes every operator of the
programme holds one contract from the first day of the month before the first inbox month to the
end of the last inbox month's year, with the default rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl
import pyarrow as pa

from ..bilinguismo import Added
from ..claims import with_dots
from ..dated_claims import OWN
from ..dated_verdicts import dated_listings, decide, oracle_claims
from ..extracts import cells, write_extracts
from ..inbox import claim_rows, number_rows, with_invalid_rows, write_operator_files
from ..layout import CLAIMS, CSV_SHAPES, ROSTERS, Layout, plan_operator_files
from ..operators import enrol_again, exit_listings, operator_codes
from ..records import operator_records, quarantined_records
from ..rosters import EXIT, METRO, Roster, build_roster
from ..subjects import Ids, corrected, plan_registry_files
from ..timeline import Timeline, date_series, first_day, index_month, last_day, month_of_day
from ..truth import dated_claim_truth, dated_unclaimed, invalid_claims, invalid_truth
from ..world import part_stream, sample_contract
from .claims import build_claims, credit_days
from .firms import CREDIT, Firms, build_credits, build_enrolments, build_firms, draw_stories
from .invalid import DISBURSEMENTS, INVALID_FIRMS, PROGRAMME, build_invalid_rows
from .reports import Reports, build_lenders, build_reports, size_text
from .truth import OUTCOME, SCENARIOS, Labeller, people_truth
from .verdicts import Oracle, Report, Rules, identity_key

__all__ = ["SCENARIOS", "enrolled_count", "operator_count", "simulate_and_write", "PROGRAMME", "OUTCOME",
           "DISBURSEMENTS"]

SHARE = 0.12
"""Firms enrolled per person of the employment population (the Plan's 12,000 firms three times
over at 300,000 people) ..."""
MIN_FIRMS = 60
"""... but a small data set (fewer than SMALL people: the committed sample, the tests) this many,
which still shows every scenario and keeps the sample small."""
SMALL = 10_000
REGISTRY_ONLY_SHARE = 0.15
"""Firms only the intermediaries' reports show, per enrolled firm."""

ROSTER_COLUMNS: tuple[str, ...] = ("operador", "programa", "tipo_documento", "numero_documento", "razon_social",
                                   "fecha_inscripcion", "fecha_egreso", "municipio")
REPORT_COLUMNS: tuple[str, ...] = ("tipo_documento", "numero_documento", "razon_social", "entidad",
                                   "numero_obligacion", "fecha_desembolso", "monto", "tamano_empresa", "plazo_meses")
SCHEMA = pa.schema([*((name, pa.string()) for name in REPORT_COLUMNS[:5]), ("fecha_desembolso", pa.date32()),
                    ("monto", pa.int64()), ("tamano_empresa", pa.string()), ("plazo_meses", pa.int32())])

_PARTS = ("firms", "extras", "enrolments", "stories", "credits", "exits", "seconds", "claims", "lenders", "reports",
          "layout", "registry_layout", "rosters", "report_rows", "invalid")
"""The parts of the programme's stream; new parts go at the end."""


def stream(seed: int, part: str) -> np.random.Generator:
    """The random stream of one part of the programme, inside the generator's `credito` stream."""
    return part_stream(seed, "credito", _PARTS, part)


def enrolled_count(people: int) -> int:
    """Firms enrolled in a data set of `people` employment people."""
    return MIN_FIRMS if people < SMALL else round(people * SHARE)


def operator_count(employment_operators: int) -> int:
    """Operators of the programme beside `employment_operators`: a third as many, at least two."""
    return max(2, round(employment_operators / 3))


def simulate_and_write(out_dir: Path, *, seed: int, people: int, timeline: Timeline, employment_operators: int,
                       first_person: int, first_op: int, taken: set[str], say: Callable[[str], None]) -> Added:
    """Simulate the programme for a data set of `people` employment people, write its inbox
    files and return its ground-truth rows. `first_person` is the 0-based index its ids start
    from; `first_op` the number of operators before its own; `taken` every document number the
    other files hold (it grows by the NITs used here)."""
    enrolled = enrolled_count(people)
    others = max(3, round(enrolled * REGISTRY_ONLY_SHARE))
    codes = operator_codes(first_op + operator_count(employment_operators))
    ops = np.arange(first_op, len(codes))
    firms = build_firms(stream(seed, "firms"), enrolled + others, taken)
    extras = build_firms(stream(seed, "extras"), INVALID_FIRMS, taken)
    ids, extra_ids = Ids(first_person, firms.count), Ids(first_person + firms.count, INVALID_FIRMS)
    enrolments, oldest = build_enrolments(stream(seed, "enrolments"), enrolled, ops, codes, timeline)
    story = draw_stories(stream(seed, "stories"), firms, enrolments, oldest)
    registry_only = np.arange(enrolled, firms.count)
    credits = build_credits(stream(seed, "credits"), firms, enrolments, story, oldest, registry_only, timeline)
    after, before = credit_days(credits, enrolments)
    exits = exit_listings(stream(seed, "exits"), enrolments, timeline, days=(180, 366))
    claimable = (story == CREDIT) & (after >= enrolments.date + 20) & (month_of_day(after) <= timeline.last)
    rng = stream(seed, "seconds")

    def second_dates(rows: np.ndarray, for_claim: np.ndarray) -> np.ndarray:
        first = enrolments.date[rows]
        gap = np.maximum(after[rows] - first - 10, 1)
        return np.where(for_claim, first + 10 + (rng.random(len(rows)) * gap).astype(np.int64),
                        first + rng.integers(30, 151, len(rows)))

    seconds, second_claims = enrol_again(rng, enrolments, ops, claimable, timeline, second_dates)
    contract = sample_contract(timeline)
    contract_start = int(first_day(timeline.first - 1))
    claims = build_claims(stream(seed, "claims"), firms=firms, enrolments=enrolments, story=story, oldest=oldest,
                          credits=credits, seconds=seconds, second_claims=second_claims, ops=ops,
                          registry_only=registry_only,
                          timeline=timeline, contract_start=contract_start, taken=taken)
    lenders, weights = build_lenders(stream(seed, "lenders"))
    firm_story = np.full(firms.count, -1)
    firm_story[enrolments.person] = story
    own = claims.intent == OWN
    claimed = set(zip(claims.person[own].tolist(), claims.fecha[own].tolist()))
    claimed_credit = np.array([pair in claimed for pair in zip(credits.firm.tolist(), credits.day.tolist())])
    reports = build_reports(stream(seed, "reports"), credits, firm_story[credits.firm], claimed_credit, lenders,
                            weights, timeline)
    say(f"credito_mipyme: {firms.count:,} firms, {enrolled:,} enrolled by {len(ops)} operators, "
        f"{len(reports.firm):,} disbursement reports")

    layout = Layout(plan_operator_files(stream(seed, "layout"), codes[first_op:], timeline, PROGRAMME,
                                        first_op=first_op, shapes=CSV_SHAPES), {})
    plans = plan_registry_files(stream(seed, "registry_layout"), timeline, DISBURSEMENTS, "desembolsos")
    rng = stream(seed, "invalid")
    csv_months = [month for month, plan in sorted(plans.items()) if plan.fmt == "csv"]
    invalid = build_invalid_rows(rng, extras, codes, ops, timeline, csv_months[int(rng.integers(0, len(csv_months)))],
                                 lenders[0].nit)
    roster = build_roster(enrolments, exits, seconds)
    written = _written_roster(stream(seed, "rosters"), roster, firms, layout, codes)
    rows = {
        ROSTERS: number_rows(with_invalid_rows(written, invalid, ROSTERS, layout, rng), layout, ROSTERS),
        CLAIMS: number_rows(with_invalid_rows(claim_rows(claims, codes, layout, programme=PROGRAMME, resultado=OUTCOME,
                                                         noise_labels=""), invalid, CLAIMS, layout, rng),
                            layout, CLAIMS),
    }
    files = write_operator_files(out_dir, layout, rows, codes, say, programme=PROGRAMME, roster_columns=ROSTER_COLUMNS)
    frame = _report_frame(stream(seed, "report_rows"), reports, firms, lenders)
    extracts = write_extracts(out_dir, plans, frame, [row for row in invalid if row.kind == DISBURSEMENTS],
                              kind=DISBURSEMENTS, columns=REPORT_COLUMNS, schema=SCHEMA,
                              order=("fecha_desembolso", "numero_obligacion"), as_text=_cells)
    say(f"credito_mipyme: {extracts.rows.height:,} disbursement rows in {len(extracts.records)} extracts")

    listings = dated_listings(roster, rows[ROSTERS], codes, identity_key)
    contracts = {codes[op]: [contract] for op in ops}
    oracle = Oracle(Rules(), listings, _reports(extracts.rows), contracts)
    as_reported = Oracle(Rules(), listings, _reports(extracts.rows.filter(~pl.col("correction"))), contracts)
    oracle_input, positions = oracle_claims(claims.month, claims.op, claims.fecha, rows[CLAIMS], codes, identity_key)
    last = index_month(timeline.last)
    decided = decide(oracle, oracle_input, last)
    changed = corrected(decided, decide(as_reported, oracle_input, last))
    labeller = Labeller(claims, enrolments, story, (after, before), codes, oracle,
                        {positions[place] for place, differs in changed.items() if differs})
    person_ids = ids.person_ids().to_list()
    claim_ids = [person_ids[person] if person >= 0 else "" for person in claims.person.tolist()]
    truth_claims = dated_claim_truth(decided, positions, claim_ids, OUTCOME, labeller.label)
    truth_claims += invalid_claims(rows[CLAIMS], invalid, extra_ids)
    kinds = np.where(np.arange(firms.count) < enrolled, PROGRAMME, "CREDITO_REPORTS_ONLY")
    listed = pl.DataFrame({"person": roster.person, "code": np.array(codes)[roster.op], "date": roster.date})
    person_of_key = {identity_key("NIT", str(nit)): person_ids[firm] for firm, nit in enumerate(firms.nit.tolist())}
    return Added(
        files=files + extracts.records,
        people=people_truth(firms, ids, kinds, extras, extra_ids, listed),
        claims=pl.DataFrame(truth_claims),
        unclaimed=dated_unclaimed(oracle, decided, person_of_key, last, OUTCOME, oracle.rule),
        invalid=invalid_truth(invalid, rows, extracts.invalid_rows, None),
        records=[
            operator_records(ROSTERS, rows[ROSTERS], ids.person_ids(roster.person), extra_ids, invalid),
            operator_records(CLAIMS, rows[CLAIMS], pl.Series(claim_ids, dtype=pl.String).replace("", None), extra_ids,
                             invalid),
            quarantined_records(DISBURSEMENTS, invalid, extracts.invalid_rows, extra_ids),
        ],
        roster_rows=rows[ROSTERS].height, claim_rows=rows[CLAIMS].height, enrolled=enrolled, exam_rows=0,
    )


def _written_roster(rng: np.random.Generator, roster: Roster, firms: Firms, layout: Layout,
                    codes: tuple[str, ...]) -> pl.DataFrame:
    """Roster rows as written: the NIT without check digit (a few with dots), the firm's name in
    the file's letter case, rows in date order with the exits re-listed at the end."""
    size = roster.size
    files = [layout.operator_file(ROSTERS, op, month)
             for op, month in zip(roster.op.tolist(), roster.received.tolist())]
    number = firms.nit[roster.person].astype(object)
    dotted = np.flatnonzero(rng.random(size) < 0.04)
    for index in dotted.tolist():
        number[index] = with_dots(number[index])
    name = [str(firms.name[firm]).title() if file.name_case == 1 else str(firms.name[firm])
            for firm, file in zip(roster.person.tolist(), files)]
    draw = rng.random(size)
    municipio = np.where(draw < 0.85, "68001", np.where(draw < 0.95, "", METRO[rng.integers(0, len(METRO), size)]))
    span = (last_day(roster.received) - first_day(roster.received - 1) + 1).astype(float)
    order = np.where(roster.kind == EXIT, 2.0 + rng.random(size),
                     (roster.date - first_day(roster.received - 1)) / span + rng.random(size) * 1e-3)
    return pl.DataFrame({
        "path": [file.path for file in files], "order": order, "operador": np.array(codes)[roster.op],
        "programa": PROGRAMME, "tipo_documento": "NIT", "numero_documento": pl.Series(number, dtype=pl.String),
        "razon_social": pl.Series(name, dtype=pl.String), "fecha_inscripcion": date_series(roster.date),
        "fecha_egreso": date_series(roster.exit), "municipio": municipio, "noise": "",
        "roster": np.arange(size), "invalid": pl.Series([None] * size, dtype=pl.Int64),
    })


def _report_frame(rng: np.random.Generator, reports: Reports, firms: Firms, lenders) -> pl.DataFrame:
    """Every report row as written (typed as the Parquet schema), with `delivered` and `correction`.
    The firm's name as the intermediary holds it (often without accents, sometimes not at all);
    one bank pads NITs to ten digits with zeros; most intermediaries write their NIT their own
    way, now and then another."""
    from pbr_pipeline.intake.headers import fold_accents

    size = len(reports.firm)
    draw = rng.random(size)
    name = [None if d < 0.3 else fold_accents(str(firms.name[firm])) if d < 0.8 else str(firms.name[firm])
            for firm, d in zip(reports.firm.tolist(), draw.tolist())]
    number = [nit.zfill(10) if lenders[lender].kind == "BANK" and lender == 1 else nit
              for nit, lender in zip(firms.nit[reports.firm].tolist(), reports.lender.tolist())]
    style = np.where(rng.random(size) < 0.9, [lenders[lender].style for lender in reports.lender.tolist()],
                     rng.integers(0, 3, size))
    return pl.DataFrame({
        "delivered": reports.delivered, "correction": reports.corrects >= 0,
        "tipo_documento": "NIT", "numero_documento": pl.Series(number, dtype=pl.String),
        "razon_social": pl.Series(name, dtype=pl.String),
        "entidad": [lenders[lender].written(int(s)) for lender, s in zip(reports.lender.tolist(), style.tolist())],
        "numero_obligacion": pl.Series(reports.obligation, dtype=pl.String),
        "fecha_desembolso": date_series(reports.day),
        "monto": pl.Series(reports.amount, dtype=pl.Int64),
        "tamano_empresa": [size_text(int(s), lenders[lender], rng) for s, lender in
                           zip(reports.size.tolist(), reports.lender.tolist())],
        "plazo_meses": pl.Series(reports.term, dtype=pl.Int32).replace(-1, None),
    })


def _cells(frame: pl.DataFrame, dates: str) -> pl.DataFrame:
    """CSV cells: DD/MM/YYYY dates and Spanish thousands (`25.000.000`) in a `;` extract."""
    amount = pl.col("monto").cast(pl.String)
    if dates == "dmy":
        amount = amount.map_elements(with_dots, return_dtype=pl.String)
    return cells(frame, dates, {"monto": amount})


def _reports(rows: pl.DataFrame) -> dict:
    """Delivered report rows by firm, as validation reads them."""
    found: dict = {}
    for number, obligation, day, size, delivered in rows.select(
            "numero_documento", "numero_obligacion", "fecha_desembolso", "tamano_empresa", "delivered").iter_rows():
        canonical = size.upper().replace("Ñ", "N")
        found.setdefault(identity_key("NIT", number), []).append(
            Report(obligation, day, canonical, index_month(int(delivered))))
    return found
