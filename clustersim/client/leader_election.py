"""Leader election of a replicated control-plane component (client-go tools/leaderelection).

The leader renews its Lease every ``retry_period_s``. When it crashes, the Lease expires
``lease_duration_s`` after its last renewal; a standby, retrying every ``retry_period_s``, takes over
at its first attempt after that. With no standby, the crashed instance itself acquires the Lease on
its first attempt after it restarts and the old Lease has expired. Meanwhile the component's
``Gate`` is closed: it sees no watch events and writes nothing; the new leader starts from a relist.

While the API server is unreachable the leader cannot renew: its renew loop gives up
``renew_deadline_s`` after the attempt that followed its last renewal (``renew``:
``PollImmediateUntil(retryPeriod, tryAcquireOrRenew, RenewDeadline)``), and it stops leading
("leaderelection lost"; the process exits and is restarted). An outage shorter than that costs the
leadership nothing; after a longer one the component leads again only when an instance acquires the
expired Lease, at its first retry once the API server is back.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from clustersim.client import Gate
from clustersim.config.models import LeaderElectionConfig
from clustersim.env import ClusterEnv

__all__ = ["ElectedComponent"]


class ElectedComponent:
    """The running instances of one component (e.g. kube-scheduler) and who leads."""

    def __init__(self, env: ClusterEnv, name: str, gate: Gate, replicas: int, cfg: LeaderElectionConfig,
                 record: Callable[[str, str], None] | None = None) -> None:
        self.env, self.name, self.gate, self.replicas, self.cfg = env, name, gate, replicas, cfg
        rng = env.rng(f"leader-election/{name}")
        self.phase = float(rng.uniform(0, cfg.retry_period_s))  # when within each period the leader renews
        self.standby_phase = float(rng.uniform(0, cfg.retry_period_s))
        self.leaderless_since: float | None = None
        self._record = record or (lambda _reason, _message: None)
        self._api_down_since: float | None = None
        self._last_renew: float | None = None  # the last renewal before the API server became unreachable
        self._lost = False  # leadership lost to an unreachable API server

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

    def api_unreachable(self, down: bool) -> None:
        """The API server became unreachable (or reachable again) for every instance."""
        now, p = self.env.now, self.cfg.retry_period_s
        if down:
            self._api_down_since = now
            if self.leaderless_since is not None:
                return
            self._last_renew = self.phase + math.floor((now - self.phase) / p) * p
            give_up = self._last_renew + p + self.cfg.renew_deadline_s
            started = now
            self.env.timeout(max(give_up - now, 0.0)).callbacks.append(lambda _e: self._give_up(started))
            return
        self._api_down_since = None
        if self._lost:
            self._lost = False
            assert self._last_renew is not None
            takeover = self._next_tick(max(now, self._last_renew + self.cfg.lease_duration_s), self.standby_phase)
            self.env.timeout(takeover - now).callbacks.append(lambda _e: self._acquired())

    def _give_up(self, down_since: float) -> None:
        """The renew deadline passed with the API server still unreachable: stop leading."""
        if self._api_down_since != down_since or self.leaderless_since is not None:
            return  # it came back in time (or a crash took over)
        self._lost = True
        self.gate.close("leader")
        self.leaderless_since = self.env.now
        self._record("LeaderElection", "leaderelection lost: failed to renew the lease within the renew deadline")

    def _acquired(self) -> None:
        if self._api_down_since is not None or self.leaderless_since is None:
            return
        self._record("LeaderElection", "became leader")
        self._lead()

    def _lead(self) -> None:
        self.phase = self.env.now % self.cfg.retry_period_s  # the new leader renews on its own schedule
        self.leaderless_since = None
        self.gate.reopen("leader")
