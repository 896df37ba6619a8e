"""Health data stays out of analyst tables: evidence rows of a sensitive registry are folded."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pbr_pipeline.programmes import PROGRAMMES
from pbr_pipeline.verify.evidence import RESTRICTED_EVIDENCE, redacted
from pbr_pipeline.verify.judge import sensitive_registries
from schemas.outcomes import EVIDENCE_ROWS


def _row(registry: str, row: int, shows: str) -> dict:
    return {"registry": registry, "source_file": f"inbox/2025-03/registros/{registry}/f.json", "source_row": row,
            "fact_date": dt.date(2025, 2, row), "shows": shows, "counts": True}


def test_rows_of_a_sensitive_registry_become_one_line_that_says_where_they_are():
    frame = pl.DataFrame(
        {"claim_id": ["health", "mixed", "employment", "none"],
         "evidence_rows": [[_row("rips", 1, "Z340"), _row("rips", 2, "Z340")], [_row("pila", 3, "ibc"), _row("rips", 4, "B24X")],
                           [_row("pila", 5, "ibc")], []]},
        schema={"claim_id": pl.String, "evidence_rows": EVIDENCE_ROWS},
    )
    out = dict(zip(frame["claim_id"], redacted(frame, ("rips",))["evidence_rows"].to_list()))
    folded = {"registry": "rips", "source_file": None, "source_row": None, "fact_date": None, "shows": RESTRICTED_EVIDENCE, "counts": None}
    assert out["health"] == [folded]
    assert out["mixed"] == [_row("pila", 3, "ibc"), folded]
    assert out["employment"] == [_row("pila", 5, "ibc")]
    assert out["none"] == []
    text = str(out)
    assert "Z340" not in text and "B24X" not in text and "registros/rips" not in text


def test_the_health_programmes_read_a_sensitive_registry_and_the_others_do_not():
    sensitive = {programme.code: sensitive_registries(programme) for programme in PROGRAMMES}
    assert sensitive["EMPLEO"] == () and sensitive["BILINGUISMO"] == ()
    for code in ("SALUD_MATERNA", "SALUD_TRANSMISIBLES"):
        if code in sensitive:
            assert sensitive[code] == ("rips",)
