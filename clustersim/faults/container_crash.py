"""ContainerCrash (ContainerKill): the containers of running pods exit with ``exit_code``.

The kubelet notices at its next PLEG relist and restarts them per ``restartPolicy`` with
CrashLoopBackOff (10 s doubling to 300 s). Targets: a Deployment and a count, or a pod selector and a mode.
"""

from __future__ import annotations

from pydantic import Field

from clustersim.api.objects import Pod
from clustersim.faults.base import FAULTS
from clustersim.faults.pod_fault import PodFault, PodFaultArgs

__all__ = ["ContainerCrash"]


class ContainerCrashArgs(PodFaultArgs):
    """Which pods' containers crash and when."""

    DEFAULT_COUNT = 1
    exit_code: int = 1
    containers: tuple[str, ...] = Field((), description="Only these containers (Chaos Mesh containerNames); the pod-level model restarts them all.")


@FAULTS.register("ContainerCrash")
class ContainerCrash(PodFault):
    """Crash the containers of some pods."""

    Args = ContainerCrashArgs
    NAME = "ContainerCrash"

    def eligible(self, pod: Pod) -> bool:
        """Running on a node, containers started."""
        return bool(pod.node_name) and pod.status.start_s is not None

    def hit(self, pod: Pod) -> str | None:
        """The containers exit."""
        a: ContainerCrashArgs = self.args  # type: ignore[assignment]
        host = self.ctx.infra.hosts.get(pod.node_name)
        if host is None or not host.kill_container(pod.key, a.exit_code):
            return None
        return f"containers exited with code {a.exit_code}"
