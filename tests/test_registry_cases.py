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
