"""The Cluster Autoscaler's loop: cluster-autoscaler ``core/static_autoscaler.go`` RunOnce, every --scan-interval.

Each loop: recount the node groups (clusterstate); expire scale-up requests (a timed-out group backs
off); stop if the cluster is unhealthy (too many Unready nodes); delete VMs that never registered within
--max-node-provision-time; take the unschedulable pods (PodScheduled=False, reason Unschedulable, set by
the scheduler), leaving out DaemonSet and expendable pods and those younger than
--new-pod-scale-up-delay; drop those that fit existing or upcoming nodes (FilterOutSchedulable, with
template copies standing in for the nodes being provisioned); scale up for the rest; after a scale-up
nothing else happens in the loop; otherwise re-plan scale-down, and, outside the cool-downs
(--scale-down-delay-after-add/-delete/-failure), start deleting the nodes unneeded long enough.

The autoscaler learns of pods and nodes only through its watches (the snapshot is kept from them) and
of VMs through the cloud provider's NodeGroups; it writes taints, evictions and events through its client.
A loop that fails on a request the API server refuses is counted and the next one runs a scan interval
later (``Run``: "Failed to run autoscaler loop" is logged, the loop goes on).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from clustersim.api.errors import StatusError
from clustersim.api.objects import Node, ObjectMeta, Pod, PodDisruptionBudget
from clustersim.api.types import ResourceList
from clustersim.apiserver import DELETED
from clustersim.client import Client
from clustersim.cloud.autoscaler.clusterstate import ClusterStateRegistry
from clustersim.cloud.autoscaler.estimator.binpacking import PodGroup, fresh_node
from clustersim.cloud.autoscaler.expander import ExpanderContext
from clustersim.cloud.autoscaler.scaledown.actuation import Actuator
from clustersim.cloud.autoscaler.scaledown.planner import Planner
from clustersim.cloud.autoscaler.scaleup.orchestrator import STATUS, ScaleUpOrchestrator
from clustersim.cloud.autoscaler.simulator.drainability import DrainContext
from clustersim.cloud.autoscaler.simulator.snapshot import ClusterSnapshot
from clustersim.cloud.autoscaler.utils import is_daemonset_pod
from clustersim.cloud.provider import CloudProvider, NodeGroup
from clustersim.config.cloud import AutoscalerConfig, parse_nodes_flag
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder

__all__ = ["ClusterAutoscaler"]

_OWNERS = ("ReplicaSet", "StatefulSet", "Job")


class ClusterAutoscaler:
    """cluster-autoscaler, one elected instance behind its own gate."""

    def __init__(self, env: ClusterEnv, client: Client, rec: Recorder, cfg: AutoscalerConfig, cloud: CloudProvider,
                 provision_times: dict[str, float] | None = None) -> None:
        self.env, self.client, self.rec, self.cfg, self.cloud = env, client, rec, cfg, cloud
        self.snapshot = ClusterSnapshot()
        self.registry = ClusterStateRegistry(cfg, provision_times or {})
        self.orchestrator = ScaleUpOrchestrator(cfg, self.snapshot, self.registry, rec)
        self.planner = Planner(cfg, self.snapshot)
        self.actuator = Actuator(env, client, rec, cfg, cloud.node_group_for_node)
        self.actuator.on_done = self.planner.forget
        self.pending: dict[str, Pod] = {}
        self.pdbs: dict[str, PodDisruptionBudget] = {}
        self.controllers: dict[tuple[str, str, str], int] = {}
        self.managed = {parse_nodes_flag(s)[2] for s in cfg.nodes} if cfg.nodes and not cfg.node_group_auto_discovery else None
        self.rng = env.rng("cluster-autoscaler")
        self.last_scale_up_s = float("-inf")
        self._told: dict[str, str] = {}  # pod key -> last NotTriggerScaleUp message (events are deduplicated)
        self.loops = 0
        self.loop_errors = 0  # loops that ended on a refused request
        self._node_version = 0  # bumped on every Node event (a cache key of the cluster state's recount)

    # ---- informers
    def start(self) -> None:
        """Watch what the autoscaler reads; run the loop from now on."""
        self.client.watch("Node", self._on_node)
        self.client.watch("Pod", self._on_pod)
        self.client.watch("PodDisruptionBudget", self._on_pdb)
        self.client.watch("PersistentVolumeClaim", lambda e, c: self.snapshot.table.set_claim_zone(c.key, c.zone, exists=e != DELETED))
        for kind in _OWNERS:
            self.client.watch(kind, self._on_owner)
        self.env.process(self.run_loop())

    def _on_node(self, etype: str, node: Node) -> None:
        self._node_version += 1
        if etype == DELETED:
            self.snapshot.remove_node(node.meta.name)
        else:
            self.snapshot.upsert_node(node)

    def _on_pod(self, etype: str, pod: Pod) -> None:
        key, table = pod.key, self.snapshot.table
        if etype == DELETED:
            self.snapshot.remove_pod(pod)
            self.pending.pop(key, None)
            return
        if pod.node_name:
            self.pending.pop(key, None)
            entry = table.assigned.get(pod.meta.uid)
            if entry is None:
                self.snapshot.add_pod(pod, pod.node_name)
            elif pod.terminating:
                table.mark_terminating(pod)
        elif pod.status.unschedulable and not pod.terminating:
            self.pending[key] = pod
        else:
            self.pending.pop(key, None)

    def _on_pdb(self, etype: str, pdb: PodDisruptionBudget) -> None:
        if etype == DELETED:
            self.pdbs.pop(pdb.key, None)
        else:
            self.pdbs[pdb.key] = pdb

    def _on_owner(self, etype: str, obj: Any) -> None:
        key = (obj.KIND, obj.meta.namespace, obj.meta.name)
        if etype == DELETED:
            self.controllers.pop(key, None)
        else:
            self.controllers[key] = int(getattr(obj.spec, "replicas", getattr(obj.spec, "parallelism", 1)) or 0)

    # ---- the loop
    def run_loop(self) -> Generator[Any, Any, None]:
        """RunOnce now and every scan interval (while leading and the API server answers)."""
        while True:
            if self.client.connected:
                try:
                    self.run_once()
                except StatusError:
                    self.loop_errors += 1
            yield self.env.timeout(self.cfg.scan_interval_s)

    def node_groups(self) -> list[NodeGroup]:
        """The node groups this autoscaler manages (--nodes, or every group with auto-discovery or neither)."""
        return [g for g in self.cloud.node_groups() if self.managed is None or g.id() in self.managed]

    def run_once(self) -> None:
        """One RunOnce."""
        now = self.env.now
        self.loops += 1
        groups = self.node_groups()
        nodes = self.snapshot.nodes
        self.registry.update(groups, nodes, now, (self.cloud.generation, self._node_version))
        for req in self.registry.expire_requests(now):
            wait = self.registry.provision_time.get(req.group, self.cfg.max_node_provision_time_s)
            self.rec.event(*STATUS, "ScaleUpTimedOut", f"Nodes added to group {req.group} failed to register within {wait:g}s", type_="Warning")
        if not self.registry.cluster_healthy(len(nodes)):
            return
        if self._remove_long_unregistered(groups):
            return
        pods = self._pods_to_help(now)
        if pods and self._scale_up(groups, pods, now):
            self.last_scale_up_s = now
            return
        if self.cfg.scale_down_enabled:
            self._scale_down(groups, nodes, now)

    def _remove_long_unregistered(self, groups: list[NodeGroup]) -> bool:
        """removeOldUnregisteredNodes: VMs that did not register in time are deleted (never below min size)."""
        removed = False
        for g in groups:
            for name in self.registry.readiness[g.id()].long_unregistered:
                if g.target_size() <= g.min_size():
                    break
                placeholder = Node(ObjectMeta(name), ResourceList(), ResourceList())
                try:
                    g.delete_nodes([placeholder])
                except Exception:  # noqa: BLE001  (a cloud error: retried next loop)
                    continue
                self.rec.event(*STATUS, "DeleteUnregistered", f"Removed unregistered node {name}")
                removed = True
        return removed

    def _pods_to_help(self, now: float) -> list[Pod]:
        """Unschedulable pods worth a scale-up, highest priority first."""
        cut, delay = self.cfg.expendable_pods_priority_cutoff, self.cfg.new_pod_scale_up_delay_s
        out = [p for p in self.pending.values() if not is_daemonset_pod(p) and p.spec.priority >= cut and p.meta.creation_s + delay <= now]
        return sorted(out, key=lambda p: (-p.spec.priority, p.meta.creation_s, p.key))

    def _add_upcoming(self, groups: list[NodeGroup]) -> None:
        """Template copies for the nodes being provisioned (addUpcomingNodesToClusterSnapshot)."""
        for g in groups:
            k = self.registry.upcoming(g.id())
            if k:
                template = g.template_node_info()
                for j in range(k):
                    self.snapshot.add_node(fresh_node(template, f"upcoming-{g.id()}-{j}"))

    def _filter_out_schedulable(self, pods: list[Pod]) -> list[Pod]:
        """Pods that fit an existing or upcoming node now are left to the scheduler."""
        snap = self.snapshot
        idx = snap.table.candidates()
        left = []
        for pod in pods:
            i = snap.first_fit(pod, idx)
            if i is None:
                left.append(pod)
            else:
                snap.place(pod, i)
        return left

    def _scale_up(self, groups: list[NodeGroup], pods: list[Pod], now: float) -> bool:
        snap = self.snapshot
        snap.fork()
        try:
            self._add_upcoming(groups)
            left = self._filter_out_schedulable(pods)
            if not left:
                return False
            # the pods that fit stay placed for the estimates (the snapshot is reverted after)
            nodes = list(self.snapshot.nodes.values())  # real and upcoming
            used = (sum(n.capacity.cpu_m or 0 for n in nodes) / 1000, sum(n.capacity.memory or 0 for n in nodes) / (1 << 30))
            result = self.orchestrator.scale_up(_equivalence_groups(left), groups, len(nodes), now, self._expander_context(), used)
        finally:
            snap.revert()
        for key, msg in result.not_triggered.items():
            pod = self.pending.get(key)
            if pod is not None and self._told.get(key) != msg:
                self._told[key] = msg
                self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "NotTriggerScaleUp", msg)
        return result.scaled

    def _expander_context(self) -> ExpanderContext:
        pricing = self.cloud.pricing()
        groups = {g.id(): g for g in self.cloud.node_groups()}

        def event(type_: str, reason: str, message: str) -> None:
            self.rec.event("ConfigMap", "kube-system", "cluster-autoscaler-priority-expander", reason, message, type_=type_)
        return ExpanderContext({}, self.rng,
                               node_price=lambda gid: groups[gid].price_per_hour() if gid in groups else 0.0,
                               pod_price=lambda p: pricing.pod_price(p.spec.requests.cpu_m, p.spec.requests.memory, 1.0),
                               priorities=dict(self.cfg.priorities), cluster_nodes=len(self.snapshot.nodes), event=event)

    def _scale_down(self, groups: list[NodeGroup], nodes: dict[str, Node], now: float) -> None:
        managed = {g.id() for g in groups if g.target_size() > g.min_size()}  # only groups above their min size have candidates
        if not managed and not self.planner.unneeded:
            return
        nodes = dict(nodes)  # the snapshot's nodes as they are now (simulations below fork and revert it)
        deleting = self.actuator.deleting
        candidates = []
        for node in nodes.values():
            g = self.cloud.node_group_for_node(node)
            if g is not None and g.id() in managed and node.meta.name not in deleting:
                candidates.append(node)
        if not candidates and not self.planner.unneeded:
            return
        table = self.snapshot.table
        destinations = [n for n in sorted(nodes, key=lambda x: table.index.get(x, 0)) if n not in deleting]
        ctx = DrainContext(now, self.cfg, list(self.pdbs.values()), {}, dict(self.controllers))
        self.planner.update(candidates, destinations, self.client.pods_on_node, ctx, now)
        cfg, act = self.cfg, self.actuator
        if (now < self.last_scale_up_s + cfg.scale_down_delay_after_add_s
                or (act.last_failure_s is not None and now < act.last_failure_s + cfg.scale_down_delay_after_failure_s)
                or (act.last_delete_s is not None and now < act.last_delete_s + cfg.scale_down_delay_after_delete_s)):
            return
        empty, drain = self.planner.removable_at(nodes, self.cloud.node_group_for_node, act.per_group(), now)
        for name in act.start_deletion(empty, drain, now):
            self.planner.forget(name)


def _equivalence_groups(pods: list[Pod]) -> list[PodGroup]:
    """Pods of one controller with the same spec form one group (core/equivalence_groups.go)."""
    groups: dict[tuple[Any, ...], list[Pod]] = {}
    for pod in pods:
        owner = pod.meta.owner
        key = (owner.uid if owner is not None else pod.key, id(pod.spec), tuple(sorted(pod.meta.labels.items())))
        groups.setdefault(key, []).append(pod)
    return [PodGroup(v) for v in groups.values()]

