"""The list+watch behind an informer, as the API server authorizes it.

A reflector lists and then watches a kind; both requests are authorized (``list`` and ``watch``,
with the field selector a kubelet's pod watch carries). While they are refused (401 or 403) the
informer gets no events: the newest event per object is kept and the reflector retries with its
back-off (0.8 s doubling to 30 s: ``reflector.go`` ``NewExponentialBackoffManager``); once allowed
again the kept events are handed over, as the relist would.

A ``WatchGate`` is the watch's own gate: the store checks its ``open`` flag inline, as it checks a
component's gate, so an allowed watch costs nothing per event. It is open while its component's
gate is open and its list+watch is allowed; it is asked again when the policy changes (once per
watch batch), when its credential becomes valid or invalid, and at the reflector's retries. A
kubelet's pod watch (no gate) goes through a ``WatchGuard``, a handler that asks the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clustersim.api.errors import StatusError

if TYPE_CHECKING:
    from clustersim.apiserver.store import Handler
    from clustersim.auth.authn import Credential
    from clustersim.auth.filters import RequestFilter
    from clustersim.client.client import Gate

__all__ = ["WatchGate", "WatchGuard"]

BACKOFF_INITIAL_S, BACKOFF_MAX_S = 0.8, 30.0


class _ListWatch:
    """The authorization state of one list+watch, with the reflector's retries."""

    __slots__ = ("auth", "cred", "kind", "handler", "selector", "allowed", "held", "backoff_s", "retrying")

    def __init__(self, auth: RequestFilter, cred: Credential, kind: str, handler: Handler, selector: tuple[tuple[str, str], ...]) -> None:
        self.auth, self.cred, self.kind, self.handler, self.selector = auth, cred, kind, handler, selector
        self.held: dict[int, tuple[str, Any]] = {}
        self.backoff_s, self.retrying = BACKOFF_INITIAL_S, False
        self.allowed = self._ask()
        auth.watches.append(self)
        cred.subscribers.append(lambda _valid: self.refresh())
        if not self.allowed:
            self._retry()

    def _ask(self) -> bool:
        try:
            for verb in ("list", "watch"):
                self.auth.check(self.cred, verb, self.kind, "", "", "", self.selector)
        except StatusError:
            return False
        return True

    def refresh(self) -> None:
        """Ask again (a relist); once allowed, hand over what was kept."""
        was, self.allowed = self.allowed, self._ask()
        self._changed()
        if self.allowed and not was:
            self.backoff_s = BACKOFF_INITIAL_S
            self._flush()
        elif not self.allowed and not self.retrying:
            self._retry()

    def _changed(self) -> None:
        """Subclasses follow ``allowed``."""

    def _flush(self) -> None:
        held, self.held = self.held, {}
        for etype, obj in held.values():
            try:
                self._deliver(etype, obj)
            except StatusError as err:
                self.handler_failed(self.handler, etype, obj, err)

    def handler_failed(self, handler: Handler, etype: str, obj: Any, err: StatusError) -> None:
        """The handler's own request was refused (subclasses retry it)."""
        raise err

    def _deliver(self, etype: str, obj: Any) -> None:
        self.handler(etype, obj)

    def _retry(self) -> None:
        self.retrying = True
        delay, self.backoff_s = self.backoff_s, min(self.backoff_s * 2, BACKOFF_MAX_S)

        def again(_e: object) -> None:
            self.retrying = False
            if not self.allowed:
                self.refresh()

        self.auth.env.timeout(delay).callbacks.append(again)


class WatchGate(_ListWatch):
    """A watch's gate: ``open`` while the component's gate is open and the list+watch is allowed."""

    __slots__ = ("open", "parent")

    def __init__(self, auth: RequestFilter, cred: Credential, parent: Gate, kind: str, handler: Handler) -> None:
        self.parent = parent
        super().__init__(auth, cred, kind, handler, ())
        self.open = parent.open and self.allowed
        parent.children.append(self)

    def _changed(self) -> None:
        self.open = self.parent.open and self.allowed

    def _deliver(self, etype: str, obj: Any) -> None:
        self.parent.deliver(self.handler, etype, obj)

    def handler_failed(self, handler: Handler, etype: str, obj: Any, err: StatusError) -> None:
        """The handler's request was refused: its component's gate hands the event back to us later."""
        self.parent.handler_failed(self, etype, obj, err)

    def hold_event(self, handler: Handler, etype: str, obj: Any) -> None:
        """The store found us closed: the component's gate keeps it (in its order, through us), or we do."""
        if not self.parent.open:
            self.parent.hold_event(self, etype, obj, key=id(handler))
        else:
            self.held[id(obj)] = (etype, obj)

    def __call__(self, etype: str, obj: Any) -> None:
        """An event the component's gate held, handed over when it reopened."""
        if self.allowed:
            self.handler(etype, obj)
        else:
            self.held[id(obj)] = (etype, obj)


class WatchGuard(_ListWatch):
    """A handler that passes events only while its list+watch is allowed (a kubelet's pod watch)."""

    __slots__ = ()

    def __init__(self, auth: RequestFilter, cred: Credential, kind: str, handler: Handler, selector: tuple[tuple[str, str], ...]) -> None:
        super().__init__(auth, cred, kind, handler, selector)

    def __call__(self, etype: str, obj: Any) -> None:
        if self.allowed:
            self.handler(etype, obj)
        else:
            self.held[id(obj)] = (etype, obj)
