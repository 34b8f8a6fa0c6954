"""CpuLoad: the CPU a workload's users demand over time, shared by its serving pods.

This is what a HorizontalPodAutoscaler reacts to. The demand (millicores, for the whole workload)
follows a profile of points; each pod that is serving (ready and answering) uses an equal share,
plus ``idle_m``; a pod that is not serving uses only ``idle_m``. A container's CPU limit, when the
pod has one, is not modelled: usage is not capped. Memory use per pod is constant.
"""

from __future__ import annotations

import bisect
from typing import Literal

from pydantic import Field, field_validator

from clustersim.actors import ActorArgs, ActorContext
from clustersim.api.quantity import parse_quantity
from clustersim.config.bounds import MAX_SECONDS
from clustersim.config.models import Quantity, SimConfig
from clustersim.workload.base import WORKLOADS

__all__ = ["CpuLoad", "LoadProfile"]


class CpuLoadArgs(ActorArgs):
    """Which workload, and its demand over time."""

    workload: str = Field(description="Name of the Deployment or StatefulSet whose pods share the demand.")
    namespace: str = "default"
    points: tuple[tuple[float, float], ...] = Field(min_length=1, description="[time_s, millicores] pairs in time order: total CPU demand.")
    interpolation: Literal["step", "linear"] = Field("step", description="Hold each value until the next point, or ramp linearly between points.")
    idle_m: float = Field(0.0, ge=0, le=1e9, description="CPU each running pod uses with no traffic, millicores.")
    memory_per_pod: Quantity = Field(0, description="Memory each running pod uses (constant).")

    @field_validator("points")
    @classmethod
    def _ordered(cls, v: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
        for i, (t, m) in enumerate(v):
            if t < 0 or m < 0:
                raise ValueError(f"point {i} must have time and millicores >= 0, got {[t, m]}")
            if t > MAX_SECONDS or m > 1e12:
                raise ValueError(f"point {i} is out of range (time at most {MAX_SECONDS:g} s, at most 1e12 millicores), got {[t, m]}")
            if i and t < v[i - 1][0]:
                raise ValueError(f"point {i} is earlier than point {i - 1}")
        return v

    def check(self, cfg: SimConfig) -> str | None:
        """The workload must exist."""
        names = {(d.namespace, d.name) for d in (*cfg.deployments, *cfg.stateful_sets)}
        if (self.namespace, self.workload) not in names:
            return f"workload: no Deployment or StatefulSet {self.namespace}/{self.workload}"
        return None


class LoadProfile:
    """Demand as a function of time, and the per-pod memory."""

    __slots__ = ("times", "values", "linear", "idle_m", "memory")

    def __init__(self, points: tuple[tuple[float, float], ...], linear: bool, idle_m: float, memory: int) -> None:
        self.times = [t for t, _ in points]
        self.values = [m for _, m in points]
        self.linear, self.idle_m, self.memory = linear, idle_m, memory

    def demand_m(self, t: float) -> float:
        """Total demand at ``t`` (0 before the first point)."""
        i = bisect.bisect_right(self.times, t) - 1
        if i < 0:
            return 0.0
        if not self.linear or i + 1 == len(self.times):
            return self.values[i]
        t0, t1 = self.times[i], self.times[i + 1]
        v0, v1 = self.values[i], self.values[i + 1]
        return v0 if t1 == t0 else v0 + (v1 - v0) * (t - t0) / (t1 - t0)


@WORKLOADS.register("CpuLoad")
class CpuLoad:
    """Registers a workload's demand with the infrastructure, where the nodes' usage is read from."""

    Args = CpuLoadArgs

    def __init__(self, index: int, args: CpuLoadArgs, ctx: ActorContext) -> None:
        self.args, self.ctx = args, ctx
        self.profile = LoadProfile(args.points, args.interpolation == "linear", args.idle_m, int(parse_quantity(args.memory_per_pod)))

    def start(self) -> None:
        """The demand is a pure function of time: nothing to schedule."""
        self.ctx.infra.loads[(self.args.namespace, self.args.workload)] = self.profile
