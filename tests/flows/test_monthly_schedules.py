"""The monitoring schedules: the same crons, zone and parameters in `gongyi serve` and prefect.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml

from flows.deployments import SCHEDULES, build_deployments

PREFECT_YAML = Path(__file__).resolve().parents[2] / "prefect.yaml"
EXPECTED = {
    "daily-check": "0 20 * * 1-5",
    "weekly-meeting": "0 9 * * 1",
    "monthly-evaluation": "0 10 1 * *",
}


def test_serve_schedules_the_three_monitoring_flows_in_shanghai_time() -> None:
    deployments = build_deployments(timezone="Asia/Shanghai", cycle_id=3)
    found = {d.name: d.schedules[0].schedule for d in deployments}
    assert {name: s.cron for name, s in found.items()} == EXPECTED
    assert {s.timezone for s in found.values()} == {"Asia/Shanghai"}
    assert all(d.parameters == {"cycle_id": 3} for d in deployments)


def test_without_a_cycle_the_flows_pick_the_running_one() -> None:
    assert all(
        d.parameters == {} for d in build_deployments(timezone="Asia/Shanghai", cycle_id=None)
    )


def test_prefect_yaml_holds_the_same_schedules_and_entrypoints() -> None:
    data = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in data["deployments"]}
    for schedule in SCHEDULES:
        deployment = by_name[schedule.name]
        module = schedule.flow.fn.__module__.replace(".", "/")
        assert deployment["entrypoint"] == f"{module}.py:{schedule.flow.fn.__name__}"
        assert deployment["schedules"] == [{"cron": schedule.cron, "timezone": "Asia/Shanghai"}]
        assert deployment["parameters"]["cycle_id"] is None
