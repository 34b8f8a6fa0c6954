"""Base of the faults that hit pods: at each injection time, select the pods, act on each, and undo the
action after ``duration_s`` (for the actions that have an end: a stress, a paused image, a request fault).

A selection that finds no pod records a ``FaultSkipped`` event, as Chaos Mesh's ``no pod is selected``.
"""

from __future__ import annotations

from clustersim.actors import ActorContext
from clustersim.api.objects import Pod
from clustersim.config.models import SimConfig
from clustersim.faults.injections import Injections
from clustersim.faults.pod_targets import PodTargetArgs, pick_target_pods

__all__ = ["PodFault", "PodFaultArgs"]


class PodFaultArgs(PodTargetArgs, Injections):
    """Targets (selector and mode) and timing of a pod fault."""

    def check(self, cfg: SimConfig) -> str | None:
        """Known targets and a first injection inside the run."""
        return self.check_targets(cfg) or self.check_times(cfg)


class PodFault:
    """Select, act, record; recover after ``duration_s`` when the action has an end."""

    Args: type[PodFaultArgs] = PodFaultArgs
    NAME = ""
    RECOVERS = False  # the action has an end (undone after duration_s)

    def __init__(self, index: int, args: PodFaultArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule every injection."""
        env = self.ctx.env
        for t in self.args.injection_times(self.ctx.cfg.duration_s):
            env.timeout(t).callbacks.append(lambda _e: self.inject())

    def eligible(self, pod: Pod) -> bool:
        """Can the action apply to ``pod`` (e.g. it must run on a node)?"""
        return True

    def inject(self) -> None:
        """Pick the pods now and hit each."""
        ctx = self.ctx
        pods = pick_target_pods(self.args, ctx, f"fault/{self.index}/{self.NAME}", self.eligible)
        if not pods:
            ctx.rec.event("Fault", "", f"{self.NAME}-{self.index}", "FaultSkipped", f"{self.NAME}: no pod is selected", "", "Warning")
            return
        hit = []
        for pod in pods:
            node = pod.node_name
            message = self.hit(pod)
            if message is None:
                continue
            hit.append(pod)
            row = {"fault": self.NAME, "index": self.index, "target": pod.key, "t_inject": ctx.env.now, "t_recover": None}
            ctx.rec.faults.append(row)
            ctx.rec.event("Pod", pod.meta.namespace, pod.meta.name, "FaultInjected", f"{self.NAME}: {message}", node, "Warning")
            if self.args.duration_s is not None and self.RECOVERS:
                self._schedule_recovery(pod, row, self.args.duration_s)
        self.injected(hit)

    def _schedule_recovery(self, pod: Pod, row: dict[str, object], after_s: float) -> None:
        def recover(_e: object) -> None:
            self.recover(pod)
            row["t_recover"] = self.ctx.env.now

        self.ctx.env.timeout(after_s).callbacks.append(recover)

    def hit(self, pod: Pod) -> str | None:
        """Act on one pod; a short description of what was done, or None if it did not apply."""
        raise NotImplementedError

    def injected(self, pods: list[Pod]) -> None:
        """After a round of hits (e.g. tell the hosts that usage changed)."""

    def recover(self, pod: Pod) -> None:
        """Undo the action on one pod."""
