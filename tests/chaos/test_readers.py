"""Each chaos format read into (targets, timing, action): Chaos Mesh kinds, Schedule and Workflow; Litmus
engines with their experiments' env; Krkn configs and scenarios; Chaos Toolkit experiments. Bad input is
one line naming file, document and field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from clustersim.chaos import ChaosError, load_chaos
from clustersim.chaos.compile import injection_times
from clustersim.chaos.durations import expand_schedule, go_duration_s
from clustersim.chaos.model import Timing
from clustersim.chaos.selectors import parse_label_selector

CLOCK = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _load(tmp_path: Path, *docs: Any, name: str = "x.yaml", lenient: bool = False):  # noqa: ANN202
    path = tmp_path / name
    path.write_text(json.dumps(docs[0]) if name.endswith(".json") else yaml.safe_dump_all(docs))
    return load_chaos([path], lenient=lenient)


def _mesh(kind: str, spec: dict[str, Any], name: str = "c", ns: str = "shop") -> dict[str, Any]:
    return {"apiVersion": "chaos-mesh.org/v1alpha1", "kind": kind, "metadata": {"name": name, "namespace": ns}, "spec": spec}


def test_go_durations_and_schedules() -> None:
    assert go_duration_s("1h30m") == 5400 and go_duration_s("300ms") == 0.3 and go_duration_s("2h45m10s") == 9910
    with pytest.raises(ValueError):
        go_duration_s("5 minutes")
    t = CLOCK
    assert [(x - t).total_seconds() for x in expand_schedule("@every 30s", t, t + dt.timedelta(seconds=100))] == [30, 60, 90]
    hourly = expand_schedule("5 * * * *", t, t + dt.timedelta(hours=3))
    assert [x.minute for x in hourly] == [5, 5, 5]
    secs = expand_schedule("*/15 * * * * *", t, t + dt.timedelta(seconds=40))
    assert [x.second for x in secs] == [15, 30]


def test_injection_times_follow_forbid_and_period() -> None:
    forbid = Timing(at_s=0, duration_s=50, cron="@every 20s", forbid_overlap=True)
    assert injection_times(forbid, 200, CLOCK) == [20, 80, 140]  # a new chaos waits until the running one is done
    allow = Timing(at_s=0, duration_s=50, cron="@every 20s")
    assert injection_times(allow, 100, CLOCK) == [20, 40, 60, 80]
    rounds = Timing(at_s=10, times_s=(10, 15, 20), period_s=100)
    assert injection_times(rounds, 250, CLOCK) == [10, 15, 20, 110, 115, 120, 210, 215, 220]
    assert injection_times(Timing(at_s=5, every_s=10, until_s=40), 1000, CLOCK) == [5, 15, 25, 35]


def test_label_selector_strings() -> None:
    assert parse_label_selector("app=web,tier!=db,env in (a, b),!legacy,canary") == {
        "labels": {"app": "web"}, "expressions": [
            {"key": "tier", "operator": "NotIn", "values": ["db"]}, {"key": "env", "operator": "In", "values": ["a", "b"]},
            {"key": "legacy", "operator": "DoesNotExist"}, {"key": "canary", "operator": "Exists"}]}


def test_chaos_mesh_selector_mode_and_actions(tmp_path: Path) -> None:
    spec = {"action": "pod-kill", "mode": "fixed-percent", "value": "50", "gracePeriod": 5,
            "selector": {"labelSelectors": {"app": "web"}, "expressionSelectors": [{"key": "tier", "operator": "In", "values": ["a"]}],
                         "annotationSelectors": {"x": "y"}, "nodeSelectors": {"zone": "a"}, "podPhaseSelectors": ["Running", "!Failed"]}}
    a = _load(tmp_path, _mesh("PodChaos", spec)).experiments[0].actions[0]
    assert a.fault == "PodKill" and a.params == {"grace_period_s": 5.0}
    assert a.targets == {"mode": "fixed-percent", "value": 50, "namespaces": ["shop"], "labels": {"app": "web"},
                         "annotations": {"x": "y"}, "node_labels": {"zone": "a"}, "phases": ["Running"], "not_phases": ["Failed"],
                         "expressions": [{"key": "tier", "operator": "In", "values": ["a"]}]}
    pods = _load(tmp_path, _mesh("PodChaos", {"action": "pod-failure", "mode": "all", "duration": "1m", "selector": {"pods": {"shop": ["web-1"]}}}))
    fail = pods.experiments[0].actions[0]
    assert (fail.fault, fail.targets["pods"], fail.timing.duration_s) == ("PodFailure", ["shop/web-1"], 60)
    net = _load(tmp_path, _mesh("NetworkChaos", {"action": "loss", "mode": "one", "selector": {}, "loss": {"loss": "25"}, "duration": "30s"}))
    assert net.experiments[0].actions[0].params == {"abort": 0.25}
    stress = _load(tmp_path, _mesh("StressChaos", {"mode": "all", "selector": {}, "duration": "10s",
                                                    "stressors": {"memory": {"workers": 2, "size": "512MB"}, "cpu": {"workers": 2, "load": 50}}}))
    faults = {x.fault: x.params for x in stress.experiments[0].actions}
    assert faults == {"MemoryStress": {"memory": "512000000"}, "CpuStress": {"cpu": "1000m"}}
    http = _load(tmp_path, _mesh("HTTPChaos", {"mode": "all", "selector": {}, "target": "Request", "port": 80, "abort": True, "duration": "10s"}))
    assert http.experiments[0].actions[0].params == {"abort": 1.0}
    assert any("spec.port" in s for s in http.experiments[0].simplifications)
    aws = _load(tmp_path, _mesh("AWSChaos", {"action": "ec2-stop", "ec2Instance": "i-0abc", "awsRegion": "eu", "duration": "5m"}))
    act = aws.experiments[0].actions[0]
    assert (act.fault, act.instances, act.timing.duration_s) == ("Instance:stop", ("i-0abc",), 300)
    io = _load(tmp_path, _mesh("IOChaos", {"action": "latency", "mode": "one", "selector": {}}))
    assert io.experiments[0].actions == [] and "not modelled" in io.experiments[0].not_modelled[0]


def test_chaos_mesh_schedule_and_workflow(tmp_path: Path) -> None:
    sched = _load(tmp_path, _mesh("Schedule", {"schedule": "@every 1m", "concurrencyPolicy": "Allow", "type": "NetworkChaos",
                                                "networkChaos": {"action": "delay", "mode": "all", "selector": {}, "delay": {"latency": "100ms"},
                                                                 "duration": "90s"}}))
    a = sched.experiments[0].actions[0]
    assert a.timing.cron == "@every 1m" and not a.timing.forbid_overlap and a.params["delay_s"] == 0.1
    wf = {"entry": "main", "templates": [
        {"name": "main", "templateType": "Serial", "deadline": "10m", "children": ["kill", "pause", "both"]},
        {"name": "kill", "templateType": "PodChaos", "podChaos": {"action": "pod-kill", "mode": "one", "selector": {}}},
        {"name": "pause", "templateType": "Suspend", "deadline": "30s"},
        {"name": "both", "templateType": "Parallel", "children": ["fail", "stress"]},
        {"name": "fail", "templateType": "PodChaos", "deadline": "20s", "podChaos": {"action": "pod-failure", "mode": "one", "selector": {}, "duration": "1m"}},
        {"name": "stress", "templateType": "StressChaos", "stressChaos": {"mode": "one", "selector": {}, "duration": "45s",
                                                                          "stressors": {"cpu": {"workers": 1}}}}]}
    acts = _load(tmp_path, _mesh("Workflow", wf)).experiments[0].actions
    timing = {x.fault: (x.timing.at_s, x.timing.duration_s) for x in acts}
    # kill at 0 (one-shot), suspend 30 s, then in parallel: pod-failure cut to its 20 s deadline and the 45 s stress
    assert timing == {"PodKill": (0.0, None), "PodFailure": (30.0, 20.0), "CpuStress": (30.0, 45.0)}


def test_litmus_engine_env_overrides_the_experiment_defaults(tmp_path: Path) -> None:
    experiment = {"apiVersion": "litmuschaos.io/v1alpha1", "kind": "ChaosExperiment", "metadata": {"name": "pod-delete"},
                  "spec": {"definition": {"env": [{"name": "TOTAL_CHAOS_DURATION", "value": "40"}, {"name": "CHAOS_INTERVAL", "value": "10"},
                                                  {"name": "FORCE", "value": "false"}]}}}
    engine = {"apiVersion": "litmuschaos.io/v1alpha1", "kind": "ChaosEngine", "metadata": {"name": "e", "namespace": "shop"},
              "spec": {"appinfo": {"appns": "shop", "applabel": "app=web"},
                       "experiments": [{"name": "pod-delete", "spec": {"components": {"env": [
                           {"name": "CHAOS_INTERVAL", "value": "15"}, {"name": "PODS_AFFECTED_PERC", "value": "50"},
                           {"name": "RAMP_TIME", "value": "5"}]}}},
                                       {"name": "node-drain", "spec": {"components": {"env": [{"name": "TOTAL_CHAOS_DURATION", "value": "90"}]}}},
                                       {"name": "node-taint", "spec": {"components": {"env": [{"name": "TARGET_NODE", "value": "n-1"},
                                                                                            {"name": "TAINTS", "value": "chaos=yes"}]}}},
                                       {"name": "disk-fill"}]}}
    exp = _load(tmp_path, experiment, engine).experiments[0]
    kill, drain, taint = exp.actions
    assert kill.fault == "PodKill" and kill.params == {}  # FORCE false from the experiment: the pod's grace period
    assert kill.timing.times_s == (5, 20, 35)  # RAMP_TIME 5, every 15 s while within the experiment's 40 s
    assert kill.targets == {"namespaces": ["shop"], "labels": {"app": "web"}, "mode": "fixed-percent", "value": 50, "rounding": "down"}
    assert drain.fault == "NodeDrain" and drain.params == {"uncordon_after_s": 90, "timeout_s": 90}
    assert drain.targets["on_nodes_of"] == {"namespaces": ["shop"], "labels": {"app": "web"}}  # the node of an app pod
    assert taint.params["taint"] == {"key": "chaos", "value": "yes", "effect": "NoExecute"} and taint.targets == {"nodes": ["n-1"], "mode": "all"}
    assert "experiment disk-fill" in exp.not_modelled[0]


def test_litmus_schedule_repeats_the_engine(tmp_path: Path) -> None:
    doc = {"apiVersion": "litmuschaos.io/v1alpha1", "kind": "ChaosSchedule", "metadata": {"name": "s"},
           "spec": {"schedule": {"repeat": {"properties": {"minChaosInterval": "5m"}}},
                    "engineTemplateSpec": {"appinfo": {"appns": "shop", "applabel": "app=web"},
                                           "experiments": [{"name": "pod-cpu-hog"}]}}}
    a = _load(tmp_path, doc).experiments[0].actions[0]
    assert a.fault == "CpuStress" and a.params == {"cpu": "1000m"} and a.timing.period_s == 300 and a.timing.duration_s == 60


def test_krkn_config_runs_its_scenarios_in_order(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "pods.yml").write_text(yaml.safe_dump([{"id": "kill-pods", "config": {
        "namespace_pattern": "^shop$", "label_selector": "app=web", "kill": 2, "krkn_pod_recovery_time": 60}}]))
    (tmp_path / "scenarios" / "nodes.yml").write_text(yaml.safe_dump({"node_scenarios": [{
        "actions": ["node_stop_start_scenario"], "label_selector": "zone=a", "instance_count": 1, "duration": 30, "timeout": 60}]}))
    (tmp_path / "config" / "slos.yaml").write_text(yaml.safe_dump([
        {"expr": "up == 0", "severity": "critical"}, {"expr": "up == 0", "severity": "warning", "weight": 0.5},
        {"expr": "up == 0", "severity": "error"}]))
    cfg = {"kraken": {"chaos_scenarios": [{"pod_disruption_scenarios": ["scenarios/pods.yml"]}, {"node_scenarios": ["scenarios/nodes.yml"]},
                                          {"hog_scenarios": ["scenarios/hog.yml"]}]},
           "tunings": {"wait_duration": 10, "iterations": 1}, "resiliency": {"resiliency_file": "config/slos.yaml"}}
    (tmp_path / "config" / "config.yaml").write_text(yaml.safe_dump(cfg))
    exp = load_chaos([tmp_path / "config" / "config.yaml"]).experiments[0]
    kill, stop = exp.actions
    assert kill.fault == "PodKill" and kill.targets == {"labels": {"app": "web"}, "namespace_pattern": "^shop$", "count": 2}
    assert kill.timing.at_s == 0 and stop.timing.at_s == 70  # the pod scenario's recovery time and the wait between scenarios
    assert stop.fault == "Instance:stop" and stop.timing.duration_s == 30 and stop.targets == {"labels": {"zone": "a"}, "mode": "fixed", "value": 1}
    assert [s.weight for s in exp.slos] == [3.0, 0.5, 1.0]  # critical 3, a custom weight, other severities 1
    assert any("hog_scenarios" in x for x in exp.not_modelled)
    cfg["kraken"]["chaos_scenarios"].append({"zone_outages_scenarios": ["scenarios/missing.yaml"]})
    (tmp_path / "config" / "config.yaml").write_text(yaml.safe_dump(cfg))
    with pytest.raises(ChaosError, match=r"config.yaml\[doc 0\]: kraken.chaos_scenarios\[3\].zone_outages_scenarios\[0\]: .*no such file"):
        load_chaos([tmp_path / "config" / "config.yaml"])
    assert load_chaos([tmp_path / "config" / "config.yaml"], lenient=True).warnings


def test_chaos_toolkit_actions_pauses_rollbacks_and_hypotheses(tmp_path: Path) -> None:
    doc = {"title": "t", "configuration": {"ns": "shop", "sel": {"type": "env", "key": "NOT_SET_ANYWHERE", "default": "app=web"}},
           "steady-state-hypothesis": {"title": "h", "probes": [
               {"type": "probe", "name": "p1", "tolerance": True, "provider": {"type": "python", "module": "chaosk8s.pod.probes",
                                                                                "func": "pods_in_phase", "arguments": {"label_selector": "${sel}", "ns": "${ns}"}}},
               {"type": "probe", "name": "p2", "tolerance": 0, "provider": {"type": "python", "module": "chaosk8s.probes", "func": "read_pod_logs"}}]},
           "method": [
               {"type": "action", "name": "a1", "provider": {"type": "python", "module": "chaosk8s.pod.actions", "func": "terminate_pods",
                                                             "arguments": {"label_selector": "${sel}", "ns": "${ns}", "qty": 30, "mode": "percentage"}},
                "pauses": {"before": 5, "after": 20}},
               {"type": "action", "name": "a2", "provider": {"type": "python", "module": "chaosk8s.node.actions", "func": "drain_nodes",
                                                             "arguments": {"name": "n-1", "timeout": 60}}, "pauses": {"after": 40}}],
           "rollbacks": [{"type": "action", "name": "r", "provider": {"type": "python", "module": "chaosk8s.node.actions",
                                                                      "func": "uncordon_node", "arguments": {"name": "n-1"}}}]}
    exp = _load(tmp_path, doc, name="e.json").experiments[0]
    kill, drain = exp.actions
    assert kill.timing.at_s == 5 and kill.targets == {"namespaces": ["shop"], "labels": {"app": "web"}, "mode": "fixed-percent", "value": 30,
                                                      "order": "alphabetic"}  # rand false: the first pods by name
    assert drain.timing.at_s == 25 and drain.params == {"timeout_s": 60.0, "uncordon_after_s": 40.0}  # the rollback at the method's end
    assert exp.method_end_s == 65
    assert [h.kind for h in exp.hypotheses] == ["pods_in_phase"] and any("p2" in s for s in exp.simplifications)
    unresolved = {**doc, "configuration": {"ns": "shop", "sel": {"type": "env", "key": "NOT_SET_ANYWHERE"}}}
    act = _load(tmp_path, unresolved, name="u.json").experiments[0].actions[0]
    assert act.problem is not None and "--var sel=" in act.problem[1]  # reads, but cannot run until it is set


@pytest.mark.parametrize(("doc", "expected"), [
    (_mesh("PodChaos", {"action": "pod-kill", "mode": "half", "selector": {}}), r"PodChaos c: spec.mode: must be one of"),
    (_mesh("PodChaos", {"action": "pod-kill", "mode": "fixed", "value": "x", "selector": {}}), r"PodChaos c: spec.value: an integer is required"),
    (_mesh("PodChaos", {"action": "pod-boom", "mode": "one", "selector": {}}), r"spec.action: must be pod-kill"),
    (_mesh("NetworkChaos", {"action": "delay", "mode": "one", "selector": {}, "delay": {"latency": "fast"}}), r"spec.delay.latency: invalid duration"),
    (_mesh("Schedule", {"schedule": "61 * * * *", "type": "PodChaos", "podChaos": {"action": "pod-kill", "mode": "one", "selector": {}}}),
     r"Schedule c: spec.schedule: "),
    (_mesh("Gizmo", {}), r"kind: unknown Chaos Mesh kind 'Gizmo'"),
    ({"apiVersion": "litmuschaos.io/v1alpha1", "kind": "ChaosEngine", "metadata": {"name": "e"}, "spec": {"experiments": "x"}},
     r"ChaosEngine e: spec.experiments: required"),
    ({"hello": "world"}, r"not a Chaos Mesh, LitmusChaos, Krkn or Chaos Toolkit document"),
])
def test_bad_input_is_one_line_naming_file_document_and_field(tmp_path: Path, doc: dict[str, Any], expected: str) -> None:
    with pytest.raises(ChaosError, match=r"x\.yaml\[doc 0\]: .*" + expected) as e:
        _load(tmp_path, doc)
    assert "\n" not in str(e.value)
