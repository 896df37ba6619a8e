"""The RIPS linkage benchmark's generator: its typos are one edit, its twins hold consecutive
numbers, and a small run through `find_registry_links` never links on birth date and sex alone."""

from __future__ import annotations

import argparse
import importlib.util
import sys

import numpy as np
import polars as pl

from pbr_pipeline.core.settings import PROJECT_ROOT
from pbr_pipeline.identity.linkage.decisions import Thresholds
from pbr_pipeline.identity.linkage.model import fallback_model
from pbr_pipeline.identity.links import ACCEPT
from pbr_pipeline.identity.registry_cases import DOCUMENT_DISAGREES, find_registry_links
from pbr_pipeline.identity.second_pass import enrolled_people, registry_people


def _bench():
    name = "bench_health_linkage"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / "benchmarks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance exactly 1 (adjacent transposition counted as one edit)."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def test_a_typo_is_one_edit_of_every_kind():
    bench = _bench()
    rng = np.random.default_rng(3)
    kinds = set()
    for number in ("1095123456", "63512345", "5817330", "1234567"):
        for _ in range(50):
            typo, kind = bench.mistype(rng, number)
            kinds.add(kind)
            assert _one_edit(number, typo), (number, typo, kind)
            assert not typo.startswith("0")
    assert kinds == {"changed", "dropped", "added", "swapped"}


def test_twins_share_birth_date_and_sex_and_hold_the_next_number():
    bench = _bench()
    people = bench.population(np.random.default_rng(5), 4000, twins=0.05, gap=None)
    assert people.height == 4000
    documents = people.select(pl.col("doc_type").replace_strict({bench.TI: bench.CC}, default=pl.col("doc_type")), "number")
    assert documents.n_unique() == people.height  # one person per canonical document
    second = people.filter(pl.col("twin_of") >= 0).join(
        people.select(pl.col("person").alias("twin_of"), pl.col("birth").alias("b"), pl.col("sex").alias("s"),
                      pl.col("number").alias("n")), on="twin_of")
    assert second.height == 2 * round(4000 * 0.05 / 2)
    assert (second["birth"] == second["b"]).all() and (second["sex"] == second["s"]).all()
    gaps = (second["number"].cast(pl.Int64) - second["n"].cast(pl.Int64)).abs()
    assert (gaps == 1).all()


def test_a_small_run_never_links_on_birth_date_and_sex_alone():
    bench = _bench()
    args = argparse.Namespace(people=20_000, enrolled=2_000, seed=4, twins=0.02, number_gap=None, numbers="sequential",
                              in_rips=0.85, rips_coverage=0.7)
    data = bench.build(args)
    enrolled = enrolled_people(data["enrolments"])
    registry = registry_people(data["rips"].lazy()).collect()
    model = fallback_model(enrolled.height, registry.height, "test")
    cases = find_registry_links(enrolled, registry, model, Thresholds(), registry_name="rips")
    accepted = cases.filter(pl.col("matcher_decision") == ACCEPT)
    assert accepted.height > 0
    assert accepted.filter(pl.col("level_document") == DOCUMENT_DISAGREES).height == 0
    # Every type written wrong (same number, same birth date) comes back to its person.
    wrong = data["enrolments"].filter(pl.col("noise_wrong_type")).select(pl.col("document").alias("left"), "person")
    person_of = data["rips"].select(pl.col("document").alias("document"), pl.col("person").alias("linked"))
    linked = wrong.join(accepted.select("left", "document"), on="left").join(person_of, on="document")
    assert linked.height > 0 and (linked["person"] == linked["linked"]).all()
