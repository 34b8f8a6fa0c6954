"""Node lifecycle controller: ``pkg/controller/nodelifecycle/node_lifecycle_controller.go``.

Every ``--node-monitor-period`` (5 s) it checks each node's Lease: the probe timestamp is the check
at which a newer ``renewTime`` was first seen; when no newer lease has been seen for
``--node-monitor-grace-period`` (50 s), Ready becomes Unknown, a NodeNotReady event is recorded,
the node's pods are marked not Ready, the ``unreachable:NoSchedule`` taint is set, and the node is
queued for the ``unreachable:NoExecute`` taint, rate-limited per zone (``--node-eviction-rate``
0.1/s; ``--secondary-node-eviction-rate`` in partially disrupted zones larger than
``--large-cluster-size-threshold``, else 0; evictions stop when every zone is fully disrupted).
A node reporting Ready again loses the taints.

A healthy node's lease renews every 10 s, so its check can never go stale: only nodes whose lease
has stopped, that are not Ready, or that carry our taints are visited at each check, and the probe
timestamp of a node is computed from its lease schedule. This gives the same result as visiting
every node. Checks run at controller start + k x period; a node is declared at the check where
``now >= probe + grace`` (upstream's strict ``After`` is always met in real clusters, where each
pass runs a little later than the last).

Two upstream modes are switches. ``enable_taint_manager: false`` is the path before taint-based
evictions (``processNoTaintBaseEviction``, removed in v1.27): no NoExecute taints; once a node has
been Unknown for ``--pod-eviction-timeout`` (300 s) since its last heartbeat (or False for that long
since its transition), it goes through the same per-zone rate-limited queue and its pods are deleted
(``nodeutil.DeletePods``: all but DaemonSet pods, tolerations ignored, reason NodeLost, a
NodeControllerEviction event each). ``noexecute_taint_lag: true`` reproduces kubernetes#120815 (before
PR #120816): the taint is queued from the Ready condition observed at the start of the pass, so a
node declared Unknown in a pass is tainted at the next one.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

from clustersim.api.errors import StatusError
from clustersim.api.objects import (
    TAINT_DISK_PRESSURE,
    TAINT_MEMORY_PRESSURE,
    TAINT_NOT_READY,
    TAINT_UNREACHABLE,
    TAINT_UNSCHEDULABLE,
    ConditionStatus,
    Lease,
    Node,
)
from clustersim.api.types import Taint, TaintEffect
from clustersim.apiserver import DELETED
from clustersim.controllers.base import CONTROLLERS, Controller
from clustersim.controllers.rate_limiter import ZoneTainter

__all__ = ["NodeLifecycleController", "compute_zone_state"]

NORMAL, PARTIAL, FULL = "Normal", "PartialDisruption", "FullDisruption"
_NOEXEC = {ConditionStatus.FALSE: TAINT_NOT_READY, ConditionStatus.UNKNOWN: TAINT_UNREACHABLE}


def compute_zone_state(ready: int, not_ready: int, threshold: float) -> str:
    """``ComputeZoneState``: full when none is ready, partial when > 2 and >= threshold are not."""
    if ready == 0 and not_ready > 0:
        return FULL
    if not_ready > 2 and not_ready / (not_ready + ready) >= threshold:
        return PARTIAL
    return NORMAL


@CONTROLLERS.register("NodeLifecycle")
class NodeLifecycleController(Controller):
    """Detects unreachable nodes and taints them."""

    name = "NodeLifecycle"

    def setup(self) -> None:
        """Watch nodes and leases; start the monitor loop."""
        self.t0 = self.env.now
        self.zone_of: dict[str, str] = {}
        self.zone_nodes: dict[str, set[str]] = {}
        self.not_ready: set[str] = set()
        self.stopped_leases: set[str] = set()
        self.tainted: set[str] = set()
        self.zone_states: dict[str, str] = {}
        self.tainters: dict[str, ZoneTainter] = {}  # per zone: the NoExecute tainter, or the pod evictor (legacy)
        self.evicted: set[str] = set()  # legacy path: nodes whose pods were deleted (new ones go at once)
        self.state.watch("Node", self._on_node)
        self.state.watch("Lease", self._on_lease)
        self.env.process(self.monitor_loop())

    def start(self) -> None:
        """No work queue: the monitor loop is periodic."""
        self.setup()

    # ---- informers
    def _on_node(self, etype: str, node: Node) -> None:
        name = node.meta.name
        if etype == DELETED:
            zone = self.zone_of.pop(name, None)
            if zone is not None:
                self.zone_nodes[zone].discard(name)
            self.not_ready.discard(name)
            return
        zone = node.zone
        if self.zone_of.get(name) != zone:
            old = self.zone_of.get(name)
            if old is not None:
                self.zone_nodes[old].discard(name)
            self.zone_of[name] = zone
            self.zone_nodes.setdefault(zone, set()).add(name)
            if zone not in self.tainters:
                action = self._taint_no_execute if self.cfg.enable_taint_manager else self._evict_pods
                self.tainters[zone] = ZoneTainter(self.env, self.cfg.node_eviction_rate, action)
        if node.ready is ConditionStatus.TRUE:
            self.not_ready.discard(name)
        else:
            self.not_ready.add(name)
        self._no_schedule_taints(node)

    def _on_lease(self, etype: str, lease: Lease) -> None:
        if lease.stopped_s is None or etype == DELETED:
            self.stopped_leases.discard(lease.meta.name)
        else:
            self.stopped_leases.add(lease.meta.name)

    # ---- taints
    def _set_taints(self, node: Node, taints: tuple[Taint, ...]) -> bool:
        """Update the node's taints; False when the update is refused (nothing changes; a later pass retries)."""
        if taints != node.taints:
            try:
                self.state.authorize("update", node)
            except StatusError:
                return False
            node.taints = taints
            self.state.update(node)
        return True

    def _no_schedule_taints(self, node: Node) -> None:
        """``doNoScheduleTaintingPass``: NoSchedule taints mirror Ready, the pressure conditions
        (``nodeConditionToTaintKeyStatusMap``) and cordon."""
        want = set()
        if node.ready is ConditionStatus.FALSE:
            want.add(TAINT_NOT_READY)
        elif node.ready is ConditionStatus.UNKNOWN:
            want.add(TAINT_UNREACHABLE)
        if node.unschedulable:
            want.add(TAINT_UNSCHEDULABLE)
        if node.memory_pressure:
            want.add(TAINT_MEMORY_PRESSURE)
        if node.disk_pressure:
            want.add(TAINT_DISK_PRESSURE)
        managed = (TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE)
        keep = tuple(t for t in node.taints if not (t.effect is TaintEffect.NO_SCHEDULE and t.key in managed))
        have = {t.key for t in node.taints if t.effect is TaintEffect.NO_SCHEDULE and t.key in managed}
        if have != want:
            self._set_taints(node, keep + tuple(Taint(k, TaintEffect.NO_SCHEDULE) for k in sorted(want)))

    def _taint_no_execute(self, name: str) -> None:
        """The tainter's action: NoExecute taint matching the Ready condition (healthy: nothing)."""
        if not self.connected:
            self.when_connected(lambda: self._taint_no_execute(name))
            return
        node: Node | None = self.state.get("Node", name)
        if node is None or node.ready not in _NOEXEC:
            return
        key = _NOEXEC[node.ready]
        other = TAINT_NOT_READY if key == TAINT_UNREACHABLE else TAINT_UNREACHABLE
        keep = tuple(t for t in node.taints if not (t.effect is TaintEffect.NO_EXECUTE and t.key in (key, other)))
        if not self._set_taints(node, keep + (Taint(key, TaintEffect.NO_EXECUTE, time_added_s=self.env.now),)):
            return
        self.tainted.add(name)
        self.rec.level("node_noexecute_taint", 1, name=name)

    def _mark_reachable(self, node: Node) -> None:
        """``markNodeAsReachable``: drop our NoExecute taints and any queued tainting."""
        name = node.meta.name
        self.tainted.discard(name)
        tainter = self.tainters.get(self.zone_of.get(name, ""))
        if tainter is not None:
            tainter.remove(name)
        keep = tuple(t for t in node.taints if not (t.effect is TaintEffect.NO_EXECUTE and t.key in (TAINT_NOT_READY, TAINT_UNREACHABLE)))
        if self._set_taints(node, keep):
            self.rec.level("node_noexecute_taint", 0, name=name)

    # ---- monitoring
    def _tick_at_or_after(self, t: float) -> float:
        period = self.cfg.node_monitor_period_s
        return self.t0 + max(0, math.ceil((t - self.t0) / period - 1e-9)) * period

    def _probe_time(self, node: Node, lease: Lease | None, now: float) -> float:
        """Check at which the latest lease renewal or status heartbeat was first seen (``probeTimestamp``)."""
        latency = self.state.watch_latency_s
        renew = lease.renew_time(now - latency) if lease is not None else None
        seen = [self._tick_at_or_after(node.heartbeat_s)]
        if renew is not None:
            seen.append(self._tick_at_or_after(renew + latency))
        return min(max(seen), now)

    def monitor_loop(self) -> Generator[Any, Any, None]:
        """``monitorNodeHealth`` every node-monitor-period."""
        while True:
            if self.connected:  # a controller-manager that is down or cut off observes nothing
                self.monitor_node_health()
            yield self.env.timeout(self.cfg.node_monitor_period_s)

    def monitor_node_health(self) -> None:
        """One pass over the nodes that may have changed."""
        now = self.env.now
        for name in sorted(self.stopped_leases | self.not_ready | self.tainted | self.evicted):
            node: Node | None = self.state.get("Node", name)
            if node is None:
                continue
            grace = self.cfg.node_monitor_grace_period_s if node.ever_ready else self.cfg.node_startup_grace_period_s
            lease = self.state.get("Lease", f"kube-node-lease/{name}")
            observed, probe = node.ready, self._probe_time(node, lease, now)
            if node.ready is not ConditionStatus.UNKNOWN and now >= probe + grace:
                self._declare_unknown(node)
            if not self.cfg.enable_taint_manager:
                self._process_no_taint_based_eviction(node, probe)
            else:  # before PR #120816 the taint followed the condition observed at the start of the pass
                self._process_taint_based_eviction(node, observed if self.cfg.noexecute_taint_lag else node.ready)
        self._handle_disruption()

    def _declare_unknown(self, node: Node) -> None:
        name = node.meta.name
        was_ready = node.ready is ConditionStatus.TRUE
        try:
            self.state.authorize("update", node, "status")
        except StatusError:
            return  # tryUpdateNodeHealth failed: the next pass tries again
        node.ready, node.ready_transition_s = ConditionStatus.UNKNOWN, self.env.now
        self.not_ready.add(name)
        self._no_schedule_taints(node)
        self.state.update(node, "status")
        if was_ready:
            self.rec.event("Node", "", name, "NodeNotReady", f"Node {name} status is now: NodeNotReady", name)
            for pod in self.state.pods_on_node(name):  # controllerutil.MarkPodsNotReady
                if pod.status.ready:
                    try:
                        self.state.authorize("update", pod, "status")
                    except StatusError:
                        continue
                    pod.status.ready, pod.status.ready_transition_s = False, self.env.now
                    self.state.update(pod, "status")
                    self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "NodeNotReady", "Node is not ready", name, "Warning")

    def _process_taint_based_eviction(self, node: Node, ready: ConditionStatus) -> None:
        """``processTaintBaseEviction`` for the Ready condition ``ready``."""
        name = node.meta.name
        if ready is ConditionStatus.TRUE:
            self._mark_reachable(node)
            return
        key = _NOEXEC[ready]
        other = TAINT_NOT_READY if key == TAINT_UNREACHABLE else TAINT_UNREACHABLE
        if any(t.key == other and t.effect is TaintEffect.NO_EXECUTE for t in node.taints):
            self._taint_no_execute(name)  # swap at once, no token needed
        elif not any(t.key == key and t.effect is TaintEffect.NO_EXECUTE for t in node.taints):
            self.tainters[self.zone_of.get(name, "")].add(name)

    def _process_no_taint_based_eviction(self, node: Node, probe: float) -> None:
        """``processNoTaintBaseEviction``: queue the node's pods for deletion once it has been down long enough."""
        name = node.meta.name
        tainter = self.tainters.get(self.zone_of.get(name, ""))
        if node.ready is ConditionStatus.TRUE:  # cancelPodEviction
            self.evicted.discard(name)
            if tainter is not None:
                tainter.remove(name)
            return
        since = node.ready_transition_s if node.ready is ConditionStatus.FALSE else probe
        if self.env.now < since + self.cfg.pod_eviction_timeout_s:
            return
        if name in self.evicted:
            self._delete_pods(name)  # evictPods on an already evicted node: pods that came since go at once
        elif tainter is not None:
            tainter.add(name)

    def _evict_pods(self, name: str) -> None:
        """The pod evictor's action (``doEvictionPass``): delete the pods of a node still not Ready."""
        if not self.connected:
            self.when_connected(lambda: self._evict_pods(name))
            return
        node: Node | None = self.state.get("Node", name)
        if node is None or node.ready is ConditionStatus.TRUE:
            return
        self.evicted.add(name)
        self._delete_pods(name)

    def _delete_pods(self, name: str) -> None:
        """``nodeutil.DeletePods``: every pod of the node but DaemonSet pods and those already terminating."""
        pods = [p for p in self.state.pods_on_node(name) if not p.terminating
                and not (p.meta.owner is not None and p.meta.owner.kind == "DaemonSet")]
        if not pods:
            return
        self.rec.event("Node", "", name, "DeletingAllPods", f"Deleting all Pods from Node {name}.", name)
        for pod in pods:
            pod.status.reason = "NodeLost"  # SetPodTerminationReason
            self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "NodeControllerEviction",
                           f"Marking for deletion Pod {pod.meta.name} from Node {name}", name)
            self.state.delete("Pod", pod.key)

    def _zone_qps(self, zone: str, state: str) -> float:
        """``setLimiterInZone``: healthy rate, reduced rate, or 0 for small disrupted zones."""
        if state == PARTIAL:
            size = len(self.zone_nodes.get(zone, ()))
            return self.cfg.secondary_node_eviction_rate if size > self.cfg.large_cluster_size_threshold else 0.0
        return self.cfg.node_eviction_rate

    def _handle_disruption(self) -> None:
        """``handleDisruption``: per-zone states and rate limits; stop all evictions in a full outage."""
        new: dict[str, str] = {}
        for zone, names in self.zone_nodes.items():
            if not names:
                continue
            bad = len(names & self.not_ready)
            new[zone] = compute_zone_state(len(names) - bad, bad, self.cfg.unhealthy_zone_threshold)
        all_full = bool(new) and all(s == FULL for s in new.values())
        all_were_full = bool(self.zone_states) and all(s == FULL for s in self.zone_states.values())
        if all_full and all_were_full:
            return
        if all_full:
            for zone in new:
                for name in sorted(self.zone_nodes[zone]):
                    node = self.state.get("Node", name)
                    if node is not None:
                        self._mark_reachable(node)
                self.tainters[zone].swap_limiter(0.0)
                self.zone_states[zone] = FULL
            return
        for zone, state in new.items():
            if self.zone_states.get(zone) != state or all_were_full:
                self.tainters[zone].swap_limiter(self._zone_qps(zone, state))
                self.zone_states[zone] = state
