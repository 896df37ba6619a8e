"""The English programme as simulated: everything the files and the ground truth are made from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..operators import Enrolments, ExtraEnrolments
from ..population import Population
from ..timeline import Timeline
from .claims import Claims
from .exams import Exams


@dataclass(frozen=True)
class World:
    """The programme as simulated: what is written and what the labels read."""

    timeline: Timeline
    codes: tuple[str, ...]
    """Every operator code, employment ones first."""
    ops: np.ndarray
    """The programme's operators (indices into `codes`)."""
    population: Population
    role: np.ndarray
    extras: Population
    """The people of the invalid rows."""
    employment: Population
    """The employment programme's people (a claim may name one of them)."""
    enrolments: Enrolments
    exits: ExtraEnrolments
    seconds: ExtraEnrolments
    exams: Exams
    claims: Claims
    contract: tuple[dt.date, dt.date]
    """The span every operator's contract covers."""

    @property
    def contract_start(self) -> int:
        return (self.contract[0] - dt.date(1970, 1, 1)).days
