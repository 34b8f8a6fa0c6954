"""Watch registrations and routing: which handlers a change goes to.

A handler registers for a kind and event types, optionally with a selector, so a change reaches
only the handlers that want it, as a shared informer's filtered handlers and indexers
(client-go ``tools/cache``: ``FilteringResourceEventHandler``, ``SharedIndexInformer``) save a
controller from looking at every pod:

- ``owner_kind``: only objects whose controller owner is of this kind (the ReplicaSet controller
  sees pods owned by ReplicaSets; upstream's handlers resolve the controllerRef and drop the rest);
  ``NO_OWNER`` selects the objects without a controller (orphans a controller may adopt);
- ``while_any``: only while at least one object of that kind exists (a handler that looks up, say,
  the PodDisruptionBudgets selecting a pod does nothing while there are none).

A handler still checks what it needs itself: the selectors only spare it the calls that would do
nothing. Routes (the ordered handler lists per kind, event type and owner kind) are built on first
use and rebuilt when a registration is added or a ``while_any`` kind becomes empty or non-empty;
handlers are called in registration order, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["NO_OWNER", "Route", "Watchers"]

Handler = Callable[[str, Any], None]
NO_OWNER = ""  # owner_kind selecting objects that have no controller owner
Route = list[tuple[Handler, Any]]  # (handler, gate or None), in registration order


class _Watch:
    __slots__ = ("handler", "gate", "etypes", "owner_kind", "while_any")

    def __init__(self, handler: Handler, gate: Any, etypes: tuple[str, ...], owner_kind: str | None,
                 while_any: str | None) -> None:
        self.handler, self.gate, self.etypes = handler, gate, etypes
        self.owner_kind, self.while_any = owner_kind, while_any


class Watchers:
    """Registrations per kind, and the routes derived from them."""

    def __init__(self, has_any: Callable[[str], bool], selectors: bool = True) -> None:
        self._has_any = has_any
        self._by_kind: dict[str, list[_Watch]] = {}
        # kind -> etype -> owner kind (None: no owner) -> route
        self.routes: dict[str, dict[str, dict[str | None, Route]]] = {}
        self.conditions: set[str] = set()  # kinds named by while_any
        self.selectors = selectors  # False: every handler of a kind sees every change (the exactness check)

    def add(self, kind: str, handler: Handler, etypes: tuple[str, ...], gate: Any = None,
            owner_kind: str | None = None, while_any: str | None = None) -> None:
        """Register ``handler`` (with its gate, if any) for changes of ``kind``."""
        self._by_kind.setdefault(kind, []).append(_Watch(handler, gate, etypes, owner_kind, while_any))
        if while_any is not None:
            self.conditions.add(while_any)
        self.routes.clear()

    def changed(self) -> None:
        """A ``while_any`` kind became empty or non-empty: routes are rebuilt when next used."""
        self.routes.clear()

    def route(self, kind: str, etype: str, owner_kind: str | None) -> Route:
        """The handlers a change of ``kind`` (``etype``, owner of ``owner_kind``) goes to, built and kept."""
        by_etype = self.routes.get(kind)
        if by_etype is None:
            by_etype = self.routes[kind] = {}
        by_owner = by_etype.get(etype)
        if by_owner is None:
            by_owner = by_etype[etype] = {}
        out: Route = []
        for w in self._by_kind.get(kind, ()):
            if etype not in w.etypes:
                continue
            if self.selectors:
                if w.owner_kind is not None and w.owner_kind != (NO_OWNER if owner_kind is None else owner_kind):
                    continue
                if w.while_any is not None and not self._has_any(w.while_any):
                    continue
            out.append((w.handler, w.gate))
        by_owner[owner_kind] = out
        return out
