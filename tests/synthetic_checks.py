"""Helpers the tests of the programmes the generator added after EMPLEO share
(test_synthetic_bilinguismo, test_synthetic_health): a generated data set with its ground truth
and its programme's operator files, calendar months on dates, the valid rows of the files, the
gates every programme's claims pass re-derived from the files, and the verdicts of the ground
truth checked against the re-derived ones.

Like test_synthetic, they read files back with plain Python and polars, never with pipeline
code.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from pathlib import Path

import polars as pl
import pytest

from pbr_pipeline.synthetic import generate
from test_synthetic import day_iso, number_key, read_operator_file

GROUND_TRUTH = ("people", "claims", "outcomes_unclaimed", "invalid_rows", "files")


def truth_of(root: Path) -> dict[str, pl.DataFrame]:
    """Every ground-truth CSV of the data set in `root`, as text (empty for null)."""
    return {name: pl.read_csv(root / "ground_truth" / f"{name}.csv", infer_schema=False).fill_null("")
            for name in GROUND_TRUTH}


def data_set_fixtures(folder: str, files_mark: str, **arguments):
    """The module-scoped fixtures `out` (a data set generated with `arguments` into a new
    temporary folder named `folder`), `truth` (its ground truth, `truth_of`) and `files` (the
    roster and claims files whose path holds `files_mark`, broken ones left out, read back).
    A test module assigns them to the names `out, truth, files`."""

    @pytest.fixture(scope="module")
    def out(tmp_path_factory) -> Path:
        path = tmp_path_factory.mktemp(folder)
        generate(path, **arguments)
        return path

    @pytest.fixture(scope="module")
    def truth(out) -> dict[str, pl.DataFrame]:
        return truth_of(out)

    @pytest.fixture(scope="module")
    def files(out, truth) -> dict[str, tuple[dict, dict]]:
        listed = truth["files"].filter(pl.col("path").str.contains(files_mark) & (pl.col("broken") == "false"))
        return {path: read_operator_file(out / path) for path in listed["path"]}

    return out, truth, files


def people_by_document(people: pl.DataFrame, kind_prefix: str) -> dict[tuple[str, str], str]:
    """`person_id` of the people of people.csv whose kind starts with `kind_prefix`, by the
    document each holds first, as matching compares it."""
    mine = people.filter(pl.col("kind").str.starts_with(kind_prefix))
    return {number_key(*documents.split("|")[0].split(":")): person
            for person, documents in mine.select("person_id", "documentos").iter_rows()}


def month_end(month: str) -> dt.date:
    """The last day of a YYYY-MM month."""
    year, mon = int(month[:4]), int(month[5:7])
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def plus_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the last day of the month reached."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def invalid_rows(invalid: pl.DataFrame) -> set[tuple[str, int]]:
    """(file, row) of every invalid row of `invalid_rows.csv` that names a row."""
    return {(path, int(row)) for path, row in invalid.select("source_file", "source_row").iter_rows() if row}


def valid_records(files: dict[str, tuple[dict, dict]],
                  invalid: set[tuple[str, int]]) -> Iterator[tuple[str, str, int, dict[str, str]]]:
    """(path, inbox month, row, record) of every row of the operator `files` not in `invalid`."""
    for path, (_, records) in files.items():
        month = path.split("/")[1]
        for row, record in records.items():
            if (path, row) not in invalid:
                yield path, month, row, record


Verdicts = dict[tuple[str, int], tuple[tuple[str, str], tuple[str, str]]]
"""Per claim (file, row): its (status, reason) when received and in the last run."""


class ClaimsFromFiles:
    """A programme's claims judged from its files as written: the valid roster rows and claims
    of its operator files, the gates every programme's claims pass in their order (DUPLICATE,
    NOT_ENROLLED, OTHER_OPERATOR, NO_CONTRACT), then the programme's rule. A programme's
    subclass reads its registry and gives `rule(identity, owner, run)`; `identity` and
    `listing` say how it reads a row of its files."""

    def __init__(self, files: dict[str, tuple[dict, dict]], invalid: set[tuple[str, int]]) -> None:
        self.listings: dict[Hashable, list[tuple]] = defaultdict(list)
        """Per identity: (inbox month, enrolment date, operator, ...) of each valid roster row."""
        self.claims: list[tuple] = []
        """(inbox month, path, row, operator, identity, fecha_resultado) of each valid claim, in
        verdict order."""
        for path, month, row, record in valid_records(files, invalid):
            identity = self.identity(record)
            if "/inscripciones/" in path:
                self.listings[identity].append(self.listing(month, record))
            else:
                self.claims.append((month, path, row, record["operador"], identity,
                                    dt.date.fromisoformat(day_iso(record["fecha_resultado"]))))
        self.claims.sort(key=lambda claim: claim[:3])

    def identity(self, record: dict[str, str]) -> Hashable:
        """Who a roster or claim row is about, as the programme's rule tells people apart."""
        raise NotImplementedError

    def listing(self, month: str, record: dict[str, str]) -> tuple:
        """A valid roster row received in `month`: (month, enrolment date, operator)."""
        return month, dt.date.fromisoformat(day_iso(record["fecha_inscripcion"])), record["operador"]

    def rule(self, identity: Hashable, owner: tuple, run: str) -> tuple[str, str]:
        """The programme's rule in the run for `run`, for the person enrolled as `owner` gives."""
        raise NotImplementedError

    def owner(self, identity: Hashable, run: str) -> tuple | None:
        """(enrolment date, operator, ...) of the earliest roster row received by `run` (ties: the
        lowest operator code), None if none."""
        rows = [listing[1:] for listing in self.listings[identity] if listing[0] <= run]
        return min(rows) if rows else None

    def verdicts(self, last: str, contract: tuple[dt.date, dt.date]) -> Verdicts:
        """Every valid claim's verdict in the run of its month and in the run of `last`; every
        contract spans `contract`."""
        seen, result = set(), {}
        for month, path, row, op, identity, fecha in self.claims:
            verdicts = []
            for run in (month, last):
                enrolled = [listing[1] for listing in self.listings[identity]
                            if listing[2] == op and listing[0] <= month]
                if (op, identity) in seen:
                    verdicts.append(("DUPLICATE", "DUPLICATE"))
                elif not enrolled or min(enrolled) > fecha:
                    verdicts.append(("REJECTED", "NOT_ENROLLED"))
                elif self.owner(identity, run)[1] != op:
                    verdicts.append(("REJECTED", "OTHER_OPERATOR"))
                elif not contract[0] <= fecha <= contract[1]:
                    verdicts.append(("REJECTED", "NO_CONTRACT"))
                else:
                    verdicts.append(self.rule(identity, self.owner(identity, run), run))
            seen.add((op, identity))
            result[(path, row)] = tuple(verdicts)
        return result

    def unclaimed(self, identities: Iterable[Hashable], last: str) -> list[tuple[Hashable, tuple]]:
        """(identity, owner) of each of `identities` whose outcome the rule verifies in the run of
        `last` and whose owner never claimed it under that identity."""
        claimed = {(identity, op) for _, _, _, op, identity, _ in self.claims}
        found = []
        for identity in identities:
            owner = self.owner(identity, last)
            if owner and (identity, owner[1]) not in claimed and self.rule(identity, owner, last)[0] == "VERIFIED":
                found.append((identity, owner))
        return found


def check_verdicts(claims: pl.DataFrame, derived: Verdicts, more_than: int) -> None:
    """The valid claims of the ground truth (`claims`, INVALID_ROW left out) are those of
    `derived`, more than `more_than` of them, and each has the verdicts `derived` gives it."""
    claims = claims.filter(pl.col("scenario") != "INVALID_ROW")
    assert claims.height == len(derived) > more_than, (claims.height, len(derived))
    for claim in claims.iter_rows(named=True):
        received, final = derived[(claim["source_file"], int(claim["source_row"]))]
        assert received == (claim["status_when_received"], claim["reason_when_received"]), claim
        assert final == (claim["final_status"], claim["final_reason"]), claim
