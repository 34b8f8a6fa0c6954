"""PodTopologySpread scoring, table-driven: cases transcribed from upstream's TestPodTopologySpreadScore
(pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go): matching pods per node, the
candidate (feasible) nodes, and the normalised scores upstream expects."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from clustersim.api.objects import ObjectMeta, OwnerRef, Pod
from clustersim.api.types import Container, LabelSelector, NodeSelectorRequirement, PodSpec, TopologySpreadConstraint
from clustersim.scheduler.framework import CycleState
from clustersim.scheduler.plugins.pod_topology_spread import PodTopologySpread, default_selector
from tests.scheduler.helpers import table

HOST = "kubernetes.io/hostname"
FOO = LabelSelector((), (NodeSelectorRequirement("foo", "Exists"),))
BAR = LabelSelector((), (NodeSelectorRequirement("bar", "Exists"),))


def _pod(name: str, labels: dict[str, str], constraints: tuple[TopologySpreadConstraint, ...] = (), ns: str = "default",
         terminating: bool = False) -> Pod:
    p = Pod(ObjectMeta(name, ns, labels), PodSpec((Container("c", "i"),), topology_spread_constraints=constraints))
    p.meta.uid = f"{ns}/{name}"
    if terminating:
        p.meta.deletion_s = 1.0
    return p


def _soft(key: str, skew: int = 1, sel: LabelSelector = FOO) -> TopologySpreadConstraint:
    return TopologySpreadConstraint(skew, key, "ScheduleAnyway", sel)


def _score(constraints: tuple[TopologySpreadConstraint, ...], nodes: dict[str, dict[str, str]], existing: list[tuple[str, dict[str, str]]],
           candidates: list[str], pod_labels: dict[str, str] | None = None, ns_of: dict[int, str] | None = None,
           terminating: set[int] | None = None) -> list[int]:
    t = table(*((n, 4000, 2**34) for n in nodes), labels=nodes)
    for k, (node, labels) in enumerate(existing):
        p = _pod(f"e{k}", labels, ns=(ns_of or {}).get(k, "default"), terminating=k in (terminating or set()))
        t.add_pod(p, node)
    pod = _pod("p", pod_labels if pod_labels is not None else {"foo": ""}, constraints)
    plugin = PodTopologySpread()
    idx = np.array([t.index[n] for n in candidates])
    assert not plugin.skip_score(pod, t)
    raw = plugin.score(CycleState(), pod, t, idx)
    return plugin.normalize(CycleState(), pod, raw).tolist()


def _hosts(*names: str) -> dict[str, dict[str, str]]:
    return {n: {HOST: n} for n in names}


def _spread(counts: dict[str, int], labels: dict[str, str] | None = None) -> list[tuple[str, dict[str, str]]]:
    return [(n, labels or {"foo": ""}) for n, c in counts.items() for _ in range(c)]


ABCD = _hosts("node-a", "node-b", "node-c", "node-d")


@pytest.mark.parametrize(("name", "args", "want"), [
    ("one constraint on node, no existing pods",
     ((_soft(HOST),), _hosts("node-a", "node-b"), [], ["node-a", "node-b"]), [100, 100]),
    ("one constraint on node, only one node is candidate",
     ((_soft(HOST),), _hosts("node-a", "node-b"), _spread({"node-a": 2, "node-b": 1}), ["node-a"]), [100]),
    ("one constraint on node, all nodes have the same number of matching pods",
     ((_soft(HOST),), _hosts("node-a", "node-b"), _spread({"node-a": 1, "node-b": 1}), ["node-a", "node-b"]), [100, 100]),
    ("one constraint on node, all 4 nodes are candidates (2/1/0/3)",
     ((_soft(HOST),), ABCD, _spread({"node-a": 2, "node-b": 1, "node-d": 3}), list(ABCD)), [20, 60, 100, 0]),
    ("maxSkew=2 (2/1/0/3)",
     ((_soft(HOST, 2),), ABCD, _spread({"node-a": 2, "node-b": 1, "node-d": 3}), list(ABCD)), [33, 66, 100, 16]),
    ("maxSkew=3 (4/3/2/1)",
     ((_soft(HOST, 3),), ABCD, _spread({"node-a": 4, "node-b": 3, "node-c": 2, "node-d": 1}), list(ABCD)), [44, 66, 77, 100]),
    ("one constraint on node, 3 out of 4 nodes are candidates (4/2/1/~3~)",
     ((_soft(HOST),), _hosts("node-a", "node-b", "node-x", "node-y"), _spread({"node-a": 4, "node-b": 2, "node-x": 1, "node-y": 3}),
      ["node-a", "node-b", "node-x"]), [33, 83, 100]),
    ("3 out of 4 candidates, one node lacks the topology key",
     ((_soft(HOST),), {"node-a": {HOST: "node-a"}, "node-b": {"n": "node-b"}, "node-x": {HOST: "node-x"}, "node-y": {HOST: "node-y"}},
      _spread({"node-a": 4, "node-b": 2, "node-x": 1, "node-y": 3}), ["node-a", "node-b", "node-x"]), [16, 0, 100]),
    ("one constraint on zone, 3 out of 4 nodes are candidates",
     ((_soft("zone"),), {"node-a": {"zone": "zone1", HOST: "node-a"}, "node-b": {"zone": "zone1", HOST: "node-b"},
                         "node-x": {"zone": "zone2", HOST: "node-x"}, "node-y": {"zone": "zone2", HOST: "node-y"}},
      _spread({"node-a": 4, "node-b": 2, "node-x": 1, "node-y": 3}), ["node-a", "node-b", "node-x"]), [75, 75, 100]),
    ("two constraints on zone and node, 2 out of 4 nodes are candidates",
     ((_soft("zone"), _soft(HOST)), {"node-a": {"zone": "zone1", HOST: "node-a"}, "node-b": {"zone": "zone1", HOST: "node-b"},
                                     "node-x": {"zone": "zone2", HOST: "node-x"}, "node-y": {"zone": "zone2", HOST: "node-y"}},
      _spread({"node-a": 2, "node-b": 1, "node-x": 2, "node-y": 4}), ["node-a", "node-x"]), [100, 63]),
    ("two constraints on zone with different selectors, 2 out of 4 candidates",
     ((_soft("zone"), _soft("zone", 1, BAR)), {"node-a": {"zone": "zone1"}, "node-b": {"zone": "zone1"},
                                               "node-x": {"zone": "zone2"}, "node-y": {"zone": "zone2"}},
      [("node-a", {"foo": "", "bar": ""}), ("node-a", {"foo": ""}), ("node-b", {"foo": "", "bar": ""}),
       ("node-y", {"foo": ""}), ("node-y", {"foo": "", "bar": ""}), ("node-y", {"foo": ""})], ["node-a", "node-x"],
      {"foo": "", "bar": ""}), [85, 100]),
    ("two constraints on zone and node with different selectors",
     ((_soft("zone"), _soft(HOST, 1, BAR)), {"node-a": {"zone": "zone1", HOST: "node-a"}, "node-b": {"zone": "zone1", HOST: "node-b"},
                                             "node-x": {"zone": "zone2", HOST: "node-x"}, "node-y": {"zone": "zone2", HOST: "node-y"}},
      [("node-a", {"foo": ""}), ("node-b", {"foo": "", "bar": ""}), ("node-y", {"foo": ""}), ("node-y", {"bar": ""})],
      ["node-a", "node-b", "node-x", "node-y"], {"foo": "", "bar": ""}), [60, 20, 100, 60]),
    ("different selectors, some nodes have 0 pods",
     ((_soft("zone"), _soft(HOST, 1, BAR)), {"node-a": {"zone": "zone1", HOST: "node-a"}, "node-b": {"zone": "zone1", HOST: "node-b"},
                                             "node-x": {"zone": "zone2", HOST: "node-x"}, "node-y": {"zone": "zone2", HOST: "node-y"}},
      [("node-b", {"bar": ""}), ("node-x", {"foo": ""}), ("node-y", {"foo": "", "bar": ""})],
      ["node-a", "node-b", "node-x", "node-y"], {"foo": "", "bar": ""}), [100, 60, 40, 0]),
    ("different selectors, 3 out of 4 candidates",
     ((_soft("zone"), _soft(HOST, 1, BAR)), {"node-a": {"zone": "zone1", HOST: "node-a"}, "node-b": {"zone": "zone1", HOST: "node-b"},
                                             "node-x": {"zone": "zone2", HOST: "node-x"}, "node-y": {"zone": "zone2", HOST: "node-y"}},
      [("node-a", {"foo": ""}), ("node-b", {"foo": "", "bar": ""}), ("node-y", {"foo": ""}), ("node-y", {"bar": ""})],
      ["node-a", "node-b", "node-x"], {"foo": "", "bar": ""}), [50, 25, 100]),
])
def test_upstream_score_cases(name: str, args: tuple, want: list[int]) -> None:
    assert _score(*args) == want, name


def test_existing_pods_in_a_different_namespace_do_not_count() -> None:
    got = _score((_soft(HOST),), _hosts("node-a", "node-b"), _spread({"node-a": 2, "node-b": 2}), ["node-a", "node-b"], ns_of={0: "ns1"})
    assert got == [100, 33]


def test_terminating_pods_are_excluded() -> None:
    got = _score((_soft(HOST),), _hosts("node-a", "node-b"), _spread({"node-a": 1, "node-b": 1}), ["node-a", "node-b"], terminating={0})
    assert got == [100, 0]


def test_system_default_constraints_use_the_owning_replicaset_selector() -> None:
    # no constraints on the pod: zone maxSkew 5 and hostname maxSkew 3, selector from the ReplicaSet
    nodes = {n: {HOST: n, "topology.kubernetes.io/zone": z} for n, z in (("a1", "z1"), ("a2", "z1"), ("b1", "z2"))}
    t = table(*((n, 4000, 2**34) for n in nodes), labels=nodes)
    for k, node in enumerate(["a1", "a1", "a2"]):
        t.add_pod(_pod(f"e{k}", {"app": "web"}), node)
    t.add_pod(_pod("other", {"app": "db"}), "b1")
    pod = replace(_pod("p", {"app": "web"}))
    pod.meta.owner = OwnerRef("ReplicaSet", "web-1", "u")
    plugin = PodTopologySpread()
    assert plugin.skip_score(pod, t)  # the ReplicaSet is not known yet: no default selector
    t.owner_selectors[("ReplicaSet", "default", "web-1")] = LabelSelector((("app", "web"),))
    assert not plugin.skip_score(pod, t)
    idx = np.array([t.index[n] for n in nodes])
    scores = plugin.normalize(CycleState(), pod, plugin.score(CycleState(), pod, t, idx)).tolist()
    assert scores[2] == 100 and scores[0] < scores[1] < 100  # the empty zone wins; the fuller node loses
    # defaultingType List with no constraints turns the defaults off
    off = PodTopologySpread.from_args({"defaultingType": "List", "defaultConstraints": []})
    assert off.skip_score(pod, t)


def test_default_selector_merges_the_services_that_select_the_pod_with_the_owner() -> None:
    # helper.DefaultSelector: Services in the pod's namespace whose selector matches its labels are
    # merged; a Service with no selector selects nothing; the controller's selector is added
    t = table(("n", 4000, 2**34))
    pod = _pod("p", {"app": "web", "tier": "front", "pod-template-hash": "h1"})
    plugin = PodTopologySpread()
    assert default_selector(pod, t) is None and plugin.skip_score(pod, t)  # a bare pod, no Service
    t.set_service_selector("default", "default/other", (("app", "db"),))
    t.set_service_selector("prod", "prod/web", (("app", "web"),))
    t.set_service_selector("default", "default/none", ())
    assert default_selector(pod, t) is None  # another app's Service, another namespace's, no selector
    t.set_service_selector("default", "default/web", (("app", "web"),))
    t.set_service_selector("default", "default/front", (("tier", "front"),))
    assert default_selector(pod, t) == LabelSelector((("app", "web"), ("tier", "front")))
    assert not plugin.skip_score(pod, t)  # a bare pod behind a Service is spread by default
    pod.meta.owner = OwnerRef("ReplicaSet", "web-h1", "u")
    t.set_owner_selector(("ReplicaSet", "default", "web-h1"), LabelSelector((("app", "web"), ("pod-template-hash", "h1"))))
    assert default_selector(pod, t) == LabelSelector((("app", "web"), ("pod-template-hash", "h1"), ("tier", "front")))
    t.set_service_selector("default", "default/web", ())
    t.set_service_selector("default", "default/front", ())
    assert default_selector(pod, t) == LabelSelector((("app", "web"), ("pod-template-hash", "h1")))


def test_statefulset_pods_get_the_default_spreading() -> None:
    from tests.conftest import run_config

    # two zones of one big and one small node each: NodeResourcesFit and BalancedAllocation alone put
    # all three replicas on the two big nodes; with the StatefulSet's selector the system default
    # constraints (hostname maxSkew 3, zone maxSkew 5, weight 2) spread them over three nodes
    result = run_config(
        cluster={"zones": ["a", "b"], "node_pools": [{"name": "big", "count": 2, "capacity": {"cpu": "64", "memory": "64Gi"}},
                                                    {"name": "small", "count": 2, "capacity": {"cpu": "4", "memory": "8Gi"}}]},
        deployments=[], stateful_sets=[{"name": "db", "replicas": 3, "pod_management_policy": "Parallel",
                                       "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1", "memory": "1Gi"}}]}],
        duration_s=60)
    placed = result.pods.dropna(subset=["node"])
    assert len(placed) == 3
    assert placed.node.nunique() == 3  # hostname spreading beats LeastAllocated's pull to the big nodes


def test_default_constraints_on_nodes_without_a_zone_label() -> None:
    # the zone default constraint adds nothing when no node has the key; the hostname one still spreads
    nodes = {n: {HOST: n} for n in ("a", "b", "c")}
    t = table(*((n, 4000, 2**34) for n in nodes), labels=nodes)
    t.add_pod(_pod("e0", {"app": "web"}), "a")
    pod = _pod("p", {"app": "web"})
    pod.meta.owner = OwnerRef("ReplicaSet", "web-1", "u")
    t.set_owner_selector(("ReplicaSet", "default", "web-1"), LabelSelector((("app", "web"),)))
    plugin = PodTopologySpread()
    idx = np.array([t.index[n] for n in nodes])
    raw = plugin.score(CycleState(), pod, t, idx)
    # hostname (maxSkew 3): count * log(3 + 2) + 2; zone (maxSkew 5): nowhere
    assert raw.tolist() == [round(1 * np.log(5) + 2), 2, 2]
    assert plugin.normalize(CycleState(), pod, raw).tolist()[1:] == [100, 100]


@pytest.mark.parametrize(("args", "msg"), [
    ({"defaultingType": "Foo"}, "defaultingType: Unsupported value"),
    ({"defaultingType": "System", "defaultConstraints": [{"maxSkew": 1, "topologyKey": "k"}]}, "defaultConstraints: Invalid value"),
    ({"defaultingType": "List", "defaultConstraints": [{"maxSkew": 0, "topologyKey": "k"}]}, "maxSkew: Invalid value"),
    ({"bogus": 1}, "bogus: unknown arg"),
])
def test_args_validation(args: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        PodTopologySpread.from_args(args)
