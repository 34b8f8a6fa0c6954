"""InterPodAffinity, table-driven. Score cases transcribed from upstream's TestPreferredAffinity
(pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go); filter cases follow filtering.go's
rules (affinity counts, the first-pod exception, anti-affinity both ways)."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.api.objects import ObjectMeta, Pod
from clustersim.api.types import Container, LabelSelector, NodeSelectorRequirement, PodAffinity, PodAffinityTerm, PodSpec
from clustersim.scheduler.framework import Code, CycleState
from clustersim.scheduler.plugins.inter_pod_affinity import (
    REASON_AFFINITY,
    REASON_ANTI_AFFINITY,
    REASON_EXISTING_ANTI_AFFINITY,
    InterPodAffinity,
)
from tests.scheduler.helpers import table

CHINA, INDIA, AZ1, CHINA_AZ1 = {"region": "China"}, {"region": "India"}, {"az": "az1"}, {"region": "China", "az": "az1"}
S1, S2 = {"security": "S1"}, {"security": "S2"}


def _in(key: str, *values: str) -> NodeSelectorRequirement:
    return NodeSelectorRequirement(key, "In", values)


def _term(key: str, *reqs: NodeSelectorRequirement) -> PodAffinityTerm:
    return PodAffinityTerm(LabelSelector((), reqs), key)


STAY_S1_REGION = PodAffinity(preferred=((5, _term("region", _in("security", "S1"))),))
STAY_S2_REGION = PodAffinity(preferred=((6, _term("region", _in("security", "S2"))),))
AFFINITY3 = PodAffinity(preferred=(
    (8, _term("region", NodeSelectorRequirement("security", "NotIn", ("S1",)), _in("security", "S2"))),
    (2, _term("region", NodeSelectorRequirement("security", "Exists"), NodeSelectorRequirement("wrongkey", "DoesNotExist"))),
))
AWAY_S1_AZ = PodAffinity(anti_preferred=((5, _term("az", _in("security", "S1"))),))


def _pod(name: str, labels: dict[str, str], aff: PodAffinity | None = None) -> Pod:
    p = Pod(ObjectMeta(name, "default", dict(labels)), PodSpec((Container("c", "i"),), pod_affinity=aff))
    p.meta.uid = name
    return p


def _setup(nodes: list[dict[str, str]], existing: list[tuple[int, dict[str, str], PodAffinity | None]]):  # type: ignore[no-untyped-def]
    names = [f"node{k + 1}" for k in range(len(nodes))]
    t = table(*((n, 4000, 2**34) for n in names), labels=dict(zip(names, nodes, strict=True)))
    for k, (node, labels, aff) in enumerate(existing):
        t.add_pod(_pod(f"e{k}", labels, aff), names[node])
    return t, names


@pytest.mark.parametrize(("name", "pod", "nodes", "existing", "want"), [
    ("affinity: matching topology and pods scores high", _pod("p", S1, STAY_S1_REGION), [CHINA, INDIA, AZ1],
     [(0, S1, None), (1, S2, None), (2, S1, None)], [100, 0, 0]),
    ("all nodes sharing the matching topology value score the same", _pod("p", {}, STAY_S1_REGION), [CHINA, CHINA_AZ1, INDIA],
     [(0, S1, None)], [100, 100, 0]),
    ("the region with more matching pods scores high", _pod("p", S1, STAY_S2_REGION), [CHINA, INDIA, CHINA, CHINA, INDIA],
     [(0, S2, None), (0, S2, None), (1, S2, None), (2, S2, None), (3, S2, None), (4, S2, None)], [100, 0, 100, 100, 0]),
    ("different operators, including match failures", _pod("p", S1, AFFINITY3), [CHINA, INDIA, AZ1],
     [(0, S1, None), (1, S2, None), (2, S1, None)], [20, 100, 0]),
    ("symmetry: an existing pod's preferred term that the incoming pod matches", _pod("p", S2), [CHINA, INDIA],
     [(0, S1, STAY_S1_REGION), (1, S2, STAY_S2_REGION)], [0, 100]),
    ("anti-affinity: away from S1 in the same az", _pod("p", S2, AWAY_S1_AZ), [AZ1, {"az": "az2"}],
     [(0, S1, None), (1, S2, None)], [0, 100]),
])
def test_preferred_scores(name: str, pod: Pod, nodes: list[dict[str, str]], existing: list, want: list[int]) -> None:
    t, names = _setup(nodes, existing)
    plugin = InterPodAffinity()
    assert not plugin.skip_score(pod, t)
    idx = np.array([t.index[n] for n in names])
    got = plugin.normalize(CycleState(), pod, plugin.score(CycleState(), pod, t, idx)).tolist()
    assert got == want, name


def test_prescore_skips_without_any_affinity() -> None:
    t, _ = _setup([CHINA, INDIA], [(0, S1, None)])
    assert InterPodAffinity().skip_score(_pod("p", S1), t)
    assert InterPodAffinity().skip(_pod("p", S1), t)


def test_hard_pod_affinity_weight_counts_existing_required_terms() -> None:
    required = PodAffinity(required=(_term("region", _in("security", "S1")),))
    t, names = _setup([CHINA, INDIA], [(0, S2, required)])
    idx = np.array([t.index[n] for n in names])
    incoming = _pod("p", S1)
    for weight, want in ((1, [100, 0]), (0, [0, 0])):
        plugin = InterPodAffinity(hard_pod_affinity_weight=weight)
        got = plugin.normalize(CycleState(), incoming, plugin.score(CycleState(), incoming, t, idx)).tolist()
        assert got == want


def _verdicts(pod: Pod, t, names):  # type: ignore[no-untyped-def]
    plugin = InterPodAffinity()
    st = CycleState()
    out = []
    for n in names:
        code, why = plugin.reasons(st, pod, t, t.index[n])
        out.append((code, why[0] if why else ""))
    return out


def test_required_affinity_needs_a_matching_pod_in_the_domain() -> None:
    pod = _pod("p", {}, PodAffinity(required=(_term("region", _in("security", "S1")),)))
    t, names = _setup([CHINA, CHINA_AZ1, INDIA, AZ1], [(0, S1, None)])
    got = _verdicts(pod, t, names)
    assert got[0] == got[1] == (Code.SUCCESS, "")
    assert got[2] == (Code.UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_AFFINITY)
    assert got[3] == (Code.UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_AFFINITY)  # no region label at all


def test_first_pod_of_a_self_affine_group_may_go_anywhere_with_the_key() -> None:
    pod = _pod("p", S1, PodAffinity(required=(_term("region", _in("security", "S1")),)))
    t, names = _setup([CHINA, INDIA, AZ1], [(0, S2, None)])
    got = _verdicts(pod, t, names)
    assert [c for c, _ in got] == [Code.SUCCESS, Code.SUCCESS, Code.UNSCHEDULABLE_AND_UNRESOLVABLE]
    # a pod that does not match its own terms gets no such exception
    other = _pod("q", S2, PodAffinity(required=(_term("region", _in("security", "S1")),)))
    assert all(c is Code.UNSCHEDULABLE_AND_UNRESOLVABLE for c, _ in _verdicts(other, t, names))


def test_required_anti_affinity_both_ways() -> None:
    host = "kubernetes.io/hostname"
    nodes = [{host: "node1", "zone": "z1"}, {host: "node2", "zone": "z1"}, {host: "node3", "zone": "z2"}]
    anti = PodAffinity(anti_required=(_term(host, _in("security", "S1")),))
    t, names = _setup(nodes, [(0, S1, None)])
    assert [c for c, _ in _verdicts(_pod("p", S2, anti), t, names)] == [Code.UNSCHEDULABLE, Code.SUCCESS, Code.SUCCESS]
    assert _verdicts(_pod("p", S2, anti), t, names)[0][1] == REASON_ANTI_AFFINITY
    # an existing pod that keeps S2 pods out of its zone
    t2, _ = _setup(nodes, [(0, S1, PodAffinity(anti_required=(_term("zone", _in("security", "S2")),)))])
    incoming = _pod("p", S2)
    assert not InterPodAffinity().skip(incoming, t2)
    got = _verdicts(incoming, t2, names)
    assert got[0] == got[1] == (Code.UNSCHEDULABLE, REASON_EXISTING_ANTI_AFFINITY)
    assert got[2] == (Code.SUCCESS, "")


@pytest.mark.parametrize(("args", "msg"), [({"hardPodAffinityWeight": 101}, "hardPodAffinityWeight"), ({"x": 1}, "x: unknown arg")])
def test_args_validation(args: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        InterPodAffinity.from_args(args)
