"""A component's connection to the API server: its ``Gate`` (open while it reaches the API server)
and its ``Client`` (reads and writes to the store, watches and deferred work through the gate),
as client-go's clientset and reflector stand between a component and kube-apiserver."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import simpy

from clustersim.apiserver.store import ADDED, DELETED, MODIFIED, Handler, Obj

if TYPE_CHECKING:
    from clustersim.apiserver.store import ClusterState

__all__ = ["Client", "Gate"]


class Gate:
    """A component's link to the API server: closed while the component is down or the API server is.

    Watch events arriving while it is closed are held (the newest per object and handler) and handed
    over when it opens, as a relist after a reconnect would; deferred work waits too.
    """

    __slots__ = ("open", "_held", "_callbacks", "_waiters", "env", "_closed_by")

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.open = True
        self._closed_by: set[str] = set()
        self._held: dict[tuple[int, int], tuple[Handler, str, Obj]] = {}
        self._callbacks: builtins.list[Callable[[], None]] = []
        self._waiters: builtins.list[simpy.Event] = []

    def deliver(self, handler: Handler, etype: str, obj: Obj) -> None:
        """Call the handler now, or hold the event until the gate opens."""
        if self.open:
            handler(etype, obj)
        else:
            self._held[(id(handler), id(obj))] = (handler, etype, obj)

    def hold_event(self, handler: Handler, etype: str, obj: Obj) -> None:
        """Hold a watch event until the gate opens (the store calls this while the gate is closed)."""
        self._held[(id(handler), id(obj))] = (handler, etype, obj)

    def hold(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the gate opens."""
        self._callbacks.append(callback)

    def close(self, reason: str = "down") -> None:
        """The component is cut off (for ``reason``: its leader is down, the API server is down)."""
        self._closed_by.add(reason)
        self.open = False

    def reopen(self, reason: str = "down") -> None:
        """``reason`` is over; once none is left, hand over what was held and wake whoever waits."""
        self._closed_by.discard(reason)
        if self.open or self._closed_by:
            return
        self.open = True
        held, self._held = self._held, {}
        for handler, etype, obj in held.values():
            handler(etype, obj)
        callbacks, self._callbacks = self._callbacks, []
        for cb in callbacks:
            cb()
        waiters, self._waiters = self._waiters, []
        for ev in waiters:
            ev.succeed()

    def wait_open(self) -> simpy.Event:
        """An event that fires when the gate opens."""
        ev = self.env.event()
        self._waiters.append(ev)
        return ev


class Client:
    """A component's view of the store through its ``Gate``: reads and writes go straight to the store,
    watches and deferred work pass the gate."""

    def __init__(self, store: ClusterState, gate: Gate) -> None:
        self.store, self.gate = store, gate
        for name in ("get", "list", "count", "owned_by", "pods_on_node", "nodes_with_pods", "create", "update", "delete", "bind"):
            setattr(self, name, getattr(store, name))
        self.env = store.env

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    @property
    def connected(self) -> bool:
        """The component reaches the API server."""
        return self.gate.open

    def watch(self, kind: str, handler: Handler, etypes: tuple[str, ...] = (ADDED, MODIFIED, DELETED), *,
              owner_kind: str | None = None, while_any: str | None = None) -> None:
        """A watch whose events pass the gate (selectors as ``ClusterState.watch``)."""
        self.store.watch(kind, handler, etypes, gate=self.gate, owner_kind=owner_kind, while_any=while_any)

    def defer(self, callback: Callable[[], None]) -> None:
        """Deferred work runs only while connected."""
        if self.gate.open:
            self.store.defer(callback)
        else:
            self.gate.hold(callback)
