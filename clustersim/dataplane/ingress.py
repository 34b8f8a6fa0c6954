"""What an ingress controller has loaded: its routing table (nginx's servers and locations) and its
upstreams (the endpoints ingress-nginx's Lua balancer picks from), as they change over time, and the
state of its reloads (a reload stall fault holds them)."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clustersim.networking.ingress_match import RoutingTable

__all__ = ["IngressPlane", "LoadedConfig", "Upstream"]


@dataclass(frozen=True, slots=True)
class Upstream:
    """A backend Service as the controller loaded it: its ready endpoints, or an outside name (ExternalName)."""

    endpoints: tuple[Any, ...] = ()
    external: str = ""
    exists: bool = True  # the Service existed at the sync


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """One loaded configuration."""

    table: RoutingTable
    upstreams: dict[str, Upstream]
    version: int


@dataclass
class IngressPlane:
    """The controller's configurations in force over time (one controller, shared by its pods)."""

    service: str = ""  # the controller's Service (namespace/name): clients enter through it
    enabled: bool = False
    times: list[float] = field(default_factory=list)
    configs: list[LoadedConfig] = field(default_factory=list)
    stall_until: float = float("-inf")  # reloads do not finish before this time
    _on_stall: list[Callable[[], None]] = field(default_factory=list)

    def load(self, at: float, cfg: LoadedConfig) -> None:
        """``cfg`` is in force from ``at`` (a later load before ``at`` replaces it)."""
        if self.times and self.times[-1] >= at:
            self.configs[-1] = cfg
            return
        self.times.append(at)
        self.configs.append(cfg)

    def view(self, now: float) -> LoadedConfig | None:
        """The configuration in force at ``now`` (None before the first one)."""
        i = bisect.bisect_right(self.times, now) - 1
        return self.configs[i] if i >= 0 else None

    def subscribe_stall(self, callback: Callable[[], None]) -> None:
        """Be told when a reload stall begins (the controller then reloads and hangs)."""
        self._on_stall.append(callback)

    def stall(self, until: float) -> None:
        """Reloads hang until ``until``."""
        self.stall_until = max(self.stall_until, until)
        for cb in self._on_stall:
            cb()
