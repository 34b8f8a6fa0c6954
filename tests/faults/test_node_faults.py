"""Each fault type against the Kubernetes behaviour it should produce, read from the event log and pods."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.config.load import ConfigError
from clustersim.faults.targets import NodeTargetArgs, pick_nodes
from tests.conftest import events_of, make_config, run_config

WEB = {"name": "web", "replicas": 6, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m"},
                                                      "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 1}}]}


def _on(result, node: str):  # type: ignore[no-untyped-def]
    p = result.pods
    return p[(p.node == node) & (p.created_s < 1)]


def test_kubelet_stop_leaves_containers_running_beside_their_replacements() -> None:
    res = run_config(deployments=[WEB], duration_s=900,
                     faults=[{"name": "KubeletStop", "args": {"at_s": 60, "nodes": ["n-0"], "duration_s": 600}}])
    old = _on(res, "n-0")
    assert len(old) >= 1
    evicted = events_of(res, "TaintManagerEviction", node="n-0")
    t_evict = evicted.t.min()
    assert 60 + 40 <= t_evict - 300 <= 60 + 60  # NotReady after the grace period, evicted 300 s later
    replacements = res.pods[(res.pods.created_s >= t_evict) & (res.pods.workload == "web")]
    assert len(replacements) == len(old) and (replacements.ready_s < 660).all()
    # the evicted pods' containers ran on until the kubelet came back and killed them: duplicates meanwhile
    assert (old.deleted_s >= 660).all() and (old.deleted_s < 700).all()
    assert events_of(res, "NodeReady", name="n-0").t.min() == pytest.approx(660)


def test_partitioned_node_is_evicted_and_cleaned_up_on_heal() -> None:
    res = run_config(deployments=[WEB], duration_s=900,
                     faults=[{"name": "NetworkPartition", "args": {"at_s": 60, "nodes": ["n-1"], "duration_s": 500}}])
    old = _on(res, "n-1")
    assert len(events_of(res, "TaintManagerEviction", node="n-1")) == len(old)
    assert (old.deleted_s >= 560).all()
    assert (old.restarts == 0).all()  # no power loss: the containers never restarted


def test_reboot_shorter_than_the_toleration_keeps_pods_on_the_node() -> None:
    res = run_config(deployments=[WEB], duration_s=600,
                     faults=[{"name": "NodeReboot", "args": {"at_s": 60, "nodes": ["n-2"], "down_s": 90}}])
    old = _on(res, "n-2")
    assert len(old) >= 1 and old.deleted_s.isna().all()
    assert (old.restarts == 1).all()
    ev = events_of(res, "TaintManagerEviction")
    assert not ev.message.str.startswith("Marking").any()  # the taint came and went: evictions cancelled
    assert len(events_of(res, "Rebooted", name="n-2")) == 1


def test_zone_outage_hits_every_node_of_the_zone() -> None:
    res = run_config(deployments=[WEB], duration_s=300,
                     faults=[{"name": "ZoneOutage", "args": {"at_s": 60, "zone": "zb", "kind": "crash"}}])
    assert sorted(res.faults.target) == ["n-1", "n-4"]
    assert set(events_of(res, "NodeNotReady", kind="Node").name) == {"n-1", "n-4"}


def test_stochastic_node_failures_follow_their_distributions() -> None:
    res = run_config(deployments=[], duration_s=200_000,
                     faults=[{"name": "NodeFailures", "args": {"time_to_failure": {"dist": "exponential", "mean": 3000},
                                                              "time_to_repair": {"dist": "fixed", "value": 300}}}])
    f = res.faults
    assert f.target.nunique() == 6
    down = (f.t_recover - f.t_inject).dropna()
    assert np.allclose(down, 300)
    # per node, up times ~ Exp(3000): about 200000 / 3300 failures each
    per_node = f.groupby("target").size()
    assert 40 < per_node.mean() < 80


def test_correlated_failures_take_a_group_down_together() -> None:
    res = run_config(deployments=[], duration_s=20_000,
                     faults=[{"name": "NodeFailures", "args": {"time_to_failure": {"dist": "weibull", "shape": 1.5, "scale": 2000},
                                                              "time_to_repair": {"dist": "lognormal", "median": 200, "sigma": 0.5},
                                                              "group_by": "topology.kubernetes.io/zone"}}])
    by_time = res.faults.groupby("t_inject").target.apply(sorted)
    zones = {"za": ["n-0", "n-3"], "zb": ["n-1", "n-4"], "zc": ["n-2", "n-5"]}
    assert all(list(g) in zones.values() for g in by_time)


def test_recurring_faults_repeat() -> None:
    res = run_config(deployments=[], duration_s=1000,
                     faults=[{"name": "NodeCrash", "args": {"at_s": 100, "every_s": 200, "repeat": 3, "duration_s": 50, "mode": "one"}}])
    assert list(res.faults.t_inject) == [100, 300, 500]
    assert list(res.faults.t_recover) == [150, 350, 550]


def test_selection_modes() -> None:
    cfg = make_config(cluster={"zones": ["a"], "node_pools": [{"name": "n", "count": 10, "capacity": {"cpu": "1", "memory": "1Gi"}}]})
    rng = np.random.default_rng(0)
    assert len(pick_nodes(NodeTargetArgs(mode="all"), cfg, rng)) == 10
    assert len(pick_nodes(NodeTargetArgs(mode="fixed", value=3), cfg, rng)) == 3
    assert len(pick_nodes(NodeTargetArgs(mode="fixed-percent", value=25), cfg, rng)) == 2
    sizes = {len(pick_nodes(NodeTargetArgs(mode="random-max-percent", value=50), cfg, rng)) for _ in range(50)}
    assert sizes <= set(range(1, 6)) and len(sizes) > 2
    assert pick_nodes(NodeTargetArgs(nodes=("n-3", "n-7")), cfg, rng) == ["n-3", "n-7"]


@pytest.mark.parametrize(("fault", "field"), [
    ({"name": "NodeCrsh", "args": {}}, "faults.0.name"),
    ({"name": "NodeCrash", "args": {"at_s": 10, "mode": "fixed"}}, "faults.0.args.value"),
    ({"name": "NodeCrash", "args": {"at_s": 10, "zone": "mars"}}, "faults.0.args.zone"),
    ({"name": "KubeletStop", "args": {"at_s": 10, "every_s": 60, "duration_s": 90}}, "faults.0.args.duration_s"),
    ({"name": "NodeFailures", "args": {"time_to_failure": {"dist": "weibull", "shape": 2}, "time_to_repair": {"dist": "fixed", "value": 1}}},
     "faults.0.args.time_to_failure.scale"),
    ({"name": "ZoneOutage", "args": {"at_s": 10}}, "faults.0.args.zone"),
    ({"name": "NetworkPartition", "args": {"at_s": 10, "labels": {"tier": "gpu"}}}, "faults.0.args.labels"),
    ({"name": "NodeCrash", "args": {"at_s": 10, "mode": "fixed-percent", "value": 150}}, "faults.0.args.value"),
])
def test_bad_fault_definitions_name_the_field(fault: dict, field: str) -> None:
    with pytest.raises(ConfigError) as e:
        make_config(faults=[fault])
    assert e.value.field == field, str(e.value)
