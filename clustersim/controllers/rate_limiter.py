"""The per-zone NoExecute tainting queue and its token bucket.

Upstream: ``pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go`` (``RateLimitedTimedQueue``,
``SwapLimiter``) with client-go's token bucket (burst 1, ``EvictionRateLimiterBurst``). The controller
drains the queues every 100 ms (``NodeEvictionPeriod``); each item, tainted or found healthy, costs a
token. Here the queue is drained at the first 100 ms tick at which a token is available, computed
rather than polled.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import simpy

from clustersim.util.ratelimit import TokenBucket

__all__ = ["NODE_EVICTION_PERIOD_S", "TokenBucket", "ZoneTainter"]

NODE_EVICTION_PERIOD_S = 0.1
BURST = 1


class ZoneTainter:
    """FIFO of node names waiting for a NoExecute taint in one zone."""

    def __init__(self, env: simpy.Environment, qps: float, action: Callable[[str], None]) -> None:
        self.env = env
        self.limiter = TokenBucket(qps, env.now)
        self.action = action
        self.queue: list[str] = []
        self._timer_at = math.inf

    def add(self, node: str) -> bool:
        """Queue ``node`` unless already queued."""
        if node in self.queue:
            return False
        self.queue.append(node)
        self._arm()
        return True

    def remove(self, node: str) -> None:
        """Drop ``node`` from the queue."""
        if node in self.queue:
            self.queue.remove(node)

    def swap_limiter(self, qps: float) -> None:
        """``SwapLimiter``: new bucket; drained if the old one had no token."""
        if qps == self.limiter.qps:
            return
        now = self.env.now
        had_token = self.limiter.try_accept(now)
        self.limiter = TokenBucket(qps, now)
        if not had_token:
            self.limiter.try_accept(now)
        self._timer_at = math.inf
        self._arm()

    def _arm(self) -> None:
        if not self.queue:
            return
        at = self.limiter.next_token_at(self.env.now)
        if math.isinf(at):
            return
        tick = math.ceil(round(at / NODE_EVICTION_PERIOD_S, 6)) * NODE_EVICTION_PERIOD_S
        tick = max(tick, self.env.now)
        if tick < self._timer_at:
            self._timer_at = tick
            self.env.timeout(tick - self.env.now).callbacks.append(lambda _e, t=tick: self._drain(t))  # type: ignore[misc]

    def _drain(self, tick: float) -> None:
        if tick != self._timer_at:
            return
        self._timer_at = math.inf
        while self.queue and self.limiter.try_accept(self.env.now):
            self.action(self.queue.pop(0))
        self._arm()
