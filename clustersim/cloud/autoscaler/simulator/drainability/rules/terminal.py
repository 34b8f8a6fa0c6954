"""Pods that have finished (Succeeded, or Failed) may go (rules/terminal)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Outcome, Status


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Drain a terminal pod."""
    return Status(Outcome.DRAIN) if pod.terminal else UNDEFINED
