"""Per-item exponential back-off, as client-go's ``flowcontrol.Backoff``.

Upstream: ``staging/src/k8s.io/client-go/util/flowcontrol/backoff.go``. The kubelet keys one entry per
container for CrashLoopBackOff and one per image for ImagePullBackOff (``pkg/kubelet/kubelet.go``:
``containerBackOffPeriod`` 10 s, ``MaxContainerBackOff`` 300 s). An entry that has not been bumped for
more than ``2 * max`` restarts from the initial value (``hasExpired``). Jitter is not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Backoff"]


@dataclass(slots=True)
class Backoff:
    """Doubling back-off per key, capped at ``max_s``."""

    initial_s: float
    max_s: float
    _entries: dict[str, tuple[float, float]] = field(default_factory=dict)  # key -> (backoff, last_update)

    def next(self, key: str, now: float) -> float:
        """Record a failure of ``key`` at ``now`` and return the delay before the next try."""
        entry = self._entries.get(key)
        if entry is None or now - entry[1] > self.reset_after_s:
            delay = self.initial_s
        else:
            delay = min(entry[0] * 2, self.max_s)
        self._entries[key] = (delay, now)
        return delay

    @property
    def reset_after_s(self) -> float:
        """Time without a failure after which an entry starts over (``hasExpired``: 2 x max)."""
        return 2 * self.max_s

    def reset(self, key: str) -> None:
        """Forget ``key``."""
        self._entries.pop(key, None)
