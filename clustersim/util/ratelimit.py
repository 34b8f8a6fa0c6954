"""client-go's token bucket (``flowcontrol.NewTokenBucketRateLimiter(qps, burst)``), in simulated time.

Shared by the node lifecycle controller's zone queues (``try_accept``) and API clients such as the
scheduler's (``reserve``: like ``rate.Limiter.Reserve``, the caller waits the returned delay).
"""

from __future__ import annotations

import math

__all__ = ["TokenBucket"]


class TokenBucket:
    """Tokens refill at ``qps`` up to ``burst``; qps 0 rejects everything."""

    def __init__(self, qps: float, now: float, burst: int = 1) -> None:
        self.qps, self.burst = qps, burst
        self.tokens, self.last = float(burst), now

    def _refill(self, now: float) -> None:
        if self.qps > 0:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.qps)
        self.last = now

    def try_accept(self, now: float) -> bool:
        """Take a token if one is available."""
        if self.qps <= 0:
            return False
        self._refill(now)
        if self.tokens >= 1 - 1e-9:
            self.tokens -= 1
            return True
        return False

    def next_token_at(self, now: float) -> float:
        """Earliest time a token is available (inf when qps is 0)."""
        if self.qps <= 0:
            return math.inf
        self._refill(now)
        return now if self.tokens >= 1 - 1e-9 else now + (1 - self.tokens) / self.qps

    def reserve(self, now: float) -> float:
        """Take a token now or in the future; return how long the caller must wait for it."""
        if self.qps > 0:  # _refill, inline: this is on the scheduler's per-pod path
            tokens = self.tokens + (now - self.last) * self.qps
            self.tokens = tokens if tokens < self.burst else float(self.burst)
        self.last = now
        self.tokens -= 1
        return 0.0 if self.tokens >= -1e-9 else -self.tokens / self.qps
