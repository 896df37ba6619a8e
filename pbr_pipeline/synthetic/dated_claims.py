"""Claim rows of the programmes judged on dates (BILINGUISMO, the health programmes and
HABITANZA_CALLE), as their generators make them.

They keep the same codes for what the operator did (the intent) and how it wrote the
document (the spelling), the same columns, the same way of writing the document a person
shows on the claimed day and of spelling some of them oddly, the same scenario labels for
those, and the same true person behind each claim. EMPLEO, judged on registry months, has
codes and columns of its own in `claims`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from .claims import Copies, fresh_number, with_dots
from .noise import how_many, mistype
from .operators import Enrolments
from .population import CC, DOC_TYPES, Population
from .records import ids_of
from .timeline import to_date

OWN, SECOND, NOT_ENROLLED, OTHER_PROGRAMME, FABRICATED, BEFORE_ENROLMENT, COPY = range(7)
"""What the operator did: claimed its own enrolee, claimed a person another operator enrolled
first, claimed a person of the programme it never enrolled, claimed a person of the employment
programme, claimed a document nobody holds, claimed a date before the enrolment, sent a claim
again."""

PLAIN, ALIAS, ZEROS, DOTS, TYPO = range(5)
"""How the document was written: as held, with a type alias (`T.I.`, `c.c`), with leading
zeros, with dots in the number, with a digit mistyped (HABITANZA_CALLE and EMPRENDIMIENTO:
another person's document or nobody's, which no registry of theirs names people to link by)."""


@dataclass(frozen=True)
class DatedClaims:
    """Claim rows as columns, one per valid row written to a `reportes` file: the columns of
    both programmes (each programme's `Claims` adds its own)."""

    person: np.ndarray
    """Index into the programme's population; into the employment population for
    OTHER_PROGRAMME; -1 for a document nobody holds."""
    op: np.ndarray
    fecha: np.ndarray
    month: np.ndarray
    intent: np.ndarray
    cosmetic: np.ndarray
    copy_of: np.ndarray
    enrolment: np.ndarray
    """The owner's enrolment index in the claim's programme, -1 if nobody enrolled the person."""
    soporte: np.ndarray
    doc_type: np.ndarray
    doc_number: np.ndarray
    order: np.ndarray

    @property
    def size(self) -> int:
        return len(self.person)


def written_documents(rng: np.random.Generator, person: np.ndarray, fecha: np.ndarray, intent: np.ndarray,
                      population: Population, employed: Population,
                      taken: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """(type, number) each claim writes, as text: the document the person shows on `fecha`
    (from the employment population `employed` for OTHER_PROGRAMME), and for a person of -1 a
    CC with a fresh number nobody holds (it joins `taken`)."""
    size = len(person)
    mine = (person >= 0) & (intent != OTHER_PROGRAMME)
    doc_type = np.full(size, DOC_TYPES[CC], dtype=object)
    doc_number = np.full(size, "", dtype=object)
    shown_type, shown_number = population.document_at(np.where(mine, person, 0), fecha)
    doc_type[mine] = np.array(DOC_TYPES)[shown_type[mine]]
    doc_number[mine] = shown_number[mine]
    other = intent == OTHER_PROGRAMME
    if other.any():
        shown_type, shown_number = employed.document_at(person[other], fecha[other])
        doc_type[other] = np.array(DOC_TYPES)[shown_type]
        doc_number[other] = shown_number
    for index in np.flatnonzero(person < 0).tolist():
        doc_number[index] = fresh_number(rng, taken)
    return doc_type, doc_number


def spell_oddly(rng: np.random.Generator, doc_type: np.ndarray, doc_number: np.ndarray, cosmetic: np.ndarray, *,
                aliases: np.ndarray, zeros: np.ndarray, dots: np.ndarray,
                type_aliases: Mapping[str, tuple[str, ...]]) -> None:
    """Write the documents of the claims at `aliases` with a type alias (one of
    `type_aliases`, the type in lower case where it has none), those at `zeros` with one or
    two leading zeros and those at `dots` with dots, in place, and mark each in `cosmetic`."""
    for index in aliases.tolist():
        choices = type_aliases.get(doc_type[index], (doc_type[index].lower(),))
        doc_type[index] = choices[int(rng.integers(0, len(choices)))]
    for index in zeros.tolist():
        doc_number[index] = "0" * int(rng.integers(1, 3)) + doc_number[index]
    for index in dots.tolist():
        doc_number[index] = with_dots(doc_number[index])
    cosmetic[aliases], cosmetic[zeros], cosmetic[dots] = ALIAS, ZEROS, DOTS


def misspell(rng: np.random.Generator, doc_type: np.ndarray, doc_number: np.ndarray, *, plainly: np.ndarray,
             unfounded: np.ndarray, typo_rate: float, taken: set[str],
             type_aliases: Mapping[str, tuple[str, ...]]) -> np.ndarray:
    """How each claim's document is written (its `cosmetic` code), the documents changed in
    place: odd spellings on plain true claims (`plainly`; a true claim written oddly is still
    true): one of each at least, one claim of the pool always left plain, leading zeros only
    on a CC (digits compared as a number); then a mistyped digit on a share `typo_rate` of the
    claims `unfounded` still written plainly (rejected either way; the typo joins `taken`)."""
    cosmetic = np.full(len(doc_type), PLAIN)
    order = rng.permutation(np.flatnonzero(plainly))[:-1]
    counts = [max(1, round(share * len(order))) for share in (0.06, 0.04, 0.03)]
    aliases = order[: counts[0]]
    rest = order[counts[0]:]
    zeros = rest[doc_type[rest] == DOC_TYPES[CC]][: counts[1]]
    dots = np.setdiff1d(rest, zeros, assume_unique=True)[: counts[2]]
    spell_oddly(rng, doc_type, doc_number, cosmetic, aliases=aliases, zeros=zeros, dots=dots,
                type_aliases=type_aliases)
    candidates = np.flatnonzero(unfounded & (cosmetic == PLAIN))
    typos = rng.permutation(candidates)[: how_many(typo_rate, len(candidates))]
    for index in typos.tolist():
        doc_number[index] = mistype(rng, doc_number[index], taken)
    cosmetic[typos] = TYPO
    return cosmetic


def with_copies(columns: dict[str, np.ndarray], copies: Copies) -> dict[str, np.ndarray]:
    """Every column of the claims (all but `copy_of` and `order`) followed by the copies the
    operators send (`copies`): a copy repeats its claim but for its month and its intent (COPY).
    Adds `copy_of` (-1 for a claim, the claim's index for a copy) and `order`."""
    repeated = copies.repeated
    own = {"month": copies.month, "intent": np.full(len(repeated), COPY)}
    extended = {name: np.concatenate([values, own[name] if name in own else values[repeated]])
                for name, values in columns.items()}
    copy_of = np.concatenate([np.full(len(columns["person"]), -1), repeated])
    return {**extended, "copy_of": copy_of, "order": copies.order}


def _date(day: int) -> str:
    """A day number as YYYY-MM-DD."""
    return to_date(int(day)).isoformat()


def not_owned_label(intent: int, enrolment: int, fecha: int, *, programme: str, enrolments: Enrolments,
                    codes: tuple[str, ...], before_enrolment: str) -> tuple[str, str] | None:
    """(scenario, why) of a claim its operator had no enrolment of the person for: a document
    nobody holds, someone of EMPLEO, a person the operator never enrolled in `programme`, one
    another operator enrolled first, or a date before the enrolment (`before_enrolment` says
    what that date is: `fecha_resultado ... {before_enrolment} on <enrolment date>`). None for
    the owner's claim of its own enrolee."""
    if intent == FABRICATED:
        return "NOT_ENROLLED", "nobody holds this document; no operator enrolled it"
    if intent == OTHER_PROGRAMME:
        return "NOT_ENROLLED", f"the person was enrolled in EMPLEO, never in {programme}"
    if intent == NOT_ENROLLED:
        if enrolment < 0:
            return "NOT_ENROLLED", f"no operator enrolled this person in {programme}"
        return "NOT_ENROLLED", f"{codes[enrolments.op[enrolment]]} enrolled the person; this operator never did"
    start = int(enrolments.date[enrolment])
    if intent == SECOND:
        return "OTHER_OPERATOR", f"{codes[enrolments.op[enrolment]]} enrolled the person first, on {_date(start)}"
    if intent == BEFORE_ENROLMENT:
        return "RESULT_BEFORE_ENROLMENT", f"fecha_resultado {_date(fecha)} {before_enrolment} on {_date(start)}"
    return None


def gate_label(claims: DatedClaims, index: int, duplicate_of: str | None, *, programme: str, enrolments: Enrolments,
               codes: tuple[str, ...], before_enrolment: str, contract_start: int,
               outcome: str = "outcome") -> tuple[str, str] | None:
    """(scenario, why) of a claim the gates stop by what the generator did: a copy
    (`duplicate_of`: where the claim it repeats is), a claim its operator does not own
    (`not_owned_label`), a mistyped document, an `outcome` dated before `contract_start`; None
    for a claim the programme's rule decides."""
    if duplicate_of is not None:
        return "DUPLICATE", f"repeats the claim in {duplicate_of}"
    fecha = int(claims.fecha[index])
    not_owned = not_owned_label(int(claims.intent[index]), int(claims.enrolment[index]), fecha, programme=programme,
                                enrolments=enrolments, codes=codes, before_enrolment=before_enrolment)
    if not_owned is not None:
        return not_owned
    if claims.cosmetic[index] == TYPO:
        # Not DOC_TYPO: EMPLEO's mistyped claims reach the second pass through PILA's names.
        return "CLAIM_DOC_TYPO", ("a digit of the document number is mistyped: nobody enrolled that document, and no "
                                  "registry of the programme names people to link it by")
    if fecha < contract_start:
        return "NO_CONTRACT", f"the {outcome} of {_date(fecha)} is before the contract began on {_date(contract_start)}"
    return None


_SPELLING_LABELS = {
    ALIAS: ("TYPE_ALIAS", "document type written {written!r}"),
    ZEROS: ("LEADING_ZEROS", "document number written with leading zeros"),
    DOTS: ("DOTS_IN_NUMBER", "document number written with dots"),
}
"""The scenario of a true claim written oddly, and what its why says first (`written`: the
type as written)."""


def spelling_label(cosmetic: int, written_type: str, why: str) -> tuple[str, str]:
    """(scenario, why) of a true claim by how its document is written (TRUE_CLAIM when plainly;
    `written_type`: the type as written); `why` says what makes the claim true."""
    if cosmetic not in _SPELLING_LABELS:
        return "TRUE_CLAIM", why
    scenario, how = _SPELLING_LABELS[cosmetic]
    return scenario, f"{how.format(written=written_type)}; {why}"


def claim_person_ids(claims: DatedClaims, population: Population, employed: Population) -> pl.Series:
    """Each claim's true person (`person_id`): of the programme's `population`, of the
    employment population `employed` for OTHER_PROGRAMME, "" for a document nobody holds."""
    other = claims.intent == OTHER_PROGRAMME
    mine = ids_of(population, np.where(other, -1, claims.person))
    theirs = ids_of(employed, np.where(other, claims.person, -1))
    return pl.select(pl.coalesce(mine, theirs).fill_null("")).to_series().alias("person_id")
