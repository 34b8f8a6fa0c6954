"""A component's connection to the API server: its ``Gate`` (open while it reaches the API server)
and its ``Client`` (reads and writes to the store, watches and deferred work through the gate),
as client-go's clientset and reflector stand between a component and kube-apiserver."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import simpy

from clustersim.api.errors import StatusError
from clustersim.apiserver.store import ADDED, DELETED, MODIFIED, Handler, Obj
from clustersim.client.retry import HandlerRetries

if TYPE_CHECKING:
    from clustersim.apiserver.store import ClusterState
    from clustersim.auth.authn import Credential
    from clustersim.auth.filters import RequestFilter

__all__ = ["Client", "Gate", "RBAC_WRITES"]

RBAC_WRITES = frozenset(("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"))  # writes the RBAC registry checks


class Gate:
    """A component's link to the API server: closed while the component is down or the API server is.

    Watch events arriving while it is closed are held (the newest per object and handler) and handed
    over when it opens, as a relist after a reconnect would; deferred work waits too. A handler whose
    API request is refused gets its event again later (``handler_failed``: client/retry.py).
    """

    __slots__ = ("open", "_held", "_callbacks", "_waiters", "env", "_closed_by", "children", "retries")

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.open = True
        self._closed_by: set[str] = set()
        self._held: dict[tuple[int, int], tuple[Handler, str, Obj]] = {}
        self._callbacks: builtins.list[Callable[[], None]] = []
        self._waiters: builtins.list[simpy.Event] = []
        self.children: builtins.list[Any] = []  # the gates of its watches (client/watch.py), open only while this one is
        self.retries: HandlerRetries | None = None  # built at the first refused handler

    def deliver(self, handler: Handler, etype: str, obj: Obj) -> None:
        """Call the handler now, or hold the event until the gate opens."""
        if self.open:
            handler(etype, obj)
        else:
            self._held[(id(handler), id(obj))] = (handler, etype, obj)

    def hold_event(self, handler: Handler, etype: str, obj: Obj, key: int | None = None) -> None:
        """Hold a watch event until the gate opens (the store calls this while the gate is closed)."""
        self._held[(id(handler) if key is None else key, id(obj))] = (handler, etype, obj)

    def handler_failed(self, handler: Handler, etype: str, obj: Obj, err: StatusError) -> None:
        """``handler(etype, obj)`` raised a 401 or 403: it gets the event again after a rate-limited back-off."""
        if self.retries is None:
            self.retries = HandlerRetries(self.env, self)
        self.retries.failed(handler, etype, obj, err)

    def hold(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the gate opens."""
        self._callbacks.append(callback)

    def close(self, reason: str = "down") -> None:
        """The component is cut off (for ``reason``: its leader is down, the API server is down)."""
        self._closed_by.add(reason)
        self.open = False
        for child in self.children:
            child.open = False

    def reopen(self, reason: str = "down") -> None:
        """``reason`` is over; once none is left, hand over what was held and wake whoever waits."""
        self._closed_by.discard(reason)
        if self.open or self._closed_by:
            return
        self.open = True
        for child in self.children:
            child.open = child.allowed
        held, self._held = self._held, {}
        for handler, etype, obj in held.values():
            try:
                handler(etype, obj)
            except StatusError as err:
                self.handler_failed(handler, etype, obj, err)
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
    """A component's view of the store through its ``Gate``: reads go straight to the store (they are
    its informer caches), watches and deferred work pass the gate, and every request to the API
    server (writes, and the list+watch behind each watch) carries the component's credential and is
    authenticated and authorized (``auth``) before the store sees it.

    The attributes a call carries: the verb (the method), the object's kind (its resource and API
    group), namespace and name, and the ``subresource`` the component writes (``status``,
    ``binding``, ``scale``, ``eviction``); a node's pod watch also carries its field selector.
    Watches may use another credential than writes (``watch_credential``): the controller-manager's
    shared informers list and watch as the manager itself, each controller writes as its own
    ServiceAccount (``CreateControllerContext``: ``rootClientBuilder.ClientOrDie("shared-informers")``).
    """

    def __init__(self, store: ClusterState, gate: Gate, credential: Credential | None = None, auth: RequestFilter | None = None,
                 watch_credential: Credential | None = None) -> None:
        self.store, self.gate = store, gate
        self.credential, self.auth = credential, auth
        self.watch_credential = watch_credential if watch_credential is not None else credential
        # the request filter's check, bound once (None: requests are not checked)
        self._check = auth.check if auth is not None and credential is not None else None
        self._cred: Credential = credential  # type: ignore[assignment]  # set whenever _check is
        for name in ("get", "list", "count", "owned_by", "pods_on_node", "nodes_with_pods"):
            setattr(self, name, getattr(store, name))
        self.env = store.env

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    @property
    def connected(self) -> bool:
        """The component reaches the API server."""
        return self.gate.open

    @property
    def user(self) -> str:
        """The user name the requests carry ('' without authentication)."""
        return self.credential.user.name if self.credential is not None else ""

    # ---- requests
    def authorize(self, verb: str, obj: Obj, subresource: str = "") -> None:
        """Raise ``StatusError`` unless ``verb`` on ``obj`` would be allowed (check before changing it in place)."""
        if self._check is not None:
            meta = obj.meta
            self._check(self._cred, verb, obj.KIND, meta.namespace, meta.name, subresource)

    def create(self, obj: Obj, subresource: str = "") -> Obj:
        """POST: ``create`` on the object's resource (a POST carries no name: the request's name is empty)."""
        if self._check is not None:
            self._check(self._cred, "create", obj.KIND, obj.meta.namespace, "", subresource)
            if obj.KIND in RBAC_WRITES:
                self.auth.admit(self._cred, "create", obj)  # type: ignore[union-attr]
        return self.store.create(obj)

    def update(self, obj: Obj, subresource: str = "") -> bool:
        """PUT: ``update`` on the object (or on its ``subresource``)."""
        if self._check is not None:
            meta = obj.meta
            self._check(self._cred, "update", obj.KIND, meta.namespace, meta.name, subresource)
            if obj.KIND in RBAC_WRITES:
                self.auth.admit(self._cred, "update", obj)  # type: ignore[union-attr]
        return self.store.update(obj)

    def patch(self, obj: Obj, subresource: str = "") -> bool:
        """PATCH (strategic merge or server-side apply): ``patch`` on the object or its ``subresource``."""
        if self._check is not None:
            meta = obj.meta
            self._check(self._cred, "patch", obj.KIND, meta.namespace, meta.name, subresource)
            if obj.KIND in RBAC_WRITES:
                self.auth.admit(self._cred, "patch", obj)  # type: ignore[union-attr]
        return self.store.update(obj)

    def set_owner(self, obj: Obj, owner: Any) -> bool:
        """PATCH of ``metadata.ownerReferences`` (adoption or release): ``patch`` on the object."""
        if self._check is not None:
            meta = obj.meta
            self._check(self._cred, "patch", obj.KIND, meta.namespace, meta.name)
        return self.store.set_owner(obj, owner)

    def update_status(self, obj: Obj) -> bool:
        """PUT of the ``status`` subresource."""
        return self.update(obj, "status")

    def delete(self, kind: str, key: str, grace_s: float | None = None) -> bool:
        """DELETE: ``delete`` on the object ``key`` (``namespace/name`` or a cluster-scoped name)."""
        if self._check is not None:
            ns, _, name = key.rpartition("/")
            self._check(self._cred, "delete", kind, ns, name)
        return self.store.delete(kind, key, grace_s)

    def bind(self, pod: Obj, node: str) -> None:
        """POST of ``pods/binding``."""
        if self._check is not None:
            self._check(self._cred, "create", "Pod", pod.meta.namespace, pod.meta.name, "binding")
        self.store.bind(pod, node)

    def evict(self, pod: Obj, grace_s: float | None = None) -> bool:
        """POST of ``pods/eviction``: the API server deletes the pod if its PodDisruptionBudgets allow
        (``grace_s``: the Eviction's DeleteOptions.gracePeriodSeconds)."""
        from clustersim.apiserver.eviction import evict

        if self._check is not None:
            self._check(self._cred, "create", "Pod", pod.meta.namespace, pod.meta.name, "eviction")
        return evict(self.store, pod, grace_s)

    # ---- watches
    def watch(self, kind: str, handler: Handler, etypes: tuple[str, ...] = (ADDED, MODIFIED, DELETED), *,
              owner_kind: str | None = None, while_any: str | None = None) -> None:
        """A list+watch of ``kind`` whose events pass the gate (the store checks it) and the authorizer
        (the guard); selectors as ``ClusterState.watch``."""
        gate: Any = self.gate
        if self.auth is not None and self.watch_credential is not None:
            from clustersim.client.watch import WatchGate

            gate = WatchGate(self.auth, self.watch_credential, self.gate, kind, handler)
        self.store.watch(kind, handler, etypes, gate=gate, owner_kind=owner_kind, while_any=while_any)

    def watch_node_pods(self, node: str, handler: Handler) -> None:
        """The kubelet's list+watch of its pods (field selector ``spec.nodeName=<node>``)."""
        deliver = handler
        selector = (("spec.nodeName", node),)
        # a kubelet's own-pod watch, allowed by the Node authorizer whatever the policy, needs no guard: the
        # kubelet itself stops listening while its certificate is refused
        if self.auth is not None and self.watch_credential is not None and not self.auth.node_allows(self.watch_credential, "Pod", selector):
            from clustersim.client.watch import WatchGuard

            deliver = WatchGuard(self.auth, self.watch_credential, "Pod", handler, selector)
        self.store.watch_node_pods(node, deliver)

    def defer(self, callback: Callable[[], None]) -> None:
        """Deferred work runs only while connected."""
        if self.gate.open:
            self.store.defer(callback)
        else:
            self.gate.hold(callback)

