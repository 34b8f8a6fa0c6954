"""Deployment controller: ``pkg/controller/deployment/{deployment_controller,rolling,recreate,sync}.go``.

Finds or creates the new ReplicaSet for the current template (named ``<deployment>-<hash>``),
scales new and old ReplicaSets per strategy (RollingUpdate within maxSurge/maxUnavailable,
Recreate: old to zero, wait for their pods to go, then new), scales proportionally when the replica
count changes mid-rollout, prunes old ReplicaSets beyond ``revisionHistoryLimit``, and writes status.

Simplified: pausing, rollback and the collision counter are not modelled; the template hash is a
stable digest of the template, not upstream's fnv32a of its deep-printed form.
"""

from __future__ import annotations

import hashlib

from clustersim.api.objects import Deployment, ObjectMeta, OwnerRef, Pod, PodTemplate, ReplicaSet, ReplicaSetSpec
from clustersim.apiserver import DELETED
from clustersim.controllers.base import CONTROLLERS, Controller, Result
from clustersim.controllers.deployment import util
from clustersim.controllers.deployment.util import RECREATE, RSView

__all__ = ["DeploymentController", "equal_ignore_hash", "template_hash"]

DESIRED_ANN = "deployment.kubernetes.io/desired-replicas"
MAX_ANN = "deployment.kubernetes.io/max-replicas"
REVISION_ANN = "deployment.kubernetes.io/revision"
HASH_LABEL = "pod-template-hash"
_SAFE = "bcdfghjklmnpqrstvwxz2456789"


_HASHES: dict[int, tuple[PodTemplate, str]] = {}


def template_hash(template: PodTemplate) -> str:
    """A stable short hash of a pod template, in the safe alphabet (rand.SafeEncodeString)."""
    hit = _HASHES.get(id(template))
    if hit is not None and hit[0] is template:
        return hit[1]
    digest = int.from_bytes(hashlib.sha1(repr(template).encode()).digest()[:8], "big")
    out = []
    for _ in range(10):
        digest, r = divmod(digest, len(_SAFE))
        out.append(_SAFE[r])
    _HASHES[id(template)] = (template, "".join(out))
    return _HASHES[id(template)][1]


def equal_ignore_hash(a: PodTemplate, b: PodTemplate) -> bool:
    """``EqualIgnoreHash``: the templates are equal once the pod-template-hash label is left out of both."""
    def labels(t: PodTemplate) -> tuple[tuple[str, str], ...]:
        return tuple(kv for kv in t.labels if kv[0] != HASH_LABEL)

    return labels(a) == labels(b) and a.spec == b.spec


@CONTROLLERS.register("Deployment")
class DeploymentController(Controller):
    """Rolls Deployments out through ReplicaSets."""

    name = "Deployment"
    _rs_set_changes = 0  # ReplicaSets this controller created or deleted (a sync reuses its list when none)

    def setup(self) -> None:
        """Watch Deployments, their ReplicaSets and (for Recreate) their pods."""
        self.state.watch("Deployment", self._on_deployment)
        self.state.watch("ReplicaSet", self._on_rs)
        self.state.watch("Pod", self._on_pod, etypes=(DELETED,), owner_kind="ReplicaSet")

    def _on_deployment(self, etype: str, d: Deployment) -> None:
        if etype == "MODIFIED" and d.status.observed_generation == d.meta.generation:
            return  # our own status write: a reconcile now would change nothing
        self.enqueue(d.key)

    def _on_rs(self, _etype: str, rs: ReplicaSet) -> None:
        owner = rs.meta.owner
        if owner is not None and owner.kind == "Deployment":
            self.enqueue(f"{rs.meta.namespace}/{owner.name}")

    def _on_pod(self, etype: str, pod: Pod) -> None:
        owner = pod.meta.owner
        if owner is not None and owner.kind == "ReplicaSet":  # deletePod: only a ReplicaSet controllerRef counts
            rs = self.state.get("ReplicaSet", f"{pod.meta.namespace}/{owner.name}")
            if rs is not None:
                self._on_rs(etype, rs)

    # ---- helpers
    def _replica_sets(self, d: Deployment) -> tuple[ReplicaSet | None, list[ReplicaSet]]:
        want = template_hash(d.spec.template)
        new, old = None, []
        owned = [rs for rs in self.state.owned_by(d.meta.uid) if rs.KIND == "ReplicaSet"]
        for rs in owned:
            if new is None and rs.meta.labels.get(HASH_LABEL) == want:
                new = rs
            else:
                old.append(rs)
        if new is None and old:
            # FindNewReplicaSet (deployment/util): the oldest ReplicaSet whose template equals the Deployment's,
            # the pod-template-hash label aside (EqualIgnoreHash); it finds a ReplicaSet made elsewhere (a snapshot)
            old.sort(key=lambda r: (r.meta.creation_s, r.meta.name))
            new = next((r for r in old if equal_ignore_hash(r.spec.template, d.spec.template)), None)
            old = [r for r in old if r is not new]
        if len(old) > 1:
            old.sort(key=lambda r: (r.meta.creation_s, r.meta.name))
        return new, old

    def _create_new_rs(self, d: Deployment, old: list[ReplicaSet]) -> ReplicaSet:
        h = template_hash(d.spec.template)
        t = d.spec.template
        labels = (*t.labels, (HASH_LABEL, h))
        strategy = d.spec.strategy
        replicas = util.new_rs_new_replicas(strategy.type, d.spec.replicas, strategy.max_surge, 0,
                                            [r.spec.replicas for r in old])
        revision = 1 + max((int(r.meta.annotations.get(REVISION_ANN, "0")) for r in old), default=0)
        meta = ObjectMeta(f"{d.meta.name}-{h}", d.meta.namespace, dict(labels),
                          owner=OwnerRef("Deployment", d.meta.name, d.meta.uid))
        meta.annotations[REVISION_ANN] = str(revision)
        rs = ReplicaSet(meta, ReplicaSetSpec(0, (*d.spec.selector, (HASH_LABEL, h)), PodTemplate(labels, t.spec),
                                             d.spec.min_ready_s))
        self.state.create(rs)
        self._rs_set_changes += 1
        if replicas:
            self._scale(d, rs, replicas)
        return rs

    def _scale(self, d: Deployment, rs: ReplicaSet, replicas: int) -> bool:
        """Set a ReplicaSet's size and its replica annotations; ScalingReplicaSet event."""
        old = rs.spec.replicas
        s = d.spec.strategy
        desired, maxr = str(d.spec.replicas), str(d.spec.replicas + util.max_surge(s.type, d.spec.replicas, s.max_surge, s.max_unavailable))
        if old == replicas and rs.meta.annotations.get(DESIRED_ANN) == desired and rs.meta.annotations.get(MAX_ANN) == maxr:
            return False
        rs.spec.replicas = replicas
        rs.meta.annotations[DESIRED_ANN], rs.meta.annotations[MAX_ANN] = desired, maxr
        rs.meta.generation += 1
        self.state.update(rs)
        if old != replicas:
            verb = "up" if replicas > old else "down"
            self.rec.event("Deployment", d.meta.namespace, d.meta.name, "ScalingReplicaSet",
                           f"Scaled {verb} replica set {rs.meta.name} from {old} to {replicas}")
        return old != replicas

    @staticmethod
    def _view(rs: ReplicaSet) -> RSView:
        return RSView(rs.meta.name, rs.spec.replicas, rs.status.available_replicas, rs.meta.creation_s,
                      rs.meta.annotations.get(MAX_ANN))

    # ---- reconcile
    def reconcile(self, key: str) -> Result | None:
        """One sync of a Deployment."""
        d: Deployment | None = self.state.get("Deployment", key)
        if d is None or d.meta.deletion_s is not None:
            return None
        new, old = self._replica_sets(d)
        before = self._rs_set_changes
        if new is not None and self._is_scaling_event(d, [new, *old]):
            self._proportional_scale(d, new, old)
        elif d.spec.strategy.type == RECREATE:
            self._rollout_recreate(d, new, old)
        else:
            self._rollout_rolling(d, new, old)
        # the status reads the same ReplicaSets unless this sync created or deleted one
        return self._sync_status(d, (new, old) if self._rs_set_changes == before else None)

    def _is_scaling_event(self, d: Deployment, rss: list[ReplicaSet]) -> bool:
        for rs in rss:
            if rs.spec.replicas > 0:
                desired = rs.meta.annotations.get(DESIRED_ANN)
                if desired is not None and int(desired) != d.spec.replicas:
                    return True
        return False

    def _rollout_rolling(self, d: Deployment, new: ReplicaSet | None, old: list[ReplicaSet]) -> None:
        if new is None:
            new = self._create_new_rs(d, old)
            return
        s = d.spec.strategy
        all_replicas = [new.spec.replicas, *(r.spec.replicas for r in old)]
        target = util.reconcile_new_replica_set(d.spec.replicas, s.max_surge, self._view(new), all_replicas)
        if target is not None:
            self._scale(d, new, target)
            return
        views = [self._view(r) for r in old]
        cleaned, scaled = util.reconcile_old_replica_sets(d.spec.replicas, s.max_surge, s.max_unavailable,
                                                          self._view(new), views)
        if cleaned or scaled:
            for rs, v in zip(old, views, strict=True):
                if v.replicas != rs.spec.replicas:
                    self._scale(d, rs, v.replicas)
            return
        self._cleanup(d, old)

    def _rollout_recreate(self, d: Deployment, new: ReplicaSet | None, old: list[ReplicaSet]) -> None:
        active_old = [r for r in old if r.spec.replicas > 0]
        if active_old:
            for rs in active_old:
                self._scale(d, rs, 0)
            return
        if any(r.status.replicas > 0 for r in old) or any(
            not p.terminal for r in old for p in self.state.owned_by(r.meta.uid)
        ):
            return  # recreate.go oldPodsRunning: wait until old pods are gone
        if new is None:
            new = self._create_new_rs(d, old)
        if new.spec.replicas != d.spec.replicas:
            self._scale(d, new, d.spec.replicas)
        self._cleanup(d, old)

    def _proportional_scale(self, d: Deployment, new: ReplicaSet, old: list[ReplicaSet]) -> None:
        """``sync.go`` scale(): one active RS takes everything; otherwise share in proportion."""
        active = [r for r in (new, *old) if r.spec.replicas > 0]
        if len(active) <= 1:
            target = active[0] if active else new
            self._scale(d, target, d.spec.replicas)
            return
        s = d.spec.strategy
        allowed = d.spec.replicas + util.max_surge(s.type, d.spec.replicas, s.max_surge, s.max_unavailable) if d.spec.replicas > 0 else 0
        to_add = allowed - sum(r.spec.replicas for r in active)
        if to_add > 0:
            active.sort(key=lambda r: (-r.spec.replicas, -r.meta.creation_s))
        elif to_add < 0:
            active.sort(key=lambda r: (-r.spec.replicas, r.meta.creation_s))
        added, sizes = 0, []
        for rs in active:
            frac = util.replicaset_fraction(d.spec.replicas, d.status.replicas, s.max_surge, s.max_unavailable,
                                            rs.spec.replicas, rs.meta.annotations.get(MAX_ANN))
            p = util.get_proportion(rs.spec.replicas, frac, to_add, added) if to_add else 0
            sizes.append(rs.spec.replicas + p)
            added += p
        if to_add:
            sizes[0] = max(sizes[0] + to_add - added, 0)
        for rs, size in zip(active, sizes, strict=True):
            self._scale(d, rs, size)

    def _cleanup(self, d: Deployment, old: list[ReplicaSet]) -> None:
        """Delete old, empty ReplicaSets beyond ``revisionHistoryLimit`` (oldest first)."""
        empty = [r for r in old if r.spec.replicas == 0 and r.status.replicas == 0]
        excess = len(empty) - d.spec.revision_history_limit
        for rs in empty[: max(excess, 0)]:
            self.state.delete("ReplicaSet", rs.key)
            self._rs_set_changes += 1

    def _sync_status(self, d: Deployment, rss: tuple[ReplicaSet | None, list[ReplicaSet]] | None = None) -> Result | None:
        new, old = rss if rss is not None else self._replica_sets(d)
        st = d.status
        replicas = ready = available = 0
        for r in old:
            replicas += r.status.replicas
            ready += r.status.ready_replicas
            available += r.status.available_replicas
        updated = 0
        if new is not None:
            updated = new.status.replicas
            replicas += updated
            ready += new.status.ready_replicas
            available += new.status.available_replicas
        if ((replicas, updated, ready, available) == (st.replicas, st.updated_replicas, st.ready_replicas, st.available_replicas)
                and st.observed_generation == d.meta.generation and "Progressing" in st.conditions
                and st.conditions["Progressing"][1] != "ReplicaSetUpdated"):
            return None  # nothing changed and no rollout in progress: status and conditions stand
        before = {"replicas": st.replicas, "updated_replicas": st.updated_replicas,
                  "ready_replicas": st.ready_replicas, "available_replicas": st.available_replicas}
        after = {"replicas": replicas, "updated_replicas": updated, "ready_replicas": ready, "available_replicas": available}
        now = self.env.now
        cond = st.conditions.get("Progressing")
        if util.deployment_complete(d.spec.replicas, after["replicas"], after["updated_replicas"], after["available_replicas"]):
            if cond is None or cond[1] != util.NEW_RS_AVAILABLE_REASON:
                st.conditions["Progressing"] = ("True", util.NEW_RS_AVAILABLE_REASON, now)
        elif util.deployment_progressing(before, after) or cond is None:
            st.conditions["Progressing"] = ("True", "ReplicaSetUpdated", now)
        elif util.deployment_timed_out(d.spec.progress_deadline_s, cond[1], cond[2], now):
            if cond[1] != util.TIMED_OUT_REASON:
                st.conditions["Progressing"] = ("False", util.TIMED_OUT_REASON, now)
                self.rec.event("Deployment", d.meta.namespace, d.meta.name, "ProgressDeadlineExceeded",
                               f'Deployment "{d.meta.name}" has timed out progressing.', "", "Warning")
        s = d.spec.strategy
        min_avail = d.spec.replicas - util.max_unavailable(s.type, d.spec.replicas, s.max_surge, s.max_unavailable)
        st.conditions["Available"] = ("True" if after["available_replicas"] >= min_avail else "False",
                                      "MinimumReplicasAvailable", now)
        changed = before != after or st.observed_generation != d.meta.generation
        st.replicas, st.updated_replicas = after["replicas"], after["updated_replicas"]
        st.ready_replicas, st.available_replicas = after["ready_replicas"], after["available_replicas"]
        st.unavailable_replicas = max(d.spec.replicas - after["available_replicas"], 0)
        st.observed_generation = d.meta.generation
        ns, name = d.meta.namespace, d.meta.name
        self.rec.level("desired_replicas", d.spec.replicas, ns, name)
        self.rec.level("ready_replicas", st.ready_replicas, ns, name)
        self.rec.level("updated_replicas", st.updated_replicas, ns, name)
        self.rec.level("available_replicas", st.available_replicas, ns, name)
        if changed:
            self.state.update(d, "status")
        if d.spec.progress_deadline_s is not None and st.conditions["Progressing"][1] == "ReplicaSetUpdated":
            # requeueStuckDeployment: check again when the deadline could have passed
            last = st.conditions["Progressing"][2]
            return Result(max(last + d.spec.progress_deadline_s - now, 0.0) + 1e-3)
        return None
