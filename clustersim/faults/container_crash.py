"""ContainerCrash: at ``at_s``, the containers of running pods of a Deployment exit with ``exit_code``.

The kubelet restarts them per ``restartPolicy`` with CrashLoopBackOff (10 s doubling to 300 s).
"""

from __future__ import annotations

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext, check_at, check_deployment
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.targets import pick_pods

__all__ = ["ContainerCrash"]


class ContainerCrashArgs(ActorArgs):
    """Which pods' containers crash and when."""

    at_s: float = Field(ge=0)
    deployment: str = Field(description="Deployment whose pods are hit.")
    namespace: str = "default"
    count: int = Field(1, ge=1, description="Pods hit (at most the running ones).")
    exit_code: int = 1

    def check(self, cfg: SimConfig) -> str | None:
        """Dangling Deployment reference or a time outside the run, or None."""
        return check_deployment(cfg, self.namespace, self.deployment) or check_at(cfg, self.at_s)


@FAULTS.register("ContainerCrash")
class ContainerCrash:
    """Crash the containers of some pods."""

    Args = ContainerCrashArgs

    def __init__(self, index: int, args: ContainerCrashArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule the crash."""
        self.ctx.env.timeout(self.args.at_s).callbacks.append(lambda _e: self._crash())

    def _crash(self) -> None:
        ctx, a = self.ctx, self.args
        for pod in pick_pods(ctx, a.namespace, a.deployment, a.count, f"fault/{self.index}/ContainerCrash",
                             lambda p: bool(p.node_name) and p.status.start_s is not None):
            host = ctx.infra.hosts.get(pod.node_name)
            if host is not None and host.kill_container(pod.key, a.exit_code):
                ctx.rec.faults.append({"fault": "ContainerCrash", "index": self.index, "target": pod.key,
                                       "t_inject": ctx.env.now, "t_recover": None})
                ctx.rec.event("Pod", pod.meta.namespace, pod.meta.name, "FaultInjected",
                              f"ContainerCrash: containers exited with code {a.exit_code}", pod.node_name, "Warning")
