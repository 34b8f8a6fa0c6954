"""The fast lane (per-shape results kept row by row) places every pod where the full vector path does.

Two schedulers see the same nodes, pods, removals and node changes; one may reuse per-shape results
(``shape_cache``), the other always runs every filter and score over every node. Every decision, the
random stream and the final node rows must agree (hypothesis draws clusters, shapes and profiles).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clustersim.scheduler.plugins  # noqa: F401  (registers the plugins)
from clustersim.api.objects import Node, ObjectMeta, Pod
from clustersim.api.types import Container, PodSpec, ResourceList, Taint, TaintEffect, Toleration
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.config.models import SchedulerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.scheduler.framework import CycleState
from clustersim.scheduler.profile import profiles_from_config
from clustersim.scheduler.scheduler import Scheduler
from clustersim.scheduler.shape_cache import ShapeCache

MI, GI = 2**20, 2**30

PROFILES: list[dict[str, Any]] = [
    {},  # kube-scheduler's default profile
    {"scores": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}},
                {"name": "NodeResourcesBalancedAllocation"}]},
    {"scores": [{"name": "NodeResourcesFit", "weight": 3,
                 "args": {"scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 2},
                                                                                     {"name": "memory", "weight": 1}]}}},
                {"name": "NodeResourcesBalancedAllocation", "weight": 2}, {"name": "TaintToleration"}]},
    {"scores": [{"name": "NodeResourcesBalancedAllocation"}]},
    {"scores": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "LeastAllocated",
                                                                            "resources": [{"name": "cpu", "weight": 1}]}}}]},
]


def _scheduler(profile: dict[str, Any], seed: int) -> Scheduler:
    env = ClusterEnv(seed)
    cfg = SchedulerConfig.model_validate({"profiles": [profile]})
    return Scheduler(env, ClusterState(env, 0.0, DefaultTolerationSeconds(300, 300)), Recorder(env), cfg,
                     profiles_from_config(cfg))


@st.composite
def nodes_st(draw: st.DrawFn, n: int) -> list[Node]:
    out = []
    # per cluster, whether nodes may carry taints or images: either turns on more score plugins, and
    # the fused kernel serves only NodeResourcesFit with BalancedAllocation
    kind = draw(st.sampled_from(["plain", "plain", "plain", "tainted", "imaged", "cordoned", "zero"]))
    tainted, imaged, cordoned, zero = kind == "tainted", kind == "imaged", kind == "cordoned", kind == "zero"
    for i in range(n):
        cpu = draw(st.sampled_from([0, 1000, 2000, 4000] if zero else [1000, 2000, 4000]))
        mem = draw(st.sampled_from([0, GI, 4 * GI] if zero else [GI, 4 * GI]))
        pods = draw(st.sampled_from([2, 5, 110]))
        taints = draw(st.sampled_from([(), (Taint("dedicated", TaintEffect.NO_SCHEDULE, "x"),),
                                       (Taint("soft", TaintEffect.PREFER_NO_SCHEDULE),)])) if tainted else ()
        images = draw(st.sampled_from([(), ((("img-a:1",), 500 * MI),)])) if imaged else ()
        alloc = ResourceList(cpu, mem, pods)
        labels = {"kubernetes.io/hostname": f"n{i}", "topology.kubernetes.io/zone": f"z{i % 2}"}
        out.append(Node(ObjectMeta(f"n{i}", "", labels), alloc, alloc, unschedulable=cordoned and i % 5 == 0,
                        taints=taints, images=images))
    return out


SPECS = [PodSpec((Container("c", image, ResourceList(cpu, mem)),), tolerations=tol, node_selector=sel)
         for cpu, mem, image, tol, sel in [
             (100, 256 * MI, "img-a:1", (), ()),
             (250, None, "img-a:1", (), ()),
             (None, 1 * GI, "img-b:1", (), ()),
             (1000, 1 * GI, "img-b:1", (Toleration("dedicated", "Equal", "x", TaintEffect.NO_SCHEDULE),), ()),
             (3000, 3 * GI, "img-a:1", (), ()),
             (None, None, "img-b:1", (), ()),
             (500, 512 * MI, "img-a:1", (), (("topology.kubernetes.io/zone", "z1"),)),
         ]]

ops_st = st.lists(st.tuples(st.sampled_from(["pod"] * 6 + ["delete"] * 2 + ["resize", "cordon", "remove_node"]),
                            st.integers(0, 10**6)), min_size=10, max_size=150)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=st.one_of(st.just(PROFILES[0]), st.sampled_from(PROFILES)), n=st.sampled_from([1, 4, 9, 130]), data=st.data(), ops=ops_st,
       seed=st.integers(0, 2**16))
def test_fast_lane_places_every_pod_where_the_full_path_does(profile: dict[str, Any], n: int, data: st.DataObject,
                                                              ops: list[tuple[str, int]], seed: int) -> None:
    nodes = data.draw(nodes_st(n))
    fast, full = _scheduler(profile, seed), _scheduler(profile, seed)
    full.shapes.lookup = lambda fw, pod: None  # type: ignore[method-assign]
    reused = 0
    real_lookup = ShapeCache.lookup

    def counting(self: ShapeCache, fw: Any, pod: Pod) -> Any:
        nonlocal reused
        out = real_lookup(self, fw, pod)
        reused += out is not None
        return out

    fast.shapes.lookup = counting.__get__(fast.shapes)  # type: ignore[method-assign]
    service = data.draw(st.booleans())  # a Service selecting the labelled pods: they are spread by default,
    for s in (fast, full):               # a score that is not per-node static and is added over the window
        for node in nodes:
            s.nodes.upsert_node(node)
        if service:
            s.nodes.set_service_selector("default", "default/web", (("app", "web"),))
    pods: dict[Scheduler, list[Pod]] = {fast: [], full: []}
    for k, (op, x) in enumerate(ops):
        if op == "pod":
            x %= len(SPECS)
            labels = {"app": "web"} if x % 2 else {}
            probe = Pod(ObjectMeta(f"probe{k}", "default", dict(labels)), fast.state.admission.admit(SPECS[x]))  # as pods get it
            fw = fast.frameworks["default-scheduler"]
            found = fast.shapes.lookup(fw, probe)
            if found is not None:  # the values kept row by row are the values computed afresh
                kept, fresh_found = found[0], ShapeCache(fast.nodes).lookup(fw, probe)
                assert fresh_found is not None
                fresh = fresh_found[0]
                assert kept.eff.tolist() == fresh.eff.tolist() == kept.vals, f"op {k}: kept values drifted"
                assert kept.n_rejected == fresh.n_rejected
                # kept sum plus the per-cycle scores = the full path's weighted sum, over the feasible nodes
                pos = np.flatnonzero(kept.eff >= 0)
                if len(pos) > 1:
                    idx = fast.nodes.candidates()[pos]
                    got = fast._add_dynamic(fw, probe, found[1], kept.eff[pos], idx)
                    want = np.zeros(len(idx), dtype=np.int64)
                    for _, weight, _, norm in full._scores(full.frameworks["default-scheduler"], CycleState(), probe, idx):
                        want = want + norm * weight
                    assert np.array_equal(got, want), f"op {k}: fast lane sums {got.tolist()}, full path {want.tolist()}"
            chosen = []
            for s in (fast, full):
                p = Pod(ObjectMeta(f"p{k}", "default", dict(labels)), SPECS[x])
                s.state.create(p)
                s.queue.add(p)
                info = s.queue.pop()
                assert info is not None and info.pod is p
                chosen.append(s.schedule_one(info))
                pods[s].append(p)
            assert chosen[0] == chosen[1], f"op {k}: fast lane chose {chosen[0]}, full path {chosen[1]}"
        elif op == "delete":
            for s in (fast, full):
                bound = [p for p in pods[s] if p.meta.uid in s.nodes.assigned]
                if bound:
                    s.nodes.remove_pod(bound[x % len(bound)])
        elif op in ("resize", "cordon", "remove_node"):
            node = nodes[x % n]
            for s in (fast, full):
                if op == "remove_node":
                    s.nodes.remove_node(node.meta.name)
                    continue
                cpu = node.allocatable.cpu_m or 0
                alloc = ResourceList(cpu // 2 if op == "resize" else cpu, node.allocatable.memory, node.allocatable.pods)
                s.nodes.upsert_node(Node(node.meta, alloc, alloc, unschedulable=op == "cordon" or node.unschedulable,
                                         taints=node.taints, images=node.images))
    assert fast.nodes.rows == full.nodes.rows
    assert fast.rng.random() == full.rng.random()  # the same number of tie-breaking draws
    plain = all(not nd.taints and not nd.images and not nd.unschedulable for nd in nodes)
    if profile == {} and plain and n == 130 and sum(op == "pod" for op, _ in ops) > 3:
        assert reused > 0  # the case the fast lane is for does take it
