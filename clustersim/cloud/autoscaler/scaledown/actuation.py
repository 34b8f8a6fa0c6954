"""Deleting nodes: cluster-autoscaler ``core/scaledown/actuation`` (actuator, drain, budgets, softtaint).

Budgets (``budgets.go``): at most --max-scale-down-parallelism deletions at once, of which at most
--max-drain-parallelism drain; empty nodes first. A chosen node gets the ToBeDeletedByClusterAutoscaler
taint (and is cordoned, --cordon-node-before-terminating); after --node-delete-delay-after-taint its pods
are evicted through the Eviction API with a grace period of at most --max-graceful-termination-sec
(DaemonSet pods too on non-empty nodes, best effort, per --daemonset-eviction-for-occupied-nodes); a
refused eviction is retried every 10 s for --max-pod-eviction-time (2 min), after which the deletion
fails: the taint comes off (ScaleDownFailed) and scale-down cools down for
--scale-down-delay-after-failure. Once the pods are gone (waited for up to the grace period plus 30 s)
the node group deletes the VM (DeleteNodes); the Node object is left to the cloud node lifecycle
controller, as upstream. Requests the API server refuses (401/403): a refused taint fails the node's
deletion at once (ScaleDownFailed, scale-down cools down, as ``taintNodesSync``'s error does); a
refused eviction is retried like a PDB's refusal (``evictPod`` retries any error until
--max-pod-eviction-time); a refused untaint is logged upstream and left (the taint stays).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from clustersim.api.errors import StatusError
from clustersim.api.objects import Node, Pod
from clustersim.client import Client
from clustersim.cloud.autoscaler.scaleup.orchestrator import STATUS
from clustersim.cloud.autoscaler.simulator.removal import NodeToBeRemoved
from clustersim.cloud.autoscaler.utils import TO_BE_DELETED_TAINT, to_be_deleted_taint
from clustersim.cloud.provider import CloudError, NodeGroup
from clustersim.config.cloud import AutoscalerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder

__all__ = ["EVICTION_RETRY_S", "POD_EVICTION_HEADROOM_S", "Actuator"]

EVICTION_RETRY_S = 10.0  # actuation/drain.go DrainerOptions EvictionRetryTime
POD_EVICTION_HEADROOM_S = 30.0  # actuation PodEvictionHeadroom


class Actuator:
    """Runs node deletions, each as its own process."""

    def __init__(self, env: ClusterEnv, client: Client, rec: Recorder, cfg: AutoscalerConfig,
                 group_of: Callable[[Node], NodeGroup | None]) -> None:
        self.env, self.client, self.rec, self.cfg, self.group_of = env, client, rec, cfg, group_of
        self.deleting: dict[str, bool] = {}  # node -> drains (True) or empty (False)
        self.last_failure_s: float | None = None
        self.last_delete_s: float | None = None
        self.on_done: Callable[[str], None] = lambda _n: None

    def per_group(self) -> dict[str, int]:
        """Deletions in progress per node group."""
        out: dict[str, int] = {}
        for name in self.deleting:
            node = self.client.get("Node", name)
            g = self.group_of(node) if node is not None else None
            if g is not None:
                out[g.id()] = out.get(g.id(), 0) + 1
        return out

    def start_deletion(self, empty: list[NodeToBeRemoved], drain: list[NodeToBeRemoved], now: float) -> list[str]:
        """StartDeletion within the budgets; returns the nodes started."""
        room = self.cfg.max_scale_down_parallelism - len(self.deleting)
        drain_room = self.cfg.max_drain_parallelism - sum(self.deleting.values())
        started = []
        for removal, drains in [*((r, False) for r in empty), *((r, True) for r in drain)]:
            if room <= 0 or (drains and drain_room <= 0):
                continue
            node = self.client.get("Node", removal.node)
            if node is None or removal.node in self.deleting:
                continue
            if not self._taint(node, now):
                continue
            room -= 1
            drain_room -= int(drains)
            self.deleting[removal.node] = drains
            util = "drain" if drains else "empty"
            if drains:
                pods = ",".join(p.key for p in removal.pods_to_reschedule)
                self.rec.event(*STATUS, "ScaleDown", f"Scale-down: removing node {removal.node}, pods to reschedule: {pods}")
            else:
                self.rec.event(*STATUS, "ScaleDownEmpty", f"Scale-down: removing empty node {removal.node!r}")
            self.env.process(self._delete(removal, drains, util))
            started.append(removal.node)
        return started

    def _taint(self, node: Node, now: float) -> bool:
        """MarkToBeDeleted; False (and a failed scale-down) when the API server refuses it."""
        try:
            self.client.authorize("update", node)  # before the Node is changed in place
        except StatusError as err:
            self.rec.event("Node", "", node.meta.name, "ScaleDownFailed", f"failed to mark the node as toBeDeleted/unschedulable: "
                           f"{err.message}", node.meta.name, "Warning")
            self.last_failure_s = now
            return False
        if not any(t.key == TO_BE_DELETED_TAINT for t in node.taints):
            node.taints = (*node.taints, to_be_deleted_taint(now))
        if self.cfg.cordon_node_before_terminating:
            node.unschedulable = True
        self.client.update(node)
        self.rec.event("Node", "", node.meta.name, "ScaleDown", "marked the node as toBeDeleted/unschedulable", node.meta.name)
        return True

    def _untaint(self, name: str) -> None:
        node = self.client.get("Node", name)
        if node is None:
            return
        try:
            self.client.authorize("update", node)
        except StatusError:
            return  # CleanToBeDeleted: "Failed to clean ToBeDeleted information", logged upstream
        node.taints = tuple(t for t in node.taints if t.key != TO_BE_DELETED_TAINT)
        node.unschedulable = False
        self.client.update(node)

    def _delete(self, removal: NodeToBeRemoved, drains: bool, _util: str) -> Generator[Any, Any, None]:
        name = removal.node
        yield self.env.timeout(self.cfg.node_delete_delay_after_taint_s)
        ok = True
        if drains:
            ok = yield from self._drain(removal)
        if ok:
            node = self.client.get("Node", name)
            g = self.group_of(node) if node is not None else None
            try:
                if node is None or g is None:
                    raise CloudError(f"node {name} has no node group")
                g.delete_nodes([node])
                self.last_delete_s = self.env.now
                self.rec.event("Node", "", name, "ScaleDown", "nodes removed by cluster autoscaler", name)
            except CloudError as e:
                ok = False
                self.rec.event("Node", "", name, "ScaleDownFailed", f"failed to delete the node: {e}", name, "Warning")
        if not ok:
            self._untaint(name)
            self.last_failure_s = self.env.now
        del self.deleting[name]
        self.on_done(name)

    def _evictable(self, removal: NodeToBeRemoved) -> list[Pod]:
        pods = list(removal.pods_to_reschedule)
        if self.cfg.daemonset_eviction_for_occupied_nodes:
            pods += removal.daemonset_pods
        return pods

    def _drain(self, removal: NodeToBeRemoved) -> Generator[Any, Any, bool]:
        """Evict, retrying refusals until max-pod-eviction-time; then wait for the pods to be gone."""
        name, start = removal.node, self.env.now
        daemons = {p.meta.uid for p in removal.daemonset_pods}
        left = self._evictable(removal)
        while left:
            refused = []
            last = "PodDisruptionBudget"
            for pod in left:
                grace = min(pod.spec.termination_grace_period_s, float(self.cfg.max_graceful_termination_sec))
                try:
                    evicted = self.client.evict(pod, grace)
                except StatusError as err:  # refused by the API server: retried as any eviction error
                    evicted, last = False, err.message
                if evicted:
                    self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "ScaleDown", "deleting pod for node scale down", name)
                elif pod.meta.uid not in daemons:
                    refused.append(pod)
            left = refused
            if not left:
                break
            if self.env.now - start + EVICTION_RETRY_S > self.cfg.max_pod_eviction_time_s:
                self.rec.event("Node", "", name, "ScaleDownFailed", f"failed to drain the node, aborting ScaleDown: "
                               f"{len(left)} pods could not be evicted (last error: {last})", name, "Warning")
                return False
            yield self.env.timeout(EVICTION_RETRY_S)
        deadline = self.env.now + self.cfg.max_graceful_termination_sec + POD_EVICTION_HEADROOM_S
        while self.env.now < deadline and any(self.client.get("Pod", p.key) is p for p in removal.pods_to_reschedule):
            yield self.env.timeout(5.0)
        return True
