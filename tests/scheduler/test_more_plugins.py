"""BalancedAllocation, ImageLocality and NodeAffinity (required and preferred terms)."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.api.objects import Node, ObjectMeta
from clustersim.api.types import NodeAffinity, NodeSelectorRequirement, NodeSelectorTerm, ResourceList
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import CycleState
from clustersim.scheduler.plugins.image_locality import ImageLocality, calculate_priority, normalized_image_name
from clustersim.scheduler.plugins.node_affinity import NodeAffinity as NodeAffinityPlugin
from clustersim.scheduler.plugins.node_resources_balanced_allocation import NodeResourcesBalancedAllocation
from tests.conftest import events_of, run_config
from tests.scheduler.helpers import pod, table

MB = 2**20


@pytest.mark.parametrize(("existing", "incoming", "want"), [
    ((0, 0), (1000, 1000), 100),      # 0.1 and 0.1: perfectly balanced
    ((0, 0), (5000, 1000), 80),       # 0.5 and 0.1: std 0.2
    ((9000, 0), (2000, 0), 50),       # cpu capped at 1.0, memory 0: std 0.5
])
def test_balanced_allocation(existing: tuple[int, int], incoming: tuple[int, int], want: int) -> None:
    t = table(("n", 10000, 10000))
    t.add_pod(pod(*existing, uid="e"), "n")
    plugin = NodeResourcesBalancedAllocation()
    assert plugin.score(CycleState(), pod(*incoming), t, np.array([0])).tolist() == [want]
    assert plugin.skip_score(pod(0, 0), t) and not plugin.skip_score(pod(1, 0), t)


def test_image_locality() -> None:
    assert normalized_image_name("nginx") == "nginx:latest" and normalized_image_name("r.io/x:1") == "r.io/x:1"
    assert calculate_priority(0, 1) == 0 and calculate_priority(10_000 * MB, 1) == 100
    t = NodeTable()
    for name, images in (("a", ((("img:latest",), 500 * MB),)), ("b", ())):
        alloc = ResourceList(1000, MB, 10)
        t.upsert_node(Node(ObjectMeta(name), alloc, alloc, images=images))
    scores = ImageLocality().score(CycleState(), pod(image="img"), t, t.candidates())
    # 500 MiB on 1 of 2 nodes -> 250 MiB; (250 - 23) * 100 / (1000 - 23) = 23
    assert scores.tolist() == [23, 0]


def _term(key: str, op: str, *values: str) -> NodeSelectorTerm:
    return NodeSelectorTerm((NodeSelectorRequirement(key, op, values),))


@pytest.mark.parametrize(("term", "fits"), [
    (_term("disk", "In", "ssd"), [True, False, False]),
    (_term("disk", "NotIn", "ssd"), [False, True, True]),
    (_term("disk", "Exists"), [True, True, False]),
    (_term("disk", "DoesNotExist"), [False, False, True]),
    (_term("gen", "Gt", "3"), [True, False, False]),
    (_term("gen", "Lt", "3"), [False, True, False]),
])
def test_required_node_affinity(term: NodeSelectorTerm, fits: list[bool]) -> None:
    t = table(("a", 1, 1), ("b", 1, 1), ("c", 1, 1), labels={"a": {"disk": "ssd", "gen": "5"}, "b": {"disk": "hdd", "gen": "2"}})
    p = pod()
    object.__setattr__(p.spec, "affinity", NodeAffinity(required=(term,)))
    plugin = NodeAffinityPlugin()
    assert plugin.filter(CycleState(), p, t, t.candidates()).tolist() == fits
    assert [plugin.filter_one(p, t, i) for i in range(3)] == fits


def test_affinity_from_config_places_pods_and_reports_mismatch() -> None:
    dep = {"name": "ssd", "replicas": 3, "containers": [{"name": "c", "image": "i"}],
           "affinity": {"required": [{"match_expressions": [{"key": "clustersim.io/node-pool", "operator": "In", "values": ["fast"]}]}],
                        "preferred": [{"weight": 10, "match_expressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["b"]}]}]}}
    nowhere = {"name": "nowhere", "replicas": 1, "containers": [{"name": "c", "image": "i"}],
               "affinity": {"required": [{"match_expressions": [{"key": "clustersim.io/node-pool", "operator": "In", "values": ["gpu"]}]}]}}
    result = run_config(cluster={"zones": ["a", "b"], "node_pools": [
        {"name": "slow", "count": 2, "capacity": {"cpu": "4", "memory": "8Gi"}},
        {"name": "fast", "count": 2, "capacity": {"cpu": "4", "memory": "8Gi", "pods": 3}}]},
        deployments=[dep, nowhere], duration_s=60,
        scheduler={"profiles": [{"scores": [{"name": "NodeResourcesFit"}, {"name": "NodeAffinity", "weight": 2}]}]})
    placed = result.pods[result.pods.workload == "ssd"]
    assert set(placed.node) == {"fast-1"}  # fast-1 is in the preferred zone b and has room for all three
    failed = events_of(result, "FailedScheduling")
    assert set(failed.message) == {"0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector. "
                                   "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling."}


def test_bad_affinity_operator_values_are_config_errors() -> None:
    from clustersim.config import ConfigError

    bad = {"name": "x", "containers": [{"name": "c", "image": "i"}],
           "affinity": {"required": [{"match_expressions": [{"key": "k", "operator": "In"}]}]}}
    with pytest.raises(ConfigError, match="deployments.0.affinity.required.0.match_expressions.0.values: must be non-empty"):
        run_config(deployments=[bad])


def test_topology_spread_overrides_bin_packing() -> None:
    spread = [{"max_skew": 1, "topology_key": "topology.kubernetes.io/zone"}]
    base = dict(cluster={"zones": ["a", "b", "c"], "node_pools": [{"name": "n", "count": 6, "capacity": {"cpu": "8", "memory": "8Gi"}}]},
                scheduler={"profiles": [{"scores": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}}]}]},
                duration_s=60)
    dep = {"name": "web", "replicas": 6, "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1"}}]}
    packed = run_config(deployments=[dep], **base)
    spread_run = run_config(deployments=[{**dep, "topology_spread_constraints": spread}], **base)
    zone = {f"n-{i}": "abc"[i % 3] for i in range(6)}
    assert packed.pods.node.map(zone).value_counts().max() == 6  # MostAllocated packs onto one node
    assert sorted(spread_run.pods.node.map(zone).value_counts().tolist()) == [2, 2, 2]


def test_topology_spread_keeps_replacements_pending_when_a_zone_is_down() -> None:
    # the classic: with DoNotSchedule zone spread, a dead zone's domain still counts (nodeTaintsPolicy Ignore),
    # so replacements for its pods cannot go to the other zones without breaking maxSkew
    spread = [{"max_skew": 1, "topology_key": "topology.kubernetes.io/zone"}]
    result = run_config(cluster={"zones": ["a", "b", "c"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "8", "memory": "8Gi"}}]},
                        deployments=[{"name": "web", "replicas": 3, "topology_spread_constraints": spread,
                                      "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1"}}]}],
                        faults=[{"name": "NodeCrash", "args": {"at_s": 30, "nodes": ["n-0"]}}], duration_s=500)
    assert result.summary["pods_pending_at_end"] == 1
    failed = events_of(result, "FailedScheduling")
    assert "2 node(s) didn't match pod topology spread constraints" in failed.message.iloc[-1]
