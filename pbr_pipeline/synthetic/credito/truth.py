"""The ground-truth rows of CREDITO_MIPYME: each claim's scenario and why, and its firms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from ..dated_claims import DatedClaims, not_owned_label, spelling_label
from ..operators import Enrolments
from ..subjects import Ids
from ..timeline import to_date
from ..truth import with_operators
from .claims import WITH_DV
from .firms import BEFORE, CREDIT, LARGE, LATE, NONE, OLD, STORIES, Firms
from .verdicts import Oracle

OUTCOME = "CREDITO_DESEMBOLSADO"
PROGRAMME = "CREDITO_MIPYME"

SCENARIOS: dict[str, set[str]] = {
    **{scenario: {"VERIFIED/", "PENDING/"} for scenario in ("TRUE_CLAIM", "TYPE_ALIAS", "LEADING_ZEROS",
                                                             "DOTS_IN_NUMBER")},
    "NOT_ADDITIONAL": {"REJECTED/NOT_ADDITIONAL", "PENDING/"},
    "NOT_ELIGIBLE": {"REJECTED/NOT_ELIGIBLE", "PENDING/"},
    **{scenario: {"REJECTED/NO_CREDIT", "PENDING/"} for scenario in ("NO_CREDIT", "CREDIT_AFTER_WINDOW",
                                                                      "CREDIT_BEFORE_LOOKBACK")},
    "DUPLICATE": {"DUPLICATE/DUPLICATE"},
    **{scenario: {"REJECTED/NOT_ENROLLED"} for scenario in ("NOT_ENROLLED", "RESULT_BEFORE_ENROLMENT",
                                                             "NIT_WITH_CHECK_DIGIT")},
    "OTHER_OPERATOR": {"REJECTED/OTHER_OPERATOR"},
    "NO_CONTRACT": {"REJECTED/NO_CONTRACT"},
    "REGISTRY_CORRECTION": {"VERIFIED/", "PENDING/", "REJECTED/NOT_ELIGIBLE", "REJECTED/NO_CREDIT",
                            "REJECTED/NOT_ADDITIONAL"},
    "INVALID_ROW": {"/"},
}
"""Every scenario of the programme's claims and the final verdicts (status/reason) it allows."""

_STORY_LABELS = {
    BEFORE: ("NOT_ADDITIONAL", "the firm got a credit on {before}, in the 12 months before its enrolment on {start}"),
    LARGE: ("NOT_ELIGIBLE", "the intermediary reports the firm's credit as GRANDE"),
    NONE: ("NO_CREDIT", "no credit was disbursed to the firm within 12 months of its enrolment on {start}"),
    LATE: ("CREDIT_AFTER_WINDOW", "the only credit came on {after}, after the 12-month window from {start}"),
    OLD: ("CREDIT_BEFORE_LOOKBACK", "the only credit, on {before}, is older than the 12-month look-back from {start}"),
}


@dataclass(frozen=True)
class Labeller:
    """Scenario and why of every valid claim (`label`, as `truth.dated_claim_truth` asks)."""

    claims: DatedClaims
    enrolments: Enrolments
    story: np.ndarray
    days: tuple[np.ndarray, np.ndarray]
    """Per enrolment, the day of the first credit after the enrolment and of the last before it."""
    codes: tuple[str, ...]
    oracle: Oracle
    corrected: set[int]
    """The claims whose verdicts a later report of an obligation changed."""

    def label(self, index: int, repeated: str | None) -> tuple[str, str]:
        c = self.claims
        intent, enrolment, fecha = int(c.intent[index]), int(c.enrolment[index]), to_date(int(c.fecha[index]))
        if repeated is not None:
            return "DUPLICATE", f"repeats the claim in {repeated}"
        not_owned = not_owned_label(intent, enrolment, int(c.fecha[index]), programme=PROGRAMME,
                                    enrolments=self.enrolments, codes=self.codes,
                                    before_enrolment="is a disbursement before the enrolment")
        if not_owned:
            return not_owned
        if int(c.cosmetic[index]) == WITH_DV:
            return "NIT_WITH_CHECK_DIGIT", (f"the NIT was written {c.doc_number[index]}: with its check digit it reads "
                                            "as another NIT, which nobody enrolled")
        if not self.oracle.covered(self.codes[int(c.op[index])], fecha):
            return "NO_CONTRACT", f"fecha_resultado {fecha} is outside the operator's contract"
        story = int(self.story[enrolment])
        start = to_date(int(self.enrolments.date[enrolment]))
        after, before = (_day(days[enrolment]) for days in self.days)
        if index in self.corrected:
            return "REGISTRY_CORRECTION", (f"a later report of the same obligation changed what the firm's credit "
                                           f"shows ({STORIES[story]} before it)")
        if story == CREDIT:
            return spelling_label(int(c.cosmetic[index]), str(c.doc_type[index]),
                                  f"credit disbursed on {after}, within 12 months of the enrolment on {start}")
        scenario, why = _STORY_LABELS[story]
        return scenario, why.format(start=start, after=after, before=before)


def _day(day: int) -> dt.date | None:
    return to_date(int(day)) if day >= 0 else None


def people_truth(firms: Firms, ids: Ids, kinds: np.ndarray, extras: Firms, extra_ids: Ids,
                 listed: pl.DataFrame) -> pl.DataFrame:
    """Every firm (and the firms of the invalid rows) in the columns of people.csv: the NIT as
    `NIT:<number>`, no names nor birth date; `listed` holds the enrolling operators (`person`,
    `code`) in enrolment order."""
    def rows(which: Firms, which_ids: Ids, kind) -> pl.DataFrame:
        empty = pl.Series([""] * which.count, dtype=pl.String)
        return pl.DataFrame({
            "person_id": which_ids.person_ids(), "kind": kind,
            "documentos": pl.Series([f"NIT:{nit}" for nit in which.nit.tolist()], dtype=pl.String),
            "tipo_documento": "NIT", "numero_documento": pl.Series(which.nit.tolist(), dtype=pl.String),
            "primer_nombre": empty, "segundo_nombre": empty, "primer_apellido": empty, "segundo_apellido": empty,
            "fecha_nacimiento": pl.Series([None] * which.count, dtype=pl.Date), "sexo": empty, "grupos": empty,
        })
    people = pl.concat([rows(firms, ids, kinds), rows(extras, extra_ids, "INVALID_ROW_ONLY")])
    listed = listed.unique(["person", "code"], keep="first", maintain_order=True).sort(["person", "date", "code"])
    return with_operators(people, ids, listed)
