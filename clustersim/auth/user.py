"""Who makes a request: ``user.Info`` and the well-known names of ``k8s.io/apiserver/pkg/authentication``.

Upstream: ``staging/src/k8s.io/apiserver/pkg/authentication/user/user.go`` (the system users and
groups) and ``.../authentication/serviceaccount/util.go`` (ServiceAccount user names and groups).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALL_AUTHENTICATED", "ALL_UNAUTHENTICATED", "ANONYMOUS", "KUBE_CONTROLLER_MANAGER", "KUBE_PROXY", "KUBE_SCHEDULER",
    "MONITORING_GROUP", "NODES_GROUP", "NODE_USER_PREFIX", "SERVICE_ACCOUNTS_GROUP", "SERVICE_ACCOUNT_PREFIX",
    "SYSTEM_PRIVILEGED_GROUP", "UserInfo", "make_service_account_username", "matches_service_account",
    "node_identity", "service_account_groups", "split_service_account_username",
]

# user.go
SYSTEM_PRIVILEGED_GROUP = "system:masters"
NODES_GROUP = "system:nodes"
MONITORING_GROUP = "system:monitoring"
ALL_UNAUTHENTICATED = "system:unauthenticated"
ALL_AUTHENTICATED = "system:authenticated"
ANONYMOUS = "system:anonymous"
KUBE_PROXY = "system:kube-proxy"
KUBE_CONTROLLER_MANAGER = "system:kube-controller-manager"
KUBE_SCHEDULER = "system:kube-scheduler"
# serviceaccount/util.go
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts"
# pkg/auth/nodeidentifier/default.go
NODE_USER_PREFIX = "system:node:"


@dataclass(frozen=True, slots=True)
class UserInfo:
    """``user.Info``: the authenticated name and groups (``system:authenticated`` included once authenticated)."""

    name: str
    groups: tuple[str, ...] = ()
    uid: str = ""

    def __str__(self) -> str:
        return self.name


def make_service_account_username(namespace: str, name: str) -> str:
    """``serviceaccount.MakeUsername``: ``system:serviceaccount:<ns>:<name>``."""
    return f"{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}"


def service_account_groups(namespace: str) -> tuple[str, ...]:
    """``serviceaccount.MakeGroupNames``: every ServiceAccount, and those of its namespace."""
    return (SERVICE_ACCOUNTS_GROUP, f"{SERVICE_ACCOUNTS_GROUP}:{namespace}")


def matches_service_account(namespace: str, name: str, username: str) -> bool:
    """``serviceaccount.MatchesUsername``: ``username`` is exactly the ServiceAccount's user name."""
    return username == f"{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}"


def split_service_account_username(username: str) -> tuple[str, str] | None:
    """``serviceaccount.SplitUsername``: (namespace, name), or None when not a ServiceAccount user."""
    if not username.startswith(SERVICE_ACCOUNT_PREFIX):
        return None
    parts = username[len(SERVICE_ACCOUNT_PREFIX):].split(":")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1]


def node_identity(user: UserInfo) -> tuple[str, bool]:
    """``nodeidentifier.NodeIdentity``: (node name, is a node); a node needs the prefix and ``system:nodes``."""
    if not user.name.startswith(NODE_USER_PREFIX) or NODES_GROUP not in user.groups:
        return "", False
    return user.name[len(NODE_USER_PREFIX):], True
