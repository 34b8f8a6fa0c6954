"""A watch handler whose API request was refused is retried, never a crash.

Upstream components answer a failed call in their own code: a controller's sync returns the error
and its key is requeued rate-limited (``workqueue.AddRateLimited``), an informer event handler only
enqueues. In the simulator some components call the API server straight from a watch handler (the
cloud node controller's initialization, add-ons); when such a call is refused (401 or 403) the
event is handed to the handler again after client-go's default controller rate limiter (5 ms
doubling to 1000 s per object, 10 qps overall: ``util/workqueue.py``), as the work queue would
retry the key, until the handler gets through; the refusal itself is in the audit log and the
event log. Simplified: the retry carries the event that failed (the object is the live one, so the
handler sees its current state); a handler that catches ``StatusError`` itself never gets here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clustersim.api.errors import StatusError
from clustersim.util.workqueue import ControllerRateLimiter

if TYPE_CHECKING:
    from clustersim.apiserver.store import Handler

__all__ = ["HandlerRetries"]


class HandlerRetries:
    """Rate-limited redelivery of the events whose handler was refused, for one component's gate."""

    __slots__ = ("env", "gate", "limiter", "pending", "failures")

    def __init__(self, env: Any, gate: Any) -> None:
        self.env, self.gate = env, gate
        self.limiter = ControllerRateLimiter(env.now)
        self.pending: dict[tuple[int, int], tuple[Handler, str, Any]] = {}
        self.failures = 0  # handler calls refused (for tests and stats)

    def failed(self, handler: Handler, etype: str, obj: Any, _err: StatusError) -> None:
        """``handler(etype, obj)`` raised a refusal: call it again after the object's back-off."""
        self.failures += 1
        key = (id(handler), id(obj))
        scheduled = key in self.pending
        self.pending[key] = (handler, etype, obj)  # the newest failed event of the object is the one retried
        if scheduled:
            return
        delay = self.limiter.when(str(key), self.env.now)
        self.env.timeout(delay).callbacks.append(lambda _e: self._again(key))

    def _again(self, key: tuple[int, int]) -> None:
        handler, etype, obj = self.pending.pop(key)
        try:
            self.gate.deliver(handler, etype, obj)  # held while the component is cut off, as any event
        except StatusError as err:
            self.failed(handler, etype, obj, err)
        else:
            self.limiter.forget(str(key))
