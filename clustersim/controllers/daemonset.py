"""The DaemonSet controller (pkg/controller/daemon): one pod on every eligible node.

``NodeShouldRunDaemonPod`` decides per node, on the template plus the tolerations the controller adds
to every daemon pod (``util.AddOrUpdateDaemonPodTolerations``: node.kubernetes.io/not-ready and
/unreachable NoExecute without a time limit; /disk-pressure, /memory-pressure, /pid-pressure and
/unschedulable NoSchedule): a wrong nodeName, nodeSelector or required node affinity means neither
run nor keep; an untolerated NoSchedule or NoExecute taint means no new pod, but a running pod is kept
unless some untolerated taint is NoExecute (``shouldContinueRunning``). So the daemon pod of a node
that goes NotReady or unreachable stays: the node's ``unreachable:NoSchedule`` taint only stops new pods.

``podsShouldBeOnNode`` then creates a missing pod, deletes failed pods (rate-limited per node by a
1 s .. 15 min back-off, ``failedPodsBackoff``) and succeeded ones, keeps the oldest of several, and
deletes every pod of a node it must not continue on. Unscheduled pods aimed at nodes that no longer
exist are deleted (``getUnscheduledPodsWithoutNode``); bound pods of deleted nodes are PodGC's.
Each pod is pinned to its node by its hostname label and placed by the default scheduler, as since
Kubernetes 1.12. Simplified: no update strategies (template changes are not rolled out), no status
fields other than ``desiredNumberScheduled``, no expectations (reconciles run after the watch).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from clustersim.api.objects import LABEL_HOSTNAME, DaemonSet, Node, ObjectMeta, OwnerRef, Pod
from clustersim.api.types import PodPhase, PodSpec, TaintEffect, Toleration, find_untolerated
from clustersim.controllers.base import CONTROLLERS, Controller, Result
from clustersim.util.backoff import Backoff

__all__ = ["DAEMON_TOLERATIONS", "DaemonSetController", "SyncPlan", "daemon_pod_tolerations",
           "node_should_run_daemon_pod", "plan_daemon_sync"]

DAEMON_TOLERATIONS = (
    Toleration("node.kubernetes.io/not-ready", "Exists", "", "NoExecute"),
    Toleration("node.kubernetes.io/unreachable", "Exists", "", "NoExecute"),
    Toleration("node.kubernetes.io/disk-pressure", "Exists", "", "NoSchedule"),
    Toleration("node.kubernetes.io/memory-pressure", "Exists", "", "NoSchedule"),
    Toleration("node.kubernetes.io/pid-pressure", "Exists", "", "NoSchedule"),
    Toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule"),
)
_HARD = (TaintEffect.NO_SCHEDULE, TaintEffect.NO_EXECUTE)
_NO_EXECUTE = (TaintEffect.NO_EXECUTE,)
# pkg/controller/daemon/daemon_controller.go NewDaemonSetsController: failedPodsBackoff
FAILED_POD_BACKOFF_INITIAL_S, FAILED_POD_BACKOFF_MAX_S = 1.0, 900.0


def daemon_pod_tolerations(tolerations: tuple[Toleration, ...]) -> tuple[Toleration, ...]:
    """``AddOrUpdateDaemonPodTolerations``: the defaults, each replacing a toleration of the same key and effect."""
    own = tuple(t for t in tolerations if not any(t.key == d.key and t.effect == d.effect for d in DAEMON_TOLERATIONS))
    return own + DAEMON_TOLERATIONS


def node_should_run_daemon_pod(node: Node, spec: PodSpec) -> tuple[bool, bool]:
    """``NodeShouldRunDaemonPod``: (shouldRun, shouldContinueRunning) for the template ``spec`` on ``node``."""
    if spec.node_name and spec.node_name != node.meta.name:
        return False, False
    labels = node.meta.labels
    if not all(labels.get(k) == v for k, v in spec.node_selector):
        return False, False
    aff = spec.affinity
    if aff is not None and aff.required and not any(t.matches(labels) for t in aff.required):
        return False, False
    tolerations = daemon_pod_tolerations(spec.tolerations)
    if find_untolerated(node.taints, tolerations, _HARD) is not None:
        return False, find_untolerated(node.taints, tolerations, _NO_EXECUTE) is None
    return True, True


@dataclass(slots=True)
class SyncPlan:
    """What one sync does: nodes to create a pod on, pods to delete, events, and a requeue delay."""

    create: list[str] = field(default_factory=list)
    delete: list[Pod] = field(default_factory=list)
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (type, reason, message)
    requeue_after_s: float | None = None
    desired: int = 0


def _oldest_first(p: Pod) -> tuple[bool, float, str]:
    """``podByCreationTimestampAndPhase``: scheduled pods first, then by creation time and name."""
    return (not p.node_name, p.meta.creation_s, p.meta.name)


def _on_node(plan: SyncPlan, ds_uid: str, node: str, pods: list[Pod], backoff: Backoff, now: float) -> None:
    """The ``shouldContinueRunning`` branch: failed and succeeded pods go, the oldest running one stays."""
    running: list[Pod] = []
    for pod in pods:
        if pod.terminating:
            continue
        phase = pod.status.phase
        if phase is PodPhase.FAILED:
            key = f"{ds_uid}/{node}"
            if backoff.in_backoff_since_update(key, now):
                delay = backoff.get(key)
                plan.requeue_after_s = delay if plan.requeue_after_s is None else min(plan.requeue_after_s, delay)
                continue
            backoff.next(key, now)
            plan.events.append(("Warning", "FailedDaemonPod",
                                f"Found failed daemon pod {pod.key} on node {node}, will try to kill it"))
            plan.delete.append(pod)
        elif phase is PodPhase.SUCCEEDED:
            plan.events.append(("Normal", "SucceededDaemonPod",
                                f"Found succeeded daemon pod {pod.key} on node {node}, will try to delete it"))
            plan.delete.append(pod)
        else:
            running.append(pod)
    if len(running) > 1:
        plan.delete.extend(sorted(running, key=_oldest_first)[1:])


def plan_daemon_sync(ds_uid: str, spec: PodSpec, nodes: list[Node], pods_by_node: dict[str, list[Pod]],
                     backoff: Backoff, now: float) -> SyncPlan:
    """``manage``: ``podsShouldBeOnNode`` for every node, then unscheduled pods of missing nodes."""
    plan = SyncPlan()
    for node in sorted(nodes, key=lambda n: n.meta.name):
        name = node.meta.name
        should_run, should_continue = node_should_run_daemon_pod(node, spec)
        plan.desired += should_run
        pods = pods_by_node.get(name, [])
        if should_run and not pods:
            plan.create.append(name)
        elif should_continue:
            _on_node(plan, ds_uid, name, pods, backoff, now)
        elif pods:
            plan.delete.extend(p for p in pods if not p.terminating)
    known = {n.meta.name for n in nodes}
    for name in sorted(pods_by_node):
        if name not in known:
            plan.delete.extend(p for p in pods_by_node[name] if not p.node_name and not p.terminating)
    return plan


@CONTROLLERS.register("DaemonSet")
class DaemonSetController(Controller):
    """Keeps one daemon pod per eligible node."""

    name = "DaemonSet"

    def setup(self) -> None:
        """Reconcile every DaemonSet on node changes, and its own on pod changes."""
        self.failed_pods_backoff = Backoff(FAILED_POD_BACKOFF_INITIAL_S, FAILED_POD_BACKOFF_MAX_S)
        self.state.watch("DaemonSet", lambda _e, ds: self.enqueue(ds.key))
        self.state.watch("Node", self._on_node, while_any="DaemonSet")
        self.state.watch("Pod", self._on_pod, owner_kind="DaemonSet")

    def _on_node(self, _etype: str, _node: Node) -> None:
        for ds in self.state.list("DaemonSet"):
            self.enqueue(ds.key)

    def _on_pod(self, _etype: str, pod: Pod) -> None:
        owner = pod.meta.owner
        if owner is not None and owner.kind == "DaemonSet":
            self.enqueue(f"{pod.meta.namespace}/{owner.name}")

    def _daemon_pods(self, ds: DaemonSet) -> dict[str, list[Pod]]:
        """``getNodesToDaemonPods``: the set's pods by the node they are aimed at."""
        out: dict[str, list[Pod]] = {}
        for p in self.state.list("Pod"):
            owner = p.meta.owner
            if p.meta.namespace == ds.meta.namespace and owner is not None and owner.kind == "DaemonSet" and owner.name == ds.meta.name:
                target = dict(p.spec.node_selector).get(LABEL_HOSTNAME, p.node_name)
                out.setdefault(target, []).append(p)
        return out

    def reconcile(self, key: str) -> Result | None:
        """Create the missing daemon pods, delete the ones that should not be there."""
        ds = self.state.get("DaemonSet", key)
        if ds is None:
            return None
        plan = plan_daemon_sync(ds.meta.uid, ds.template.spec, list(self.state.list("Node")), self._daemon_pods(ds),
                                self.failed_pods_backoff, self.env.now)
        ns = ds.meta.namespace
        for type_, reason, message in plan.events:
            self.rec.event("DaemonSet", ns, ds.meta.name, reason, message, "", type_)
        for p in plan.delete:
            self.state.delete("Pod", p.key)
        for node in plan.create:
            self._create(ds, node)
        if ds.desired != plan.desired:
            ds.desired = plan.desired
            self.state.update(ds, "status")
        self.rec.level("desired_replicas", plan.desired, ns, ds.meta.name)
        return Result(requeue_after_s=plan.requeue_after_s) if plan.requeue_after_s is not None else None

    def _create(self, ds: DaemonSet, node: str) -> None:
        ns = ds.meta.namespace
        spec = ds.template.spec
        spec = replace(spec, node_selector=tuple(sorted({**dict(spec.node_selector), LABEL_HOSTNAME: node}.items())),
                       tolerations=daemon_pod_tolerations(spec.tolerations))
        name = f"{ds.meta.name}-{node}"[:63].rstrip("-.")
        if self.state.get("Pod", f"{ns}/{name}") is not None:
            return  # the old one is still being removed
        pod = Pod(ObjectMeta(name, ns, dict(ds.template.labels), owner=OwnerRef("DaemonSet", ds.meta.name, ds.meta.uid)), spec,
                  workload=ds.meta.name)
        self.state.create(pod)
        self.rec.pod(pod.meta.uid, ns, name, ds.meta.name)
        self.rec.event("DaemonSet", ns, ds.meta.name, "SuccessfulCreate", f"Created pod: {name}")
