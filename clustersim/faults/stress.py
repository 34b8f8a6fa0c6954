"""MemoryStress: pods of a Deployment start using more memory (Chaos Mesh StressChaos, memory stressor).

The extra working set counts toward the node's ``memory.available`` signal, so enough of it makes
the kubelet's eviction manager set MemoryPressure (the node is tainted memory-pressure:NoSchedule)
and evict pods, stressed ones first (they exceed their requests). As in Chaos Mesh, the stress is
injected into the pods running at ``at_s``; their replacements are not stressed.
"""

from __future__ import annotations

from pydantic import Field

from clustersim.actors import ActorContext
from clustersim.api.objects import Pod
from clustersim.api.quantity import cpu_millis, parse_quantity
from clustersim.config.models import Quantity
from clustersim.faults.base import FAULTS
from clustersim.faults.pod_fault import PodFault, PodFaultArgs

__all__ = ["CpuStress", "MemoryStress"]


class MemoryStressArgs(PodFaultArgs):
    """Which pods, how much, when."""

    memory: Quantity = Field(description="Extra memory each stressed pod uses (e.g. 2Gi).")


@FAULTS.register("MemoryStress")
class MemoryStress(PodFault):
    """Adds working-set memory to running pods for a while."""

    Args = MemoryStressArgs
    NAME = "MemoryStress"
    RECOVERS = True

    def __init__(self, index: int, args: MemoryStressArgs, ctx: ActorContext) -> None:
        super().__init__(index, args, ctx)
        self.amount = int(parse_quantity(args.memory))
        self.nodes: dict[str, str] = {}  # pod uid -> node it was stressed on

    def eligible(self, pod: Pod) -> bool:
        """Bound and not finished."""
        return bool(pod.node_name) and not pod.terminal

    def hit(self, pod: Pod) -> str | None:
        """Add the working set."""
        stress = self.ctx.infra.memory_stress
        stress[pod.meta.uid] = stress.get(pod.meta.uid, 0) + self.amount
        self.nodes[pod.meta.uid] = pod.node_name
        return f"+{self.args.memory}"  # type: ignore[attr-defined]

    def injected(self, pods: list[Pod]) -> None:
        """The kubelets see the new usage."""
        for node in sorted({p.node_name for p in pods}):
            self.ctx.infra.hosts[node].usage_changed()

    def recover(self, pod: Pod) -> None:
        """Remove the working set."""
        stress = self.ctx.infra.memory_stress
        left = stress.get(pod.meta.uid, 0) - self.amount
        if left > 0:
            stress[pod.meta.uid] = left
        else:
            stress.pop(pod.meta.uid, None)
        host = self.ctx.infra.hosts.get(self.nodes.get(pod.meta.uid, ""))
        if host is not None:
            host.usage_changed()


class CpuStressArgs(PodFaultArgs):
    """Which pods, how many cores' worth, when."""

    cpu: Quantity = Field(description="Extra CPU each stressed pod burns (e.g. 1 or 500m: workers x load).")


@FAULTS.register("CpuStress")
class CpuStress(PodFault):
    """Burns CPU in running pods for a while (Chaos Mesh StressChaos cpu stressor, Litmus pod-cpu-hog).

    The burn shows in the pods' CPU usage as metrics-server reports it, so HorizontalPodAutoscalers on
    CPU react; CPU contention between pods (throttling, slower answers) is not modelled.
    """

    Args = CpuStressArgs
    NAME = "CpuStress"
    RECOVERS = True

    def __init__(self, index: int, args: CpuStressArgs, ctx: ActorContext) -> None:
        super().__init__(index, args, ctx)
        self.millis = cpu_millis(args.cpu)

    def eligible(self, pod: Pod) -> bool:
        """Bound and not finished."""
        return bool(pod.node_name) and not pod.terminal

    def hit(self, pod: Pod) -> str | None:
        """Start burning."""
        stress = self.ctx.infra.cpu_stress
        stress[pod.meta.uid] = stress.get(pod.meta.uid, 0) + self.millis
        return f"+{self.millis}m CPU"

    def recover(self, pod: Pod) -> None:
        """Stop burning."""
        stress = self.ctx.infra.cpu_stress
        left = stress.get(pod.meta.uid, 0) - self.millis
        if left > 0:
            stress[pod.meta.uid] = left
        else:
            stress.pop(pod.meta.uid, None)
