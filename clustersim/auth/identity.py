"""Who each component is to the API server, and how it authenticates.

Upstream identities: the scheduler's client certificate names ``system:kube-scheduler``; each
kube-controller-manager controller calls with its own ServiceAccount token in kube-system
(``--use-service-account-credentials``, the kubeadm default); each kubelet's certificate is
``system:node:<name>`` in ``system:nodes``; kube-proxy is ``system:kube-proxy``; addons, cloud
controllers and the autoscaler use their ServiceAccounts; people use their own certificates.

A component declares its identity with ``user(...)``, ``service_account(...)`` or ``node(...)``
and gets a ``Client`` for it from ``ApiServerAuth.client(identity, gate)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.auth.user import (
    KUBE_CONTROLLER_MANAGER,
    KUBE_PROXY,
    KUBE_SCHEDULER,
    NODE_USER_PREFIX,
    NODES_GROUP,
    SYSTEM_PRIVILEGED_GROUP,
    make_service_account_username,
    service_account_groups,
)

__all__ = ["ADMIN", "CONTROLLER_SERVICE_ACCOUNTS", "Identity", "KUBE_CONTROLLER_MANAGER_IDENTITY", "KUBE_PROXY_IDENTITY",
           "KUBE_SCHEDULER_IDENTITY", "TOKEN", "X509", "controller_identity", "node", "service_account", "user"]

X509, TOKEN = "x509", "token"


@dataclass(frozen=True, slots=True)
class Identity:
    """A user name with its groups, and the credential that proves it (a client certificate or a ServiceAccount token)."""

    name: str
    groups: tuple[str, ...] = ()
    credential: str = X509
    namespace: str = ""  # a ServiceAccount's namespace
    service_account: str = ""  # a ServiceAccount's name

    @property
    def key(self) -> str:
        """``ns/name`` of the ServiceAccount (tokens), else the user name."""
        return f"{self.namespace}/{self.service_account}" if self.credential == TOKEN else self.name


def user(name: str, *groups: str) -> Identity:
    """A user with a client certificate (CN ``name``, O ``groups``)."""
    return Identity(name, tuple(groups))


def service_account(namespace: str, name: str) -> Identity:
    """``system:serviceaccount:<ns>:<name>`` with a token; groups ``system:serviceaccounts[:<ns>]``."""
    return Identity(make_service_account_username(namespace, name), service_account_groups(namespace), TOKEN, namespace, name)


def node(name: str) -> Identity:
    """A kubelet's client certificate: ``system:node:<name>`` in ``system:nodes``."""
    return Identity(NODE_USER_PREFIX + name, (NODES_GROUP,))


KUBE_SCHEDULER_IDENTITY = user(KUBE_SCHEDULER)
KUBE_PROXY_IDENTITY = user(KUBE_PROXY)
KUBE_CONTROLLER_MANAGER_IDENTITY = user(KUBE_CONTROLLER_MANAGER)
# kubeadm's admin.conf (before v1.29 its user was in system:masters; the config's objects are created with it)
ADMIN = user("kubernetes-admin", SYSTEM_PRIVILEGED_GROUP)

# controller name -> its ServiceAccount in kube-system (cmd/kube-controller-manager/names, ClientBuilder.ClientOrDie)
CONTROLLER_SERVICE_ACCOUNTS = {
    "Deployment": "deployment-controller",
    "ReplicaSet": "replicaset-controller",
    "NodeLifecycle": "node-controller",
    "TaintEviction": "node-controller",  # "taint-manager uses existing cluster role from node-controller"
    "PodGC": "pod-garbage-collector",
    "Disruption": "disruption-controller",
    "EndpointSlice": "endpointslice-controller",
    "StatefulSet": "statefulset-controller",
    "DaemonSet": "daemon-set-controller",
    "Job": "job-controller",
    "CronJob": "cronjob-controller",
    "HorizontalPodAutoscaler": "horizontal-pod-autoscaler",
    "ClusterRoleAggregation": "clusterrole-aggregation-controller",
}


def controller_identity(name: str, declared: str | None = None) -> Identity:
    """The ServiceAccount a controller runs as: its class's ``service_account``, else upstream's for its name."""
    sa = declared or CONTROLLER_SERVICE_ACCOUNTS.get(name)
    if not sa:
        raise ValueError(f"controller {name!r} declares no ServiceAccount (set its class attribute service_account)")
    return service_account("kube-system", sa)
