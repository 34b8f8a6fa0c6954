"""Controller base: a deduplicating work queue drained by ``reconcile_loop``.

Like controller-runtime (``pkg/reconcile/reconcile.go``): ``reconcile(key)`` compares desired with
observed state, acts, and may ask to be called again after ``requeue_after_s``. Watch handlers only
enqueue keys, so correctness never depends on seeing every event (level-based). The queue is
drained at the time of the watch batch that filled it (``ClusterState.defer``), so a wake-up costs
no event. By default reconciles take no simulated time; the only delays are the watch latency and
requeues. A controller with ``sync_s`` > 0 models its sync cost instead: ``workers`` keys are
reconciled at once (``--concurrent-*-syncs``), each taking ``sync_s``, and a key is never worked on
by two workers (``client-go/util/workqueue``: a key re-added while processing waits for the end).

A reconcile whose API call is refused (401 or 403) fails: the key is requeued with the default
controller rate limiter's back-off (``processNextWorkItem``: ``AddRateLimited``; 5 ms doubling to
1000 s), and forgotten after its next successful sync (``Forget``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clustersim.api.errors import StatusError
from clustersim.apiserver import ClusterState
from clustersim.config.models import ControllerManagerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.util.registry import Registry
from clustersim.util.workqueue import ControllerRateLimiter

__all__ = ["CONTROLLERS", "Controller", "Result"]

CONTROLLERS: Registry[Any] = Registry("controller")


@dataclass(frozen=True, slots=True)
class Result:
    """``reconcile.Result``: call again after this many seconds (None: only on events)."""

    requeue_after_s: float | None = None


class Controller:
    """A named reconcile loop over string keys."""

    name = "Controller"
    workers = 1  # concurrent syncs (only matter when sync_s > 0)
    sync_s = 0.0  # simulated time one reconcile takes

    def __init__(self, env: ClusterEnv, state: ClusterState, rec: Recorder, cfg: ControllerManagerConfig) -> None:
        self.env, self.state, self.rec, self.cfg = env, state, rec, cfg
        self._queue: deque[str] = deque()
        self._queued: set[str] = set()
        self._draining = False
        self._drain_scheduled = False
        self._requeue_at: dict[str, float] = {}
        self._processing: set[str] = set()
        self._busy = 0
        self.reconciles = 0
        self.rate_limiter = ControllerRateLimiter(env.now)
        self.sync_errors = 0

    def start(self) -> None:
        """Register watches (``setup``); the queue is drained whenever it has keys."""
        self.setup()

    @property
    def connected(self) -> bool:
        """The controller-manager reaches the API server (it is the leader and the API server is up)."""
        return getattr(self.state, "connected", True)

    def when_connected(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` now, or when the controller-manager is connected again (timers firing while it is down)."""
        if self.connected:
            fn()
        else:
            self.state.gate.hold(fn)  # type: ignore[attr-defined]

    def setup(self) -> None:
        """Subclasses register their watch handlers here."""

    def enqueue(self, key: str) -> None:
        """Add ``key`` unless it is already waiting (the work queue deduplicates)."""
        if key in self._queued:
            return
        self._queued.add(key)
        self._queue.append(key)
        if self.sync_s > 0:
            self._start_workers()
            return
        if not self._drain_scheduled and not self._draining:
            self._drain_scheduled = True
            self.state.defer(self.reconcile_loop)

    def enqueue_after(self, key: str, delay_s: float) -> None:
        """Add ``key`` after ``delay_s`` seconds; an earlier pending requeue wins (workqueue.AddAfter)."""
        at = self.env.now + delay_s
        pending = self._requeue_at.get(key)
        if pending is not None and pending <= at and pending >= self.env.now:
            return
        self._requeue_at[key] = at

        def fire(_e: object) -> None:
            if self._requeue_at.get(key) == at:
                del self._requeue_at[key]
                self.enqueue(key)

        self.env.timeout(delay_s).callbacks.append(fire)

    def reconcile(self, key: str) -> Result | None:
        """Drive the object ``key`` toward its desired state."""
        raise NotImplementedError

    def reconcile_loop(self) -> None:
        """Drain the queue: reconcile every waiting key once (keys added meanwhile are drained too)."""
        self._drain_scheduled = False
        self._draining = True
        try:
            queue, queued, failures = self._queue, self._queued, self.rate_limiter.failures
            while queue:
                key = queue.popleft()
                queued.discard(key)
                self.reconciles += 1
                try:
                    result = self.reconcile(key)
                except StatusError:
                    self._failed(key)
                    continue
                if failures:
                    self.rate_limiter.forget(key)
                if result is not None and result.requeue_after_s is not None:
                    self.enqueue_after(key, result.requeue_after_s)
        finally:
            self._draining = False

    def _failed(self, key: str) -> None:
        """A refused API call: the key is requeued rate-limited (``AddRateLimited``)."""
        self.sync_errors += 1
        self.enqueue_after(key, self.rate_limiter.when(key, self.env.now))

    def _process_key(self, key: str) -> None:
        """One reconcile of ``key``; a refused API call requeues it rate-limited."""
        self.reconciles += 1
        try:
            result = self.reconcile(key)
        except StatusError:
            self._failed(key)
            return
        if self.rate_limiter.failures:
            self.rate_limiter.forget(key)
        if result is not None and result.requeue_after_s is not None:
            self.enqueue_after(key, result.requeue_after_s)

    # ---- workers with a sync cost
    def _start_workers(self) -> None:
        while self._busy < self.workers:
            key = self._next_key()
            if key is None:
                return
            self._queue.remove(key)
            self._queued.discard(key)
            self._processing.add(key)
            self._busy += 1
            self.env.process(self._work(key))

    def _next_key(self) -> str | None:
        """The first waiting key that no worker is processing."""
        for key in self._queue:
            if key not in self._processing:
                return key
        return None

    def _work(self, key: str) -> Any:
        yield self.env.timeout(self.sync_s)
        try:
            self._process_key(key)
        finally:
            self._processing.discard(key)
            self._busy -= 1
            self._start_workers()
