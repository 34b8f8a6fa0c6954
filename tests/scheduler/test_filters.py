"""NodeUnschedulable, NodeName, TaintToleration and NodeAffinity filters, table-driven."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.api.types import Toleration
from clustersim.scheduler.framework import CycleState, default_normalize_score
from clustersim.scheduler.plugins.node_affinity import NodeAffinity
from clustersim.scheduler.plugins.node_name import NodeName
from clustersim.scheduler.plugins.node_unschedulable import NodeUnschedulable
from clustersim.scheduler.plugins.taint_toleration import REASON_UNTOLERATED, TaintToleration
from tests.scheduler.helpers import pod, table, taint

NODES = (("a", 1000, 1000), ("b", 1000, 1000), ("c", 1000, 1000))


def _mask(plugin, p, t) -> list[bool]:
    return plugin.filter(CycleState(), p, t, t.candidates()).tolist()


def test_node_unschedulable() -> None:
    t = table(*NODES, cordoned={"b"})
    assert _mask(NodeUnschedulable(), pod(), t) == [True, False, True]
    tolerant = pod(tolerations=(Toleration("node.kubernetes.io/unschedulable", "Exists", effect="NoSchedule"),))
    assert _mask(NodeUnschedulable(), tolerant, t) == [True, True, True]
    assert NodeUnschedulable().skip(pod(), table(*NODES))


def test_node_name() -> None:
    t = table(*NODES)
    assert _mask(NodeName(), pod(node_name="c"), t) == [False, False, True]
    assert NodeName().skip(pod(), t) and not NodeName().skip(pod(node_name="c"), t)


@pytest.mark.parametrize(("tolerations", "node_taints", "fits"), [
    ((), (taint("dedicated", "NoSchedule", "user1"),), False),
    ((Toleration("dedicated", "Equal", "user2", "NoSchedule"),), (taint("dedicated", "NoSchedule", "user1"),), False),
    ((Toleration("foo", "Exists", effect="NoSchedule"),), (taint("foo", "NoSchedule", "bar"),), True),
    ((Toleration("foo", "Equal", "bar", "PreferNoSchedule"),), (taint("foo", "NoSchedule", "bar"),), False),
    ((Toleration("foo", "Equal", "bar"),), (taint("foo", "NoSchedule", "bar"),), True),
    ((), (taint("dedicated", "PreferNoSchedule", "user1"),), True),
    ((), (taint("node.kubernetes.io/unreachable", "NoExecute"),), False),
    ((Toleration(operator="Exists"),), (taint("anything", "NoExecute"),), True),
])
def test_taint_toleration_filter(tolerations, node_taints, fits: bool) -> None:
    t = table(("a", 1, 1), taints={"a": node_taints})
    p = pod(tolerations=tolerations)
    assert _mask(TaintToleration(), p, t) == [fits]
    if not fits:
        assert TaintToleration().reasons(CycleState(), p, t, 0)[1] == [REASON_UNTOLERATED]


def test_taint_toleration_score_prefers_fewer_intolerable_prefer_no_schedule() -> None:
    t = table(*NODES, taints={"a": (taint("x", "PreferNoSchedule"), taint("y", "PreferNoSchedule")),
                             "b": (taint("x", "PreferNoSchedule"),)})
    plugin = TaintToleration()
    raw = plugin.score(CycleState(), pod(), t, t.candidates())
    assert raw.tolist() == [2, 1, 0]
    assert plugin.normalize(CycleState(), pod(), raw).tolist() == [0, 50, 100]


def test_node_affinity_node_selector() -> None:
    t = table(*NODES, labels={"a": {"disk": "ssd"}, "c": {"disk": "ssd", "zone": "z1"}})
    assert _mask(NodeAffinity(), pod(selector={"disk": "ssd"}), t) == [True, False, True]
    assert _mask(NodeAffinity(), pod(selector={"disk": "ssd", "zone": "z1"}), t) == [False, False, True]


@pytest.mark.parametrize(("reverse", "scores", "want"), [
    (False, [1, 2, 3, 4], [25, 50, 75, 100]), (True, [1, 2, 3, 4], [75, 50, 25, 0]),
    (False, [0, 0], [0, 0]), (True, [0, 0], [100, 100]),
])
def test_default_normalize_score(reverse: bool, scores: list[int], want: list[int]) -> None:
    assert default_normalize_score(100, reverse, np.array(scores)).tolist() == want
