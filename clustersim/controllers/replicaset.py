"""ReplicaSet controller: ``pkg/controller/replicaset/replica_set.go``.

Counts the active pods it owns (not terminating, not Succeeded/Failed), creates or deletes pods to
match ``spec.replicas`` (at most ``burstReplicas`` = 500 per sync), and writes status (replicas,
readyReplicas, availableReplicas after ``minReadySeconds``). A pod being deleted on an unreachable
node is not counted, so its replacement is created as soon as the deletion timestamp is set.

Like upstream, it works from its informer's view of pods (here an index kept from the pod watch,
with counts updated per event), and uses expectations (``controller.ControllerExpectations``): after
creating or deleting pods it does not act again for that ReplicaSet until it has observed those
creations and deletions, so a lagging view never leads to double creation.

Pods are created in slow-start batches (1, 2, 4, ...: ``slowStartBatch``); when a creation is
refused the rest of the batch and the later batches are skipped, their expectations lowered, a
``FailedCreate`` event recorded (``Error creating: <the API error>``), the status written, and the sync
fails, so the work queue retries it with back-off. A refused deletion is a ``FailedDelete``.
Simplified: the expectations' 5-minute timeout is not modelled (expectations are lowered when a
creation fails, so they cannot wait for one that never comes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clustersim.api.errors import StatusError
from clustersim.api.objects import ObjectMeta, OwnerRef, Pod, ReplicaSet
from clustersim.apiserver import DELETED, MODIFIED, ClusterState
from clustersim.apiserver.watch import NO_OWNER
from clustersim.controllers.base import CONTROLLERS, Controller, Result
from clustersim.controllers.pod_util import deletion_rank, is_active, is_available
from clustersim.env import RandomStream

__all__ = ["ReplicaSetController", "generate_name"]

# apimachinery/pkg/util/rand: alphanumerics without vowels and confusable characters
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def generate_name(state: ClusterState, kind: str, namespace: str, prefix: str, draw: RandomStream) -> str:
    """``<prefix><5 random chars>`` not yet taken (``metadata.generateName``)."""
    n = len(_ALPHABET)
    while True:
        x = draw.integers(n**5)  # five uniform characters from one draw
        chars = []
        for _ in range(5):
            x, r = divmod(x, n)
            chars.append(_ALPHABET[r])
        name = prefix + "".join(chars)
        if state.get(kind, f"{namespace}/{name}") is None:
            return name


@dataclass(slots=True)
class _Owned:
    """The informer's view of one ReplicaSet's active pods."""

    active: dict[str, Pod] = field(default_factory=dict)
    ready: int = 0
    expect_adds: int = 0
    expect_dels: set[str] = field(default_factory=set)
    # what every pod this ReplicaSet creates carries, made once and shared (labels are never changed in
    # place: a change replaces the dict; an OwnerRef is immutable)
    pod_labels: dict[str, str] | None = None
    pod_owner: OwnerRef | None = None


@CONTROLLERS.register("ReplicaSet")
class ReplicaSetController(Controller):
    """Keeps ``spec.replicas`` pods running for every ReplicaSet."""

    name = "ReplicaSet"

    def setup(self) -> None:
        """Watch ReplicaSets and the pods they own."""
        self.workers, self.sync_s = self.cfg.concurrent_replicaset_syncs, self.cfg.replicaset_sync_s
        self.rng = self.env.stream("controller/replicaset")
        self.owned: dict[str, _Owned] = {}
        self._seen: dict[str, tuple[str, bool, bool]] = {}  # pod uid -> (rs uid, active, ready)
        self.orphans: dict[str, dict[str, Pod]] = {}  # namespace -> pod uid -> active pod without a controller
        self.selectors: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}  # namespace -> rs key -> selector
        self.state.watch("ReplicaSet", self._on_rs)
        self.state.watch("Pod", self._on_pod, owner_kind="ReplicaSet")
        self.state.watch("Pod", self._on_orphan, owner_kind=NO_OWNER)  # pods a ReplicaSet may adopt

    def _on_rs(self, etype: str, rs: ReplicaSet) -> None:
        if etype == DELETED:
            self.owned.pop(rs.meta.uid, None)
            self.selectors.get(rs.meta.namespace, {}).pop(rs.key, None)
            return
        self.selectors.setdefault(rs.meta.namespace, {})[rs.key] = rs.spec.selector
        if etype == MODIFIED and rs.status.observed_generation == rs.meta.generation:
            return  # our own status write: a reconcile now would change nothing
        self.enqueue(rs.key)

    def _on_orphan(self, etype: str, pod: Pod) -> None:
        """A pod without a controller: ReplicaSets whose selector matches may adopt it (``getPodReplicaSets``)."""
        ns = pod.meta.namespace
        if etype == DELETED or not is_active(pod) or pod.meta.owner is not None:
            if self.orphans.get(ns, {}).pop(pod.meta.uid, None) is not None and not self.orphans[ns]:
                del self.orphans[ns]
            return
        self.orphans.setdefault(ns, {})[pod.meta.uid] = pod
        labels = pod.meta.labels
        for key, selector in self.selectors.get(ns, {}).items():
            if selector and all(labels.get(k) == v for k, v in selector):
                self.enqueue(key)

    def _on_pod(self, etype: str, pod: Pod) -> None:
        owner = pod.meta.owner
        if owner is None or owner.kind != "ReplicaSet":
            return
        if self._observe(etype, pod):
            self.enqueue(f"{pod.meta.namespace}/{owner.name}")

    def _observe(self, etype: str, pod: Pod, adopted: bool = False) -> bool:
        """Update the index for one of our pods; False when nothing this controller counts changed."""
        owner = pod.meta.owner
        assert owner is not None
        uid = pod.meta.uid
        active = etype != DELETED and is_active(pod)
        ready = active and pod.status.ready
        old = self._seen.get(uid)
        if old is not None and old[1] == active and old[2] == ready:
            if etype == DELETED:  # an inactive pod removed: forget it (its entry stayed for every pod ever made)
                del self._seen[uid]
            return False  # nothing this controller counts has changed
        view = self.owned.get(owner.uid)
        if view is None:
            view = self.owned[owner.uid] = _Owned()
        if old is None and etype != DELETED and view.expect_adds > 0 and not adopted:
            view.expect_adds -= 1  # a creation we were waiting to observe
        if not active and uid in view.expect_dels:
            view.expect_dels.discard(uid)
        was_active, was_ready = (old[1], old[2]) if old is not None else (False, False)
        if active and not was_active:
            view.active[uid] = pod
        elif was_active and not active:
            view.active.pop(uid, None)
        view.ready += int(ready) - int(was_ready)
        if etype == DELETED:
            self._seen.pop(uid, None)
        else:
            self._seen[uid] = (owner.uid, active, ready)
        return True

    def _claim(self, rs: ReplicaSet) -> None:
        """``ClaimPods`` (controller_ref_manager.go): adopt the orphans the selector matches (not while being deleted)."""
        orphans = self.orphans.get(rs.meta.namespace)
        selector = rs.spec.selector
        if not orphans or not selector:
            return
        ref = OwnerRef("ReplicaSet", rs.meta.name, rs.meta.uid)
        for uid, pod in list(orphans.items()):
            labels = pod.meta.labels
            if pod.meta.owner is not None:  # claimed meanwhile by another controller
                del orphans[uid]
                continue
            if pod.terminating or not all(labels.get(k) == v for k, v in selector):
                continue
            adopted = self.state.set_owner(pod, ref)  # a refused patch raises: the orphan stays for the retry
            del orphans[uid]
            if adopted:
                self._observe(MODIFIED, pod, adopted=True)
                self.rec.event("ReplicaSet", rs.meta.namespace, rs.meta.name, "Adopted", f"Adopted pod: {pod.meta.name}")

    def reconcile(self, key: str) -> Result | None:
        """Create or delete pods (when expectations are met), then update status."""
        rs: ReplicaSet | None = self.state.get("ReplicaSet", key)
        if rs is None or rs.meta.deletion_s is not None:
            return None
        self._claim(rs)
        view = self.owned.setdefault(rs.meta.uid, _Owned())
        failure: StatusError | None = None
        if view.expect_adds <= 0 and not view.expect_dels:
            diff = len(view.active) - rs.spec.replicas
            burst = self.cfg.replicaset_burst_replicas
            if diff < 0:
                failure = self._create_pods(rs, view, min(-diff, burst))
            elif diff > 0:
                victims = sorted(view.active.values(), key=deletion_rank)[: min(diff, burst)]
                view.expect_dels = {p.meta.uid for p in victims}
                for pod in victims:
                    try:
                        self.state.delete("Pod", pod.key)
                    except StatusError as err:
                        view.expect_dels.discard(pod.meta.uid)  # DeletionObserved: nothing to wait for
                        self.rec.event("ReplicaSet", rs.meta.namespace, rs.meta.name, "FailedDelete", f"Error deleting: {err.message}",
                                       "", "Warning")
                        failure = failure or err
                        continue
                    self.rec.event("ReplicaSet", rs.meta.namespace, rs.meta.name, "SuccessfulDelete", f"Deleted pod: {pod.meta.name}")
        result = self._update_status(rs, view)
        if failure is not None:
            raise failure  # manageReplicas' error: the key is requeued rate-limited
        return result

    def _create_pods(self, rs: ReplicaSet, view: _Owned, n: int) -> StatusError | None:
        """``slowStartBatch(n, 1, createPod)``: batches of 1, 2, 4, ...; stop at the first batch with an error."""
        view.expect_adds = n
        remaining, size = n, 1
        while remaining > 0:
            batch = min(size, remaining)
            errors = 0
            first: StatusError | None = None
            for _ in range(batch):
                try:
                    self._create_pod(rs)
                except StatusError as err:  # RealPodControl.createPods: one event per failed creation
                    errors += 1
                    first = first or err
                    self.rec.event("ReplicaSet", rs.meta.namespace, rs.meta.name, "FailedCreate", f"Error creating: {err.message}",
                                   "", "Warning")
            remaining -= batch
            if first is not None:
                view.expect_adds -= errors + remaining  # CreationObserved for each failed and each skipped pod
                return first
            size *= 2
        return None

    def _create_pod(self, rs: ReplicaSet) -> None:
        ns = rs.meta.namespace
        name = generate_name(self.state, "Pod", ns, f"{rs.meta.name}-", self.rng)
        owner = rs.meta.owner
        workload = owner.name if owner is not None and owner.kind == "Deployment" else f"rs/{rs.meta.name}"
        template = rs.spec.template
        view = self.owned.setdefault(rs.meta.uid, _Owned())
        if view.pod_labels is None or view.pod_owner is None:
            view.pod_labels, view.pod_owner = dict(template.labels), OwnerRef("ReplicaSet", rs.meta.name, rs.meta.uid)
        pod = Pod(ObjectMeta(name, ns, view.pod_labels, owner=view.pod_owner), template.spec, workload=workload)
        self.state.create(pod)
        self.rec.pod(pod.meta.uid, ns, name, workload)
        self.rec.event("ReplicaSet", ns, rs.meta.name, "SuccessfulCreate", f"Created pod: {name}")

    def _update_status(self, rs: ReplicaSet, view: _Owned) -> Result | None:
        now = self.env.now
        min_ready = rs.spec.min_ready_s
        ready = view.ready
        result = None
        if min_ready > 0:
            available = sum(1 for p in view.active.values() if is_available(p, min_ready, now))
            if ready > available:
                waits = [p.status.ready_since_s + min_ready - now for p in view.active.values()
                         if p.status.ready and p.status.ready_since_s is not None and not is_available(p, min_ready, now)]
                # the index can count a pod ready whose readiness just dropped (its event is on the way)
                if waits:
                    result = Result(max(min(waits), 0.0) + 1e-6)
        else:
            available = ready
        st = rs.status
        new = (len(view.active), ready, available, rs.meta.generation)
        if (st.replicas, st.ready_replicas, st.available_replicas, st.observed_generation) != new:
            st.replicas, st.ready_replicas, st.available_replicas, st.observed_generation = new
            self.state.update(rs, "status")
        return result
