"""RIPS at the city's scale: one inbox month with millions of services (benchmarks).

Bucaramanga's providers bill a few million services a month. `write_bulk_month` adds to a
generated data set one month's worth of RIPS from people nobody enrols (consultations, dental
care, tests, emergencies, medicines, supplies, as everyday_services draws them), billed in
invoices of a few thousand patients, delivered in that month's inbox: RIPS JSON for every
provider but the pharmacy, which sends its flat CSV. Their document numbers are new (they
avoid `taken`), so the data set's verdicts do not change; only the volume does.

Everything is vectorised (numpy and polars), a chunk of people at a time, and the JSON text is
assembled and written a batch of files at a time (rips.write_files): two million rows take
about half a minute and a bounded amount of memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from ..inbox import FileRecord
from ..population import Population
from ..timeline import Timeline, first_day, last_day, month_index
from .people import BACKGROUND, build_people
from .rips import plan_delivery, write_files
from .services import _Collector, everyday_services

SERVICES_PER_PERSON = 5.0
"""Services each person of the bulk gets in the two months before the inbox month."""
USERS_PER_INVOICE = 2_000


CHUNK_ROWS = 250_000
"""Services planned and written at a time: memory stays that of one chunk, whatever `rows`."""


def write_bulk_month(out_dir: Path, *, seed: int, month: str, rows: int, taken: np.ndarray, id_offset: int,
                     say: Callable[[str], None] = lambda line: None) -> list[FileRecord]:
    """Write about `rows` RIPS services of people nobody enrols into the inbox of `month`
    (files named `rips_lote<N>_…`, one batch of invoices per chunk); returns the files written."""
    timeline = Timeline.of([month])
    index = month_index(month)
    days = (int(first_day(index - 2)), int(last_day(index - 1)))
    people = max(1, round(rows / SERVICES_PER_PERSON))
    per_chunk = max(1, round(CHUNK_ROWS / SERVICES_PER_PERSON))
    records: list[FileRecord] = []
    written = 0
    for chunk, start in enumerate(range(0, people, per_chunk)):
        rng = np.random.default_rng([seed, 2275, chunk])
        size = min(per_chunk, people - start)
        population, _ = build_people(rng, (0, 0, 0, size), timeline, id_offset=id_offset + start, taken=taken)
        taken = np.concatenate([taken, population.doc_number.astype(np.int64)])
        collector = _Collector(rng)
        everyday_services(rng, collector, np.arange(size), timeline, SERVICES_PER_PERSON, days=days)
        delivery = plan_delivery(rng, collector.services(), population, timeline, typo_rate=0.0, taken=set(),
                                 users_per_invoice=USERS_PER_INVOICE, corrections=[], invalid=[],
                                 extras=_nobody(population), variants=False, deliver_all_in=index,
                                 prefix=f"rips_lote{chunk + 1:03d}_", first_invoice=1_000_000 * (chunk + 1))
        records += write_files(out_dir, delivery)
        written += delivery.rows.height
        say(f"bulk: {written:,} RIPS rows of {start + size:,} people written")
    return records


def _nobody(population: Population) -> Population:
    """An empty population (the bulk has no invalid rows)."""
    from dataclasses import fields, replace
    return replace(population, **{f.name: getattr(population, f.name)[:0] for f in fields(population)
                                  if f.name != "id_offset"})


__all__ = ["write_bulk_month", "BACKGROUND"]
