"""`pbr run` as the data team types it."""

from __future__ import annotations

import pytest

from pbr_pipeline.cli import main
from tests.conftest import CLAIM_ROW, ENROLMENT_ROW, csv_bytes, put


def test_run_prints_the_month_summary(data_dir, tmp_path, capsys):
    put(data_dir, "inbox/2025-02/inscripciones/a.csv", csv_bytes([ENROLMENT_ROW | {"fecha_inscripcion": "2025-02-03"}]))
    put(data_dir, "inbox/2025-03/reportes/a.csv", csv_bytes([CLAIM_ROW, CLAIM_ROW | {"resultado": "X"}]))
    code = main(["run", "--all", "--data-dir", str(data_dir), "--warehouse", str(tmp_path / "wh")])
    out = capsys.readouterr().out
    assert code == 0
    assert "2025-02" in out and "2025-03" in out
    march = out[out.index("\n2025-03\n"):]
    claims_line = next(line for line in march.splitlines() if line.strip().startswith("claims"))
    assert claims_line.split()[1:] == ["1", "2", "1", "1"]
    assert "claims: outcome_known" in out
    assert "1098765432" not in out, "no document number is printed"


def test_run_without_an_inbox_says_so(tmp_path, capsys):
    assert main(["run", "--month", "2025-03", "--data-dir", str(tmp_path)]) == 2
    assert "has no inbox/ folder" in capsys.readouterr().err


def test_a_malformed_month_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--month", "2025-3"])
    assert exit_info.value.code == 2
    assert "is not a month written YYYY-MM" in capsys.readouterr().err
