"""The English programme as simulated: everything the files and the ground truth are made from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..population import Population
from ..world import ProgrammeWorld
from .claims import Claims
from .exams import Exams


@dataclass(frozen=True)
class World(ProgrammeWorld):
    """The programme as simulated: what is written and what the labels read."""

    role: np.ndarray
    employment: Population
    """The employment programme's people (a claim may name one of them)."""
    exams: Exams
    claims: Claims
