"""Category I (cloud and pod lifecycle): the cloud node lifecycle controller, PodGC, and their defaults.

Each case builds a store, runs the simulator's controller (``CloudNodeLifecycleController.monitor_nodes``,
``PodGCController.gc``) on it and reads back what was deleted, patched or tainted.
"""

from __future__ import annotations

from typing import Any

from clustersim.api.objects import ConditionStatus, Node, ObjectMeta, Pod
from clustersim.api.types import Container, PodPhase, PodSpec, ResourceList, Taint, TaintEffect
from clustersim.apiserver import ADDED, DELETED, ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.client import Client, Gate
from clustersim.cloud.ccm.node_lifecycle import SHUTDOWN_TAINT, CloudNodeLifecycleController
from clustersim.cloud.pools import TAINT_UNINITIALIZED
from clustersim.cloud.provider import CloudError, InstanceMetadata
from clustersim.config import models as m
from clustersim.config.cloud import CloudControllerManagerConfig
from clustersim.conformance.registry import register, register_defaults
from clustersim.controllers.podgc import PodGCController
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder

_CM, _CCM = m.ControllerManagerConfig(), CloudControllerManagerConfig()

register_defaults({
    ("kube-controller-manager", "podgc.quarantineTime"): (lambda: _CM.pod_gc_orphan_quarantine_s, "s"),
    ("kube-controller-manager", "podgc.gcCheckPeriod"): (lambda: _CM.pod_gc_period_s, "s"),
    ("cloud-controller-manager", "node-monitor-period"): (lambda: _CCM.node_monitor_period_s, "s"),
    ("cloud-controller-manager", "shutdownTaint"): (lambda: f"{SHUTDOWN_TAINT.key}:{SHUTDOWN_TAINT.effect}", "taint"),
    ("cloud-controller-manager", "uninitializedTaint"): (lambda: TAINT_UNINITIALIZED, "taint key"),
})


class _CaseCloud:
    """InstancesV2 answering as a case says: true, false, or 'error'."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers

    def _ask(self, key: str) -> bool:
        v = self.answers.get(key, False)
        if v == "error":
            raise CloudError(key)
        return bool(v)

    def instance_exists(self, node: Node) -> bool:
        return self._ask("instance_exists")

    def instance_shutdown(self, node: Node) -> bool:
        return self._ask("instance_shutdown")

    def instance_metadata(self, node: Node) -> InstanceMetadata:
        return InstanceMetadata("", "", "", "")


def _store() -> tuple[ClusterEnv, ClusterState]:
    env = ClusterEnv(1)
    return env, ClusterState(env, 0.0, DefaultTolerationSeconds())


def _taints(items: list[dict[str, Any]]) -> tuple[Taint, ...]:
    return tuple(Taint(t["key"], TaintEffect(t["effect"]), t.get("value", "") or "") for t in items)


def _node(name: str, ready: str = "True", taints: list[dict[str, Any]] | None = None) -> Node:
    alloc = ResourceList(1000, 1 << 30, 110)
    node = Node(ObjectMeta(name), alloc, alloc, taints=_taints(taints or []))
    node.ready = ConditionStatus(ready)
    return node


def cloud_node_lifecycle(inp: dict[str, Any]) -> dict[str, Any]:
    env, state = _store()
    n = inp["node"]
    state.create(_node(n["name"], n.get("ready") or "Unknown", n.get("taints")))
    ctl = CloudNodeLifecycleController(env, Client(state, Gate(env)), Recorder(env), _CCM, _CaseCloud(inp["cloud"]))
    ctl.watched.add(n["name"])
    ctl.monitor_nodes()
    node = state.get("Node", n["name"])
    if node is None:
        return {"deleted": True, "taints": None}
    return {"deleted": False, "taints": [{"key": t.key, "effect": str(t.effect), **({"value": t.value} if t.value else {})} for t in node.taints]}


def _pod(state: ClusterState, p: dict[str, Any], i: int) -> Pod:
    pod = Pod(ObjectMeta(p["name"], "default"), PodSpec((Container("c", "img"),)), node_name=p.get("node") or "")
    pod.status.phase = PodPhase(p["phase"]) if p.get("phase") else PodPhase.PENDING  # '' is not terminal
    pod.status.reason = p.get("reason") or ""
    state.create(pod)
    pod.meta.creation_s = 3600.0 * (i + 1)  # created one hour apart, in list order
    if p.get("terminating"):
        pod.meta.deletion_s = 0.0
    return pod


def _gc(env: ClusterEnv, state: ClusterState, threshold: int, informer: list[str]) -> PodGCController:
    cfg = m.ControllerManagerConfig(terminated_pod_gc_threshold=max(0, threshold))
    gc = PodGCController(env, state, Recorder(env), cfg)
    gc.init_caches()
    for pod in state.list("Pod"):
        gc.on_pod(ADDED, pod)
    for name in informer:
        gc.on_node(ADDED, _node(name))
    return gc


def _names(pods: list[Pod]) -> list[str]:
    return sorted({p.meta.name for p in pods})


def _setup(inp: dict[str, Any], nodes: list[Node]) -> tuple[ClusterEnv, ClusterState]:
    env, state = _store()
    for node in nodes:
        state.create(node)
    for i, p in enumerate(inp["pods"]):
        _pod(state, p, i)
    return env, state


def podgc_terminated(inp: dict[str, Any]) -> dict[str, Any]:
    env, state = _setup(inp, [_node(n) for n in inp["nodes"]])
    deleted, _ = _gc(env, state, inp["terminated_pod_gc_threshold"], inp["nodes"]).gc()
    return {"deleted": _names(deleted)}


def podgc_orphaned(inp: dict[str, Any]) -> dict[str, Any]:
    env, state = _setup(inp, [_node(n) for n in inp["client_nodes"]])
    gc = _gc(env, state, inp.get("terminated_pod_gc_threshold", -1), inp["informer_nodes"])
    first, _ = gc.gc()
    env.run(until=inp["delay_s"])
    gc.queue.promote(env.now)
    items = len(gc.queue.ready)
    changes = inp.get("node_changes_after_delay") or {}
    for name in changes.get("deleted_client_nodes", []):
        state.delete("Node", name)
    for name in changes.get("added_client_nodes", []):
        state.create(_node(name))
    for name in changes.get("deleted_informer_nodes", []):
        gc.on_node(DELETED, _node(name))
    for name in changes.get("added_informer_nodes", []):
        gc.on_node(ADDED, _node(name))
    second, patched = gc.gc()
    return {"deleted": _names(first + second), "patched": _names(patched), "items_in_queue": items}


def _gc_cases(inp: dict[str, Any], nodes: list[Node]) -> dict[str, Any]:
    env, state = _setup(inp, nodes)
    deleted, patched = _gc(env, state, -1, [n.meta.name for n in nodes]).gc()
    return {"deleted": _names(deleted), "patched": _names(patched)}


register({
    "cloud_node_lifecycle": cloud_node_lifecycle,
    "podgc_terminated": podgc_terminated,
    "podgc_orphaned": podgc_orphaned,
    "podgc_unscheduled_terminating": lambda i: _gc_cases(i, []),
    "podgc_terminating_out_of_service": lambda i: _gc_cases(i, [_node(n["name"], n["ready"], n.get("taints")) for n in i["nodes"]]),
})
