"""The Splink model's shape: blocking rules, comparisons and their levels, and the documented
fixed parameters used when there is too little data to train.

Everything here becomes data in the saved model JSON (Splink's settings dictionary): a
verifier reads the exact SQL of every level and the m and u probability behind its weight.

Comparisons (each a field of the explanation, levels best first):
- document     exact number and type (TI counts as CC) · exact number, other type ·
               one edit (a changed, added or dropped digit, or two neighbours swapped) · else
- given_names  both equal · swapped · first equal, second missing · similar (Jaro-Winkler
               ≥ 0.92 on the full given name) · first equal, second differs · crossed (one's
               first is the other's second) · else
- surnames     the same levels over the two surnames (a swapped order is the usual mistake)
- birth_date   exact · day and month transposed · one digit off · else
- sex          equal · else
Every comparison has a null level first: a missing value (a registry without birth dates, a
person with one surname) weighs nothing.

Blocking rules (which pairs are scored at all; a pair any rule admits is scored once):
- the same document number, whatever the type (TI→CC, a type written wrong)
- the digits after the middle of the number + first name + first surname (a typo early on)
- the digits before the middle + first name + both surnames (a typo late in the number)
- birth date + first name + first surname (a new document: PEP→PT, a mistyped number)
- birth date + first name + first surname written as the second (surnames swapped)
- birth date + first name + second surname, and birth date + both surnames (a new or
  mistyped document together with a typo in the first surname or the first name)
"""

from __future__ import annotations

from typing import Any

BLOCKING_RULES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("doc_number", "doc_number"),),
    (("doc_tail", "doc_tail"), ("first_name", "first_name"), ("first_surname", "first_surname")),
    (("doc_head", "doc_head"), ("first_name", "first_name"), ("first_surname", "first_surname"),
     ("second_surname", "second_surname")),
    (("birth_date", "birth_date"), ("first_name", "first_name"), ("first_surname", "first_surname")),
    (("birth_date", "birth_date"), ("first_name", "first_name"), ("first_surname", "second_surname")),
    (("birth_date", "birth_date"), ("first_name", "first_name"), ("second_surname", "second_surname")),
    (("birth_date", "birth_date"), ("first_surname", "first_surname"), ("second_surname", "second_surname")),
)
"""Each rule is a conjunction of `l.<left> = r.<right>` equalities (nulls never equal), so a
registry row that shares no key with any claimant can be dropped before Splink sees it."""

TRAINING_BLOCKING_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "document": (("doc_number", "doc_number"),),
    "birth_date_surname": (("birth_date", "birth_date"), ("first_surname", "first_surname")),
    "full_name": (("first_name", "first_name"), ("first_surname", "first_surname"),
                  ("second_surname", "second_surname")),
}
"""EM runs on `document` (trains names, birth date, sex) and on `birth_date_surname` when both
sides have birth dates, else `full_name` (trains document and sex)."""


def rule_sql(rule: tuple[tuple[str, str], ...]) -> str:
    return " AND ".join(f'l."{left}" = r."{right}"' for left, right in rule)


def parse_rule_sql(sql: str) -> tuple[tuple[str, str], ...] | None:
    """The equalities of a rule written by `rule_sql`; None for any other SQL."""
    pairs = []
    for part in sql.split(" AND "):
        sides = [side.strip() for side in part.split("=")]
        if len(sides) != 2 or not sides[0].startswith('l."') or not sides[1].startswith('r."'):
            return None
        pairs.append((sides[0][3:-1], sides[1][3:-1]))
    return tuple(pairs)


def _null(column: str) -> dict[str, Any]:
    return {"sql_condition": f'"{column}_l" IS NULL OR "{column}_r" IS NULL',
            "label_for_charts": "null", "is_null_level": True}


def _level(sql: str, label: str) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label}


def _two_part_levels(first: str, second: str) -> list[dict[str, Any]]:
    f_l, f_r, s_l, s_r = f'"{first}_l"', f'"{first}_r"', f'"{second}_l"', f'"{second}_r"'
    full_l, full_r = f"concat_ws(' ', {f_l}, {s_l})", f"concat_ws(' ', {f_r}, {s_r})"
    return [
        _null(first),
        _level(f"{f_l} = {f_r} AND {s_l} = {s_r}", "both equal"),
        _level(f"{f_l} = {s_r} AND {s_l} = {f_r}", "swapped"),
        _level(f"{f_l} = {f_r} AND ({s_l} IS NULL OR {s_r} IS NULL)", "first equal, second missing"),
        _level(f"jaro_winkler_similarity({full_l}, {full_r}) >= 0.92", "similar (Jaro-Winkler >= 0.92)"),
        _level(f"{f_l} = {f_r}", "first equal, second differs"),
        _level(f"{f_l} = {s_r} OR {s_l} = {f_r}", "crossed"),
        _level("ELSE", "else"),
    ]


ONE_EDIT_DOCUMENTS = (
    '(length("doc_number_l") < 7 OR length("doc_number_r") < 7 '
    'OR left("doc_number_l", 3) = left("doc_number_r", 3) OR right("doc_number_l", 3) = right("doc_number_r", 3)) '
    'AND damerau_levenshtein("doc_number_l", "doc_number_r") <= 1'
)
"""Document numbers one edit apart, exactly as `damerau_levenshtein(l, r) <= 1` says. Two numbers
of 7 or more digits one edit apart share their first three digits (an edit from the fourth
digit on) or their last three (an edit in the first three leaves at least four digits after it,
a swap of digits 3 and 4 three): the guard passes over most pairs of different people before the
edit distance is worked out, which made estimating u (ten million random pairs, none one edit
apart, so Splink never stops early) twenty times slower. `test_linkage` checks the equivalence."""


COMPARISONS: tuple[dict[str, Any], ...] = (
    {
        "output_column_name": "document",
        "comparison_description": "document number and type",
        "comparison_levels": [
            _null("doc_number"),
            _level('"doc_number_l" = "doc_number_r" AND "doc_class_l" = "doc_class_r"', "exact, same type"),
            _level('"doc_number_l" = "doc_number_r"', "exact number, other type"),
            _level(ONE_EDIT_DOCUMENTS, "one edit"),
            _level("ELSE", "else"),
        ],
    },
    {
        "output_column_name": "given_names",
        "comparison_description": "first and second given name",
        "comparison_levels": _two_part_levels("first_name", "second_name"),
    },
    {
        "output_column_name": "surnames",
        "comparison_description": "first and second surname",
        "comparison_levels": _two_part_levels("first_surname", "second_surname"),
    },
    {
        "output_column_name": "birth_date",
        "comparison_description": "birth date",
        "comparison_levels": [
            _null("birth_date"),
            _level('"birth_date_l" = "birth_date_r"', "exact"),
            _level('year("birth_date_l") = year("birth_date_r") AND day("birth_date_l") = month("birth_date_r") '
                   'AND month("birth_date_l") = day("birth_date_r")', "day and month transposed"),
            _level("damerau_levenshtein(strftime(\"birth_date_l\", '%Y%m%d'), strftime(\"birth_date_r\", '%Y%m%d')) <= 1",
                   "one digit off"),
            _level("ELSE", "else"),
        ],
    },
    {
        "output_column_name": "sex",
        "comparison_description": "sex",
        "comparison_levels": [_null("sex"), _level('"sex_l" = "sex_r"', "equal"), _level("ELSE", "else")],
    },
)

COMPARISON_COLUMNS: dict[str, tuple[str, ...]] = {
    "document": ("doc_number", "doc_class"),
    "given_names": ("first_name", "second_name"),
    "surnames": ("first_surname", "second_surname"),
    "birth_date": ("birth_date",),
    "sex": ("sex",),
}
"""The folded columns each comparison reads: an EM session blocked on one of them cannot
estimate that comparison's m (every blocked pair agrees on it)."""

COMPARISON_NAMES: tuple[str, ...] = tuple(c["output_column_name"] for c in COMPARISONS)

FALLBACK_PARAMETERS: dict[str, tuple[tuple[float, float], ...]] = {
    # (m, u) per non-null level, in level order. Rounded from the model trained on the synthetic
    # scale data (1M claimants, 10M registry people; benchmarks/bench_linkage_scale.py), with
    # u of the rarest levels rounded up and no m below 0.001 except where noted, so that one
    # field alone neither makes nor vetoes a link by more than a trained model would.
    "document": ((0.94, 1e-6), (0.011, 1e-7), (0.025, 1e-6), (0.024, 0.999998)),
    "given_names": ((0.60, 2e-4), (0.0025, 2e-4), (0.38, 0.01), (0.0075, 6e-4), (0.001, 0.005),
                    (0.001, 0.02), (0.008, 0.964)),
    "surnames": ((0.935, 1e-4), (0.019, 5e-5), (0.029, 0.0012), (0.0105, 5e-4), (0.001, 0.008),
                 (0.0005, 0.016), (0.005, 0.97415)),
    "birth_date": ((0.985, 7e-5), (0.004, 3e-5), (0.008, 0.0016), (0.003, 0.9983)),
    "sex": ((0.995, 0.5), (0.005, 0.5)),
}
"""Documented fixed parameters for a model that could not be trained (too few records)."""


def settings_dict(probability_two_random_records_match: float, *, with_fallback_parameters: bool = False) -> dict[str, Any]:
    """Splink's settings dictionary for linking a left file to a right one."""
    comparisons = []
    for comparison in COMPARISONS:
        levels = [dict(level) for level in comparison["comparison_levels"]]
        if with_fallback_parameters:
            scored = [level for level in levels if not level.get("is_null_level")]
            for level, (m, u) in zip(scored, FALLBACK_PARAMETERS[comparison["output_column_name"]], strict=True):
                level["m_probability"], level["u_probability"] = m, u
        comparisons.append({**comparison, "comparison_levels": levels})
    return {
        "link_type": "link_only",
        "unique_id_column_name": "unique_id",
        "source_dataset_column_name": "source_dataset",
        "probability_two_random_records_match": probability_two_random_records_match,
        "blocking_rules_to_generate_predictions": [rule_sql(rule) for rule in BLOCKING_RULES],
        "comparisons": comparisons,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }
