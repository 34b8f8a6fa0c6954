"""Every file of ../shared/chaos loads: mapped onto the fault catalogue, or reported field by field as not
modelled, never a traceback; a Krkn config's missing scenario files are one line naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from clustersim.chaos import ChaosError, load_chaos
from tests.conftest import shared_path


def _files() -> list[Path]:
    root = shared_path("chaos")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json"))


def test_every_shared_chaos_file_loads_or_reports_field_by_field() -> None:
    files = _files()
    assert len(files) >= 40
    mapped = 0
    for path in files:
        try:
            cs = load_chaos([path])
        except ChaosError as e:  # only a Krkn config naming scenario files that are not there
            assert "kraken.chaos_scenarios[" in e.field and "no such file" in e.message, str(e)
            cs = load_chaos([path], lenient=True)
            assert all("no such file, skipped" in w for w in cs.warnings)
        assert cs.documents >= 1, path
        for exp in cs.experiments:
            mapped += len(exp.actions)
            for a in exp.actions:
                assert a.fault, path
            for line in exp.simplifications + exp.not_modelled:
                assert ": " in line, line  # object: field: why
        assert cs.experiments or cs.litmus_experiments or cs.slos, path
    assert mapped >= 30


def test_what_the_shared_files_become() -> None:
    sched = load_chaos([shared_path("chaos", "chaos-mesh-chaos-mesh", "examples", "schedule-podchaos.yaml")]).experiments[0].actions[0]
    assert (sched.fault, sched.timing.cron, sched.timing.forbid_overlap) == ("PodKill", "@every 5s", True)
    wf = load_chaos([shared_path("chaos", "chaos-mesh-chaos-mesh", "examples", "workflow", "serial.yaml")]).experiments[0]
    assert [(a.fault, a.timing.at_s) for a in wf.actions] == [("CpuStress", 0.0), ("RequestFault", 30.0), ("PodKill", 55.0)]
    assert wf.actions[2].timing.until_s == 95.0  # the Schedule template runs to its 40 s deadline
    for name in ("time-chaos-example.yaml", "io-delay-example.yaml"):
        exp = load_chaos([shared_path("chaos", "chaos-mesh-chaos-mesh", "examples", name)]).experiments[0]
        assert exp.actions == [] and exp.not_modelled
    kernel = load_chaos([shared_path("chaos", "chaos-mesh-website", "docs", "simulate-kernel-chaos-on-kubernetes.md.L26-L39.kernelchaos.yaml")])
    assert "KernelChaos is read and not modelled" in kernel.experiments[0].not_modelled[0]
    gcp = load_chaos([shared_path("chaos", "chaos-mesh-website", "docs", "simulate-gcp-chaos.md.L76-L87.node-stop.yaml")]).experiments[0].actions[0]
    assert gcp.fault == "Instance:stop" and gcp.instances == ("your-instance-name",) and gcp.timing.duration_s == 300
    drain_exp = load_chaos([shared_path("chaos", "litmuschaos-chaos-charts", "faults", "kubernetes", "node-drain", "fault.yaml")])
    assert "node-drain" in drain_exp.litmus_experiments and drain_exp.experiments == []
    engine = load_chaos([shared_path("chaos", "litmuschaos-chaos-charts", "faults", "kubernetes", "container-kill", "engine.yaml")]).experiments[0]
    kill = engine.actions[0]
    assert kill.fault == "ContainerKill" and kill.timing.times_s == (0.0, 10.0)  # 20 s, every 10 s
    assert kill.problem is not None and "appinfo.applabel" in kill.problem[0]  # the chart leaves the application empty
    ctk = load_chaos([shared_path("chaos", "chaostoolkit-incubator-community-playground", "learning-chaos-engineering-book-samples",
                                  "chapter6", "experiment.json")]).experiments[0]
    assert ctk.actions[0].fault == "NodeDrain" and [h.kind for h in ctk.hypotheses] == ["http", "pods_in_phase"]
    slos = load_chaos([shared_path("chaos", "krkn-chaos-website", "content", "en", "docs", "krkn", "resiliency-score.md.L414-L446.weighted-slos.yaml")])
    assert [s.weight for s in slos.slos] == [20.0, 15.0, 3.0, 5.0, 1.0, 0.5]


def test_a_krkn_config_with_missing_scenarios_needs_lenient() -> None:
    path = shared_path("chaos", "krkn-chaos-krkn", "config", "config.yaml")
    with pytest.raises(ChaosError, match=r"config.yaml\[doc 0\]: kraken.chaos_scenarios\[\d+\]\.\w+\[\d+\]: .* no such file"):
        load_chaos([path])
    cs = load_chaos([path], lenient=True)
    exp = cs.experiments[0]
    assert {a.fault for a in exp.actions} >= {"RequestFault", "ContainerKill", "ZoneOutage"}  # the scenario files that exist
    assert len(exp.slos) == 29  # resiliency_file: config/alerts.yaml
