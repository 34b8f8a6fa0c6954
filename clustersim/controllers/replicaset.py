"""ReplicaSet controller: ``pkg/controller/replicaset/replica_set.go``.

Counts the active pods it owns (not terminating, not Succeeded/Failed), creates or deletes pods to
match ``spec.replicas`` (at most ``burstReplicas`` = 500 per sync), and writes status (replicas,
readyReplicas, availableReplicas after ``minReadySeconds``). A pod being deleted on an unreachable
node is not counted, so its replacement is created as soon as the deletion timestamp is set.

Simplified: pods are created in one go rather than in slow-start batches (1, 2, 4, ...), which only
differ when creations fail; no expectations are needed because reads are never stale.
"""

from __future__ import annotations

from clustersim.api.objects import ObjectMeta, OwnerRef, Pod, ReplicaSet
from clustersim.controllers.base import CONTROLLERS, Controller, Result
from clustersim.controllers.pod_util import deletion_rank, is_active, is_available
from clustersim.state import ClusterState

__all__ = ["ReplicaSetController", "generate_name"]

# apimachinery/pkg/util/rand: alphanumerics without vowels and confusable characters
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def generate_name(state: ClusterState, kind: str, namespace: str, prefix: str, draw: object) -> str:
    """``<prefix><5 random chars>`` not yet taken (``metadata.generateName``)."""
    while True:
        idx = draw.integers(0, len(_ALPHABET), size=5)  # type: ignore[attr-defined]
        name = prefix + "".join(_ALPHABET[i] for i in idx)
        if state.get(kind, f"{namespace}/{name}") is None:
            return name


@CONTROLLERS.register("ReplicaSet")
class ReplicaSetController(Controller):
    """Keeps ``spec.replicas`` pods running for every ReplicaSet."""

    name = "ReplicaSet"

    def setup(self) -> None:
        """Watch ReplicaSets and the pods they own."""
        self.rng = self.env.rng("controller/replicaset")
        self.state.watch("ReplicaSet", lambda _t, rs: self.enqueue(rs.key))
        self.state.watch("Pod", self._on_pod)

    def _on_pod(self, _etype: str, pod: Pod) -> None:
        owner = pod.meta.owner
        if owner is not None and owner.kind == "ReplicaSet":
            self.enqueue(f"{pod.meta.namespace}/{owner.name}")

    def reconcile(self, key: str) -> Result | None:
        """Create or delete pods, then update status."""
        rs: ReplicaSet | None = self.state.get("ReplicaSet", key)
        if rs is None or rs.meta.deletion_s is not None:
            return None
        pods = [p for p in self.state.owned_by(rs.meta.uid) if p.KIND == "Pod"]
        active = [p for p in pods if is_active(p)]
        diff = len(active) - rs.spec.replicas
        burst = self.cfg.replicaset_burst_replicas
        if diff < 0:
            for _ in range(min(-diff, burst)):
                self._create_pod(rs)
        elif diff > 0:
            victims = sorted(active, key=deletion_rank)[: min(diff, burst)]
            for pod in victims:
                self.state.delete("Pod", pod.key)
                self.rec.event("ReplicaSet", rs.meta.namespace, rs.meta.name, "SuccessfulDelete", f"Deleted pod: {pod.meta.name}")
            victim_ids = {id(p) for p in victims}
            active = [p for p in active if id(p) not in victim_ids]
        return self._update_status(rs, active)

    def _create_pod(self, rs: ReplicaSet) -> None:
        ns = rs.meta.namespace
        name = generate_name(self.state, "Pod", ns, f"{rs.meta.name}-", self.rng)
        owner = rs.meta.owner
        workload = owner.name if owner is not None and owner.kind == "Deployment" else f"rs/{rs.meta.name}"
        template = rs.spec.template
        pod = Pod(ObjectMeta(name, ns, dict(template.labels), owner=OwnerRef("ReplicaSet", rs.meta.name, rs.meta.uid)),
                  template.spec, workload=workload)
        self.state.create(pod)
        self.rec.pod(pod.meta.uid, ns, name, workload)
        self.rec.event("ReplicaSet", ns, rs.meta.name, "SuccessfulCreate", f"Created pod: {name}")

    def _update_status(self, rs: ReplicaSet, active: list[Pod]) -> Result | None:
        now = self.env.now
        min_ready = rs.spec.min_ready_s
        ready = sum(1 for p in active if p.status.ready)
        available = sum(1 for p in active if is_available(p, min_ready, now))
        st = rs.status
        new = (len(active), ready, available, rs.meta.generation)
        if (st.replicas, st.ready_replicas, st.available_replicas, st.observed_generation) != new:
            st.replicas, st.ready_replicas, st.available_replicas, st.observed_generation = new
            self.state.update(rs)
        if min_ready > 0 and ready > available:
            # requeue when the earliest ready-but-not-available pod becomes available
            waits = [p.status.ready_since_s + min_ready - now for p in active
                     if p.status.ready and p.status.ready_since_s is not None and not is_available(p, min_ready, now)]
            return Result(max(min(waits), 0.0) + 1e-6)
        return None
