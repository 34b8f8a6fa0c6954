"""Authentication: client certificates and ServiceAccount tokens, with expiry and revocation.

A request carries a ``Credential``; the authenticator accepts it while it is not expired, not
revoked and, for a token, while its ServiceAccount exists (``pkg/serviceaccount``: a token of a
deleted ServiceAccount is invalidated; the API server learns of the deletion from its informer).
Otherwise the request is 401 Unauthorized. The authenticated user gets ``system:authenticated``
(``authenticator.AuthenticatedGroupAdder``). Components that act on their own validity (a kubelet
whose certificate expires) subscribe to its changes.

Renewal follows the component's credential manager. A kubelet's certificate manager asks for a new
certificate 70-90 % into the old one's lifetime (``certificate.Manager.nextRotationDeadline``). A
token is refreshed once 80 % of its lifetime has passed, or once it is 24 h old, whichever comes
first: the kubelet's token manager (``pkg/kubelet/token/token_manager.go`` ``requiresRefresh``:
``maxTTL`` 24 h; its jitter of up to 10 s is left out) and the controller-manager's and cloud
controllers' token source (``k8s.io/controller-manager/pkg/clientbuilder/client_builder_dynamic.go``:
``defaultExpirationSeconds`` 3600, ``defaultLeewayPercent`` 20). A refresh the API server refuses (the
ServiceAccount is deleted, the credential is revoked) leaves the old token in use until it expires
(``GetServiceAccountToken``: "Couldn't update token") and is tried again as soon as it can succeed;
only then does an expired token turn into 401s. Timers run past the run's end, so a run continued
beyond its ``duration_s`` keeps the same semantics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clustersim.api.rbac import ServiceAccount
from clustersim.auth.identity import TOKEN, Identity
from clustersim.auth.user import ALL_AUTHENTICATED, UserInfo

__all__ = ["MAX_TOKEN_AGE_S", "Authenticator", "Credential", "X509_EXPIRED", "TOKEN_EXPIRED", "TOKEN_INVALIDATED"]

MAX_TOKEN_AGE_S = 24 * 3600.0  # token_manager.go maxTTL: a token older than this is refreshed whatever its lifetime

# the API server's log line for each failure (the response body is always "Unauthorized")
X509_EXPIRED = "x509: certificate has expired or is not yet valid"
TOKEN_EXPIRED = "[invalid bearer token, service account token has expired]"
TOKEN_INVALIDATED = "[invalid bearer token, service account token has been invalidated]"
REVOKED = "[invalid bearer token, credential revoked]"


@dataclass(slots=True, eq=False)
class Credential:
    """A client certificate or a token: who it proves, until when, and whether it has been withdrawn."""

    identity: Identity
    user: UserInfo
    not_after_s: float = math.inf
    revoked: bool = False
    account_missing: bool = False
    subscribers: list[Callable[[bool], None]] = field(default_factory=list)
    valid: bool = True  # as last announced to subscribers
    validity_s: float = math.inf  # lifetime of each certificate or token issued for this identity
    rotate: bool = False  # renewed before it expires
    renew_at: tuple[float, float] = (0.8, 0.8)  # renewal point, as a fraction of the lifetime (uniform in this range)
    generation: int = 0  # bumped at each renewal (stale timers are ignored)
    rng: Any = None  # the numpy Generator of the renewal jitter (None: no jitter)
    renew_due_s: float = math.inf  # when the current certificate or token should be renewed (past: a refresh is pending)

    def refresh_blocked(self) -> bool:
        """The API server would refuse a new certificate or token now (revoked, or the ServiceAccount is gone)."""
        return self.revoked or self.account_missing

    def failure(self, now: float) -> str | None:
        """Why the API server refuses this credential at ``now`` (None: accepted)."""
        if self.revoked:
            return REVOKED
        if self.account_missing:
            return TOKEN_INVALIDATED
        if now >= self.not_after_s:
            return TOKEN_EXPIRED if self.identity.credential == TOKEN else X509_EXPIRED
        return None


class Authenticator:
    """Issues credentials and keeps their validity (timers at expiry, ServiceAccount deletions)."""

    def __init__(self, env: Any) -> None:
        self.env = env
        self.by_account: dict[str, list[Credential]] = {}
        self.accounts: set[str] = set()  # ServiceAccounts the API server's informer holds
        self.issued: list[Credential] = []

    def issue(self, identity: Identity, validity_s: float = math.inf, rotate: bool = False,
              renew_at: tuple[float, float] = (0.8, 0.8), rng: Any = None) -> Credential:
        """A credential for ``identity`` valid for ``validity_s`` from now; with ``rotate`` it is renewed at a
        fraction of its lifetime drawn from ``renew_at`` (with ``rng``, a numpy Generator, when the range is wide)."""
        groups = identity.groups if ALL_AUTHENTICATED in identity.groups else (*identity.groups, ALL_AUTHENTICATED)
        cred = Credential(identity, UserInfo(identity.name, groups), self.env.now + validity_s, validity_s=validity_s,
                          rotate=rotate, renew_at=renew_at)
        if identity.credential == TOKEN:
            self.by_account.setdefault(identity.key, []).append(cred)
        self.issued.append(cred)
        cred.rng = rng
        self._arm(cred)
        self._schedule_renewal(cred)
        return cred

    def _schedule_renewal(self, cred: Credential) -> None:
        """``certificate.Manager.nextRotationDeadline`` (70-90 % jittered) or a token manager's 80 % / 24 h point."""
        if not cred.rotate or math.isinf(cred.validity_s):
            cred.renew_due_s = math.inf
            return
        lo, hi = cred.renew_at
        frac = lo if cred.rng is None or hi <= lo else float(cred.rng.uniform(lo, hi))
        age = cred.validity_s * frac
        if cred.identity.credential == TOKEN:
            age = min(age, MAX_TOKEN_AGE_S)
        cred.renew_due_s = at = cred.not_after_s - cred.validity_s + age
        gen = cred.generation

        def due(_e: object) -> None:
            if cred.generation == gen:
                self._refresh(cred)

        self.env.timeout(max(0.0, at - self.env.now)).callbacks.append(due)

    def _refresh(self, cred: Credential) -> None:
        """A due renewal: a new certificate or token, unless the API server would refuse it (then it stays due)."""
        if cred.rotate and not cred.refresh_blocked():
            cred.generation += 1
            self.set_expiry(cred, self.env.now + cred.validity_s)
            self._schedule_renewal(cred)

    def _unblocked(self, cred: Credential) -> None:
        """The reason a refresh was refused is gone: a renewal that fell due meanwhile happens now."""
        if cred.rotate and cred.renew_due_s <= self.env.now and not cred.refresh_blocked():
            self._refresh(cred)
        else:
            self._announce(cred)

    def subscribe(self, cred: Credential, callback: Callable[[bool], None]) -> None:
        """Call ``callback(valid)`` whenever the credential becomes valid or invalid."""
        cred.subscribers.append(callback)

    def set_expiry(self, cred: Credential, not_after_s: float) -> None:
        """A new certificate or token for the same identity (rotation), or an expiry brought forward."""
        cred.not_after_s = not_after_s
        self._arm(cred)
        self._announce(cred)

    def renew(self, cred: Credential, rotate: bool | None = None, rng: Any = None) -> None:
        """Issue a fresh certificate or token now (an operator's renewal), optionally switching rotation."""
        if rotate is not None:
            cred.rotate = rotate
        if rng is not None:
            cred.rng = rng
        cred.generation += 1
        self.set_expiry(cred, self.env.now + cred.validity_s)
        self._schedule_renewal(cred)

    def revoke(self, cred: Credential, revoked: bool = True) -> None:
        """Withdraw (or restore) the credential."""
        cred.revoked = revoked
        if revoked:
            self._announce(cred)
        else:
            self._unblocked(cred)

    def on_service_account(self, etype: str, sa: ServiceAccount) -> None:
        """Informer handler: tokens of a deleted ServiceAccount stop working; they work again when it is back."""
        key = sa.key
        missing = etype == "DELETED"
        (self.accounts.discard if missing else self.accounts.add)(key)
        for cred in self.by_account.get(key, ()):
            cred.account_missing = missing
            if missing:
                self._announce(cred)
            else:
                self._unblocked(cred)

    def _arm(self, cred: Credential) -> None:
        delay = cred.not_after_s - self.env.now
        if 0 < delay < math.inf:
            at = cred.not_after_s
            self.env.timeout(delay).callbacks.append(lambda _e: self._expired(cred, at))

    def _expired(self, cred: Credential, at: float) -> None:
        if cred.not_after_s == at:
            self._announce(cred)

    def _announce(self, cred: Credential) -> None:
        valid = cred.failure(self.env.now) is None
        if valid != cred.valid:
            cred.valid = valid
            for cb in list(cred.subscribers):
                cb(valid)
