"""The probabilistic linkage engine: real Splink on DuckDB, on small people files built here.

A model is trained once on a synthetic registry (3,000 people) and its claimants; hand-made
claimants then take each defect Colombian records carry to that registry, one at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl
import pytest

from pbr_pipeline.cli import main
from pbr_pipeline.identity.linkage import (
    PERSON_COLUMNS,
    LinkageModel,
    Thresholds,
    decide,
    explain,
    normalise_people,
    score,
    train_model,
    write_charts,
)
from pbr_pipeline.identity.linkage.synthetic import make_people

PERSON = {
    "document_type": "CC", "document_number": "1098765432", "first_name": "JOSÉ", "second_name": "ANDRÉS",
    "first_surname": "MUÑOZ", "second_surname": "DE LA HOZ", "birth_date": dt.date(1990, 5, 17), "sex": "M",
}


@pytest.fixture(scope="module")
def people():
    return make_people(registry_size=3_000, claimants=1_200, seed=5)


@pytest.fixture(scope="module")
def model(people) -> LinkageModel:
    return train_model(people.claimants, people.registry, seed=1)


@pytest.fixture(scope="module")
def registry(people) -> pl.DataFrame:
    """The synthetic registry plus José, a person the hand-made claimants refer to."""
    return pl.concat([people.registry, frame([{"id": "R-JOSE", **PERSON}])], how="vertical_relaxed")


def frame(rows: list[dict]) -> pl.DataFrame:
    schema = {"id": pl.String, **{c: pl.Date if c == "birth_date" else pl.String for c in PERSON_COLUMNS}}
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema)


def claimant(**changes) -> pl.DataFrame:
    return frame([{"id": "L1", **PERSON, **changes}])


def decision_for(left: pl.DataFrame, right: pl.DataFrame, model: LinkageModel, thresholds: Thresholds = Thresholds()) -> dict:
    decided = decide(score(left, right, model), thresholds)
    rows = decided.filter(pl.col("left_id") == "L1").to_dicts()
    return rows[0] if rows else {"right_id": None, "decision": "NONE"}


def test_model_is_trained_and_says_how(model):
    assert model.trained
    assert "m by EM on 2 blocking rules" in model.note and "random pairs" in model.note
    settings = json.loads(model.model_json)
    assert len(settings["blocking_rules_to_generate_predictions"]) >= 5
    assert {c["output_column_name"] for c in settings["comparisons"]} == {"document", "given_names", "surnames", "birth_date", "sex"}
    assert model.model_json == json.dumps(settings, sort_keys=True, indent=2)


@pytest.mark.parametrize("changes", [
    {"document_number": "1098765435"},                          # one digit changed
    {"document_number": "1098765342"},                          # two neighbours transposed
    {"document_number": "1908765432"},                          # transposed early in the number
    {"document_type": "TI"},                                    # TI at 17, CC at 18, same number
    {"document_type": "CE"},                                    # the operator wrote the type wrong
    {"first_surname": "DE LA HOZ", "second_surname": "MUÑOZ"},  # surnames swapped
    {"second_name": None},                                      # second given name missing
    {"first_name": "jose", "first_surname": "Munoz", "second_surname": "de la hoz", "second_name": "Andres"},  # folded
    {"document_number": "1.098.765.432", "document_type": "C.C."},
    {"first_surname": "Muñoz de la Hoz", "second_surname": None},  # both surnames in one column
    {"first_surname": "MUÑOZ DE", "second_surname": "LA HOZ"},      # a compound surname split wrongly
])
def test_defects_still_link(model, registry, changes):
    linked = decision_for(claimant(**changes), registry, model)
    assert linked["right_id"] == "R-JOSE"
    assert linked["decision"] == "ACCEPT", linked


def test_pep_to_pt_with_a_new_number_links_on_names_and_birth_date(model):
    migrant = {**PERSON, "document_type": "PEP", "document_number": "987654321012345", "first_name": "YORMAN",
               "second_name": "JOSÉ", "first_surname": "BRICEÑO", "second_surname": "ZAMBRANO"}
    right = frame([{"id": "R-PT", **migrant, "document_type": "PT", "document_number": "5123456"},
                   {"id": "R-OTHER", **PERSON}])
    left = frame([{"id": "L1", **migrant}])
    linked = decision_for(left, right, model)
    assert linked["right_id"] == "R-PT"
    assert linked["decision"] in {"ACCEPT", "REVIEW"}
    assert linked["match_probability"] >= Thresholds().review


def test_two_people_sharing_only_a_common_name_and_birth_year_are_never_linked(model, registry):
    right = pl.concat([registry, frame([{
        "id": "R-MARIA", "document_type": "CC", "document_number": "63512345", "first_name": "MARÍA",
        "second_name": None, "first_surname": "GARCÍA", "second_surname": "RODRÍGUEZ",
        "birth_date": dt.date(1985, 2, 11), "sex": "F"}])])
    for number, second_surname in (("1098111222", "PÉREZ"), ("1098111223", "RODRÍGUEZ"), ("63512346", "GÓMEZ")):
        left = frame([{"id": "L1", "document_type": "CC", "document_number": number, "first_name": "MARÍA",
                       "second_name": None, "first_surname": "GARCÍA", "second_surname": second_surname,
                       "birth_date": dt.date(1985, 9, 30), "sex": "F"}])
        linked = decision_for(left, right, model)
        assert linked["decision"] == "NONE", (number, linked)


def test_two_equally_close_registry_people_go_to_review(model):
    twin = {**PERSON, "document_number": "1098765433"}
    right = frame([{"id": "R-A", **PERSON}, {"id": "R-B", **twin}])
    linked = decision_for(claimant(document_number="1098765430"), right, model)
    assert linked["ambiguous"] is True
    assert linked["decision"] == "REVIEW"
    assert {linked["right_id"], linked["second_right_id"]} == {"R-A", "R-B"}


def test_grey_band_and_thresholds(model, registry):
    pairs = score(claimant(document_number="1098765435", second_name=None, birth_date=None, sex=None), registry, model)
    best = pairs.row(0, named=True)
    p = best["match_probability"]
    assert decision_for(claimant(), registry, model, Thresholds(accept=0.5, review=0.4))["decision"] == "ACCEPT"
    decided = decide(pairs, Thresholds(accept=min(1.0, p + (1 - p) / 2), review=p / 2))
    assert decided.filter(pl.col("left_id") == "L1")["decision"].item() == "REVIEW"
    decided = decide(pairs, Thresholds(accept=1.0, review=1.0))
    assert decided["decision"].item() in {"NONE", "ACCEPT"}


def test_scores_carry_probability_and_per_field_weights(model, registry):
    pairs = score(claimant(document_number="1098765435"), registry, model)
    best = pairs.row(0, named=True)
    fields = ("document", "given_names", "surnames", "birth_date", "sex")
    assert best["level_document"] == "one edit" and best["level_surnames"] == "both equal"
    prior = json.loads(model.model_json)["probability_two_random_records_match"]
    import math
    total = math.log2(prior / (1 - prior)) + sum(best[f"weight_{f}"] for f in fields)
    assert best["match_weight"] == pytest.approx(total, abs=1e-6)
    assert 0 <= best["match_probability"] <= 1


def test_normalise_folds_accents_enye_particles_and_aliases():
    folded = normalise_people(pl.DataFrame({
        "id": [1, 2], "document_type": ["C.C.", "ppt"], "document_number": ["001.098.765", "AB-12"],
        "first_name": ["María del Carmen", "JOSÉ"], "second_name": [None, "Ángel"],
        "first_surname": ["de la Hoz", "Núñez"], "second_surname": ["Peña", None],
        "birth_date": ["17/05/1990", "1990-05-17"], "sex": ["Mujer", "h"]}), "id")
    assert folded.row(0, named=True) | {"birth_date": None} == {
        "unique_id": "1", "doc_type": "CC", "doc_class": "CC", "doc_number": "1098765", "doc_head": "109",
        "doc_tail": "765", "first_name": "MARIA", "second_name": "CARMEN", "first_surname": "HOZ",
        "second_surname": "PENA", "birth_date": None, "sex": "F"}
    second = folded.row(1, named=True)
    assert (second["doc_type"], second["doc_number"], second["first_surname"], second["sex"]) == ("PT", "AB12", "NUNEZ", "M")
    assert folded["birth_date"].to_list() == [dt.date(1990, 5, 17)] * 2


def test_files_with_only_some_person_columns_fold_and_score(model, registry):
    documents_only = pl.DataFrame({"id": ["L1", "L2"], "document_type": ["CC", "CC"],
                                   "document_number": ["1098765432", "999"]})
    folded = normalise_people(documents_only, "id")
    assert folded.height == 2 and folded["first_name"].null_count() == 2 and folded["birth_date"].null_count() == 2
    pairs = score(documents_only, registry, model)
    assert pairs.filter(pl.col("left_id") == "L1")["right_id"].to_list() == ["R-JOSE"]
    assert pairs.row(0, named=True)["level_given_names"] == "null"


def test_fallback_model_on_tiny_input_says_so_and_scores():
    right = frame([{"id": "R1", **PERSON}, {"id": "R2", **PERSON, "document_number": "52123456", "first_name": "ANA",
                                            "second_name": None, "sex": "F"}])
    left = claimant(document_number="1098765435")
    model = train_model(left, right)
    assert not model.trained and model.note.startswith("fallback: too few records (1 on the smaller side")
    linked = decide(score(left, right, model), Thresholds())
    assert linked.row(0, named=True)["right_id"] == "R1"


def test_model_json_saves_reloads_and_scores_identically(model, people, registry, tmp_path):
    again = train_model(people.claimants, people.registry, seed=1)
    assert again.model_json == model.model_json
    saved = model.save(tmp_path / "model.json")
    loaded = LinkageModel.load(saved)
    assert loaded == model
    from splink import SettingsCreator  # the file is Splink's own: a verifier loads it with Splink
    assert SettingsCreator.from_path_or_dict(saved).get_settings("duckdb").comparisons
    left = people.claimants.head(300)
    assert score(left, registry, loaded).equals(score(left, registry, model))


def test_explain_puts_both_records_side_by_side(model, registry):
    left = claimant(document_number="1098765435", second_name=None)
    pairs = score(left, registry, model)
    explained = explain(pairs.head(1), left, registry).row(0, named=True)
    assert (explained["left_document_number"], explained["right_document_number"]) == ("1098765435", "1098765432")
    assert explained["left_second_name"] is None and explained["right_second_name"] == "ANDRÉS"
    assert set(explained["agreed_fields"]) >= {"document", "given_names", "surnames", "birth_date"}
    assert explained["disagreed_fields"] == []
    assert explained["level_given_names"] == "first equal, second missing"


def test_charts_open_offline(model, registry, tmp_path):
    pairs = score(claimant(document_number="1098765435"), registry, model)
    written = write_charts(model, pairs, tmp_path / "charts")
    assert [p.name for p in written] == ["match_weights.html", "waterfall.html"]
    for path in written:
        html = path.read_text(encoding="utf-8")
        assert "vegaEmbed" in html
        assert not re.search(r"<script[^>]+src\s*=\s*[\"']?https?://", html, re.I)
        assert not re.search(r"<link[^>]+href\s*=\s*[\"']?https?://", html, re.I)
        assert "1098765" not in html and "MUÑOZ" not in html  # weights only, no personal data


@pytest.mark.parametrize("fmt,with_ids", [("csv", True), ("csv", False), ("parquet", True), ("parquet", False)])
def test_pbr_link_on_csv_and_parquet(tmp_path, people, fmt, with_ids, capsys):
    registry = people.registry.head(1_500)
    known = people.truth.filter(pl.col("right_id").is_in(registry["id"].implode()))
    claimants = people.claimants.join(known.select(pl.col("left_id").alias("id")), on="id", how="semi").head(60)
    files = {}
    for name, data in (("left", claimants), ("right", registry)):
        data = data if with_ids else data.drop("id")
        path = tmp_path / f"{name}.{fmt}"
        if fmt == "csv":
            data.with_columns(pl.col("birth_date").dt.strftime("%d/%m/%Y")).write_csv(path)
        else:
            data.write_parquet(path)
        files[name] = path
    out = tmp_path / "out" / "links.parquet"
    assert main(["link", str(files["left"]), str(files["right"]), "--out", str(out), "--explain"]) == 0
    printed = capsys.readouterr().out
    assert "fallback" in printed and "ACCEPT" in printed
    links = pl.read_parquet(out)
    assert links.columns == ["left_id", "right_id", "match_probability", "match_weight"]
    assert links["left_id"].is_unique().all() and links.height >= 50
    if with_ids:
        truth = known.select("left_id", pl.col("right_id").alias("true_right_id"))
        checked = links.join(truth, on="left_id")
        assert checked.height == links.height and (checked["right_id"] == checked["true_right_id"]).all()
    else:
        assert set(links["left_id"]) <= {str(i) for i in range(1, 61)}
        assert set(links["right_id"]) <= {str(i) for i in range(1, 1_501)}
    explanation = pl.read_parquet(out.with_name("links.explain.parquet"))
    assert {"left_first_surname", "right_first_surname", "agreed_fields", "disagreed_fields", "weight_document"} <= set(explanation.columns)
    assert (out.parent / "links.charts" / "match_weights.html").exists()


def test_pbr_link_rejects_a_file_without_person_columns(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["link", str(bad), str(bad), "--out", str(tmp_path / "x.parquet")]) == 2
    assert "person columns" in capsys.readouterr().err


def test_the_guarded_one_edit_level_is_exactly_damerau_levenshtein_within_one():
    """The document comparison's guard skips the edit distance only for pairs it could not
    place in `one edit`: on numbers of every length with every kind of single edit (and
    unrelated numbers, and equal ones) it agrees with `damerau_levenshtein <= 1` pair by pair."""
    import random

    import duckdb

    from pbr_pipeline.identity.linkage.settings import ONE_EDIT_DOCUMENTS

    rng = random.Random(7)
    pairs = []
    for _ in range(20_000):
        number = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 12)))
        at = rng.randrange(len(number))
        edited = rng.choice([
            number,
            number[:at] + rng.choice("0123456789") + number[at + 1:],          # a digit changed
            number[:at] + rng.choice("0123456789") + number[at:],              # a digit added
            number[:at] + number[at + 1:],                                     # a digit dropped
            number[:at] + number[at + 1:at + 2] + number[at:at + 1] + number[at + 2:],  # neighbours swapped
            "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 12))),        # someone else
        ])
        pairs.append((number, edited or "0"))
    frame = pl.DataFrame(pairs, schema=["doc_number_l", "doc_number_r"], orient="row")
    con = duckdb.connect()
    con.register("pairs", frame.to_arrow())
    plain, guarded, one_edit = con.execute(
        f'SELECT list(damerau_levenshtein("doc_number_l", "doc_number_r") <= 1), list({ONE_EDIT_DOCUMENTS}), '
        f'count(*) FILTER (damerau_levenshtein("doc_number_l", "doc_number_r") = 1) FROM pairs'
    ).fetchone()
    assert one_edit > 10_000  # most pairs are one edit apart: the test exercises the level
    assert guarded == plain
