"""Roles of components that are not part of kube-apiserver's bootstrap policy but ship their own RBAC.

Created only when the component runs (as their manifests would be applied). Sources, each the
component's own manifest:

- ``system:coredns``: kubeadm's CoreDNS addon (``cmd/kubeadm/app/phases/addons/dns/manifests.go``),
  bound to ServiceAccount ``kube-system/coredns``. (The bootstrap policy's ``system:kube-dns`` is for
  kube-dns, ServiceAccount ``kube-system/kube-dns``.)
- ``cluster-autoscaler``: kubernetes/autoscaler ``cluster-autoscaler/cloudprovider/aws/examples/
  cluster-autoscaler-autodiscover.yaml``, bound to ``kube-system/cluster-autoscaler``.
- ``system:cloud-controller-manager``: kubernetes/cloud-provider-aws's manifest, bound to
  ``kube-system/cloud-controller-manager``.
- ``ingress-nginx``: ingress-nginx ``deploy/static/provider/cloud/deploy.yaml``, bound to
  ``ingress-nginx/ingress-nginx``.
- ``aws-node-termination-handler``: aws/aws-node-termination-handler ``config/helm/
  aws-node-termination-handler/templates/clusterrole.yaml`` (plus ``events`` create, which its
  Kubernetes event emitter needs), bound to ``kube-system/aws-node-termination-handler``.
"""

from __future__ import annotations

from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject
from clustersim.auth.bootstrappolicy.policy import (
    APPS,
    BATCH,
    COORDINATION,
    DISCOVERY,
    EXTENSIONS,
    LEGACY,
    NETWORKING,
    POLICY,
    STORAGE,
)
from clustersim.auth.rbac.helpers import rule

__all__ = ["ADDONS", "addon_policy"]

_WATCH = ("watch", "list", "get")


def _coredns() -> list[PolicyRule]:
    return [rule("list", "watch").groups(LEGACY).resources("endpoints", "services", "pods", "namespaces").build(),
            rule("list", "watch").groups(DISCOVERY).resources("endpointslices").build()]


def _cluster_autoscaler() -> list[PolicyRule]:
    return [
        rule("create", "patch").groups(LEGACY).resources("events", "endpoints").build(),
        rule("create").groups(LEGACY).resources("pods/eviction").build(),
        rule("update").groups(LEGACY).resources("pods/status").build(),
        rule("get", "update").groups(LEGACY).resources("endpoints").names("cluster-autoscaler").build(),
        rule("watch", "list", "get", "update").groups(LEGACY).resources("nodes").build(),
        rule(*_WATCH).groups(LEGACY).resources("namespaces", "pods", "services", "replicationcontrollers", "persistentvolumeclaims",
                                               "persistentvolumes").build(),
        rule(*_WATCH).groups(EXTENSIONS).resources("replicasets", "daemonsets").build(),
        rule("watch", "list").groups(POLICY).resources("poddisruptionbudgets").build(),
        rule(*_WATCH).groups(APPS).resources("statefulsets", "replicasets", "daemonsets").build(),
        rule(*_WATCH).groups(STORAGE).resources("storageclasses", "csinodes", "csidrivers", "csistoragecapacities").build(),
        rule("get", "list", "watch", "patch").groups(BATCH, EXTENSIONS).resources("jobs").build(),
        rule("create").groups(COORDINATION).resources("leases").build(),
        rule("get", "update").groups(COORDINATION).resources("leases").names("cluster-autoscaler").build(),
    ]


def _cloud_controller_manager() -> list[PolicyRule]:
    return [
        rule("create", "patch", "update").groups(LEGACY).resources("events").build(),
        rule("*").groups(LEGACY).resources("nodes").build(),
        rule("patch").groups(LEGACY).resources("nodes/status").build(),
        rule("list", "patch", "update", "watch").groups(LEGACY).resources("services").build(),
        rule("list", "patch", "update", "watch").groups(LEGACY).resources("services/status").build(),
        rule("create", "get", "list").groups(LEGACY).resources("serviceaccounts").build(),
        rule("get", "list", "update", "watch").groups(LEGACY).resources("persistentvolumes").build(),
        rule("create", "get", "list", "watch", "update").groups(LEGACY).resources("endpoints").build(),
        rule("create", "get", "list", "watch", "update").groups(COORDINATION).resources("leases").build(),
        rule("create").groups(LEGACY).resources("serviceaccounts/token").build(),
    ]


def _ingress_nginx() -> list[PolicyRule]:
    return [
        rule("list", "watch").groups(LEGACY).resources("configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces").build(),
        rule("list", "watch").groups(COORDINATION).resources("leases").build(),
        rule("get").groups(LEGACY).resources("nodes").build(),
        rule("get", "list", "watch").groups(LEGACY).resources("services").build(),
        rule("get", "list", "watch").groups(NETWORKING).resources("ingresses").build(),
        rule("create", "patch").groups(LEGACY).resources("events").build(),
        rule("update").groups(NETWORKING).resources("ingresses/status").build(),
        rule("get", "list", "watch").groups(NETWORKING).resources("ingressclasses").build(),
        rule("list", "watch", "get").groups(DISCOVERY).resources("endpointslices").build(),
    ]


def _node_termination_handler() -> list[PolicyRule]:
    return [
        rule("get", "list", "patch", "update").groups(LEGACY).resources("nodes").build(),
        rule("list").groups(LEGACY).resources("pods").build(),
        rule("create").groups(LEGACY).resources("pods/eviction").build(),
        rule("get").groups(EXTENSIONS).resources("replicasets", "daemonsets").build(),
        rule("get", "delete").groups(APPS).resources("daemonsets").build(),
        rule("create").groups(LEGACY).resources("events").build(),
    ]


# addon -> (ClusterRole name, rules, ServiceAccount namespace, ServiceAccount name)
ADDONS = {
    "coredns": ("system:coredns", _coredns, "kube-system", "coredns"),
    "cluster-autoscaler": ("cluster-autoscaler", _cluster_autoscaler, "kube-system", "cluster-autoscaler"),
    "cloud-controller-manager": ("system:cloud-controller-manager", _cloud_controller_manager, "kube-system", "cloud-controller-manager"),
    "ingress-nginx": ("ingress-nginx", _ingress_nginx, "ingress-nginx", "ingress-nginx"),
    "aws-node-termination-handler": ("aws-node-termination-handler", _node_termination_handler, "kube-system",
                                     "aws-node-termination-handler"),
}


def addon_policy(addon: str, namespace: str | None = None) -> tuple[ClusterRole, ClusterRoleBinding]:
    """The ClusterRole of ``addon`` and its binding to the addon's ServiceAccount (in ``namespace`` when the
    add-on is installed elsewhere than its manifest's namespace)."""
    name, rules, ns, sa = ADDONS[addon]
    ns = namespace or ns
    # not bootstrap objects: no rbac-defaults label, no autoupdate annotation
    return (ClusterRole(ObjectMeta(name), tuple(rules())),
            ClusterRoleBinding(ObjectMeta(name), RoleRef("ClusterRole", name), (Subject("ServiceAccount", sa, ns),)))
