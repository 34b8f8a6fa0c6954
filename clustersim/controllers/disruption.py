"""The disruption controller: PodDisruptionBudget status (pkg/controller/disruption/disruption.go).

For each PDB: ``expectedPods`` is the number of matching pods when ``minAvailable`` is an integer,
else the sum of the replicas of the matching pods' controllers (a Deployment's own replicas for its
ReplicaSets, as the scale finders resolve them); ``desiredHealthy`` is ``minAvailable`` (a percentage
rounded up), or ``expected - maxUnavailable`` (rounded up); ``currentHealthy`` counts Ready pods not
being deleted; ``disruptionsAllowed = max(0, currentHealthy - desiredHealthy)`` (0 when nothing is
expected). Preemption and the eviction API read ``disruptionsAllowed``.
"""

from __future__ import annotations

from clustersim.api.objects import Pod, PodDisruptionBudget
from clustersim.controllers.base import CONTROLLERS, Controller, Result
from clustersim.controllers.deployment.util import scaled_value

__all__ = ["DisruptionController", "pdb_counts"]


def pdb_counts(pdb: PodDisruptionBudget, pods: list[Pod], controller_replicas: int) -> tuple[int, int, int, int]:
    """(expected, desired healthy, current healthy, disruptions allowed) for the PDB's matching pods."""
    if pdb.max_unavailable is not None or isinstance(pdb.min_available, str):
        expected = controller_replicas
        if pdb.max_unavailable is not None:
            desired = max(0, expected - scaled_value(pdb.max_unavailable, expected, True))
        else:
            desired = scaled_value(pdb.min_available, expected, True)
    else:
        expected = len(pods)
        desired = int(pdb.min_available or 0)
    healthy = sum(1 for p in pods if p.status.ready and p.meta.deletion_s is None)
    allowed = healthy - desired
    if expected <= 0 or allowed <= 0:
        allowed = 0
    return expected, desired, healthy, allowed


@CONTROLLERS.register("Disruption")
class DisruptionController(Controller):
    """Keeps every PodDisruptionBudget's status current."""

    name = "Disruption"

    def setup(self) -> None:
        """Reconcile a PDB when it or a pod of its namespace changes."""
        self.state.watch("PodDisruptionBudget", lambda _e, pdb: self.enqueue(pdb.key))
        self.state.watch("Pod", self._on_pod, while_any="PodDisruptionBudget")

    def _on_pod(self, _etype: str, pod: Pod) -> None:
        for pdb in self.state.list("PodDisruptionBudget"):
            if pdb.meta.namespace == pod.meta.namespace and pdb.selector.matches(pod.meta.labels):
                self.enqueue(pdb.key)

    def _controller_replicas(self, pods: list[Pod]) -> int:
        total, seen = 0, set()
        for p in pods:
            owner = p.meta.owner
            if owner is None or (owner.kind, owner.name) in seen:
                continue
            seen.add((owner.kind, owner.name))
            obj = self.state.get(owner.kind, f"{p.meta.namespace}/{owner.name}")
            if obj is None:
                continue
            dep_owner = obj.meta.owner
            if owner.kind == "ReplicaSet" and dep_owner is not None and dep_owner.kind == "Deployment":
                if ("Deployment", dep_owner.name) in seen:
                    continue
                seen.add(("Deployment", dep_owner.name))
                dep = self.state.get("Deployment", f"{p.meta.namespace}/{dep_owner.name}")
                if dep is not None:
                    total += dep.spec.replicas
                    continue
            total += obj.spec.replicas
        return total

    def reconcile(self, key: str) -> Result | None:
        """Recount the PDB's pods and write its status if it changed."""
        pdb = self.state.get("PodDisruptionBudget", key)
        if pdb is None:
            return None
        pods = [p for p in self.state.list("Pod") if p.meta.namespace == pdb.meta.namespace
                and pdb.selector.matches(p.meta.labels) and not p.terminal]
        expected, desired, healthy, allowed = pdb_counts(pdb, pods, self._controller_replicas(pods))
        st = pdb.status
        if (st.expected_pods, st.desired_healthy, st.current_healthy, st.disruptions_allowed) != (expected, desired, healthy, allowed):
            st.expected_pods, st.desired_healthy, st.current_healthy, st.disruptions_allowed = expected, desired, healthy, allowed
            self.state.update(pdb, "status")
            self.rec.level("pdb_disruptions_allowed", allowed, pdb.meta.namespace, pdb.meta.name)
        return None
