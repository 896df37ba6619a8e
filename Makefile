# Everything a fresh machine with Python 3.11 and pip needs: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SAMPLE := data/sample

.PHONY: install run test dev sample clean bench bench-linkage-scale bench-linkage bench-health-linkage bench-health

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## run: the monthly job over every month of the committed sample, into ./warehouse
run: $(STAMP)
	$(BIN)/pbr run --all --data-dir $(SAMPLE) --warehouse warehouse

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## dev: the Dagster UI on http://127.0.0.1:3000 (runs are kept in .dagster_home)
dev: $(STAMP)
	mkdir -p .dagster_home
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev -w workspace.yaml

## sample: regenerate the committed sample data (seeded: same files every time)
sample: $(STAMP)
	rm -rf $(SAMPLE)/inbox $(SAMPLE)/reference $(SAMPLE)/ground_truth  # contracts/ is written by hand
	$(BIN)/pbr generate --out $(SAMPLE) --seed 20250101 --people 400 --months 2025-01..2025-08 --operators 3

clean:
	rm -rf warehouse .dagster_home

## bench: generate 300k people x 12 months (cached in build/bench), then time every month's run
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_pipeline.py

## bench-linkage-scale: 1M claimants x 10M registry people (cached in build/linkage-scale), time score + decide
bench-linkage-scale: $(STAMP)
	$(BIN)/python benchmarks/bench_linkage_scale.py

## bench-linkage: linkage precision, recall and review share on generated data with realistic noise
bench-linkage: $(STAMP)
	$(BIN)/python benchmarks/bench_linkage_quality.py

## bench-health-linkage: registry cases against RIPS (no names): 200k people, 20k enrolled, precision, recall, review share
bench-health-linkage: $(STAMP)
	$(BIN)/python benchmarks/bench_health_linkage.py

## bench-health: one month with about 2M RIPS services (JSON and flat CSV; cached in build/bench-health): RIPS intake and the month's run, time and peak memory
bench-health: $(STAMP)
	$(BIN)/python benchmarks/bench_health.py
