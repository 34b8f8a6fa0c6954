"""Taint eviction controller (the NoExecute taint manager): ``pkg/controller/tainteviction/taint_eviction.go``.

When a node has NoExecute taints, each pod on it is checked: a pod that does not tolerate them all is
deleted at once; otherwise it is deleted after the smallest ``tolerationSeconds`` of the matching
tolerations (``getMinTolerationTime``; none set means never), counted from when the controller saw
the taint. Removing the taints cancels pending deletions. Deletion is graceful, so on an
unreachable node the pod stays Terminating until the node returns or the pod is force-deleted.
"""

from __future__ import annotations

from clustersim.api.errors import StatusError
from clustersim.api.objects import Node, Pod
from clustersim.api.types import Taint, TaintEffect, Toleration
from clustersim.apiserver import DELETED
from clustersim.controllers.base import CONTROLLERS, Controller

__all__ = ["TaintEvictionController", "get_matching_tolerations", "min_toleration_time"]


def get_matching_tolerations(taints: tuple[Taint, ...], tolerations: tuple[Toleration, ...]) -> tuple[bool, list[Toleration]]:
    """``v1helper.GetMatchingTolerations``: all tolerated?, and the first match for each taint."""
    used: list[Toleration] = []
    for taint in taints:
        match = next((t for t in tolerations if t.tolerates(taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def min_toleration_time(tolerations: list[Toleration]) -> float:
    """``getMinTolerationTime``: 0 with none, -1 (forever) when none sets seconds, else the minimum."""
    if not tolerations:
        return 0.0
    seconds = [t.toleration_seconds for t in tolerations if t.toleration_seconds is not None]
    if not seconds:
        return -1.0
    return float(max(min(seconds), 0))


@CONTROLLERS.register("TaintEviction")
class TaintEvictionController(Controller):
    """Deletes pods from nodes with NoExecute taints they do not tolerate long enough."""

    name = "TaintEviction"

    def setup(self) -> None:
        """Watch nodes (taint changes) and pods (pods landing on tainted nodes); nothing with the taint manager off."""
        self.node_taints: dict[str, tuple[Taint, ...]] = {}
        self.scheduled: dict[str, tuple[float, float, int]] = {}  # pod key -> (created, fire, token)
        self._token = 0
        if not self.cfg.enable_taint_manager:  # --enable-taint-manager=false: the legacy eviction path instead
            return
        self.state.watch("Node", self._on_node)
        self.state.watch("Pod", self._on_pod)

    def start(self) -> None:
        """Event-driven: no work queue."""
        self.setup()

    def _on_node(self, etype: str, node: Node) -> None:
        name = node.meta.name
        taints = () if etype == DELETED else tuple(t for t in node.taints if t.effect is TaintEffect.NO_EXECUTE)
        if taints == self.node_taints.get(name, ()):
            return
        if taints:
            self.node_taints[name] = taints
        else:
            self.node_taints.pop(name, None)
        for pod in self.state.pods_on_node(name):
            self._process(pod, taints)

    def _on_pod(self, etype: str, pod: Pod) -> None:
        if etype == DELETED:
            self._cancel(pod, quiet=True)
            return
        if pod.node_name and pod.node_name in self.node_taints:
            self._process(pod, self.node_taints[pod.node_name])

    def _process(self, pod: Pod, taints: tuple[Taint, ...]) -> None:
        """``processPodOnNode``."""
        if pod.terminating:
            return
        if not taints:
            self._cancel(pod)
            return
        ok, used = get_matching_tolerations(taints, pod.spec.tolerations)
        if not ok:
            self._cancel(pod, quiet=True)
            self._evict(pod)
            return
        wait = min_toleration_time(used)
        if wait < 0:
            self._cancel(pod)
            return
        now = self.env.now
        existing = self.scheduled.get(pod.key)
        start = now
        if existing is not None:
            start = existing[0]
            if start + wait < now + wait:
                return  # keep the eviction already scheduled
            self._cancel(pod, quiet=True)
        self._token += 1
        token = self._token
        fire = start + wait
        self.scheduled[pod.key] = (start, fire, token)
        self.env.timeout(max(fire - now, 0.0)).callbacks.append(lambda _e: self._fire(pod, token))

    def _fire(self, pod: Pod, token: int) -> None:
        if not self.connected:
            self.when_connected(lambda: self._fire(pod, token))
            return
        entry = self.scheduled.get(pod.key)
        if entry is None or entry[2] != token:
            return
        del self.scheduled[pod.key]
        if self.state.get("Pod", pod.key) is pod and not pod.terminating:
            self._evict(pod)

    def _evict(self, pod: Pod) -> None:
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "TaintManagerEviction",
                       f"Marking for deletion Pod {pod.key}", pod.node_name)
        try:
            self.state.delete("Pod", pod.key)
        except StatusError:
            pass  # deletePodHandler gives up after its retries; the pod is looked at again on its next change

    def _cancel(self, pod: Pod, quiet: bool = False) -> None:
        if self.scheduled.pop(pod.key, None) is not None and not quiet:
            self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "TaintManagerEviction",
                           f"Cancelling deletion of Pod {pod.key}", pod.node_name)
