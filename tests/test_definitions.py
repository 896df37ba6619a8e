"""The code location loads, and its lineage matches the reviewed snapshot.

A change to the asset graph (a new asset, a lost dependency, a renamed check) shows up here
as a diff to review. After an intended change: `PBR_UPDATE_SNAPSHOTS=1 make test`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg

from pbr_pipeline.definitions import MONTHLY_JOB, build_definitions
from pbr_pipeline.core.settings import Settings

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def graph_snapshot(defs: dg.Definitions) -> dict:
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "partitioned": node.partitions_def is not None,
            "depends_on": sorted(parent.to_user_string() for parent in node.parent_keys),
            "has_description": bool(node.description),
        }
    checks = sorted(f"{check.asset_key.to_user_string()}:{check.name}" for check in graph.asset_check_keys)
    schedule = defs.resolve_schedule_def("monthly_schedule")
    return {
        "assets": assets,
        "checks": checks,
        "job": MONTHLY_JOB,
        "schedule": {"name": schedule.name, "cron": schedule.cron_schedule, "timezone": schedule.execution_timezone},
    }


def test_definitions_load_from_the_workspace_module():
    from pbr_pipeline.definitions import defs

    assert defs.resolve_job_def(MONTHLY_JOB).partitions_def is not None


def test_asset_graph_matches_snapshot(tmp_path):
    snapshot = graph_snapshot(build_definitions(Settings(data_dir=tmp_path, warehouse=tmp_path / "warehouse")))
    if os.environ.get("PBR_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(snapshot, indent=2, sort_keys=True) + "\n")
    assert snapshot == json.loads(SNAPSHOT.read_text())


def test_every_asset_is_described_and_partitioned_by_month(tmp_path):
    snapshot = graph_snapshot(build_definitions(Settings(data_dir=tmp_path, warehouse=tmp_path / "warehouse")))
    assert all(asset["has_description"] and asset["partitioned"] for asset in snapshot["assets"].values())
