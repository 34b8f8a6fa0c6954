"""Leader election of a replicated control-plane component (client-go tools/leaderelection).

The leader renews its Lease every ``retry_period_s``. When it crashes, the Lease expires
``lease_duration_s`` after its last renewal; a standby, retrying every ``retry_period_s``, takes over
at its first attempt after that. With no standby, the crashed instance itself acquires the Lease on
its first attempt after it restarts and the old Lease has expired. Meanwhile the component's
``Gate`` is closed: it sees no watch events and writes nothing; the new leader starts from a relist.
"""

from __future__ import annotations

import math
from typing import Any

from clustersim.client import Gate
from clustersim.config.models import LeaderElectionConfig
from clustersim.env import ClusterEnv

__all__ = ["ElectedComponent"]


class ElectedComponent:
    """The running instances of one component (e.g. kube-scheduler) and who leads."""

    def __init__(self, env: ClusterEnv, name: str, gate: Gate, replicas: int, cfg: LeaderElectionConfig) -> None:
        self.env, self.name, self.gate, self.replicas, self.cfg = env, name, gate, replicas, cfg
        rng = env.rng(f"leader-election/{name}")
        self.phase = float(rng.uniform(0, cfg.retry_period_s))  # when within each period the leader renews
        self.standby_phase = float(rng.uniform(0, cfg.retry_period_s))
        self.leaderless_since: float | None = None
        self.events: list[dict[str, Any]] = []

    def _next_tick(self, t: float, phase: float) -> float:
        p = self.cfg.retry_period_s
        return phase + math.ceil((t - phase) / p - 1e-12) * p

    def crash_leader(self, restart_after_s: float | None) -> float | None:
        """The leading instance dies now; return when a new leader takes over (None: never)."""
        now, p = self.env.now, self.cfg.retry_period_s
        last_renew = self.phase + math.floor((now - self.phase) / p) * p
        expiry = last_renew + self.cfg.lease_duration_s
        if self.replicas >= 2:
            takeover = self._next_tick(expiry, self.standby_phase)
        elif restart_after_s is not None:
            takeover = self._next_tick(max(expiry, now + restart_after_s), self.standby_phase)
        else:
            takeover = None
        self.gate.close("leader")
        self.leaderless_since = now
        if takeover is not None:
            self.env.timeout(takeover - now).callbacks.append(lambda _e: self._lead())
        return takeover

    def _lead(self) -> None:
        self.phase = self.env.now % self.cfg.retry_period_s  # the new leader renews on its own schedule
        self.leaderless_since = None
        self.gate.reopen("leader")
