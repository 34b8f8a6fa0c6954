"""The StatefulSet controller (pkg/controller/statefulset): stable identities ``<name>-<ordinal>``.

At most one pod per identity: a replacement for ``web-1`` is created only after the old ``web-1``
is gone from the API. So a pod on a node that is cut off, evicted (Terminating) but never confirmed
dead by its kubelet, is not replaced until the node returns or someone force-deletes it: the
documented StatefulSet behaviour. ``OrderedReady`` creates one pod at a time, in ordinal order, each
after the previous is Running and Ready, and removes from the highest ordinal; ``Parallel`` does all at
once. Each pod gets its own PersistentVolumeClaim per volumeClaimTemplate (``<template>-<pod>``),
created with the pod and kept when the pod goes, so the replacement mounts the same volume: in its
zone (VolumeZone), which a zone outage makes unschedulable.
"""

from __future__ import annotations

from dataclasses import replace

from clustersim.api.objects import ObjectMeta, OwnerRef, PersistentVolumeClaim, Pod, StatefulSet
from clustersim.api.types import Volume
from clustersim.controllers.base import CONTROLLERS, Controller, Result

__all__ = ["StatefulSetController"]


@CONTROLLERS.register("StatefulSet")
class StatefulSetController(Controller):
    """Keeps each StatefulSet's ordinals running."""

    name = "StatefulSet"

    def setup(self) -> None:
        """Reconcile on StatefulSet changes and on changes of pods it owns."""
        self.state.watch("StatefulSet", lambda _e, s: self.enqueue(s.key))
        self.state.watch("Pod", self._on_pod, owner_kind="StatefulSet")

    def _on_pod(self, _etype: str, pod: Pod) -> None:
        owner = pod.meta.owner
        if owner is not None and owner.kind == "StatefulSet":
            self.enqueue(f"{pod.meta.namespace}/{owner.name}")

    def _pod(self, sts: StatefulSet, ordinal: int) -> Pod:
        ns, name = sts.meta.namespace, f"{sts.meta.name}-{ordinal}"
        template = sts.spec.template
        claims = tuple(Volume(t, "persistentVolumeClaim", claim=f"{t}-{name}") for t in sts.spec.claim_templates)
        spec = replace(template.spec, volumes=template.spec.volumes + claims) if claims else template.spec
        labels = {**dict(template.labels), "statefulset.kubernetes.io/pod-name": name}
        return Pod(ObjectMeta(name, ns, labels, owner=OwnerRef("StatefulSet", sts.meta.name, sts.meta.uid)), spec,
                   workload=sts.meta.name)

    def reconcile(self, key: str) -> Result | None:
        """Create missing ordinals, delete surplus ones, write the status."""
        sts = self.state.get("StatefulSet", key)
        if sts is None:
            return None
        ns = sts.meta.namespace
        ordered = sts.spec.pod_management_policy == "OrderedReady"
        pods = {}
        for p in self.state.list("Pod"):
            owner = p.meta.owner
            if p.meta.namespace == ns and owner is not None and owner.kind == "StatefulSet" and owner.name == sts.meta.name:
                suffix = p.meta.name.rsplit("-", 1)[-1]
                if suffix.isdigit():
                    pods[int(suffix)] = p
        for i in range(sts.spec.replicas):
            p = pods.get(i)
            if p is None:
                pod = self._pod(sts, i)
                for v in pod.spec.volumes:
                    if v.kind == "persistentVolumeClaim" and self.state.get("PersistentVolumeClaim", f"{ns}/{v.claim}") is None:
                        self.state.create(PersistentVolumeClaim(ObjectMeta(v.claim, ns)))
                self.state.create(pod)
                self.rec.pod(pod.meta.uid, ns, pod.meta.name, sts.meta.name)
                self.rec.event("StatefulSet", ns, sts.meta.name, "SuccessfulCreate",
                               f"create Pod {pod.meta.name} in StatefulSet {sts.meta.name} successful")
                if ordered:
                    break
            elif p.terminal and not p.terminating:
                self.state.delete("Pod", p.key)  # a failed pod is recreated under the same name
                if ordered:
                    break
            elif ordered and not (p.status.ready and not p.terminating):
                break  # wait for this ordinal before the next
        for i in sorted((i for i in pods if i >= sts.spec.replicas), reverse=True):
            p = pods[i]
            if not p.terminating:
                self.state.delete("Pod", p.key)
                self.rec.event("StatefulSet", ns, sts.meta.name, "SuccessfulDelete",
                               f"delete Pod {p.meta.name} in StatefulSet {sts.meta.name} successful")
            if ordered:
                break
        ready = sum(1 for i, p in pods.items() if i < sts.spec.replicas and p.status.ready and not p.terminating)
        st = sts.status
        if (st.replicas, st.ready_replicas) != (len(pods), ready):
            st.replicas, st.ready_replicas = len(pods), ready
            self.state.update(sts, "status")
        self.rec.level("desired_replicas", sts.spec.replicas, ns, sts.meta.name)
        return None
