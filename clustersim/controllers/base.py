"""Controller base: a deduplicating work queue drained by ``reconcile_loop``.

Like controller-runtime (``pkg/reconcile/reconcile.go``): ``reconcile(key)`` compares desired with
observed state, acts, and may ask to be called again after ``requeue_after_s``. Watch handlers only
enqueue keys, so correctness never depends on seeing every event (level-based). Reconciles take
no simulated time; the only delays are the watch latency and requeues.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import simpy

from clustersim.config.models import ControllerManagerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.registry import Registry
from clustersim.state import ClusterState

__all__ = ["CONTROLLERS", "Controller", "Result"]

CONTROLLERS: Registry[Any] = Registry("controller")


@dataclass(frozen=True, slots=True)
class Result:
    """``reconcile.Result``: call again after this many seconds (None: only on events)."""

    requeue_after_s: float | None = None


class Controller:
    """A named reconcile loop over string keys."""

    name = "Controller"

    def __init__(self, env: ClusterEnv, state: ClusterState, rec: Recorder, cfg: ControllerManagerConfig) -> None:
        self.env, self.state, self.rec, self.cfg = env, state, rec, cfg
        self._queue: deque[str] = deque()
        self._queued: set[str] = set()
        self._wakeup: simpy.Event | None = None
        self.reconciles = 0

    def start(self) -> None:
        """Register watches (``setup``) and start the loop."""
        self.setup()
        self.env.process(self.reconcile_loop())

    def setup(self) -> None:
        """Subclasses register their watch handlers here."""

    def enqueue(self, key: str) -> None:
        """Add ``key`` unless it is already waiting."""
        if key in self._queued:
            return
        self._queued.add(key)
        self._queue.append(key)
        if self._wakeup is not None and not self._wakeup.triggered:
            self._wakeup.succeed()

    def enqueue_after(self, key: str, delay_s: float) -> None:
        """Add ``key`` after ``delay_s`` seconds."""
        self.env.timeout(delay_s).callbacks.append(lambda _e: self.enqueue(key))

    def reconcile(self, key: str) -> Result | None:
        """Drive the object ``key`` toward its desired state."""
        raise NotImplementedError

    def reconcile_loop(self) -> Generator[Any, Any, None]:
        """Drain the queue whenever it has keys."""
        while True:
            if not self._queue:
                self._wakeup = self.env.event()
                yield self._wakeup
                continue
            key = self._queue.popleft()
            self._queued.discard(key)
            self.reconciles += 1
            result = self.reconcile(key)
            if result is not None and result.requeue_after_s is not None:
                self.enqueue_after(key, result.requeue_after_s)
