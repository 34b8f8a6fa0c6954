"""Admission plugins applied by the store when a pod is created.

Only DefaultTolerationSeconds is modelled: ``plugin/pkg/admission/defaulttolerationseconds/admission.go``.
It adds ``not-ready`` and ``unreachable`` NoExecute tolerations (operator Exists, 300 s by default)
unless the pod already has a toleration that covers them; an empty key or an empty effect covers them.
"""

from __future__ import annotations

from dataclasses import replace

from clustersim.api.objects import TAINT_NOT_READY, TAINT_UNREACHABLE
from clustersim.api.types import PodSpec, Toleration

__all__ = ["DefaultTolerationSeconds"]


def _covers(t: Toleration, key: str) -> bool:
    return (t.key == key or t.key == "") and (t.effect in ("NoExecute", ""))


class DefaultTolerationSeconds:
    """Adds the default NoExecute tolerations; caches the result per shared spec."""

    def __init__(self, not_ready_s: int = 300, unreachable_s: int = 300) -> None:
        self.not_ready = Toleration(TAINT_NOT_READY, "Exists", "", "NoExecute", not_ready_s)
        self.unreachable = Toleration(TAINT_UNREACHABLE, "Exists", "", "NoExecute", unreachable_s)
        self._cache: dict[int, tuple[PodSpec, PodSpec]] = {}

    def tolerations(self, tolerations: tuple[Toleration, ...]) -> tuple[Toleration, ...]:
        """The tolerations after admission, in upstream order (not-ready first)."""
        out = list(tolerations)
        if not any(_covers(t, TAINT_NOT_READY) for t in tolerations):
            out.append(self.not_ready)
        if not any(_covers(t, TAINT_UNREACHABLE) for t in tolerations):
            out.append(self.unreachable)
        return tuple(out)

    def admit(self, spec: PodSpec) -> PodSpec:
        """The admitted spec; pods sharing a spec keep sharing the admitted one."""
        hit = self._cache.get(id(spec))
        if hit is not None and hit[0] is spec:
            return hit[1]
        tolerations = self.tolerations(spec.tolerations)
        admitted = spec if tolerations == spec.tolerations else replace(spec, tolerations=tolerations)
        self._cache[id(spec)] = (spec, admitted)
        return admitted
