"""Bounds at the edge: numbers that overflow, are infinite or NaN, bools for numbers, and sizes that
cannot finish are refused by ``validate`` with the field and the limit named; values at the limits run."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clustersim.config.bounds import MAX_PODS, Bounded, field_kind
from clustersim.config.load import validate_dict
from clustersim.sim import run
from tests.conftest import ROOT
from tests.input.cli import assert_bad_input, invoke

QUICKSTART = (ROOT / "configs" / "quickstart.yaml").read_text()
CHURN = "  - {name: PodChurn, args: {rate_per_s: RATE}}\n"


def _q(old: str, new: str, count: int = 1) -> str:
    assert old in QUICKSTART, old
    return QUICKSTART.replace(old, new, count)


@pytest.mark.parametrize(("text", "field", "words"), [
    (_q("memory: 16Gi, pods", "memory: 99999999999999999999999Gi, pods"), "cluster.node_pools.0.capacity.memory", "more than the limit of 512Ti"),
    (_q("cpu: 250m", "cpu: 2000000"), "deployments.0.containers.0.requests.cpu", "more than the limit of 1,000,000 cores"),
    (_q("cpu: 250m", "cpu: 1e999999999"), "deployments.0.containers.0.requests.cpu", "exponent out of range"),
    (_q("cpu: 250m", "cpu: '" + "9" * 5000 + "'"), "deployments.0.containers.0.requests.cpu", "5000 characters"),
    (_q("duration_s: 900", "duration_s: .inf"), "duration_s", "finite number"),
    (_q("duration_s: 900", "duration_s: 1e400"), "duration_s", "finite number"),
    (_q("duration_s: 900", "duration_s: 1000000000"), "duration_s", "1,000,000,000 is more than the limit of 31,622,400 s"),
    (_q("ready_after_s: 2}", "ready_after_s: .inf}"), "deployments.0.containers.0.behavior.ready_after_s", "finite number"),
    (_q("ready_after_s: 2}", "ready_after_s: .nan}"), "deployments.0.containers.0.behavior.ready_after_s", "finite number"),
    (_q("ready_after_s: 2}", "ready_after_s: 1.0e+300}"), "deployments.0.containers.0.behavior.ready_after_s", "less than or equal to 1000000000"),
    (_q("readiness_probe: {period_s: 5}", "readiness_probe: {period_s: 1.0e-300}"), "deployments.0.containers.0.readiness_probe.period_s",
     "greater than or equal to 0.1"),
    (_q("at_s: 120", "at_s: .inf"), "faults.0.args.at_s", "finite number"),
    (_q("at_s: 120", "at_s: 120, every_s: 1.0e-9"), "faults.0.args.every_s", "greater than or equal to 0.1"),
    (_q("seed: 1", "seed: 10000000000000000000000"), "seed", "does not fit in 64 bits"),
    (_q("replicas: 9", "replicas: true"), "deployments.0.replicas", "true/false is not a number"),
    (_q("count: 12", "count: yes"), "cluster.node_pools.0.count", "true/false is not a number"),
    (_q("cpu: 250m", "cpu: true"), "deployments.0.containers.0.requests.cpu", "true/false is not a number"),
    (_q("replicas: 9", "replicas: 1000000000000"), "deployments.0.replicas", "more than the limit of 1,500,000 pods"),
    (_q("replicas: 9", "replicas: 1000000", 2), "deployments", "more than the limit of 1,500,000 (10x the 150,000 Kubernetes supports)"),
    (_q("count: 12", "count: 1000000"), "cluster.node_pools.0.count", "more than the limit of 50,000 nodes"),
    (_q("workloads:\n", "workloads:\n" + CHURN.replace("RATE", "1.0e+9")), "workloads.0.args.rate_per_s", "more than the limit of 10,000,000"),
    (_q("workloads:\n", "workloads:\n" + CHURN.replace("RATE", ".inf")), "workloads.0.args.rate_per_s", "finite number"),
    (_q("strategy: Recreate", "max_unavailable: 150%"), "deployments.2.max_unavailable", "must not be greater than 100%"),
    (_q("replicas: 9", "replicas: 9\n    max_surge: 0\n    max_unavailable: 0%"), "deployments.0.max_unavailable", "may not be 0 when max_surge is 0"),
    (QUICKSTART + "horizontal_pod_autoscalers:\n  - {name: h, target_name: web, max_replicas: 1000000000000}\n",
     "horizontal_pod_autoscalers.0.max_replicas", "more than the limit of 1,500,000"),
    (_q("faults:\n  - name: NodeCrash\n    args: {at_s: 120, nodes: [node-4]}",
        "faults:\n  - name: NodeFailures\n    args: {time_to_failure: {mean: 1.0e-300}, time_to_repair: {mean: 60}}"),
     "faults.0.args.time_to_failure.mean", "greater than or equal to 0.1"),
    (_q("faults:\n  - name: NodeCrash\n    args: {at_s: 120, nodes: [node-4]}",
        "faults:\n  - name: NodeFailures\n    args: {time_to_failure: {mean: 0.1}, time_to_repair: {mean: 0.1}}"),
     "faults.0.args.time_to_failure", "about 54,000 node failures in this run, more than the limit of 10,000"),
])
def test_out_of_range_is_one_line_naming_field_and_limit(tmp_path: Path, text: str, field: str, words: str) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(text)
    line = assert_bad_input(invoke("validate", str(cfg)), str(cfg), field, words)
    assert "pydantic" not in line and "type=" not in line


@pytest.mark.parametrize(("extra", "field", "words"), [
    ("replications: 1000000000\n", "replications", "more than the limit of 10,000 replications"),
    ("axes: [{name: g, param: seed, low: 1, high: 9}]\ndesign: {type: random, samples: 100000000}\n", "design.samples",
     "more than the limit of 100,000 design points"),
    ("axes:\n" + "".join(f"  - {{name: a{i}, param: images.sizes_mib.x{i}, values: [{', '.join(str(v + 1) for v in range(20))}]}}\n" for i in range(6)),
     "axes", "64,000,000 design points, more than the limit of 100,000"),
    ("replications: 200\naxes: [{name: g, param: seed, low: 1, high: 9}]\ndesign: {type: lhs, samples: 10000}\n",
     "replications", "2,000,000 runs, more than the limit of 1,000,000"),
])
def test_sweeps_that_cannot_finish(tmp_path: Path, extra: str, field: str, words: str) -> None:
    (tmp_path / "base.yaml").write_text(QUICKSTART)
    exp = tmp_path / "exp.yaml"
    exp.write_text("name: e\nbase: base.yaml\nmetrics: [availability_min]\n" + extra)
    assert_bad_input(invoke("validate", str(exp)), str(exp), field, words)


def test_validate_prints_the_size_of_the_run(tmp_path: Path) -> None:
    out = invoke("validate", str(ROOT / "configs" / "quickstart.yaml"), str(ROOT / "experiments" / "node-failure-recovery.yaml"))
    assert out.code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].endswith("quickstart.yaml: ok (12 nodes, 24 pods, 900 s simulated)")
    assert lines[1].endswith("node-failure-recovery.yaml: ok (experiment, 16 design points x 10 replications = 160 runs; "
                             "largest run: 12 nodes, 24 pods, 900 s simulated)")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(_q("duration_s: 900", "duration_s: 172800") + "daemon_sets:\n  - {name: d, containers: [{name: c, image: i}]}\n")
    assert invoke("validate", str(cfg)).stdout.strip().endswith("ok (12 nodes, 36 pods, 172800 s (2 d) simulated)")


def test_values_at_the_limits_run() -> None:
    big = {"cpu": "1M", "memory": "512Ti", "pods": MAX_PODS, "example.com/x": "512Ti"}
    cfg = validate_dict({
        "duration_s": 60, "images": {"default_size_mib": 1}, "kubelet": {"pleg_relist_period_s": 0.1},
        "cluster": {"node_pools": [{"name": "big", "count": 2, "capacity": big}]},
        "deployments": [{"name": "huge", "replicas": 2, "containers": [{"name": "c", "image": "i", "requests": dict(big, pods=None) | {"pods": 1}}]},
                        {"name": "tiny", "replicas": 2, "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1m", "memory": 1},
                                                                         "behavior": {"ready_after_s": 1e9, "crash_after_s": 1e-9}}]}],
        "faults": [{"name": "NodeCrash", "args": {"at_s": 1, "nodes": ["big-0"], "duration_s": 1e9}}],
    }, "edge")
    result = run(cfg)
    placed = result.pods.dropna(subset=["scheduled_s"])
    assert set(placed["workload"]) >= {"huge"}  # a whole 1M-core, 512Ti node's worth fits and is scored without overflow


def _numeric_fields() -> list[tuple[type, str]]:
    import inspect
    import typing

    from pydantic import BaseModel

    import clustersim.config.validation  # noqa: F401  (registers faults and workloads)
    from clustersim.config.models import SimConfig
    from clustersim.faults.base import FAULTS
    from clustersim.sweep.spec import ExperimentSpec
    from clustersim.workload.base import WORKLOADS

    seen: set[type] = set()
    out = []

    def leaves(a: object) -> set[object]:
        args = typing.get_args(a)
        if typing.get_origin(a) is typing.Annotated:
            return leaves(args[0])
        return {a} if not args else set().union(*(leaves(x) for x in args))

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        assert issubclass(model, Bounded), f"{model.__name__} does not derive from config.bounds.Bounded"
        for name, f in model.model_fields.items():
            found = leaves(f.annotation)
            for t in found:
                if inspect.isclass(t) and issubclass(t, BaseModel):
                    visit(t)
            if float in found:
                out.append((model, name))

    for root in (SimConfig, ExperimentSpec, *(FAULTS.get(n).Args for n in FAULTS), *(WORKLOADS.get(n).Args for n in WORKLOADS)):
        visit(root)
    return out


# bounded by other means
EXEMPT = {
    "Axis.low": "a range end; every value drawn from it is validated as the config field it sets",
    "Axis.high": "the same",
    "CpuLoadArgs.points": "its validator bounds each time and millicores",
}


def test_every_float_field_has_an_upper_bound() -> None:
    """A new config section or args model gets the rules; its floats need a limit (a *_s name, le=, or a bounded type)."""
    unbounded = []
    for model, name in _numeric_fields():
        f = model.model_fields[name]
        text = repr(f.metadata) + repr(f.annotation)
        if f"{model.__name__}.{name}" in EXEMPT or "check_quantity" in text:
            continue
        if not field_kind(model, name)[1] and "Le(" not in text and "Lt(" not in text and "limit" not in text:
            unbounded.append(f"{model.__name__}.{name}")
    assert unbounded == [], unbounded


def test_round_trip_of_the_resolved_config_stays_valid(tmp_path: Path) -> None:
    """The config.yaml a run writes validates again (bounds do not reject their own output)."""
    from clustersim.config.load import load_config

    cfg = load_config(ROOT / "configs" / "quickstart.yaml")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(cfg.model_dump(mode="json")))
    assert load_config(path) == cfg
