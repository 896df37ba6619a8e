"""Entrepreneurs of EMPRENDIMIENTO, and who enrols them when.

Adults of 18 to 60 who want to start a business, most of them women (the Plan's
entrepreneurship line favours women heads of household and victims of the armed conflict);
most hold a CC, some Venezuelan migrants a PT or a CE. Every document number is new: nobody in
the other programmes holds it.

Operators enrol most of them; a cohort enrolled up to 14 months before the first inbox month
(under the earlier agreement the city took over) is listed in the first roster, so that a small
data set holds businesses registered within a year of enrolment that have lasted six months,
and registration windows (12 months) and income follow-up windows (18 months) that close.
"""

from __future__ import annotations

import numpy as np

from ..habitanza.people import build_enrolments as carried_enrolments
from ..operators import Enrolments
from ..population import Population, draw_adults
from ..timeline import Timeline

WOMEN_SHARE = 0.62


def build_people(rng: np.random.Generator, size: int, timeline: Timeline, *, id_offset: int,
                 taken: np.ndarray) -> Population:
    """`size` adults who want to start a business; document numbers avoid `taken`."""
    sex = (rng.random(size) >= WOMEN_SHARE).astype(np.uint8)
    return draw_adults(rng, sex, timeline, age=(36, 10, 18, 60), pt=0.1, ce=0.02, id_offset=id_offset,
                       taken=taken, disability=0.04, victim=0.15, head_share=0.35, ethnic=0.04)


def build_enrolments(rng: np.random.Generator, size: int, ops: np.ndarray, codes: tuple[str, ...],
                     timeline: Timeline) -> Enrolments:
    """First enrolment (the owner's) of the enrolled people, most of them carried over."""
    return carried_enrolments(rng, size, ops, codes, timeline, carried_share=0.75, carried_months=12,
                              oldest_months=(13, 15))
