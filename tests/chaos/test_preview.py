"""``clustersim chaos preview`` on the shipped examples: the report with its intervals, the same per seed, and
predictions that equal a direct run of the same faults; bad input is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from clustersim.chaos.metrics import run_preview_metrics
from clustersim.cli import cli
from clustersim.config.load import validate_dict
from clustersim.sim import build, few_gc_passes
from tests.conftest import ROOT

SHOP = ROOT / "examples" / "snapshots" / "shop"
EXAMPLES = ROOT / "examples" / "chaos"
NODE = "ip-10-0-1-10.eu-west-1.compute.internal"


def _preview(tmp_path: Path, name: str, *args: str) -> tuple[int, str, dict]:
    out = tmp_path / name
    res = CliRunner().invoke(cli, ["chaos", "preview", *args, "--cluster", str(SHOP), "--out", str(out)])
    data = json.loads((out / "preview.json").read_text()) if (out / "preview.json").exists() else {}
    return res.exit_code, res.output, data


def test_the_shipped_examples_give_the_report(tmp_path: Path) -> None:
    args = [str(EXAMPLES / "pod-kill-schedule.yaml"), str(EXAMPLES / "node-drain.yaml"), "--slo", str(EXAMPLES / "slos.yaml"),
            "--seeds", "2", "--horizon", "300", "--tail", "200"]
    code, output, p = _preview(tmp_path, "a", *args)
    assert code == 0, output
    assert "pods_touched" in output and "Krkn resiliency score" in output and "shop/web" in output
    kills = [f for f in p["faults"] if f["name"] == "PodKill"]
    assert kills[0]["args"]["times_s"] == [180.0, 300.0]  # @every 2m from the start at 60 s, within the 300 s horizon
    drain = next(f for f in p["faults"] if f["name"] == "NodeDrain")
    assert drain["args"]["times_s"] == [70.0] and drain["args"]["uncordon_after_s"] == 180  # RAMP_TIME 10, TOTAL_CHAOS_DURATION 180
    m = p["metrics"]
    for key in ("pods_touched", "nodes_touched", "services_touched", "convergence_s", "pods_rescheduled", "pdb_blocked_evictions"):
        assert m[key]["n"] == 2 and m[key]["ci_low"] <= m[key]["mean"] <= m[key]["ci_high"], key
    assert m["nodes_touched"]["mean"] == 1 and m["pods_touched"]["mean"] >= 3  # the drained node; its pods and the killed ones
    assert set(p["services"]) == {"shop/web", "shop/api", "shop/cart"}
    slos = {s["name"]: s for s in p["resiliency_score"]["slos"]}
    assert slos["API server latency (no counterpart in the simulator; not evaluated)"]["not_evaluated"]
    assert p["resiliency_score"]["mean"] is not None
    for f in ("report.html", "figures/request_success.png", "figures/serving.png", "figures/metrics.png"):
        assert (tmp_path / "a" / f).stat().st_size > 1000, f
    again = _preview(tmp_path, "b", *args)[2]
    assert again["metrics"] == p["metrics"] and again["services"] == p["services"]  # deterministic per seed


def test_predicted_dips_equal_a_direct_run_of_the_same_faults(tmp_path: Path) -> None:
    stop = {"apiVersion": "chaos-mesh.org/v1alpha1", "kind": "AWSChaos", "metadata": {"name": "stop", "namespace": "chaos"},
            "spec": {"action": "ec2-stop", "awsRegion": "eu-west-1", "duration": "2m",
                     "ec2Instance": yaml.safe_load((SHOP / "cluster.yaml").read_text())["items"][2]["spec"]["providerID"].rsplit("/", 1)[1]}}
    (tmp_path / "stop.yaml").write_text(yaml.safe_dump(stop))
    code, output, p = _preview(tmp_path, "p", str(tmp_path / "stop.yaml"), "--seeds", "2", "--tail", "300")
    assert code == 0, output
    (crash,) = p["faults"]
    assert crash["name"] in ("NodeCrash", "InstanceStop") and crash["args"]["nodes"] == [NODE]  # found by its providerID
    # the same fault, written by hand, run directly with each seed
    for i, seed in enumerate(p["seeds"]):
        data = {"seed": seed, "duration_s": p["window"]["run_end_s"],
                "snapshot": {"path": str(SHOP), "traffic": {"rate_per_s": 20.0, "start_s": 5.0}},
                "faults": [{"name": crash["name"], "args": {"nodes": [NODE], "mode": "all", "times_s": [60.0], "duration_s": 120.0}}]}
        cfg = validate_dict(data, str(tmp_path / "direct.yaml"))
        sim = build(cfg)
        sim.start()
        with few_gc_passes():
            sim.env.run(until=60.0)
            at_start = {q.meta.uid: {"key": q.key, "namespace": q.meta.namespace, "labels": dict(q.meta.labels), "node": q.node_name}
                        for q in sim.state.list("Pod") if not q.terminating}
            sim.env.run(until=cfg.duration_s)
        direct = run_preview_metrics(sim.result(0.0), at_start, 60.0, p["window"]["experiment_end_s"])
        for svc, values in direct["services"].items():
            assert p["services"][svc]["dip_s"]["values"][i] == values["dip_s"], svc
            assert p["services"][svc]["success"]["values"][i] == values["success"], svc
        assert p["metrics"]["pods_touched"]["values"][i] == direct["metrics"]["pods_touched"]
    web = p["services"]["shop/web"]
    assert web["dip_s"]["mean"] > 10 and web["success"]["mean"] < 1  # the stopped node's pods fail requests until NotReady


def test_chaos_toolkit_hypotheses_are_held_or_violated(tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "terminate-web-pods.json").read_text())
    code, output, p = _preview(tmp_path, "held", str(EXAMPLES / "terminate-web-pods.json"), "--seeds", "2", "--tail", "60")
    assert code == 0, output
    held = {h["probe"]: h for h in p["hypotheses"]}
    assert held["web-fully-available"]["held_before"] == 1 and held["web-fully-available"]["held_after"] == 1  # 90 s is enough
    doc["method"][0]["pauses"]["after"] = 1
    (tmp_path / "quick.json").write_text(json.dumps(doc))
    code, output, p = _preview(tmp_path, "quick", str(tmp_path / "quick.json"), "--seeds", "2", "--tail", "60")
    assert code == 0, output
    quick = {h["probe"]: h for h in p["hypotheses"]}
    assert quick["web-fully-available"]["held_after"] == 0 and quick["web-fully-available"]["verdict"] == "violated"
    assert "violated" in output


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    unknown = {"apiVersion": "litmuschaos.io/v1alpha1", "kind": "ChaosEngine", "metadata": {"name": "drain"},
               "spec": {"appinfo": {"appns": "shop", "applabel": "app=web"},
                        "experiments": [{"name": "node-drain", "spec": {"components": {"env": [{"name": "TARGET_NODE", "value": "nope"}]}}}]}}
    (tmp_path / "drain.yaml").write_text(yaml.safe_dump(unknown))
    (tmp_path / "empty.yaml").write_text(yaml.safe_dump({**unknown, "spec": {**unknown["spec"], "appinfo": {"appns": "shop"},
                                                                         "experiments": [{"name": "pod-delete"}]}}))
    (tmp_path / "bad.yaml").write_text("apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nmetadata: {name: x}\nspec: {mode: one, mode: all}\n")
    cases = {str(tmp_path / "drain.yaml"): "nodes.0: unknown node 'nope'",
             str(tmp_path / "empty.yaml"): "spec.appinfo.applabel: empty",
             str(tmp_path / "bad.yaml"): "bad.yaml: line 4",
             str(tmp_path / "missing.yaml"): "no such file"}
    for path, expected in cases.items():
        res = CliRunner().invoke(cli, ["chaos", "preview", path, "--cluster", str(SHOP), "--out", str(tmp_path / "o")])
        assert res.exit_code == 2, res.output
        lines = res.output.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and "Traceback" not in res.output, res.output
    assert not (tmp_path / "o").exists()  # nothing half-written
    res = CliRunner().invoke(cli, ["chaos", "preview", str(EXAMPLES / "node-drain.yaml"), "--cluster", str(tmp_path / "nowhere")])
    assert res.exit_code == 2 and "no such file" in res.output


def test_seeds_give_the_same_results_on_any_executor() -> None:
    from clustersim.chaos.preview import prepare, run_seeds

    prep = prepare([EXAMPLES / "node-drain.yaml"], SHOP, tail_s=60.0)
    inline = run_seeds(prep, [11, 12])
    pool = run_seeds(prep, [11, 12], workers=2)  # a local process pool
    for a, b in zip(inline, pool, strict=True):
        assert a["seed"] == b["seed"] and a["metrics"] == b["metrics"] and a["services"] == b["services"]
        assert json.dumps(a["series"]) == json.dumps(b["series"])  # NaN where no request was sent, the same in both
