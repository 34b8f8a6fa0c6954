"""MemoryStress: pods of a Deployment start using more memory (Chaos Mesh StressChaos, memory stressor).

The extra working set counts toward the node's ``memory.available`` signal, so enough of it makes
the kubelet's eviction manager set MemoryPressure (the node is tainted memory-pressure:NoSchedule)
and evict pods, stressed ones first (they exceed their requests). As in Chaos Mesh, the stress is
injected into the pods running at ``at_s``; their replacements are not stressed.
"""

from __future__ import annotations

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext, check_at, check_deployment
from clustersim.api.quantity import parse_quantity
from clustersim.config.models import Quantity, SimConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.targets import pick_pods

__all__ = ["MemoryStress"]


class MemoryStressArgs(ActorArgs):
    """Which pods, how much, when."""

    at_s: float = Field(ge=0)
    duration_s: float | None = Field(None, gt=0, description="How long the stress lasts (None: until the end).")
    deployment: str
    namespace: str = "default"
    count: int | None = Field(None, ge=1, description="Pods to stress, drawn at random (None: all running ones).")
    memory: Quantity = Field(description="Extra memory each stressed pod uses (e.g. 2Gi).")

    def check(self, cfg: SimConfig) -> str | None:
        """Known Deployment and a time inside the run."""
        return check_deployment(cfg, self.namespace, self.deployment) or check_at(cfg, self.at_s)


@FAULTS.register("MemoryStress")
class MemoryStress:
    """Adds working-set memory to running pods for a while."""

    Args = MemoryStressArgs

    def __init__(self, index: int, args: MemoryStressArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx
        self.amount = int(parse_quantity(args.memory))
        self.stressed: list[tuple[str, str]] = []  # (pod uid, node)

    def start(self) -> None:
        """Schedule the stress and its end."""
        env = self.ctx.env
        env.timeout(self.args.at_s).callbacks.append(lambda _e: self._inject())
        if self.args.duration_s is not None:
            env.timeout(self.args.at_s + self.args.duration_s).callbacks.append(lambda _e: self._recover())

    def _inject(self) -> None:
        ctx, a = self.ctx, self.args
        for pod in pick_pods(ctx, a.namespace, a.deployment, a.count, f"fault/{self.index}/MemoryStress",
                             lambda p: bool(p.node_name) and not p.terminal):
            ctx.infra.memory_stress[pod.meta.uid] = ctx.infra.memory_stress.get(pod.meta.uid, 0) + self.amount
            self.stressed.append((pod.meta.uid, pod.node_name))
            ctx.rec.faults.append({"fault": "MemoryStress", "index": self.index, "target": pod.key, "t_inject": ctx.env.now,
                                   "t_recover": None if a.duration_s is None else ctx.env.now + a.duration_s})
            ctx.rec.event("Pod", pod.meta.namespace, pod.meta.name, "FaultInjected", f"MemoryStress: +{a.memory}", pod.node_name, "Warning")
        for node in sorted({n for _, n in self.stressed}):
            ctx.infra.hosts[node].usage_changed()

    def _recover(self) -> None:
        infra = self.ctx.infra
        for uid, _ in self.stressed:
            left = infra.memory_stress.get(uid, 0) - self.amount
            if left > 0:
                infra.memory_stress[uid] = left
            else:
                infra.memory_stress.pop(uid, None)
        for node in sorted({n for _, n in self.stressed}):
            infra.hosts[node].usage_changed()
