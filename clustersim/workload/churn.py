"""PodChurn: pods of Deployments finish at a Poisson rate and are replaced by new pods.

A finished pod is deleted (gracefully, as a batch system cleans up after a completion) and its
ReplicaSet creates a replacement, which the scheduler places and a kubelet starts. This is the
steady churn of a busy cluster.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext
from clustersim.api.objects import Pod
from clustersim.apiserver import DELETED
from clustersim.config.bounds import MAX_RATE_PER_S
from clustersim.config.models import SimConfig
from clustersim.config.size import check_events
from clustersim.workload.base import WORKLOADS

__all__ = ["PodChurn"]


class PodChurnArgs(ActorArgs):
    """Churn rate and which pods take part."""

    rate_per_s: float = Field(gt=0, le=MAX_RATE_PER_S, description="Pod completions per second, cluster-wide.")
    start_s: float = Field(0.0, ge=0, description="Churn starts at this time.")
    namespace: str | None = Field(None, description="Only pods of this namespace.")

    def check(self, cfg: SimConfig) -> str | None:
        """At most MAX_EVENTS_PER_RUN completions (1e9/s would never finish)."""
        return check_events(self.rate_per_s * max(cfg.duration_s - self.start_s, 0.0), "rate_per_s", "pod completions")


@WORKLOADS.register("PodChurn")
class PodChurn:
    """Poisson pod completions among running pods."""

    Args = PodChurnArgs

    def __init__(self, index: int, args: PodChurnArgs, ctx: ActorContext) -> None:
        self.args, self.ctx = args, ctx
        self.rng = ctx.env.stream(f"workload/{index}/PodChurn")
        self.running: list[Pod] = []
        self.pos: dict[str, int] = {}
        self.completed = 0

    def start(self) -> None:
        """Track running pods; start the arrival loop."""
        self.ctx.state.watch("Pod", self._on_pod)
        self.ctx.env.process(self.churn_loop())

    def _on_pod(self, etype: str, pod: Pod) -> None:
        ok = (etype != DELETED and pod.status.ready and not pod.terminating and bool(pod.workload)
              and (self.args.namespace is None or pod.meta.namespace == self.args.namespace))
        key = pod.meta.uid
        if ok and key not in self.pos:
            self.pos[key] = len(self.running)
            self.running.append(pod)
        elif not ok and key in self.pos:
            self._drop(key)

    def _drop(self, key: str) -> None:
        i = self.pos.pop(key)
        last = self.running.pop()
        if i < len(self.running):
            self.running[i] = last
            self.pos[last.meta.uid] = i

    def churn_loop(self) -> Generator[Any, Any, None]:
        """Exponential gaps; each completion deletes one random running pod."""
        env, state = self.ctx.env, self.ctx.state
        if self.args.start_s > 0:
            yield env.timeout(self.args.start_s)
        while True:
            yield env.timeout(self.rng.exponential(1.0 / self.args.rate_per_s))
            if not self.running:
                continue
            pod = self.running[self.rng.integers(len(self.running))]
            self._drop(pod.meta.uid)
            self.completed += 1
            state.delete("Pod", pod.key)
