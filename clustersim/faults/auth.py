"""Faults of authentication and authorization: PermissionRevoked and CredentialExpiry.

- PermissionRevoked: at ``at_s`` someone (``as_user``, by default the cluster admin) deletes a Role,
  ClusterRole, binding or ServiceAccount, or edits one: ``remove_rules`` drops verbs on resources from
  a role, ``remove_subjects`` drops subjects from a binding (a cleanup job, a GitOps sync that
  prunes, an operator's mistake). The change goes through the API server (authorized, escalation
  checked) and reaches the authorizer one watch latency later. With ``restore_after_s`` the original
  object is put back. Bootstrap roles are not reconciled while the API server runs (upstream
  reconciles them only at its start).
- CredentialExpiry: a kubelet's client certificate, a ServiceAccount's token, or a user's certificate
  expires at ``at_s``. With ``rotation`` the component has renewed it just before (the kubelet's
  certificate manager rotates at 70-90 % of the lifetime, token managers at 80 %) and nothing happens
  but a new expiry; without, every request is 401 until ``renew_after_s`` (an operator issues a new one).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, model_validator

from clustersim.actors import ActorArgs, ActorContext, check_at
from clustersim.api.errors import StatusError
from clustersim.auth.identity import ADMIN, user
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.targets import NodeTargetArgs, pick_nodes

__all__ = ["CredentialExpiry", "PermissionRevoked"]

Kind = Literal["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount"]
_NAMESPACED = ("Role", "RoleBinding", "ServiceAccount")


class RevokeArgs(ActorArgs):
    """What is removed or edited, when, by whom, and whether it comes back."""

    at_s: float = Field(ge=0)
    kind: Kind = Field(description="The object's kind.")
    name: str = Field(min_length=1)
    namespace: str = Field("", description="Its namespace (Role, RoleBinding, ServiceAccount).")
    action: Literal["delete", "remove_rules", "remove_subjects"] = Field("delete", description="Delete the object, or edit it.")
    verbs: tuple[str, ...] = Field((), description="remove_rules: these verbs go ...")
    resources: tuple[str, ...] = Field((), description="remove_rules: ... from the rules on these resources (every resource if empty).")
    subjects: tuple[str, ...] = Field((), description="remove_subjects: the subject names that go (every subject if empty).")
    restore_after_s: float | None = Field(None, gt=0, description="The original object is restored this long after (None: never).")
    as_user: str | None = Field(None, description="A user of the config's users: who makes the change (default: the cluster admin).")

    @model_validator(mode="after")
    def _shape(self) -> RevokeArgs:
        if self.kind in _NAMESPACED and not self.namespace:
            raise ValueError(f"namespace: a {self.kind} is namespaced")
        if self.action == "remove_rules" and (self.kind not in ("Role", "ClusterRole") or not self.verbs):
            raise ValueError("verbs: remove_rules edits a Role or ClusterRole and needs the verbs to remove")
        if self.action == "remove_subjects" and self.kind not in ("RoleBinding", "ClusterRoleBinding"):
            raise ValueError("action: remove_subjects edits a RoleBinding or ClusterRoleBinding")
        return self

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run and a known user."""
        if self.as_user is not None and self.as_user not in {u.name for u in cfg.users}:
            return f"as_user: unknown user {self.as_user!r} (users: {', '.join(u.name for u in cfg.users) or 'none'})"
        return check_at(cfg, self.at_s)


def _without_verbs(role: Any, verbs: tuple[str, ...], resources: tuple[str, ...]) -> tuple[Any, ...]:
    out = []
    for r in role.rules:
        if not resources or set(r.resources) & set(resources):
            kept = tuple(v for v in r.verbs if v not in verbs)
            if not kept:
                continue
            r = type(r)(kept, r.api_groups, r.resources, r.resource_names, r.non_resource_urls)
        out.append(r)
    return tuple(out)


@FAULTS.register("PermissionRevoked")
class PermissionRevoked:
    """An RBAC object (or a ServiceAccount) is deleted or stripped, and maybe restored."""

    Args = RevokeArgs

    def __init__(self, index: int, args: RevokeArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx
        self.saved: Any = None

    def start(self) -> None:
        """Schedule the change (and the restore)."""
        self.ctx.env.timeout(self.args.at_s).callbacks.append(lambda _e: self._revoke())

    def _client(self) -> Any:
        a, auth = self.args, self.ctx.auth
        if a.as_user is None:
            return auth.client(ADMIN)
        u = next(u for u in self.ctx.cfg.users if u.name == a.as_user)
        validity = None if u.expires_s is None else max(0.0, u.expires_s - self.ctx.env.now)
        return auth.client(auth.login(user(u.name, *u.groups), validity))

    @property
    def key(self) -> str:
        """The object's store key."""
        return f"{self.args.namespace}/{self.args.name}" if self.args.namespace else self.args.name

    def _revoke(self) -> None:
        a, ctx = self.args, self.ctx
        obj = ctx.state.get(a.kind, self.key)
        target = f"{a.kind}/{self.key}"
        self.row = {"fault": "PermissionRevoked", "index": self.index, "target": target, "t_inject": ctx.env.now, "t_recover": None}
        ctx.rec.faults.append(self.row)
        if obj is None:
            ctx.rec.event(a.kind, a.namespace, a.name, "FaultInjected", f"PermissionRevoked: {target} does not exist", "", "Warning")
            return
        client = self._client()
        try:
            if a.action == "delete":
                client.delete(a.kind, self.key)
            else:
                self._edit(client, obj)
        except StatusError as err:
            ctx.rec.event(a.kind, a.namespace, a.name, "FaultFailed", f"PermissionRevoked: {err.message}", "", "Warning")
            return
        self.saved = obj if a.action == "delete" else self.saved
        ctx.rec.event(a.kind, a.namespace, a.name, "FaultInjected", f"PermissionRevoked: {a.action} {target}", "", "Warning")
        if a.restore_after_s is not None:
            ctx.env.timeout(a.restore_after_s).callbacks.append(lambda _e: self._restore(client))

    def _edit(self, client: Any, obj: Any) -> None:
        """Check the edited object with the API server first; then change the stored one (no change if refused)."""
        a = self.args
        candidate = copy.copy(obj)
        if a.action == "remove_rules":
            candidate.rules = _without_verbs(obj, a.verbs, a.resources)
        else:
            candidate.subjects = tuple(s for s in obj.subjects if a.subjects and s.name not in a.subjects)
        client.authorize("update", obj)
        client.auth.admit(client.credential, "update", candidate)
        self.saved = copy.copy(obj)
        if a.action == "remove_rules":
            obj.rules = candidate.rules
        else:
            obj.subjects = candidate.subjects
        client.update(obj)

    def _restore(self, client: Any) -> None:
        a, ctx = self.args, self.ctx
        try:
            current = ctx.state.get(a.kind, self.key)
            if current is None:
                fresh = copy.copy(self.saved)
                fresh.meta = copy.copy(self.saved.meta)
                fresh.meta.deletion_s = None
                client.create(fresh)
            else:
                field = "rules" if a.kind in ("Role", "ClusterRole") else "subjects"
                candidate = copy.copy(current)
                setattr(candidate, field, getattr(self.saved, field))
                client.authorize("update", current)
                client.auth.admit(client.credential, "update", candidate)
                setattr(current, field, getattr(self.saved, field))
                client.update(current)
        except StatusError as err:
            ctx.rec.event(a.kind, a.namespace, a.name, "FaultFailed", f"PermissionRevoked restore: {err.message}", "", "Warning")
            return
        self.row["t_recover"] = ctx.env.now
        ctx.rec.event(a.kind, a.namespace, a.name, "FaultRecovered", f"PermissionRevoked: {a.kind}/{self.key} restored", "", "Normal")


class ExpiryArgs(NodeTargetArgs):
    """Whose credential expires, when, and whether it is renewed."""

    at_s: float = Field(ge=0)
    credential: Literal["kubelet", "service_account", "user"] = Field(
        "kubelet", description="A kubelet's client certificate (nodes chosen as for node faults), a ServiceAccount's token, or a user's certificate.")
    service_account: str | None = Field(None, description="service_account: its ns/name (e.g. kube-system/replicaset-controller).")
    user_name: str | None = Field(None, description="user: the user name.")
    rotation: bool = Field(False, description="The component renews the credential before it expires (nothing happens).")
    renew_after_s: float | None = Field(None, gt=0, description="Without rotation: a new credential is issued this long after expiry (None: never).")

    @model_validator(mode="after")
    def _which(self) -> ExpiryArgs:
        if self.credential == "service_account" and not (self.service_account and "/" in self.service_account):
            raise ValueError("service_account: give namespace/name")
        if self.credential == "user" and not self.user_name:
            raise ValueError("user_name: required with credential user")
        return self

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run and, for kubelets, nodes that exist."""
        if self.credential == "kubelet":
            problem = self.check_targets(cfg)
            if problem:
                return problem
        return check_at(cfg, self.at_s)


@FAULTS.register("CredentialExpiry")
class CredentialExpiry:
    """Client certificates or tokens expire, with or without rotation."""

    Args = ExpiryArgs

    def __init__(self, index: int, args: ExpiryArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx
        self.rng = ctx.env.rng(f"fault/{index}/CredentialExpiry")

    def start(self) -> None:
        """At ``at_s`` the credentials expire (or, with rotation, have just been renewed)."""
        self.ctx.env.timeout(self.args.at_s).callbacks.append(lambda _e: self._arm())

    def _targets(self) -> list[tuple[str, list[Any]]]:
        """(fault target, credentials) pairs."""
        a, auth = self.args, self.ctx.auth
        if a.credential == "kubelet":
            return [(n, auth.credentials(f"system:node:{n}")) for n in pick_nodes(a, self.ctx.cfg, self.rng, self.ctx.state)]
        if a.credential == "service_account":
            ns, name = (a.service_account or "/").split("/", 1)
            return [(f"system:serviceaccount:{ns}:{name}", auth.credentials(f"{ns}/{name}"))]
        return [(a.user_name or "", auth.credentials(a.user_name or ""))]

    def _arm(self) -> None:
        a, ctx, authn = self.args, self.ctx, self.ctx.auth.authn
        for target, creds in self._targets():
            row = {"fault": "CredentialExpiry", "index": self.index, "target": target, "t_inject": ctx.env.now, "t_recover": None}
            ctx.rec.faults.append(row)
            for cred in creds:
                if a.rotation:
                    authn.renew(cred, rotate=True, rng=self.rng)  # renewed ahead of the expiry: no request is refused
                else:
                    cred.rotate = False
                    authn.set_expiry(cred, ctx.env.now)
                    if a.renew_after_s is not None:
                        self._later(ctx.env.now + a.renew_after_s, functools.partial(self._renew, cred, row))
            msg = "renewed before it expired" if a.rotation else "expired"
            ctx.rec.event("Component", "", target, "FaultInjected", f"CredentialExpiry: the credential of {target} {msg}", "", "Warning")

    def _later(self, at: float, fn: Callable[[], None]) -> None:
        self.ctx.env.timeout(max(0.0, at - self.ctx.env.now)).callbacks.append(lambda _e: fn())

    def _renew(self, cred: Any, row: dict[str, Any]) -> None:
        self.ctx.auth.authn.renew(cred)
        row["t_recover"] = self.ctx.env.now
        self.ctx.rec.event("Component", "", row["target"], "FaultRecovered", f"CredentialExpiry: new credential for {row['target']}", "",
                           "Normal")
