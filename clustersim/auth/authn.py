"""Authentication: client certificates and ServiceAccount tokens, with expiry and revocation.

A request carries a ``Credential``; the authenticator accepts it while it is not expired, not
revoked and, for a token, while its ServiceAccount exists (``pkg/serviceaccount``: a token of a
deleted ServiceAccount is invalidated; the API server learns of the deletion from its informer).
Otherwise the request is 401 Unauthorized. The authenticated user gets ``system:authenticated``
(``authenticator.AuthenticatedGroupAdder``). Components that act on their own validity (a kubelet
whose certificate expires) subscribe to its changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clustersim.api.rbac import ServiceAccount
from clustersim.auth.identity import TOKEN, Identity
from clustersim.auth.user import ALL_AUTHENTICATED, UserInfo

__all__ = ["Authenticator", "Credential", "X509_EXPIRED", "TOKEN_EXPIRED", "TOKEN_INVALIDATED"]

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

    def __init__(self, env: Any, horizon_s: float = math.inf) -> None:
        self.env, self.horizon_s = env, horizon_s
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
        self._arm(cred)
        self._schedule_renewal(cred, rng)
        return cred

    def _schedule_renewal(self, cred: Credential, rng: Any) -> None:
        """``certificate.Manager.nextRotationDeadline`` (70-90 % jittered) or a token manager's 80 % point."""
        if not cred.rotate or math.isinf(cred.validity_s):
            return
        lo, hi = cred.renew_at
        frac = lo if rng is None or hi <= lo else float(rng.uniform(lo, hi))
        at = cred.not_after_s - cred.validity_s * (1.0 - frac)
        if at >= self.horizon_s:
            return
        gen = cred.generation

        def renew(_e: object) -> None:
            if cred.rotate and cred.generation == gen and cred.failure(self.env.now) is None:
                cred.generation += 1
                self.set_expiry(cred, self.env.now + cred.validity_s)
                self._schedule_renewal(cred, rng)

        self.env.timeout(max(0.0, at - self.env.now)).callbacks.append(renew)

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
        cred.generation += 1
        self.set_expiry(cred, self.env.now + cred.validity_s)
        self._schedule_renewal(cred, rng)

    def revoke(self, cred: Credential, revoked: bool = True) -> None:
        """Withdraw (or restore) the credential."""
        cred.revoked = revoked
        self._announce(cred)

    def on_service_account(self, etype: str, sa: ServiceAccount) -> None:
        """Informer handler: tokens of a deleted ServiceAccount stop working; they work again when it is back."""
        key = sa.key
        missing = etype == "DELETED"
        (self.accounts.discard if missing else self.accounts.add)(key)
        for cred in self.by_account.get(key, ()):
            cred.account_missing = missing
            self._announce(cred)

    def _arm(self, cred: Credential) -> None:
        delay = cred.not_after_s - self.env.now
        if 0 < delay and cred.not_after_s < self.horizon_s:
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
