"""PodFailure: the pods' images are replaced by a pause image for ``duration_s`` (Chaos Mesh PodChaos
``pod-failure``, controllers/chaosimpl/podchaos/podfailure: the pod's ``spec.containers[].image`` is patched
and restored on recovery).

The kubelet restarts the containers with the pause image at once (restartCount + 1): it answers no
request and never passes a readiness probe, so the pod drops out of its Services' endpoints (without a
readiness probe it is Ready and requests to it fail). On recovery the original image starts again
(restartCount + 1) and the pod is Ready when its probes pass. The pod is not deleted, so nothing replaces it.
"""

from __future__ import annotations

from clustersim.api.objects import Pod
from clustersim.faults.base import FAULTS
from clustersim.faults.pod_fault import PodFault, PodFaultArgs

__all__ = ["PodFailure"]


class PodFailureArgs(PodFaultArgs):
    """Which pods fail, when and for how long."""

    DEFAULT_COUNT = 1


@FAULTS.register("PodFailure")
class PodFailure(PodFault):
    """Swap the images for a pause image; swap back after ``duration_s``."""

    Args = PodFailureArgs
    NAME = "PodFailure"
    RECOVERS = True

    def eligible(self, pod: Pod) -> bool:
        """Bound to a node and not finished."""
        return bool(pod.node_name) and not pod.terminal

    def hit(self, pod: Pod) -> str | None:
        """Patch the images to the pause image."""
        host = self.ctx.infra.hosts.get(pod.node_name)
        return "image replaced by a pause image" if host is not None and host.swap_image(pod.key, True) else None

    def recover(self, pod: Pod) -> None:
        """Restore the images (a pod deleted meanwhile is gone: nothing to restore)."""
        host = self.ctx.infra.hosts.get(pod.node_name)
        if host is not None and self.ctx.state.get("Pod", pod.key) is pod:
            host.swap_image(pod.key, False)
