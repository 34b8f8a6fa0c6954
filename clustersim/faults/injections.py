"""When a fault is injected: once at ``at_s``, every ``every_s`` (``repeat`` times or until the end), or at the
explicit times ``times_s`` (what a chaos tool's schedule expands to: a cron or ``@every`` Schedule, a Litmus
CHAOS_INTERVAL loop); each injection recovers after ``duration_s``."""

from __future__ import annotations

from pydantic import Field, model_validator

from clustersim.actors import ActorArgs, check_at
from clustersim.config.bounds import MAX_INJECTIONS, MAX_NODE_FAULTS, MAX_SECONDS, MIN_PERIOD_S
from clustersim.config.models import SimConfig

__all__ = ["Injections"]


class Injections(ActorArgs):
    """Injection times and how long each injection lasts."""

    at_s: float = Field(0.0, ge=0, description="First injection.")
    duration_s: float | None = Field(None, gt=0, description="Recover after this long (None: never).")
    every_s: float | None = Field(None, ge=MIN_PERIOD_S, le=MAX_SECONDS, description="Inject again every this many seconds (new picks each time).")
    repeat: int | None = Field(None, ge=1, description="Number of injections when recurring (default: until the end of the run).")
    times_s: tuple[float, ...] = Field((), max_length=MAX_NODE_FAULTS,
                                       description="Explicit injection times (instead of at_s/every_s), e.g. a chaos schedule.")

    @model_validator(mode="after")
    def _timing(self) -> Injections:
        if self.repeat is not None and self.every_s is None:
            raise ValueError("repeat: needs every_s")
        if self.every_s is not None and self.duration_s is not None and self.duration_s > self.every_s:
            raise ValueError("duration_s: longer than every_s (the next injection would overlap)")
        if self.times_s and self.every_s is not None:
            raise ValueError("times_s: give times_s or every_s, not both")
        if any(t < 0 for t in self.times_s):
            raise ValueError("times_s: times must not be negative")
        return self

    def injection_times(self, end_s: float) -> list[float]:
        """Every injection time before ``end_s``, in order."""
        if self.times_s:
            return sorted(t for t in self.times_s if t < end_s)
        if self.every_s is None:
            return [self.at_s] if self.at_s < end_s else []
        n = self.repeat or int((end_s - self.at_s) // self.every_s) + 1
        return [t for t in (self.at_s + k * self.every_s for k in range(n)) if t < end_s]

    def injection_count(self, end_s: float) -> float:
        """How many injections fall before ``end_s`` (counted, not listed: a bound is checked before anything is built)."""
        if self.times_s:
            return sum(t < end_s for t in self.times_s)
        if self.every_s is None:
            return 1.0 if self.at_s < end_s else 0.0
        n = max(end_s - self.at_s, 0.0) // self.every_s + 1
        return min(n, self.repeat) if self.repeat is not None else n

    def first_s(self) -> float:
        """The first injection time."""
        return min(self.times_s) if self.times_s else self.at_s

    def check_times(self, cfg: SimConfig) -> str | None:
        """The first injection must fall inside the run; at most MAX_INJECTIONS of them (each is scheduled at the start)."""
        n = self.injection_count(cfg.duration_s)
        if n > MAX_INJECTIONS:
            return f"every_s: about {n:,.0f} injections in this run, more than the limit of {MAX_INJECTIONS:,}"
        problem = check_at(cfg, self.first_s())
        if problem and self.times_s:
            return "times_s: " + problem.split(": ", 1)[1]
        return problem
