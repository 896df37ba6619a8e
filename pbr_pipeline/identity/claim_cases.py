"""What a claim case is scored on: its document, the names the registry holds for that
document, and the employer the claim names.

A claim carries a document and, for employment outcomes, the employer's NIT the operator holds
(`soporte`), but no names. Deterministic matching found nobody on its operator's roster with
that document, so the second pass compares it with that roster on three kinds of evidence:

- **the document**: one edit away, or the same number under another type. Claim cases are
  selected by "no exact match on the roster", so for the claimant's own roster row the exact
  level cannot happen: the document's m is conditioned on that (each other level's m divided
  by 1 − m_exact). Without it a mistyped number would weigh as if typos were as rare among
  unmatched claims as among all claims.
- **the names**: when the registry holds the claim's document (a PILA row under it), the names
  of that row stand in for the claimant's. A roster row with a mistyped number, another type,
  or the PEP of a person who now shows a PT then names the same person.
- **the employer**: a placement or retention claim names the employer. A roster person whose
  registry rows show that employer is likely the claimant. Its weight is computed here, beside
  Splink's: m is the share of the claims deterministic matching linked (their document is on
  the roster) whose named employer is among the person's PILA employers; u is, per operator
  and employer, the share of the operator's enrolled people with that employer in PILA (a term
  frequency: a large employer is weaker evidence than a small one). A claim naming no employer,
  or a person with no PILA row, weighs nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl

from pbr_pipeline.identity.linkage import LinkageModel
from pbr_pipeline.identity.linkage.model import M_FLOOR, canonical_json
from pbr_pipeline.identity.linkage.settings import rule_sql
from schemas.codes import OUTCOMES_BY_PROGRAMME

NAMES = ("first_name", "second_name", "first_surname", "second_surname")

EMPLOYMENT_OUTCOMES = OUTCOMES_BY_PROGRAMME["EMPLEO"]

CLAIM_BLOCKING_RULES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("doc_number", "doc_number"),),
    (("doc_head", "doc_head"),),
    (("doc_tail", "doc_tail"),),
    (("first_name", "first_name"), ("first_surname", "first_surname"), ("second_surname", "second_surname")),
)
"""The blocking rules saved with the claims model (`claims_model.json`), for a reader of the
model: the same number (another type), either half of the number, or, when the registry gave
the claim names, the same full name. The pairs actually scored are exactly
`claim_candidates` (scoring.score_candidates), which also finds a digit added or dropped."""

FUZZY_DOCUMENT_DIGITS = 6
"""Numbers shorter than this are only ever compared exactly (as `doc_head`/`doc_tail` are)."""


def deletion_keys(folded: pl.DataFrame) -> pl.DataFrame:
    """unique_id, key: the folded document number and, when it is long enough, the number with
    each one of its digits dropped. Two numbers share a key exactly when they are the same, one
    has an extra digit, or they differ in one digit or in two neighbours swapped (a symmetric
    deletion neighbourhood, the one-edit level of the document comparison); a few two-edit
    pairs share one too and are scored like any other."""
    number = pl.col("doc_number")
    length = number.str.len_chars()
    longest = int(folded["doc_number"].str.len_chars().max() or 0)
    dropped = [
        pl.when((length > position) & (length >= FUZZY_DOCUMENT_DIGITS)).then(number.str.slice(0, position) + number.str.slice(position + 1))
        for position in range(longest)
    ]
    return (
        folded.select("unique_id", pl.concat_list(number, *dropped).alias("key"))
        .explode("key")
        .drop_nulls("key")
        .unique()
    )


def claim_candidates(left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    """left_id, right_id: the pairs of folded claim records and folded roster people worth
    scoring: documents one edit apart (`deletion_keys`, the same number included) or the same
    full name (first name and both surnames, none missing)."""
    by_document = deletion_keys(left).join(deletion_keys(right), on="key", suffix="_r")
    full_name = ["first_name", "first_surname", "second_surname"]
    by_name = left.drop_nulls(full_name).select("unique_id", *full_name).join(
        right.drop_nulls(full_name).select("unique_id", *full_name), on=full_name, suffix="_r")
    return pl.concat([by_document.select("unique_id", "unique_id_r"), by_name.select("unique_id", "unique_id_r")]).unique().select(
        pl.col("unique_id").alias("left_id"), pl.col("unique_id_r").alias("right_id"))

EMPLOYER_M_FALLBACK = 0.9
"""m of the employer evidence when too few deterministic links name an employer to estimate it."""
EMPLOYER_M_MIN_CLAIMS = 100
"""Deterministically linked claims naming an employer needed to estimate m from the data."""
EMPLOYER_AGREES, EMPLOYER_DIFFERS = "claimed employer in the person's PILA rows", "claimed employer not in them"


def claimed_employer() -> pl.Expr:
    """The NIT an employment claim names in `soporte`, without check digit: nine digits, after
    dots and spaces are dropped, optionally followed by `-DV`. Anything else (a certificate
    number, free text) names no employer."""
    written = pl.col("support").str.replace_all(r"[.\s]", "")
    return (
        pl.when(pl.col("outcome").is_in(EMPLOYMENT_OUTCOMES))
        .then(written.str.extract(r"^(\d{9})(?:-\d)?$", 1))
        .alias("claimed_employer")
    )


def person_employers(pila: pl.LazyFrame, documents: pl.LazyFrame) -> pl.LazyFrame:
    """document, employer_nit, inbox_index: every employer in the registry rows of `documents`
    (the enrolled people: the only candidates of a claim), and the month index it was first
    delivered in. Lazy: the semi-join is pushed into the PILA scan."""
    return (
        pila.join(documents, on="document", how="semi")
        .group_by("document", "employer_nit").agg(pl.col("inbox_index").min())
        .sort("document", "employer_nit")
    )


def claim_records(claim_cases: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """The left side of the claim cases: id, the claim's document type and number, the names
    of the registry row under the same document (null when the registry has none), and
    `names_index`, the month index the registry delivered them in."""
    names = registry.select(pl.col("id").alias("document"), *NAMES, pl.col("inbox_index").alias("names_index"))
    return claim_cases.join(names, on="document", how="left").select(
        "id", "document_type", "document_number", *NAMES, "names_index"
    )


def _conditioned_on_no_exact_match(settings: dict) -> None:
    """The document's m given that the exact level did not happen (see the module docstring)."""
    document = next(c for c in settings["comparisons"] if c["output_column_name"] == "document")
    levels = [level for level in document["comparison_levels"] if not level.get("is_null_level")]
    exact, others = levels[0], levels[1:]
    rest = sum(level["m_probability"] for level in others)
    for level in others:
        level["m_probability"] = level["m_probability"] / rest * (1 - M_FLOOR)
    exact["m_probability"] = M_FLOOR


def claims_model(model: LinkageModel, roster_size: float) -> LinkageModel:
    """The trained comparisons for claim cases: the claim blocking rules, the document's m
    conditioned on no exact match, and the prior of one claimant among the operator's roster.

    A claim is only ever compared with its own operator's enrolled people and names one of
    them, so the chance that a claim and a random enrolled person of that operator are the same
    person is 1 / (people the operator enrolled), not 1 / (everybody)."""
    settings = model.settings
    settings["blocking_rules_to_generate_predictions"] = [rule_sql(rule) for rule in CLAIM_BLOCKING_RULES]
    settings["probability_two_random_records_match"] = min(1.0, 1.0 / max(roster_size, 1.0))
    _conditioned_on_no_exact_match(settings)
    note = (f"{model.note}; claims: prior 1/{roster_size:,.0f} (people per operator), document m conditioned "
            f"on no exact match")
    return LinkageModel(model_json=canonical_json(settings), trained=model.trained, note=note)


@dataclass(frozen=True)
class EmployerEvidence:
    m: float
    """P(the claimed employer is among the person's PILA employers | same person)."""
    estimated_from: int
    """Deterministically linked claims the m was estimated from (0: the documented fallback)."""
    u_by_employer: pl.DataFrame
    """operator, claimed_employer, u: share of the operator's enrolled people with that
    employer in PILA."""
    roster_sizes: pl.DataFrame
    """operator, roster_size: the floor of u is one person in the roster."""

    def to_json(self) -> str:
        """The parameters as a verifier reads them beside the model (`claims_employer_evidence.json`)."""
        source = (f"estimated from {self.estimated_from:,} claims linked by document" if self.estimated_from
                  else f"documented fallback (fewer than {EMPLOYER_M_MIN_CLAIMS} claims linked by document name an employer)")
        return json.dumps({"m": self.m, "m_source": source,
                           "u": "per operator and employer: share of the operator's enrolled people with that employer "
                                "in PILA (at least one person of the roster)"}, sort_keys=True, indent=2)


def employer_evidence(claims: pl.DataFrame, rosters: pl.DataFrame, employers: pl.DataFrame) -> EmployerEvidence:
    """m from the claims whose document is on their operator's roster (deterministic links),
    u per operator and employer from the rosters and the registry."""
    linked = (
        claims.with_columns(claimed_employer())
        .filter(pl.col("claimed_employer").is_not_null())
        .join(rosters, on=["document", "operator"], how="semi")
        .join(employers.select("document").unique(), on="document", how="semi")
    )
    agreeing = linked.join(employers, left_on=["document", "claimed_employer"], right_on=["document", "employer_nit"], how="semi")
    if linked.height >= EMPLOYER_M_MIN_CLAIMS:
        # Kept inside (0, 1): a level no linked claim showed must not make or veto a link alone.
        m, estimated_from = min(max(agreeing.height / linked.height, M_FLOOR), 1 - M_FLOOR), linked.height
    else:
        m, estimated_from = EMPLOYER_M_FALLBACK, 0
    roster_sizes = rosters.group_by("operator").agg(pl.len().alias("roster_size"))
    u_by_employer = (
        rosters.join(employers, on="document")
        .group_by("operator", pl.col("employer_nit").alias("claimed_employer"))
        .agg(pl.len().alias("people"))
        .join(roster_sizes, on="operator")
        .select("operator", "claimed_employer", (pl.col("people") / pl.col("roster_size")).alias("u"))
    )
    return EmployerEvidence(m=m, estimated_from=estimated_from, u_by_employer=u_by_employer, roster_sizes=roster_sizes)


def with_employer_evidence(pairs: pl.DataFrame, claim_cases: pl.DataFrame, employers: pl.DataFrame,
                           evidence: EmployerEvidence) -> pl.DataFrame:
    """Scored claim pairs with `weight_employer` and `level_employer` added, the match weight
    and probability updated by it (weights are log2 Bayes factors, so they add), and
    `employer_index`: the month index the agreeing employer was first delivered (null when the
    employer did not agree)."""
    claimed = claim_cases.select(pl.col("id").alias("left_id"), "operator", "claimed_employer")
    has_registry_rows = employers.select(pl.col("document").alias("right_id")).unique().with_columns(pl.lit(True).alias("_in_pila"))
    agrees = employers.select(pl.col("document").alias("right_id"), pl.col("employer_nit").alias("claimed_employer"),
                              pl.lit(True).alias("_agrees"), pl.col("inbox_index").alias("employer_index"))
    floor = 1.0 / pl.col("roster_size")
    u = pl.max_horizontal(pl.col("u").fill_null(0.0), floor)
    applies = pl.col("claimed_employer").is_not_null() & pl.col("_in_pila").fill_null(False)
    agreed = pl.col("_agrees").fill_null(False)
    weight = (
        pl.when(~applies).then(0.0)
        .when(agreed).then((evidence.m / u).log(2))
        .otherwise(((1 - evidence.m) / (1 - u).clip(lower_bound=M_FLOOR)).log(2))
    )
    level = pl.when(~applies).then(pl.lit("null")).when(agreed).then(pl.lit(EMPLOYER_AGREES)).otherwise(pl.lit(EMPLOYER_DIFFERS))
    total = pl.col("match_weight") + pl.col("weight_employer")
    return (
        pairs.join(claimed, on="left_id", how="left")
        .join(has_registry_rows, on="right_id", how="left")
        .join(agrees, on=["right_id", "claimed_employer"], how="left")
        .join(evidence.u_by_employer, on=["operator", "claimed_employer"], how="left")
        .join(evidence.roster_sizes, on="operator", how="left")
        .with_columns(weight.alias("weight_employer"), level.alias("level_employer"))
        .with_columns(total.alias("match_weight"), (1.0 / (1.0 + (2.0 ** -total))).alias("match_probability"))
        .select(*pairs.columns, "weight_employer", "level_employer", "employer_index")
        .sort(["left_id", "match_weight", "right_id"], descending=[False, True, False])
    )
