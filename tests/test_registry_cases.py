"""Registry cases of a registry without names (RIPS): document, birth date and sex only."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pbr_pipeline.identity.linkage.decisions import Thresholds
from pbr_pipeline.identity.linkage.model import fallback_model
from pbr_pipeline.identity.links import ACCEPT, REVIEW
from pbr_pipeline.identity.registry_cases import find_registry_links

BORN, OTHER_DAY = dt.date(1990, 3, 14), dt.date(1988, 7, 2)


def _enrolled(rows):
    return pl.DataFrame(
        [{"id": f"{kind}:{number}", "operator": "OP-001", "inbox_index": 24300, "document_type": kind, "document_number": number,
          "first_name": "ANA", "second_name": None, "first_surname": "ROJAS", "second_surname": "PINTO", "birth_date": born,
          "sex": "F"} for kind, number, born in rows],
    )


def _registry(rows):
    return pl.DataFrame(
        [{"id": f"{kind}:{number}", "inbox_index": 24300, "document_type": kind, "document_number": number, "birth_date": born,
          "sex": "F"} for kind, number, born in rows],
    )


def test_a_nameless_registry_links_only_on_the_document():
    enrolled = _enrolled([
        ("TI", "1098765432", BORN),   # the registry holds the CC of the same number (TI→CC at 18)
        ("CC", "63500123", BORN),     # the registry holds the number one digit off, same birth date
        ("CC", "1098111222", BORN),   # the registry holds it with a digit dropped, same birth date
        ("CC", "91234567", BORN),     # one digit off, another birth date: no candidate
        ("CC", "37111222", OTHER_DAY),  # nobody with a near number; a stranger shares birth date and sex
    ])
    registry = _registry([
        ("CC", "1098765432", BORN),
        ("CC", "63500128", BORN),
        ("CC", "109811122", BORN),
        ("CC", "91234568", OTHER_DAY),
        ("CC", "55555555", OTHER_DAY),
    ] + [("CC", str(70_000_000 + n), BORN) for n in range(50)])
    model = fallback_model(enrolled.height, registry.height, "test")
    cases = find_registry_links(enrolled, registry, model, Thresholds(), registry_name="rips")
    decided = dict(zip(cases["left"], cases["matcher_decision"]))
    linked = dict(zip(cases["left"], cases["document"]))
    assert decided["TI:1098765432"] == ACCEPT and linked["TI:1098765432"] == "CC:1098765432"
    # One digit off: a twin or a neighbour in the registration order as often as a typo, so a
    # reviewer decides, whatever the score; a digit dropped shifts the number and is found too.
    assert decided["CC:63500123"] == REVIEW and linked["CC:63500123"] == "CC:63500128"
    assert decided["CC:1098111222"] == REVIEW and linked["CC:1098111222"] == "CC:109811122"
    # Birth date and sex alone never make a case, let alone a link.
    assert "CC:91234567" not in decided
    assert "CC:37111222" not in decided
    assert set(cases["registry"]) == {"rips"}
    assert cases["case_id"].n_unique() == cases.height


def test_nameless_candidates_are_every_pair_by_number_or_one_edit_and_birth_date():
    """The candidates found after setting aside registry people who share neither a number nor
    a birth date with anyone enrolled are exactly those of every registry person's keys."""
    import random

    from pbr_pipeline.identity.claim_cases import deletion_keys
    from pbr_pipeline.identity.registry_cases import nameless_candidates

    rng = random.Random(3)
    days = [dt.date(1980, 1, 1) + dt.timedelta(days=rng.randrange(400)) for _ in range(40)]

    def people(prefix, count, numbers):
        return pl.DataFrame({
            "unique_id": [f"{prefix}{i}" for i in range(count)],
            "doc_number": [rng.choice(numbers) if rng.random() < 0.5 else str(rng.randrange(10**7, 10**8)) for _ in range(count)],
            "birth_date": [rng.choice(days) if rng.random() < 0.9 else None for _ in range(count)],
        })

    base = [str(rng.randrange(10**7, 10**8)) for _ in range(30)]
    near = [number[:3] + str((int(number[3]) + 1) % 10) + number[4:] for number in base] + [number[:-1] for number in base]
    left = people("l", 60, base)
    right = people("r", 3000, base + near)
    every = (
        deletion_keys(left).join(deletion_keys(right), on="key", suffix="_r").select("unique_id", "unique_id_r").unique()
        .join(left, on="unique_id").join(right.rename(lambda name: f"{name}_r"), on="unique_id_r")
        .filter((pl.col("doc_number") == pl.col("doc_number_r")) | (pl.col("birth_date") == pl.col("birth_date_r")))
        .select(pl.col("unique_id").alias("left_id"), pl.col("unique_id_r").alias("right_id"))
    )
    found = nameless_candidates(left, right)
    assert every.height > 50
    assert found.sort(pl.all()).equals(every.sort(pl.all()))
