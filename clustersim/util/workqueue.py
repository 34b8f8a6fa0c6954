"""client-go's default controller rate limiter (``workqueue.DefaultTypedControllerRateLimiter``).

A key whose sync failed is requeued after the larger of a per-item exponential back-off (5 ms
doubling per failure, capped at 1000 s: ``ItemExponentialFailureRateLimiter``) and an overall token
bucket (10 qps, burst 100: ``BucketRateLimiter``); a successful sync forgets the key's failures
(``Forget``). Upstream: ``staging/src/k8s.io/client-go/util/workqueue/default_rate_limiters.go``.
"""

from __future__ import annotations

from clustersim.util.ratelimit import TokenBucket

__all__ = ["ControllerRateLimiter", "ItemExponentialFailureRateLimiter"]


class ControllerRateLimiter:
    """``AddRateLimited`` delays per key."""

    def __init__(self, now: float, base_s: float = 0.005, max_s: float = 1000.0, qps: float = 10.0, burst: int = 100) -> None:
        self.base_s, self.max_s = base_s, max_s
        self.bucket = TokenBucket(qps, now, burst)
        self.failures: dict[str, int] = {}

    def when(self, key: str, now: float) -> float:
        """Delay before ``key`` is retried after one more failure."""
        exp = self.failures.get(key, 0)
        self.failures[key] = exp + 1
        item = min(self.base_s * 2.0**exp, self.max_s)
        return max(item, self.bucket.reserve(now))

    def forget(self, key: str) -> None:
        """``Forget``: the key synced; its next failure starts over."""
        self.failures.pop(key, None)

    def num_requeues(self, key: str) -> int:
        """``NumRequeues``."""
        return self.failures.get(key, 0)


class ItemExponentialFailureRateLimiter:
    """``NewItemExponentialFailureRateLimiter(base, max)`` alone (no bucket): the service controller's
    5 s doubling to 300 s."""

    def __init__(self, base_s: float, max_s: float) -> None:
        self.base_s, self.max_s = base_s, max_s
        self.failures: dict[str, int] = {}

    def when(self, key: str) -> float:
        """Delay before ``key`` is retried after one more failure."""
        exp = self.failures.get(key, 0)
        self.failures[key] = exp + 1
        return min(self.base_s * 2.0**exp, self.max_s)

    def forget(self, key: str) -> None:
        """``Forget``."""
        self.failures.pop(key, None)
