"""Registry rows about people, firms and producer units no operator enrolled.

Each programme's generator writes only the registry rows its stories need, a few thousand at
most. The city's real registries are those of a metropolitan area (Bucaramanga's, about 1.2
million inhabitants): the chamber of commerce holds tens of thousands of matrículas, the
intermediaries disburse tens of thousands of credits a year. The benchmark must read, validate
and join registries of that size, so a data set of BACKGROUND_FROM people or more (the bench)
also gets these rows; a smaller one (the committed sample, the tests) gets none.

Nobody on these rows is enrolled: their documents, NITs and unit ids are new (they avoid every
number the other files hold and the AGRO generator's unit ids), and the pipeline joins every
registry to claims and rosters by subject, so no verdict changes. Every row is valid.

Per inbox month `M` (month indices of `timeline.inbox`), one Parquet file per registry, in the
columns and types of the programme generators' own extracts:

    inbox/<M>/registros/registro_mercantil/registro_mercantil_otros_<M>.parquet
        matrículas of natural persons: the whole active stock in the first month (as the
        chamber's first extract), then each matrícula registered, renewed or cancelled in the
        month before, whole, as it then stands
    inbox/<M>/registros/desembolsos_credito/desembolsos_otros_<M>.parquet
        disbursements to firms, reported 0-2 months after the disbursement
    inbox/<M>/registros/mediciones_productividad/mediciones_productividad_otros_<M>.parquet
        producer units measured twice a year, after their harvests, reported 0-2 months later
    inbox/<M>/registros/mediciones_ingreso/mediciones_otros_<M>.parquet
        household income measurements, reported in the month measured or the next

The first inbox month also carries the year before it (rows dated up to HISTORY_MONTHS
earlier), as the first extract of the other registries does; a row that would arrive after
the last inbox month is left out. Names are optional in these registries and left empty.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import numpy as np
import polars as pl
import pyarrow as pa

from schemas.codes import ACTIVE_REGISTRATION, CANCELLED_REGISTRATION, CROPS, FIRM_SIZES, nit_check_digit

from .agro import MEASUREMENT_COLUMNS as PRODUCTIVITY_COLUMNS
from .agro import SCHEMA as PRODUCTIVITY_SCHEMA
from .credito import REPORT_COLUMNS as DISBURSEMENT_COLUMNS
from .credito import SCHEMA as DISBURSEMENT_SCHEMA
from .emprendimiento.registry import COLUMNS as BUSINESS_COLUMNS
from .emprendimiento.registry import SCHEMA as BUSINESS_SCHEMA
from .habitanza.registry import COLUMNS as INCOME_COLUMNS
from .habitanza.registry import SCHEMA as INCOME_SCHEMA
from .extracts import ExtractFile, cells, write_extracts
from .inbox import FileRecord
from .layout import BUSINESSES, CREDITS, INCOMES, PRODUCTIVITY, inbox_folder
from .timeline import Timeline, date_series, first_day, index_month, last_day, month_of_day, year_of_month

BACKGROUND_FROM = 100_000
"""Data sets of fewer people (the committed sample, the tests) get no background rows."""

STREAM = 9001
"""The background's random streams are `[seed, STREAM, part]`, one part per registry, apart
from every stream of the programme generators."""
BUSINESS_PART, CREDIT_PART, PRODUCTIVITY_PART, INCOME_PART = range(4)

HISTORY_MONTHS = 12
"""The first inbox month carries rows dated up to this many months before it."""

# Sizes, per person of the employment population. The bench's 300,000 people stand for the
# working population of Bucaramanga's metropolitan area (about 1.2 million inhabitants); each
# registry's size below is what a city of that size holds, expressed per such person.

MATRICULAS_PER_PERSON = 0.25
"""Active matrículas of natural persons (shops, stalls, workshops): 75,000 at 300,000 people,
about one for every 16 inhabitants of the metropolitan area."""
RENEWING = 0.70
"""Share of the active matrículas renewed each year, between 1 January and 31 March (Código
de Comercio art. 33); the others fall behind for a year or more."""
REGISTERING = 0.12
"""New matrículas a year, per matrícula of the stock."""
CANCELLING = 0.08
"""Share of the active matrículas cancelled in a year."""
STOCK_AGE_YEARS = 8.0
"""Mean age of an active matrícula: with 12% entering and 8% leaving a year, the stock's ages
fall off by about 12% a year."""
MAX_AGE_YEARS = 30
"""The oldest matrícula of the stock was registered this many years before the data set."""
LAPSE_YEARS = 5
"""A matrícula unrenewed this long is cancelled by the chamber (Ley 1727 de 2014): no active
one is further behind."""
CHAMBER = "04"
"""Bucaramanga's chamber of commerce."""
FIRST_MATRICULA = 10_000_000
"""Matrícula numbers here are eight digits from this one, in the order of registration (the
EMPRENDIMIENTO generator's are six or seven)."""
CIIU_CLASSES = ("4711", "4719", "4721", "4771", "4774", "5611", "5619", "9602", "4520", "1081", "1410", "4923",
                "8299", "0145")
"""Main activities of natural persons' businesses: shops, food, hairdressers, workshops, bakeries,
clothing, transport, services, hens at the city's edge."""
CIIU_SHARES = (0.2, 0.1, 0.06, 0.08, 0.06, 0.08, 0.1, 0.07, 0.06, 0.04, 0.05, 0.04, 0.04, 0.02)

DISBURSEMENTS_PER_PERSON = 0.1
"""Credit disbursements to firms a year: 30,000 a year at 300,000 people, the metropolitan area's
banks, cooperatives and microfinance lenders together ..."""
FIRMS_PER_PERSON = 0.08
"""... to a pool of firms (24,000 at 300,000 people), some of which borrow more than once."""
SIZE_SHARES = (0.72, 0.17, 0.07, 0.04)
"""MICRO, PEQUENA, MEDIANA, GRANDE: most firms that borrow are micro."""
AMOUNTS = ((12e6, 1.5e6, 80e6), (90e6, 20e6, 500e6), (500e6, 100e6, 3_000e6), (2_500e6, 600e6, 15_000e6))
"""Per size (FIRM_SIZES order): the typical amount and its range, COP."""
TERMS = (6, 12, 18, 24, 36, 48, 60)
"""Terms in months."""
REPORT_LAGS = (0.3, 0.5, 0.2)
"""Share of disbursements reported 0, 1 and 2 months after the month they were disbursed."""
LENDERS = ((860, True, 0.3), (890, False, 0.2), (804, True, 0.2), (891, False, 0.1), (900, True, 0.2))
"""Intermediaries: the first three digits of each one's NIT, whether it writes the NIT with its
check digit (`NNNNNNNNN-DV`) or bare, and its share of the disbursements."""

UNITS_PER_PERSON = 0.01
"""Producer units the agricultural extension service visits (3,000 at 300,000 people): the
city's rural corregimientos and the municipalities around it."""
MUNICIPALITIES = ("68001", "68276", "68307", "68547", "68406", "68615")
"""Bucaramanga, Floridablanca, Girón, Piedecuesta, Lebrija, Rionegro."""
CROP_SHARES = (0.35, 0.4, 0.1, 0.15)
"""CACAO, CAFE, BANANO, OTRO (CROPS order)."""
YIELDS = ((350, 900), (700, 1_800), (12_000, 35_000), (4_000, 15_000))
"""Yield, kg per hectare per year, per crop: what Santander's farms give, far under the
schema's MAX_YIELD_KG_PER_HA."""
AREA_HECTARES = (0.5, 10.0)
VISITS = (0, 11, 2, 4)
"""Per crop, the month of the year (0 = January) of a unit's first visit, after the harvest
(cocoa January, coffee December, bananas March, other crops May); the second comes six months
later. Crops' calendars differ, so with the report lags every month receives measurements: the
intake rejects a file without rows as a whole."""
MEASUREMENT_LAGS = (0.25, 0.55, 0.2)
"""Share of visits reported 0, 1 and 2 months after the visit."""

INCOMES_PER_PERSON = 0.05
"""Household income measurements a year (15,000 at 300,000 people): SISBÉN visits and the
city's household surveys of people no operator enrolled."""
HOUSEHOLD_SHARES = (0.14, 0.22, 0.25, 0.2, 0.1, 0.05, 0.025, 0.015)
"""People in a household, 1 to 8."""
MEDIAN_INCOME = 1_600_000
"""Median monthly household income, COP."""
SOURCES = (("SISBEN IV", 0.6), ("ENCUESTA", 0.4))

Draw = Callable[[np.random.Generator, int], np.ndarray]


def write_background(out_dir: Path, *, seed: int, people: int, timeline: Timeline, taken: set[str],
                     say: Callable[[str], None]) -> list[FileRecord]:
    """Write the background rows of a data set of `people` employment people (nothing below
    BACKGROUND_FROM) and return their files. `taken` holds every document number the other
    files use; it is left as it is."""
    if people < BACKGROUND_FROM:
        return []
    out_dir = Path(out_dir)
    numbers = Numbers(taken)

    def rng(part: int) -> np.random.Generator:
        return np.random.default_rng([seed, STREAM, part])

    records = []
    for kind, stem, columns, schema, order, build, part in (
        (BUSINESSES, "registro_mercantil", BUSINESS_COLUMNS, BUSINESS_SCHEMA, ("changed", "matricula"), _business,
         BUSINESS_PART),
        (CREDITS, "desembolsos", DISBURSEMENT_COLUMNS, DISBURSEMENT_SCHEMA, ("fecha_desembolso", "numero_obligacion"),
         _disbursements, CREDIT_PART),
        (PRODUCTIVITY, "mediciones_productividad", PRODUCTIVITY_COLUMNS, PRODUCTIVITY_SCHEMA,
         ("fecha_medicion", "unidad_productiva"), _productivity, PRODUCTIVITY_PART),
        (INCOMES, "mediciones", INCOME_COLUMNS, INCOME_SCHEMA, ("fecha_medicion", "numero_documento"), _incomes,
         INCOME_PART),
    ):
        frame, subjects = build(rng(part), people, timeline, numbers)
        written = _write(out_dir, frame, timeline, kind=kind, stem=stem, columns=columns, schema=schema, order=order)
        say(f"background {kind}: {subjects}, {sum(record.data_rows for record in written):,} rows "
            f"in {len(written)} files")
        records += written
    return records


class Numbers:
    """Document numbers and NITs not in use: not in `taken` (compared as numbers, as the
    pipeline compares digits-only documents: `0012345` is `12345`) and not given out before."""

    def __init__(self, taken: set[str]):
        used = [int(number) for number in taken if number.isascii() and number.isdigit() and len(number) <= 18]
        self.used = np.unique(np.array(used, dtype=np.int64))

    def fresh(self, rng: np.random.Generator, count: int, draw: Draw) -> np.ndarray:
        """`count` new numbers from `draw` (numbers without leading zeros), in the order drawn."""
        found = np.zeros(0, dtype=np.int64)
        while len(found) < count:
            candidates = draw(rng, count - len(found) + 16).astype(np.int64)
            merged = np.concatenate([found, candidates[~_within(self.used, candidates)]])
            found = merged[np.sort(np.unique(merged, return_index=True)[1])]
        found = found[:count]
        self.used = np.sort(np.concatenate([self.used, found]))
        return found


def _within(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which `values` a sorted array holds (a bench's `taken` is hundreds of thousands of
    numbers: a binary search each, not np.isin's sort of both)."""
    at = np.minimum(np.searchsorted(ordered, values), max(len(ordered) - 1, 0))
    return ordered[at] == values if len(ordered) else np.zeros(len(values), dtype=bool)


def _cedulas(rng: np.random.Generator, count: int) -> np.ndarray:
    """Cédulas as Santander's are: old eight-digit series (13 and 91 men, 37 and 63 women) for
    people registered before the late 1990s, ten-digit NUIP for the younger."""
    old = np.array([13_000_000, 37_000_000, 63_000_000, 91_000_000])[rng.integers(0, 4, count)]
    return np.where(rng.random(count) < 0.55, old + rng.integers(0, 1_000_000, count),
                    rng.integers(1_095_000_000, 1_103_000_000, count))


def _days_in(rng: np.random.Generator, months: np.ndarray) -> np.ndarray:
    """A random day of each month."""
    start = first_day(months)
    return start + (rng.random(len(months)) * (last_day(months) - start + 1)).astype(np.int64)


def _monthly(rng: np.random.Generator, per_month: float, first: int, last: int) -> np.ndarray:
    """The month of each event of a steady flow of `per_month` a month from `first` to `last`."""
    months = np.arange(first, last + 1)
    return np.repeat(months, rng.poisson(per_month, len(months)))


def _delivered(rng: np.random.Generator, months: np.ndarray, lags: tuple[float, ...], timeline: Timeline) -> np.ndarray:
    """Inbox month each row arrives in: its month plus a lag drawn from `lags`; the first inbox
    month takes everything earlier."""
    return np.maximum(months + rng.choice(len(lags), size=len(months), p=lags), timeline.first)


def _nulls(count: int) -> pl.Series:
    return pl.Series([None] * count, dtype=pl.String)


# The chamber of commerce ----------------------------------------------------------------------

def _business(rng: np.random.Generator, people: int, timeline: Timeline, numbers: Numbers) -> tuple[pl.DataFrame, str]:
    """Every delivered version of every matrícula: the stock active when the data set starts,
    delivered whole in the first month, and those registered, renewed or cancelled in the months
    after (each delivered the month after, as it then stands)."""
    stock = round(people * MATRICULAS_PER_PERSON)
    snapshot = int(last_day(timeline.first - 1))
    end = int(last_day(timeline.last - 1))
    age = np.minimum(rng.exponential(STOCK_AGE_YEARS * 365.25, stock), MAX_AGE_YEARS * 365).astype(np.int64)
    new = _days_in(rng, _monthly(rng, stock * REGISTERING / 12, timeline.first, timeline.last - 1))
    registered = np.concatenate([snapshot - age, new])
    count = len(registered)
    # Cancellation is memoryless: from the registration, or from the start for the stock
    # (which is active then by definition).
    cancelled = (np.maximum(registered, snapshot) + 1
                 + rng.exponential(365.25 / -math.log(1 - CANCELLING), count).astype(np.int64))
    renewals = _renewals(rng, registered, cancelled, snapshot, end)
    # The chamber numbers matrículas in the order it registers them.
    number = np.empty(count, dtype=np.int64)
    number[np.argsort(registered, kind="stable")] = FIRST_MATRICULA + np.arange(count)
    document = numbers.fresh(rng, count, _cedulas)
    ciiu = np.array(CIIU_CLASSES)[rng.choice(len(CIIU_CLASSES), size=count, p=CIIU_SHARES)]

    versions = _versions(stock, new, cancelled, renewals, snapshot, end, timeline)
    m, cutoff = versions["m"].to_numpy(), versions["cutoff"].to_numpy()
    is_cancelled = cancelled[m] <= cutoff
    first_delivery = np.maximum(month_of_day(registered) + 1, timeline.first)
    frame = pl.DataFrame({
        "delivered": versions["delivered"],
        "changed": versions["delivered"].to_numpy() > first_delivery[m],
        "tipo_documento": "CC",
        "numero_documento": pl.Series(document[m].astype(str), dtype=pl.String),
        **{name: _nulls(len(m)) for name in ("primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido")},
        "codigo_camara": CHAMBER,
        "matricula": pl.Series(number[m].astype(str), dtype=pl.String),
        "razon_social": _nulls(len(m)),
        "fecha_matricula": date_series(registered[m]),
        "estado_matricula": np.where(is_cancelled, CANCELLED_REGISTRATION, ACTIVE_REGISTRATION),
        "ultimo_ano_renovado": versions["year"].cast(pl.Int16),
        "fecha_renovacion": date_series(versions["day"].fill_null(-1).to_numpy()),
        "fecha_cancelacion": date_series(np.where(is_cancelled, cancelled[m], -1)),
        "cod_ciiu": pl.Series(ciiu[m], dtype=pl.String),
    })
    return frame, f"{stock:,} matrículas in stock, {count - stock:,} registered"


def _versions(stock: int, new: np.ndarray, cancelled: np.ndarray, renewals: pl.DataFrame, snapshot: int, end: int,
              timeline: Timeline) -> pl.DataFrame:
    """Each delivered version (m, delivered): the stock in the first month, then a matrícula in
    the month after each month it was registered, renewed or cancelled in; with the state it
    shows (`cutoff`: the last day it covers; `year`, `day`: its latest renewal by then)."""
    later = renewals.filter(pl.col("day") > snapshot)
    count = len(cancelled)
    changed = np.concatenate([np.arange(stock, count), later["m"].to_numpy(), np.flatnonzero(cancelled <= end)])
    change_days = np.concatenate([new, later["day"].to_numpy(), cancelled[cancelled <= end]])
    versions = pl.concat([
        pl.DataFrame({"m": np.arange(stock), "delivered": np.full(stock, timeline.first)}),
        pl.DataFrame({"m": changed, "delivered": month_of_day(change_days) + 1}).unique(),
    ]).with_columns(pl.col("m", "delivered").cast(pl.Int64))
    versions = versions.with_columns(pl.Series("cutoff", last_day(versions["delivered"].to_numpy() - 1)))
    state = (versions.join(renewals, on="m").filter(pl.col("day") <= pl.col("cutoff"))
             .group_by("m", "delivered").agg(pl.all().sort_by("day").last()).select("m", "delivered", "year", "day"))
    return versions.join(state, on=["m", "delivered"], how="left")


def _renewals(rng: np.random.Generator, registered: np.ndarray, cancelled: np.ndarray, snapshot: int,
              end: int) -> pl.DataFrame:
    """Every renewal that shows (m, year, day): each year from the start's to the end's, an
    active matrícula registered in an earlier year renews with probability RENEWING between
    1 January and 31 March; the stock's last renewal before the start is the latest of those
    years, or one to LAPSE_YEARS years before (none if that is not after its registration)."""
    count = len(registered)
    registered_in = year_of_month(month_of_day(registered))
    start_year, end_year = int(year_of_month(month_of_day(snapshot))), int(year_of_month(month_of_day(end)))
    parts = []
    done_by_start = np.zeros(count, dtype=bool)
    for year in range(start_year, end_year + 1):
        day = int(first_day((year - 1970) * 12)) + rng.integers(0, 90, count)
        renews = (rng.random(count) < RENEWING) & (registered_in < year) & (day < cancelled) & (day <= end)
        done_by_start |= renews & (day <= snapshot)
        parts.append(_renewed(np.flatnonzero(renews), np.full(int(renews.sum()), year), day[renews]))
    # The stock's last renewal before the start, when the start's year has not brought one.
    lapse = np.minimum(rng.geometric(RENEWING, count), LAPSE_YEARS)
    year = start_year - lapse
    day = first_day((year - 1970) * 12) + rng.integers(0, 90, count)
    earlier = ~done_by_start & (registered <= snapshot) & (registered_in < year)
    parts.append(_renewed(np.flatnonzero(earlier), year[earlier], day[earlier]))
    return pl.concat(parts)


def _renewed(m: np.ndarray, year: np.ndarray, day: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame({"m": m, "year": year, "day": day}, schema={"m": pl.Int64, "year": pl.Int64, "day": pl.Int64})


# The intermediaries' disbursement reports ---------------------------------------------------

def _disbursements(rng: np.random.Generator, people: int, timeline: Timeline,
                   numbers: Numbers) -> tuple[pl.DataFrame, str]:
    """Disbursements to a pool of firms (NITs of the 800 series), dated from HISTORY_MONTHS
    before the first inbox month to the last, each reported 0-2 months later."""
    lenders = [(int(numbers.fresh(rng, 1, lambda r, n, p=prefix: p * 1_000_000 + r.integers(0, 1_000_000, n))[0]),
                with_dv, share) for prefix, with_dv, share in LENDERS]
    written = np.array([f"{nit}-{nit_check_digit(str(nit))}" if with_dv else str(nit) for nit, with_dv, _ in lenders])
    firms = round(people * FIRMS_PER_PERSON)
    nit = numbers.fresh(rng, firms, lambda r, n: r.integers(800_000_000, 860_000_000, n))
    size = rng.choice(len(FIRM_SIZES), size=firms, p=SIZE_SHARES)
    month = _monthly(rng, people * DISBURSEMENTS_PER_PERSON / 12, timeline.first - HISTORY_MONTHS, timeline.last)
    delivered = _delivered(rng, month, REPORT_LAGS, timeline)
    keep = delivered <= timeline.last
    month, delivered = month[keep], delivered[keep]
    count = len(month)
    firm = rng.integers(0, firms, count)
    lender = rng.choice(len(lenders), size=count, p=[share for _, _, share in lenders])
    typical, low, high = (np.array([AMOUNTS[int(s)][i] for s in size[firm]]) for i in range(3))
    amount = np.clip(typical * np.exp(rng.normal(0, 0.6, count)), low, high)
    # Obligation numbers: the lender's digit and a serial no other row of it repeats.
    serial = rng.choice(1_000_000_000, size=count, replace=False)
    frame = pl.DataFrame({
        "delivered": delivered,
        "tipo_documento": "NIT",
        "numero_documento": pl.Series(nit[firm].astype(str), dtype=pl.String),
        "razon_social": _nulls(count),
        "entidad": pl.Series(written[lender], dtype=pl.String),
        "numero_obligacion": pl.Series(lender + 1).cast(pl.String) + pl.Series(serial).cast(pl.String).str.zfill(9),
        "fecha_desembolso": date_series(_days_in(rng, month)),
        "monto": (np.round(amount / 100_000) * 100_000).astype(np.int64),
        "tamano_empresa": pl.Series(np.array(FIRM_SIZES)[size[firm]], dtype=pl.String),
        "plazo_meses": pl.Series(np.array(TERMS)[rng.integers(0, len(TERMS), count)], dtype=pl.Int32),
    })
    return frame, f"{firms:,} firms, {len(lenders)} intermediaries"


# The extension service's productivity measurements ------------------------------------------

def _productivity(rng: np.random.Generator, people: int, timeline: Timeline,
                  numbers: Numbers) -> tuple[pl.DataFrame, str]:
    """Units measured twice a year, six months apart, from HISTORY_MONTHS before the first
    inbox month; each visit records the year's harvest on the unit's area."""
    units = round(people * UNITS_PER_PERSON)
    producer = numbers.fresh(rng, units, _cedulas)
    municipality = np.array(MUNICIPALITIES)[rng.integers(0, len(MUNICIPALITIES), units)]
    # Six-digit serials: the AGRO generator's unit ids have four (`UP-68001-0042`).
    serial = rng.choice(1_000_000, size=units, replace=False)
    unit_id = np.array([f"UP-{m}-{s:06d}" for m, s in zip(municipality.tolist(), serial.tolist())])
    crop = rng.choice(len(CROPS), size=units, p=CROP_SHARES)
    low, high = AREA_HECTARES
    hundredths = np.round((low + rng.random(units) * (high - low)) * 100).astype(np.int64)
    comma = rng.random(units) < 0.5
    area = np.array([_hectares(h, c) for h, c in zip(hundredths.tolist(), comma.tolist())])
    kg_per_ha = np.array([YIELDS[c][0] for c in crop]) + rng.random(units) * np.array([YIELDS[c][1] - YIELDS[c][0]
                                                                                        for c in crop])
    first_visit = np.array(VISITS)[crop] % 6
    day_of_month = rng.integers(0, 28, units)
    unit, month = [], []
    for m in range(timeline.first - HISTORY_MONTHS, timeline.last + 1):
        visited = np.flatnonzero((m % 12 == first_visit) | (m % 12 == first_visit + 6))
        unit.append(visited)
        month.append(np.full(len(visited), m))
    unit, month = np.concatenate(unit), np.concatenate(month)
    delivered = _delivered(rng, month, MEASUREMENT_LAGS, timeline)
    keep = delivered <= timeline.last
    unit, month, delivered = unit[keep], month[keep], delivered[keep]
    harvest = kg_per_ha[unit] * rng.uniform(0.9, 1.1, len(unit)) * hundredths[unit] / 100
    frame = pl.DataFrame({
        "delivered": delivered,
        "tipo_documento": "CC",
        "numero_documento": pl.Series(producer[unit].astype(str), dtype=pl.String),
        "unidad_productiva": pl.Series(unit_id[unit], dtype=pl.String),
        "cultivo": pl.Series(np.array(CROPS)[crop[unit]], dtype=pl.String),
        "fecha_medicion": date_series(first_day(month) + day_of_month[unit]),
        "produccion_kg": np.round(harvest).astype(np.int64),
        "area_ha": pl.Series(area[unit], dtype=pl.String),
    })
    return frame, f"{units:,} units"


def _hectares(hundredths: int, comma: bool) -> str:
    """Hectares as the service types them: `2,5` or `2.5`, `3` for a whole number."""
    whole, fraction = divmod(hundredths, 100)
    if not fraction:
        return str(whole)
    return f"{whole}{',' if comma else '.'}{fraction:02d}".rstrip("0")


# Household income measurements ------------------------------------------------------------

def _incomes(rng: np.random.Generator, people: int, timeline: Timeline, numbers: Numbers) -> tuple[pl.DataFrame, str]:
    """One measurement per household (its person's document), dated from HISTORY_MONTHS before
    the first inbox month to the last, reported in the month measured or the next."""
    month = _monthly(rng, people * INCOMES_PER_PERSON / 12, timeline.first - HISTORY_MONTHS, timeline.last)
    delivered = _delivered(rng, month, (0.5, 0.5), timeline)
    keep = delivered <= timeline.last
    month, delivered = month[keep], delivered[keep]
    count = len(month)
    document = numbers.fresh(rng, count, _cedulas)
    income = np.round(MEDIAN_INCOME * np.exp(rng.normal(0, 0.7, count)) / 1_000) * 1_000
    income = np.where(rng.random(count) < 0.03, 0, income).astype(np.int64)
    names, shares = zip(*SOURCES)
    frame = pl.DataFrame({
        "delivered": delivered,
        "tipo_documento": "CC",
        "numero_documento": pl.Series(document.astype(str), dtype=pl.String),
        **{name: _nulls(count) for name in ("primer_nombre", "segundo_nombre", "primer_apellido", "segundo_apellido")},
        "fecha_nacimiento": date_series(np.full(count, -1)),
        "sexo": _nulls(count),
        "fecha_medicion": date_series(_days_in(rng, month)),
        "ingreso_mensual_hogar": income,
        "personas_hogar": pl.Series(rng.choice(len(HOUSEHOLD_SHARES), size=count, p=HOUSEHOLD_SHARES) + 1,
                                    dtype=pl.Int16),
        "fuente": pl.Series(np.array(names)[rng.choice(len(names), size=count, p=shares)], dtype=pl.String),
    })
    return frame, f"{count:,} households"


# Files ------------------------------------------------------------------------------------

def _write(out_dir: Path, frame: pl.DataFrame, timeline: Timeline, *, kind: str, stem: str,
           columns: tuple[str, ...], schema: pa.Schema, order: tuple[str, ...]) -> list[FileRecord]:
    """One Parquet file per inbox month, `inbox/<M>/registros/<kind>/<stem>_otros_<M>.parquet`,
    rows in `order`, by the registries' own extract writer (no corrections, no invalid rows)."""
    plans = {month: ExtractFile(month, f"{inbox_folder(month, kind)}/{stem}_otros_{index_month(month)}.parquet",
                                "parquet", None, "iso")
             for month in timeline.inbox}
    return write_extracts(out_dir, plans, frame.with_columns(pl.lit(False).alias("correction")), [], kind=kind,
                          columns=columns, schema=schema, order=order, as_text=cells).records
