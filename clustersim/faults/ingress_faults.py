"""IngressReloadStall: an ingress-nginx reload hangs (a reload storm, workers stuck draining long-lived
connections, a config that takes minutes to load). At ``at_s`` the controller starts a reload (a
change of configuration or certificate) that does not finish for ``duration_s``: meanwhile its sync
worker waits and nothing new goes in, endpoint changes included, so requests keep going to the
endpoints it loaded before (stale ones fail at the pod). Ingress controller pods are killed with the
pod faults (PodKill, ContainerKill on ``ingress-nginx/ingress-nginx-controller``).
"""

from __future__ import annotations

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext, check_at
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS

__all__ = ["IngressReloadStall"]


class IngressReloadStallArgs(ActorArgs):
    """When the reload hangs, and for how long."""

    at_s: float = Field(ge=0)
    duration_s: float = Field(gt=0, le=1e9, description="How long the reload hangs.")

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run and an ingress controller that runs."""
        from clustersim.addons.workloads import ingress_enabled

        if not ingress_enabled(cfg):
            return "at_s: no ingress controller runs (no Ingress in the config)"
        return check_at(cfg, self.at_s)


@FAULTS.register("IngressReloadStall")
class IngressReloadStall:
    """The controller's next reload hangs for a while."""

    Args = IngressReloadStallArgs

    def __init__(self, index: int, args: IngressReloadStallArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule the stall."""
        self.ctx.env.timeout(self.args.at_s).callbacks.append(lambda _e: self._inject())

    def _inject(self) -> None:
        ctx, a = self.ctx, self.args
        plane = ctx.infra.ingress
        end = ctx.env.now + a.duration_s
        row = {"fault": "IngressReloadStall", "index": self.index, "target": plane.service, "t_inject": ctx.env.now, "t_recover": end}
        ctx.rec.faults.append(row)
        ns, _, name = plane.service.partition("/")
        ctx.rec.event("Service", ns, name, "FaultInjected", f"IngressReloadStall: reloads hang for {a.duration_s:g} s", "", "Warning")
        plane.stall(end)
