"""Probe timing computed in closed form, so a passing probe costs no event.

Upstream ``pkg/kubelet/prober/worker.go``: a probe worker is started when the pod is added and ticks
every ``periodSeconds`` from then on; a probe before ``initialDelaySeconds`` since container start is
skipped, and a result flips after ``successThreshold`` / ``failureThreshold`` consecutive results.
Readiness is Failure until the first success; a container without a readiness probe is Ready as soon
as it runs. Stepping tick by tick gives the same times as these formulas.
"""

from __future__ import annotations

import math

from clustersim.api.types import Probe

__all__ = ["first_tick_at_or_after", "liveness_kill_time", "readiness_fail_time", "readiness_time"]


def first_tick_at_or_after(t: float, phase_s: float, period_s: float) -> float:
    """First probe tick ``phase + k * period`` (k >= 0) not before ``t``."""
    if t <= phase_s:
        return phase_s
    k = math.ceil((t - phase_s) / period_s - 1e-9)
    return phase_s + k * period_s


def readiness_time(probe: Probe | None, started_s: float, ready_after_s: float, phase_s: float) -> float:
    """When the Ready condition turns True for a container started at ``started_s``."""
    if probe is None:
        return started_s
    earliest = started_s + max(probe.initial_delay_s, ready_after_s)
    first = first_tick_at_or_after(max(earliest, started_s), phase_s, probe.period_s)
    return first + (probe.success_threshold - 1) * probe.period_s


def readiness_fail_time(probe: Probe | None, stop_answering_s: float, phase_s: float) -> float | None:
    """When readiness turns False after the app stops answering at ``stop_answering_s``."""
    if probe is None:
        return None
    first = first_tick_at_or_after(stop_answering_s, phase_s, probe.period_s)
    return first + (probe.failure_threshold - 1) * probe.period_s


def liveness_kill_time(probe: Probe | None, started_s: float, stop_answering_s: float, phase_s: float) -> float | None:
    """When the kubelet kills a container whose app stops answering at ``stop_answering_s``."""
    if probe is None:
        return None
    earliest = max(stop_answering_s, started_s + probe.initial_delay_s)
    first = first_tick_at_or_after(earliest, phase_s, probe.period_s)
    return first + (probe.failure_threshold - 1) * probe.period_s
