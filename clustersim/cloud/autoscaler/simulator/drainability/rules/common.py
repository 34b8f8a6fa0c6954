"""Helpers of the rules."""

from clustersim.cloud.autoscaler.simulator.drainability import Outcome, Status


def block(reason: str, message: str) -> Status:
    """A Block verdict with upstream's BlockingPodReason."""
    return Status(Outcome.BLOCK, reason, message)
