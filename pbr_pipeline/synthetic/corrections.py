"""The registry correction that takes back a month which had verified a claim.

Chosen after the verdicts, because it must hit a month that verified a claim when the claim
arrived; it is delivered in a later extract, so the claim's final verdict becomes a rejection
(an adjustment to an earlier month's payment).
"""

from __future__ import annotations

import numpy as np

from .claims import EARLY, RETENCION_3M, Claims
from .registry import SpecialRow, period_rows, withdrawal
from .verdicts import REJECTED, VERIFIED, Decisions, Judge, judge_one
from .world import World


def take_back_a_verified_month(rng: np.random.Generator, world: World, judge: Judge, claims: Claims,
                               decisions: Decisions) -> tuple[Judge, SpecialRow | None]:
    """Add one registry correction that lowers, below the minimum wage, a month that verified a
    claim when it was received, so that the claim's final verdict is a rejection (an adjustment).
    Prefers a 3-month retention (the last month of its window), else a placement."""
    timeline, spells = world.timeline, world.spells
    # An early retention claim must stay pending when received; keep corrections off its person.
    early = {int(claims.person[index]) for index in decisions.claim if claims.intent[index] == EARLY}
    positions = [p for p, verdict in enumerate(decisions.received)
                 if verdict.status == VERIFIED and claims.month[decisions.claim[p]] < timeline.last
                 and claims.person[decisions.claim[p]] >= 0]
    ranked = sorted(rng.permutation(len(positions)).tolist(),
                    key=lambda i: claims.outcome[decisions.claim[positions[i]]] != RETENCION_3M)
    for i in ranked[:500]:
        position = positions[i]
        index = decisions.claim[position]
        person, month = int(claims.person[index]), int(decisions.received[position].month)
        if (judge.person_of_key.get(decisions.keys[position]) != person or judge.knowledge.has_special(person)
                or person in early):
            continue
        rows = period_rows(spells, month)
        mine = rows.spell[rows.person == person]
        if len(mine) != 1:
            continue
        delivered = int(rng.integers(int(claims.month[index]) + 1, timeline.last + 1))
        row = withdrawal(spells, timeline, int(mine[0]), month, delivered)
        candidate = judge.with_knowledge(judge.knowledge.with_row(row, world.masks))
        if judge_one(candidate, claims, decisions, position, timeline.last).status == REJECTED:
            # Only this person's verdicts can change.
            for other, key in enumerate(decisions.keys):
                if candidate.person_of_key.get(key) == person:
                    decisions.received[other] = judge_one(candidate, claims, decisions, other, None)
                    decisions.final[other] = judge_one(candidate, claims, decisions, other, timeline.last)
            return candidate, row
    return judge, None
