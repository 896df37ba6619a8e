"""The intermediaries' disbursement reports (`desembolsos_credito`) made from the credits.

A few intermediaries (two banks, two savings-and-credit cooperatives, a microfinance lender)
report every credit they disburse, each with its own obligation numbers and its own way of
writing its NIT: with the `-DV` check digit (always the right one), without it, or with dots.
A credit is reported in the month it was disbursed or up to four months later (the earliest
ones all in the first extract). Some reports are corrected in a later month: the same
obligation with a new amount, term or firm size; one correction reclassifies as GRANDE a firm
whose eligible credit had already been seen, when the data set allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemas.codes import FIRM_SIZES, nit_check_digit

from ..timeline import Timeline, last_day, month_of_day
from .firms import CREDIT, GRANDE, MEDIANA, MICRO, PEQUENA, Credits

LAGS = (0.1, 0.35, 0.25, 0.18, 0.12)
"""Share of credits reported 0, 1, 2, 3 and 4 months after the month they were disbursed."""

_AMOUNTS = {MICRO: (12e6, 1.5e6, 80e6), PEQUENA: (90e6, 20e6, 500e6), MEDIANA: (500e6, 100e6, 3_000e6),
            GRANDE: (2_500e6, 600e6, 15_000e6)}
"""Per reported size: the typical amount and the range, COP."""
_TERMS = {MICRO: (6, 12, 18, 24, 36), PEQUENA: (12, 24, 36, 48, 60), MEDIANA: (24, 36, 48, 60, 84),
          GRANDE: (36, 48, 60, 84, 120)}
WITH_DV, WITHOUT_DV, DOTTED = range(3)


@dataclass(frozen=True)
class Lender:
    nit: str
    kind: str
    """BANK, COOP or MICRO: how its obligation numbers look."""
    style: int
    """How it usually writes its NIT (WITH_DV, WITHOUT_DV, DOTTED)."""
    spanish_sizes: bool
    """Writes PEQUEÑA and title case (Micro, Mediana)."""

    def written(self, style: int) -> str:
        dv = nit_check_digit(self.nit)
        if style == WITHOUT_DV:
            return self.nit
        if style == DOTTED:
            return f"{self.nit[:3]}.{self.nit[3:6]}.{self.nit[6:]}-{dv}"
        return f"{self.nit}-{dv}"


def build_lenders(rng: np.random.Generator) -> tuple[tuple[Lender, ...], np.ndarray]:
    """The intermediaries and how likely each one is to be a firm's lender."""
    prefixes = (("BANK", 860), ("BANK", 890), ("COOP", 804), ("COOP", 890), ("MICRO", 900))
    lenders = []
    for position, (kind, prefix) in enumerate(prefixes):
        nit = f"{prefix}{int(rng.integers(0, 1_000_000)):06d}"
        lenders.append(Lender(nit, kind, position % 3, spanish_sizes=position in (2, 4)))
    return tuple(lenders), np.array([0.3, 0.2, 0.2, 0.1, 0.2])


@dataclass(frozen=True)
class Reports:
    """Report rows as columns: each credit's first report, then the corrections."""

    firm: np.ndarray
    day: np.ndarray
    size: np.ndarray
    amount: np.ndarray
    term: np.ndarray
    """Months, -1 where not reported."""
    lender: np.ndarray
    obligation: np.ndarray
    delivered: np.ndarray
    """Inbox month of the extract that carries the row."""
    corrects: np.ndarray
    """The row a correction replaces (-1 for a first report)."""
    credit: np.ndarray
    """The credit the row reports."""


def _amounts(rng: np.random.Generator, size: np.ndarray) -> np.ndarray:
    typical = np.array([_AMOUNTS[int(s)][0] for s in size])
    low = np.array([_AMOUNTS[int(s)][1] for s in size])
    high = np.array([_AMOUNTS[int(s)][2] for s in size])
    drawn = np.clip(typical * np.exp(rng.normal(0, 0.6, len(size))), low, high)
    return (np.round(drawn / 100_000) * 100_000).astype(np.int64)


def _terms(rng: np.random.Generator, size: np.ndarray) -> np.ndarray:
    term = np.array([_TERMS[int(s)][int(rng.integers(0, 5))] for s in size], dtype=np.int64)
    return np.where(rng.random(len(size)) < 0.1, -1, term)


def build_reports(rng: np.random.Generator, credits: Credits, story_of_credit: np.ndarray, claimed: np.ndarray,
                  lenders: tuple[Lender, ...], weights: np.ndarray, timeline: Timeline) -> Reports:
    """The first report of every credit delivered by the last inbox month, then the
    corrections. `story_of_credit` is the story of each credit's firm (-1 for firms only the
    reports know); `claimed` marks the credits the firm's owner claims."""
    count = len(credits.firm)
    lag = rng.choice(len(LAGS), size=count, p=LAGS)
    delivered = np.maximum(month_of_day(credits.day) + lag, timeline.first)
    lender = rng.choice(len(lenders), size=count, p=weights)
    obligation = np.empty(count, dtype=object)
    used: set[str] = set()
    for index, which in enumerate(lender.tolist()):
        while True:
            kind = lenders[which].kind
            year = 1970 + int(month_of_day(credits.day[index])) // 12
            if kind == "BANK":
                number = str(int(rng.integers(4_500_000_000, 9_999_999_999)))
            elif kind == "COOP":
                number = f"{year}{int(rng.integers(0, 1_000_000)):06d}"
            else:
                number = f"MC{int(rng.integers(0, 100_000_000)):08d}"
            if number not in used:
                used.add(number)
                obligation[index] = number
                break
    keep = np.flatnonzero(delivered <= timeline.last)
    first = dict(firm=credits.firm[keep], day=credits.day[keep], size=credits.size[keep],
                 amount=_amounts(rng, credits.size[keep]), term=_terms(rng, credits.size[keep]), lender=lender[keep],
                 obligation=obligation[keep], delivered=delivered[keep], corrects=np.full(len(keep), -1),
                 credit=keep)
    corrections = _corrections(rng, first, story_of_credit[keep], claimed[keep], timeline)
    return Reports(**{name: np.concatenate([values, corrections[name]]) for name, values in first.items()})


def _corrections(rng: np.random.Generator, first: dict[str, np.ndarray], story: np.ndarray, claimed: np.ndarray,
                 timeline: Timeline) -> dict[str, np.ndarray]:
    """Reports sent again in a later month with the same obligation and new values: an amount,
    a term or a size within the eligible ones, and (where one fits) a claimed eligible credit of
    a CREDIT firm reclassified as GRANDE after the run that saw it."""
    size, delivered, day = first["size"], first["delivered"], first["day"]
    month = month_of_day(day)
    # Seen in the run of month + 4 at the latest; reclassified at least one month later.
    fits = np.flatnonzero((story == CREDIT) & claimed & (size != GRANDE) & (month + 5 <= timeline.last)
                          & (day <= last_day(timeline.last - 5)))
    forced = rng.permutation(fits)[:1]
    pool = np.setdiff1d(np.flatnonzero(delivered < timeline.last), forced)
    wanted = max(2, round(0.05 * len(day)))
    chosen = np.concatenate([forced, rng.permutation(pool)[:wanted]]).astype(np.int64)
    new_size = size[chosen].copy()
    new_amount = first["amount"][chosen].copy()
    new_term = first["term"][chosen].copy()
    kind = rng.integers(0, 3, len(chosen))
    for position, row in enumerate(chosen.tolist()):
        if position < len(forced):
            new_size[position] = GRANDE
        elif kind[position] == 0:
            amount = round(new_amount[position] * rng.uniform(0.5, 1.5) / 100_000) * 100_000
            new_amount[position] = max(int(amount), 100_000)
        elif kind[position] == 1 or size[row] == GRANDE:
            terms = _TERMS[int(size[row])]
            held = int(new_term[position])
            new_term[position] = terms[(terms.index(held) + 1) % 5] if held in terms else terms[2]
        else:
            # MICRO and PEQUENA swap, MEDIANA becomes PEQUENA: still eligible.
            new_size[position] = {MICRO: PEQUENA, PEQUENA: MICRO, MEDIANA: PEQUENA}[int(size[row])]
    later = np.where(np.arange(len(chosen)) < len(forced), np.maximum(month[chosen] + 5, delivered[chosen] + 1),
                     delivered[chosen] + rng.integers(1, 4, len(chosen)))
    later = np.minimum(later, timeline.last)
    keep = later > delivered[chosen]
    chosen, new_size, new_amount, new_term, later = (values[keep] for values in (chosen, new_size, new_amount,
                                                                                 new_term, later))
    return dict(firm=first["firm"][chosen], day=day[chosen], size=new_size, amount=new_amount, term=new_term,
                lender=first["lender"][chosen], obligation=first["obligation"][chosen], delivered=later,
                corrects=chosen, credit=first["credit"][chosen])


def size_text(size: int, lender: Lender, rng: np.random.Generator) -> str:
    """`tamano_empresa` as the lender writes it."""
    code = FIRM_SIZES[size]
    if not lender.spanish_sizes:
        return code
    text = "PEQUEÑA" if code == "PEQUENA" else code
    return text.title() if rng.random() < 0.5 else text
