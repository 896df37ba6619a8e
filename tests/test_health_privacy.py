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


def test_a_rips_file_is_named_by_hashes_in_the_log_and_the_quarantine(tmp_path):
    import shutil
    from pathlib import Path

    from pbr_pipeline.intake.file_names import WITHHELD_FILE, published_file_name
    from pbr_pipeline.intake.ingest import ingest_table
    from pbr_pipeline.intake.validate import for_analysts, validate_table
    from pbr_pipeline.programmes.bilinguismo import ENGLISH_EXAMS
    from pbr_pipeline.programmes.rips import RIPS

    name = "rips_900915574_FE1234.csv"
    folder = tmp_path / "inbox" / "2025-03" / "registros" / "rips"
    folder.mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "fixtures" / "rips" / "servicios.csv", folder / name)
    lines: list[str] = []
    ingested = ingest_table(tmp_path, "2025-03", RIPS.table, log=lines.append)
    assert lines and not any("900915574" in line for line in lines)
    assert all(WITHHELD_FILE in line for line in lines)
    rejected = validate_table(ingested.frame, RIPS.table).rejected
    quarantine = for_analysts(rejected, RIPS.table)
    assert quarantine.height == rejected.height > 0
    assert not quarantine["source_file"].str.contains("900915574").any()
    assert quarantine.filter(pl.col("column").is_in(sorted(RIPS.table.health_columns)))["value"].null_count() == \
        quarantine.filter(pl.col("column").is_in(sorted(RIPS.table.health_columns))).height
    # Other registries keep their file names.
    assert published_file_name("inbox/2025-03/registros/examenes_ingles/a.csv", "0" * 64, ENGLISH_EXAMS.table).endswith("/a.csv")
