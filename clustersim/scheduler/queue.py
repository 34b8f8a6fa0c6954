"""The scheduling queue: activeQ, backoffQ and the unschedulable pool.

Upstream ``pkg/scheduler/backend/queue/scheduling_queue.go``:
- activeQ is ordered by PrioritySort (higher priority first, then earlier queue timestamp);
- a pod that failed ``n`` times backs off ``initial * 2**(n-1)`` capped at ``max`` (1 s, 10 s);
- a failed pod waits in the unschedulable pool until a cluster event may make it schedulable (then
  it goes to backoffQ, or activeQ if its back-off is over), or at most 5 minutes;
- if such an event came while the pod was being scheduled, the pod goes to backoffQ directly;
- backoffQ is flushed every second, the unschedulable pool every 30 s.
The periodic flushes are computed as the next tick on their 1 s / 30 s grids, so they cost an event
only when something is waiting. Simplified: every Node add/update and assigned-Pod delete moves all
unschedulable pods (no QueueingHints).
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass, field

import simpy

from clustersim.api.objects import Pod

__all__ = ["QueuedPod", "SchedulingQueue", "backoff_duration"]

BACKOFF_FLUSH_S = 1.0
UNSCHEDULABLE_FLUSH_S = 30.0


def backoff_duration(attempts: int, initial_s: float, max_s: float) -> float:
    """Back-off after the ``attempts``-th failed attempt (calculateBackoffDuration)."""
    if attempts <= 0:
        return 0.0
    return min(initial_s * 2 ** (attempts - 1), max_s)


@dataclass(slots=True)
class QueuedPod:
    """``framework.QueuedPodInfo``."""

    pod: Pod
    timestamp: float
    attempts: int = 0
    failed_at: float = 0.0
    unschedulable_since: float = 0.0
    seq: int = 0


@dataclass
class SchedulingQueue:
    """activeQ + backoffQ + unschedulable pool for one scheduler."""

    env: simpy.Environment
    initial_backoff_s: float
    max_backoff_s: float
    max_unschedulable_s: float
    _active: list[tuple[int, float, int, str]] = field(default_factory=list)
    _backoff: list[tuple[float, int, str]] = field(default_factory=list)
    _unschedulable: dict[str, QueuedPod] = field(default_factory=dict)
    _infos: dict[str, QueuedPod] = field(default_factory=dict)
    _where: dict[str, str] = field(default_factory=dict)
    _seq: itertools.count = field(default_factory=itertools.count)
    _wakeup: simpy.Event | None = None
    _backoff_timer_at: float = math.inf
    _flush_timer_at: float = math.inf
    scheduling_cycle: int = 0
    move_request_cycle: int = -1

    def __len__(self) -> int:
        return len(self._infos)

    def pending_counts(self) -> tuple[int, int, int]:
        """Sizes of (activeQ, backoffQ, unschedulable)."""
        where = list(self._where.values())
        return where.count("active"), where.count("backoff"), where.count("unschedulable")

    # ---- adding
    def add(self, pod: Pod) -> None:
        """A new pending pod enters activeQ."""
        if pod.key in self._infos:
            return
        info = QueuedPod(pod, self.env.now, seq=next(self._seq))
        self._infos[pod.key] = info
        self._push_active(info)

    def _push_active(self, info: QueuedPod) -> None:
        self._where[info.pod.key] = "active"
        heapq.heappush(self._active, (-info.pod.spec.priority, info.timestamp, next(self._seq), info.pod.key))
        if self._wakeup is not None and not self._wakeup.triggered:
            self._wakeup.succeed()

    def _push_backoff(self, info: QueuedPod) -> None:
        self._where[info.pod.key] = "backoff"
        expiry = info.failed_at + backoff_duration(info.attempts, self.initial_backoff_s, self.max_backoff_s)
        heapq.heappush(self._backoff, (expiry, next(self._seq), info.pod.key))
        self._arm_backoff_timer()

    def delete(self, pod: Pod) -> None:
        """Forget a pod (deleted or bound by someone else)."""
        self._infos.pop(pod.key, None)
        self._where.pop(pod.key, None)
        self._unschedulable.pop(pod.key, None)

    # ---- popping
    def pop(self) -> QueuedPod | None:
        """Next pod from activeQ, or None."""
        while self._active:
            _, _, _, key = heapq.heappop(self._active)
            info = self._infos.get(key)
            if info is not None and self._where.get(key) == "active":
                del self._where[key]
                info.attempts += 1
                self.scheduling_cycle += 1
                return info
        return None

    def wait(self) -> simpy.Event:
        """An event triggered when activeQ gets a pod."""
        self._wakeup = self.env.event()
        return self._wakeup

    def done(self, info: QueuedPod) -> None:
        """The pod was scheduled: drop it."""
        self._infos.pop(info.pod.key, None)
        self._where.pop(info.pod.key, None)

    def add_unschedulable(self, info: QueuedPod, cycle: int) -> None:
        """Requeue a pod that failed in scheduling cycle ``cycle``."""
        if info.pod.key not in self._infos:
            return
        info.failed_at = self.env.now
        info.timestamp = self.env.now
        if self.move_request_cycle >= cycle:
            self._push_backoff(info)
            return
        info.unschedulable_since = self.env.now
        self._where[info.pod.key] = "unschedulable"
        self._unschedulable[info.pod.key] = info
        self._arm_flush_timer()

    def add_after_error(self, info: QueuedPod) -> None:
        """A pod whose binding failed with an error (not unschedulable) waits out its back-off
        (``handleSchedulingFailure``: a pod with no unschedulable plugins goes to backoffQ)."""
        self._infos[info.pod.key] = info
        info.failed_at = info.timestamp = self.env.now
        self._push_backoff(info)

    # ---- moving
    def move_all_to_active_or_backoff(self) -> None:
        """A cluster event may have made unschedulable pods schedulable."""
        self.move_request_cycle = self.scheduling_cycle
        if not self._unschedulable:
            return
        infos = sorted(self._unschedulable.values(), key=lambda i: i.seq)
        self._unschedulable.clear()
        for info in infos:
            self._move(info)

    def _move(self, info: QueuedPod) -> None:
        expiry = info.failed_at + backoff_duration(info.attempts, self.initial_backoff_s, self.max_backoff_s)
        if expiry > self.env.now:
            self._push_backoff(info)
        else:
            self._push_active(info)

    def _arm_backoff_timer(self) -> None:
        if not self._backoff:
            return
        tick = math.ceil(self._backoff[0][0] / BACKOFF_FLUSH_S - 1e-9) * BACKOFF_FLUSH_S
        tick = max(tick, self.env.now)
        if tick < self._backoff_timer_at:
            self._backoff_timer_at = tick
            self.env.timeout(tick - self.env.now).callbacks.append(lambda _e, t=tick: self._flush_backoff(t))  # type: ignore[misc]

    def _flush_backoff(self, tick: float) -> None:
        if tick != self._backoff_timer_at:
            return
        self._backoff_timer_at = math.inf
        now = self.env.now
        while self._backoff and self._backoff[0][0] <= now + 1e-9:
            _, _, key = heapq.heappop(self._backoff)
            info = self._infos.get(key)
            if info is not None and self._where.get(key) == "backoff":
                self._push_active(info)
        self._arm_backoff_timer()

    def _arm_flush_timer(self) -> None:
        if not self._unschedulable:
            return
        due = min(i.unschedulable_since for i in self._unschedulable.values()) + self.max_unschedulable_s
        tick = max(math.ceil(due / UNSCHEDULABLE_FLUSH_S - 1e-9) * UNSCHEDULABLE_FLUSH_S, self.env.now)
        if tick < self._flush_timer_at:
            self._flush_timer_at = tick
            self.env.timeout(tick - self.env.now).callbacks.append(lambda _e, t=tick: self._flush_unschedulable(t))  # type: ignore[misc]

    def _flush_unschedulable(self, tick: float) -> None:
        if tick != self._flush_timer_at:
            return
        self._flush_timer_at = math.inf
        now = self.env.now
        stale = [i for i in self._unschedulable.values() if now - i.unschedulable_since >= self.max_unschedulable_s]
        for info in sorted(stale, key=lambda i: i.seq):
            del self._unschedulable[info.pod.key]
            self._move(info)
        self._arm_flush_timer()
