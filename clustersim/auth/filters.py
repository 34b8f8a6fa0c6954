"""The API server's authentication and authorization filters for one request, with a decision cache.

``WithAuthentication`` then ``WithAuthorization`` (``k8s.io/apiserver/pkg/endpoints/filters``): a
request whose credential is refused is 401 Unauthorized; one the authorizer chain does not allow is
403 Forbidden with upstream's message. Every refusal is written to the audit log (a row per request)
and the event log (reason ``Unauthorized`` or ``Forbidden``).

The decision cache is the simulator's: decisions are kept per (credential, verb, kind, subresource,
namespace, field selector), per name only where the decision depends on the name (resourceNames
rules, the Node authorizer's own-object rules), never where it depends on other state (the Node
authorizer's graph); the whole cache is dropped whenever the authorizer's policy changes, so every
answer equals the uncached one.
"""

from __future__ import annotations

from typing import Any

from clustersim.api.errors import REASON_FORBIDDEN, REASON_UNAUTHORIZED, Forbidden, Unauthorized, forbidden_message
from clustersim.auth.attributes import Attributes, resource_of
from clustersim.auth.authn import Credential
from clustersim.auth.authorizer import Authorizer, Decision, Result
from clustersim.auth.rbac.policy import Policy

__all__ = ["AUDIT_COLUMNS", "RequestFilter"]

AUDIT_COLUMNS = ["t", "user", "verb", "api_group", "resource", "subresource", "namespace", "name", "code", "reason", "message"]
_BY_NAME = object()


class RequestFilter:
    """Authenticates and authorizes requests; ``rows`` is the audit log of refused requests."""

    def __init__(self, env: Any, authorizer: Authorizer, policy: Policy, rec: Any = None, store: Any = None) -> None:
        self.env, self.authorizer, self.policy, self.rec, self.store = env, authorizer, policy, rec, store
        self.cache: dict[Any, Any] = {}
        self.watches: list[Any] = []  # every list+watch (client.watch), asked again when the policy changes
        self._refresh_pending = False
        policy.listeners.append(self._policy_changed)
        self.rows: list[tuple[Any, ...]] = []
        self.decisions = 0  # uncached decisions made (for the benchmark)
        self.decided: set[tuple[str, str, str, str, bool]] = set()
        self.storage: Any = None  # the RBAC registry's escalation check, built on first use  # (user, verb, resource, subresource, allowed) decided

    def _policy_changed(self) -> None:
        """Drop every decision; ask every watch again once the current watch batch is delivered."""
        self.cache.clear()
        if self.watches and not self._refresh_pending:
            self._refresh_pending = True
            if self.store is not None:
                self.store.defer(self._refresh_watches)
            else:
                self._refresh_watches()

    def _refresh_watches(self) -> None:
        self._refresh_pending = False
        for w in list(self.watches):
            w.refresh()

    def check(self, cred: Credential, verb: str, kind: str, namespace: str = "", name: str = "", subresource: str = "",
              field_selector: tuple[tuple[str, str], ...] = ()) -> None:
        """Raise Unauthorized or Forbidden unless the request may proceed."""
        key = (cred, verb, kind, subresource, namespace, field_selector)
        if not cred.valid and cred.failure(self.env.now) is not None:  # ``valid``: kept by the authenticator
            self.unauthorized(cred, verb, kind, namespace, name, subresource)
        hit = self.cache.get(key)
        if hit is True:
            return
        if hit is _BY_NAME:
            hit = self.cache.get((key, name))
            if hit is True:
                return
        if hit is None:
            hit = self._decide(key, cred, verb, kind, namespace, name, subresource, field_selector)
            if hit is True:
                return
        self._forbidden(cred, verb, kind, namespace, name, subresource, hit.reason)

    def admit(self, cred: Credential, verb: str, obj: Any) -> None:
        """The registry's checks after authorization: an RBAC write that escalates is 403 (recorded like a denial)."""
        if self.storage is None:
            from clustersim.auth.registry import RBACStorage

            self.storage = RBACStorage(self.authorizer, self.store)
        try:
            self.storage.check(cred, obj)
        except Forbidden as err:
            group, resource, _ = resource_of(obj.KIND)
            self._audit(cred, verb, group, resource, "", obj.meta.namespace, obj.meta.name, 403, REASON_FORBIDDEN, err.message, obj.KIND)
            raise

    def node_allows(self, cred: Credential, kind: str, field_selector: tuple[tuple[str, str], ...]) -> bool:
        """The Node authorizer allows this list+watch: an answer that depends only on who asks, so it never changes."""
        from clustersim.auth.node import NodeAuthorizer

        node = next((a for a in getattr(self.authorizer, "authorizers", ()) if isinstance(a, NodeAuthorizer)), None)
        if node is None:
            return False
        group, resource, _ = resource_of(kind)
        return all(node.authorize(Attributes(cred.user, verb, "", group, resource, field_selector=field_selector)).decision
                   is Decision.ALLOW for verb in ("list", "watch"))

    def allowed(self, cred: Credential, verb: str, kind: str, namespace: str = "", name: str = "", subresource: str = "",
                field_selector: tuple[tuple[str, str], ...] = ()) -> bool:
        """The request would pass, without recording anything (the informers' re-list check)."""
        if cred.failure(self.env.now) is not None:
            return False
        group, resource, _ = resource_of(kind)
        attrs = Attributes(cred.user, verb, namespace, group, resource, subresource, name, field_selector=field_selector)
        return self.authorizer.authorize(attrs).decision is Decision.ALLOW

    def _decide(self, key: Any, cred: Credential, verb: str, kind: str, namespace: str, name: str, subresource: str,
                field_selector: tuple[tuple[str, str], ...]) -> Any:
        group, resource, _ = resource_of(kind)
        r: Result = self.authorizer.authorize(Attributes(cred.user, verb, namespace, group, resource, subresource, name,
                                                         field_selector=field_selector))
        self.decisions += 1
        self.decided.add((cred.user.name, verb, resource, subresource, r.decision is Decision.ALLOW))
        value: Any = True if r.decision is Decision.ALLOW else r
        if r.volatile:
            return value
        if r.name_dependent:
            self.cache[key] = _BY_NAME
            self.cache[(key, name)] = value
        else:
            self.cache[key] = value
        return value

    # ---- refusals
    def unauthorized(self, cred: Credential, verb: str, kind: str, namespace: str, name: str, subresource: str) -> None:
        """Record and raise the 401 of a refused credential."""
        why = cred.failure(self.env.now) or "invalid credential"
        group, resource, _ = resource_of(kind)
        self._audit(cred, verb, group, resource, subresource, namespace, name, 401, REASON_UNAUTHORIZED,
                    f"Unable to authenticate the request: {why}", kind)
        raise Unauthorized()

    def _forbidden(self, cred: Credential, verb: str, kind: str, namespace: str, name: str, subresource: str, reason: str) -> None:
        group, resource, _ = resource_of(kind)
        msg = forbidden_message(cred.user.name, verb, group, resource, subresource, namespace, name, reason)
        self._audit(cred, verb, group, resource, subresource, namespace, name, 403, REASON_FORBIDDEN, msg, kind)
        raise Forbidden(msg)

    def _audit(self, cred: Credential, verb: str, group: str, resource: str, subresource: str, namespace: str, name: str,
               code: int, reason: str, message: str, kind: str) -> None:
        self.rows.append((self.env.now, cred.user.name, verb, group, resource, subresource, namespace, name, code, reason, message))
        if self.rec is not None:
            self.rec.event(kind, namespace, name, reason, message, "", "Warning")
