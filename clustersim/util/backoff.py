"""Per-item exponential back-off, as client-go's ``flowcontrol.Backoff``.

Upstream: ``staging/src/k8s.io/client-go/util/flowcontrol/backoff.go``. ``Next(id, eventTime)`` starts an
entry at the initial delay (or restarts an expired one) and otherwise doubles it up to the cap, then
records ``lastUpdate = now``; an entry is expired for an event more than ``2 * max`` after its last
update (``hasExpired``). ``IsInBackOffSince(id, eventTime)`` is true while ``now - eventTime`` is below
the entry's delay, ``IsInBackOffSinceUpdate(id, eventTime)`` while ``eventTime - lastUpdate`` is.

The kubelet keys one entry per container for CrashLoopBackOff (``pkg/kubelet/kubelet.go``
``containerBackOffPeriod`` 10 s, ``MaxContainerBackOff`` 300 s; ``kuberuntime`` ``doBackOff``) and one
per pod and image for ImagePullBackOff; the DaemonSet controller one per node for failed daemon pods
(1 s, 15 min). Jitter (added in newer client-go, off for these users) is not modelled.
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

    @property
    def reset_after_s(self) -> float:
        """Time without an update after which an entry starts over (``hasExpired``: 2 x max)."""
        return 2 * self.max_s

    def _expired(self, event_s: float, last_update_s: float) -> bool:
        return event_s - last_update_s > self.reset_after_s

    def get(self, key: str) -> float:
        """``Get``: the current delay of ``key`` (0 for an unknown key)."""
        entry = self._entries.get(key)
        return entry[0] if entry is not None else 0.0

    def next(self, key: str, event_s: float, now: float | None = None) -> float:
        """``Next``: move ``key`` to its next delay for an event at ``event_s`` and return it."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_s, entry[1]):
            delay = self.initial_s
        else:
            delay = min(entry[0] * 2, self.max_s)
        self._entries[key] = (delay, event_s if now is None else now)
        return delay

    def in_backoff_since(self, key: str, event_s: float, now: float) -> bool:
        """``IsInBackOffSince``: less than the delay has passed since ``event_s``."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_s, entry[1]):
            return False
        return now - event_s < entry[0]

    def in_backoff_since_update(self, key: str, event_s: float) -> bool:
        """``IsInBackOffSinceUpdate``: less than the delay has passed between the last update and ``event_s``."""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_s, entry[1]):
            return False
        return event_s - entry[1] < entry[0]

    def reset(self, key: str) -> None:
        """``Reset``: forget ``key``."""
        self._entries.pop(key, None)

    def gc(self, now: float) -> None:
        """``GC``: drop entries not updated for more than 2 x max."""
        for key in [k for k, (_, last) in self._entries.items() if now - last > self.reset_after_s]:
            del self._entries[key]
