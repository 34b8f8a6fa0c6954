"""The list+watch behind an informer, as the API server authorizes it.

A reflector lists and then watches a kind; both requests are authorized (``list`` and ``watch``,
with the field selector a kubelet's pod watch carries). While they are refused (401 or 403) the
informer gets no events: the guard keeps the newest event per object and the reflector retries with
its back-off (0.8 s doubling to 30 s: ``reflector.go`` ``NewExponentialBackoffManager``); once
allowed again the held events are handed over, as the relist would. Decisions come from the
request filter's cache, so a guard costs a comparison per event while nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clustersim.api.errors import StatusError

if TYPE_CHECKING:
    from clustersim.apiserver.store import Handler
    from clustersim.auth.authn import Credential
    from clustersim.auth.filters import RequestFilter
    from clustersim.client.client import Gate

__all__ = ["WatchGuard"]

BACKOFF_INITIAL_S, BACKOFF_MAX_S = 0.8, 30.0


class WatchGuard:
    """A watch handler that passes events only while its list+watch is allowed."""

    __slots__ = ("auth", "policy", "cred", "gate", "kind", "handler", "selector", "epoch", "valid", "ok", "held", "backoff_s", "retrying")

    def __init__(self, auth: RequestFilter, cred: Credential, gate: Gate, kind: str, handler: Handler,
                 selector: tuple[tuple[str, str], ...]) -> None:
        self.auth, self.policy, self.cred, self.gate = auth, auth.policy, cred, gate
        self.kind, self.handler, self.selector = kind, handler, selector
        self.epoch, self.valid, self.ok = -1, cred.valid, True
        self.held: dict[int, tuple[str, Any]] = {}
        self.backoff_s, self.retrying = BACKOFF_INITIAL_S, False

    def __call__(self, etype: str, obj: Any) -> None:
        # the store has checked the component's gate already
        if self.epoch != self.policy.epoch or self.valid != self.cred.valid:
            self.refresh()
        if self.ok:
            self.handler(etype, obj)
        else:
            self.held[id(obj)] = (etype, obj)

    def refresh(self) -> None:
        """Ask again (a relist); on success hand over what was held."""
        self.epoch, self.valid = self.policy.epoch, self.cred.valid
        was = self.ok
        try:
            for verb in ("list", "watch"):
                self.auth.check(self.cred, verb, self.kind, "", "", "", self.selector)
            self.ok = True
        except StatusError:
            self.ok = False
        if self.ok and not was:
            self.backoff_s = BACKOFF_INITIAL_S
            held, self.held = self.held, {}
            for etype, obj in held.values():
                self.gate.deliver(self.handler, etype, obj)
        elif not self.ok and not self.retrying:
            self._retry()

    def _retry(self) -> None:
        self.retrying = True
        delay, self.backoff_s = self.backoff_s, min(self.backoff_s * 2, BACKOFF_MAX_S)

        def again(_e: object) -> None:
            self.retrying = False
            if not self.ok:
                self.refresh()

        self.auth.env.timeout(delay).callbacks.append(again)
