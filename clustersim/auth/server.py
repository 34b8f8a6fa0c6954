"""The API server's authentication and authorization, wired to the store.

At start the API server creates the system namespaces and the default RBAC policy (its
``rbac/bootstrap-roles`` post-start hook) before it serves; its RBAC authorizer then follows the
RBAC objects through watches, so a change takes effect one watch latency after the write, as
through upstream's informers. Components get a ``Client`` carrying their credential from
``client(identity, gate)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import RBAC_KINDS, Namespace
from clustersim.apiserver.store import DELETED, ClusterState
from clustersim.auth.authn import Authenticator, Credential
from clustersim.auth.bootstrappolicy import default_policy
from clustersim.auth.chain import build_authorizer
from clustersim.auth.filters import RequestFilter
from clustersim.auth.identity import TOKEN, Identity
from clustersim.auth.node import StoreGraph
from clustersim.auth.rbac.policy import Policy
from clustersim.auth.user import NODE_USER_PREFIX
from clustersim.client.client import Client, Gate
from clustersim.config.auth import AuthConfig

__all__ = ["SYSTEM_NAMESPACES", "ApiServerAuth"]

# the namespaces the API server keeps (pkg/controlplane/controller/systemnamespaces), and "default"
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


class ApiServerAuth:
    """Authenticator, authorizer chain (with its policy index) and request filter of one API server."""

    def __init__(self, store: ClusterState, rec: Any = None, cfg: AuthConfig | None = None) -> None:
        self.store, self.env = store, store.env
        self.cfg = cfg = cfg if cfg is not None else AuthConfig()
        self.policy = Policy()
        self.authn = Authenticator(store.env)
        self.authorizer = build_authorizer(self.policy, StoreGraph(store), cfg.authorization_modes, cfg.node_authorizer_selectors)
        self.filter = RequestFilter(store.env, self.authorizer, self.policy, rec, store)
        for kind in RBAC_KINDS:
            store.watch(kind, self._on_rbac)
        store.watch("ServiceAccount", self.authn.on_service_account)

    def _on_rbac(self, etype: str, obj: Any) -> None:
        if etype == DELETED:
            self.policy.remove(obj)
        elif not self.policy.holds(obj):  # the bootstrap objects' own events change nothing
            self.policy.put(obj)

    def bootstrap(self, extra: Sequence[Any] = ()) -> None:
        """Create the system namespaces, the default policy and ``extra`` objects (the config's, created with the
        admin's credentials); the authorizer has them at once (it waits for its caches to sync before serving)."""
        roles, bindings = default_policy()
        for name in SYSTEM_NAMESPACES:
            self.store.create(Namespace(ObjectMeta(name)))
        for obj in (*roles, *bindings, *extra):
            if self.store.get(obj.KIND, obj.key) is not None:
                if obj.KIND in RBAC_KINDS or obj.KIND == "Namespace":
                    self._replace(obj)  # a config object of a default name replaces the default one
                continue
            self.store.create(obj)
            if obj.KIND in RBAC_KINDS:
                self.policy.put(obj)

    def _replace(self, obj: Any) -> None:
        old = self.store.get(obj.KIND, obj.key)
        self.store.delete(obj.KIND, obj.key)
        self.store.create(obj)
        if obj.KIND in RBAC_KINDS:
            self.policy.remove(old)
            self.policy.put(obj)

    def login(self, identity: Identity, validity_s: float | None = None) -> Credential:
        """A credential for ``identity``: a kubelet's certificate (rotated 70-90 % into its lifetime when the
        kubelet rotates), a ServiceAccount token (refreshed at 80 %), or a never-expiring certificate."""
        cfg = self.cfg
        if identity.credential == TOKEN:
            return self.authn.issue(identity, cfg.service_account_token_validity_s if validity_s is None else validity_s,
                                    cfg.rotate_service_account_tokens)
        if identity.name.startswith(NODE_USER_PREFIX):
            rng = self.env.rng(f"auth/{identity.name}") if hasattr(self.env, "rng") else None
            return self.authn.issue(identity, cfg.kubelet_client_certificate_validity_s if validity_s is None else validity_s,
                                    cfg.rotate_kubelet_client_certificates, (0.7, 0.9), rng)
        return self.authn.issue(identity, math.inf if validity_s is None else validity_s)

    def client(self, identity: Identity | Credential, gate: Gate | None = None,
               watch_as: Identity | Credential | None = None) -> Client:
        """A client that makes its requests as ``identity`` through ``gate`` (a fresh, always-open gate by default);
        its watches as ``watch_as`` when given (the controller-manager's shared informers)."""
        cred = identity if isinstance(identity, Credential) else self.login(identity)
        watch = watch_as if isinstance(watch_as, Credential) or watch_as is None else self.login(watch_as)
        return Client(self.store, gate if gate is not None else Gate(self.env), cred, self.filter, watch)

    def credentials(self, identity_key: str) -> list[Credential]:
        """The credentials issued for a user name or a ServiceAccount ``ns/name``."""
        return [c for c in self.authn.issued if c.identity.key == identity_key or c.identity.name == identity_key]
