"""The one shape every chaos format is read into: actions of (targets, timing, action) on the fault catalogue,
plus what the experiment checks (Chaos Toolkit hypotheses, Krkn SLOs) and what the simulator leaves out.

A reader keeps each format's quirks to itself and emits ``ChaosAction`` values whose ``fault`` is a
catalogue name (``PodKill``, ``NodeDrain``, ...), whose ``targets`` and ``params`` are that fault's args,
and whose ``timing`` is relative to the moment the experiment is applied (its t=0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ChaosAction", "ChaosError", "ChaosExperiment", "Hypothesis", "SLO", "Timing"]


class ChaosError(Exception):
    """Bad chaos input; ``str(e)`` is one line: ``<file>[doc <i>]: <object>: <field>: <message>``."""

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source, self.field, self.message = source, field, message
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")


@dataclass
class Timing:
    """When an action is injected, relative to the experiment's start.

    ``cron`` is a schedule (cron with optional seconds, ``@every <duration>``, or a descriptor) expanded
    at compile time against the run's clock; ``every_s`` a fixed interval; both stop at ``until_s``
    (exclusive). ``forbid_overlap`` drops an injection while the previous one still runs (Chaos Mesh's
    ``concurrencyPolicy: Forbid``); ``deadline_s`` ends the schedule (a workflow deadline).
    """

    at_s: float = 0.0
    duration_s: float | None = None
    every_s: float | None = None
    until_s: float | None = None
    cron: str | None = None
    forbid_overlap: bool = False
    times_s: tuple[float, ...] = ()
    starting_deadline_s: float | None = None
    period_s: float | None = None  # the whole pattern repeats this often (a Litmus ChaosSchedule's minChaosInterval)

    def bounded(self) -> bool:
        """Does the timing end by itself (no unbounded schedule)?"""
        return (self.cron is None and self.every_s is None and self.period_s is None) or self.until_s is not None

    def end_s(self) -> float:
        """When the last injection ends, for bounded timings (unbounded ones: their first injection)."""
        last = max((*self.times_s, self.at_s))
        if self.until_s is not None and (self.every_s is not None or self.cron is not None):
            last = max(last, self.until_s)
        return last + (self.duration_s or 0.0)


@dataclass
class ChaosAction:
    """One fault of the catalogue with its targets and timing."""

    fault: str
    targets: dict[str, Any]
    params: dict[str, Any]
    timing: Timing
    source: str  # file[doc i] and object
    description: str
    instances: tuple[str, ...] = ()  # cloud instances (IDs, names) the compiler maps to nodes
    problem: tuple[str, str] | None = None  # (field, message): readable, but nothing to target until the field is set


@dataclass
class Hypothesis:
    """A Chaos Toolkit steady-state probe, as a check on run metrics before and after the method."""

    name: str
    kind: str  # pods_in_phase, count_pods, deployment_available, endpoint_initialized, http
    args: dict[str, Any]
    tolerance: Any
    source: str


@dataclass
class SLO:
    """A Krkn SLO (an alert expression that must not fire during the run) and its weight."""

    name: str
    expr: str
    severity: str
    weight: float


@dataclass
class ChaosExperiment:
    """One experiment as read from its files."""

    name: str
    tool: str
    source: str
    actions: list[ChaosAction] = field(default_factory=list)
    simplifications: list[str] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)
    hypotheses: list[Hypothesis] = field(default_factory=list)
    slos: list[SLO] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    method_end_s: float | None = None  # Chaos Toolkit: when the method ends (the hypothesis is checked after it)

    def span_s(self, horizon_s: float) -> float:
        """Seconds from the start until the last bounded action ends (unbounded schedules: ``horizon_s``)."""
        ends = [a.timing.end_s() if a.timing.bounded() else horizon_s for a in self.actions]
        if self.method_end_s is not None:
            ends.append(self.method_end_s + 1.0)  # the hypothesis is checked after the method's last pause
        return max(ends, default=0.0)
