"""The roles of the controller-manager's controllers, each bound to its own ServiceAccount in
kube-system (``plugin/pkg/auth/authorizer/rbac/bootstrappolicy/controller_policy.go``; the golden
file ``testdata/controller-roles.yaml`` at 008b3652, default feature gates).

``addControllerRole`` names the role ``system:controller:<name>`` and binds it to the ServiceAccount
``kube-system/<name>``: with ``--use-service-account-credentials`` each controller calls the API
server with that ServiceAccount's token.
"""

from __future__ import annotations

from clustersim.api.rbac import ClusterRole, ClusterRoleBinding, PolicyRule, Subject
from clustersim.auth.bootstrappolicy.policy import (
    APPS,
    AUTHZ,
    AUTOSCALING,
    BATCH,
    CERTIFICATES,
    DISCOVERY,
    EXTENSIONS,
    LEGACY,
    NETWORKING,
    POLICY,
    RBAC,
    READ,
    STORAGE,
    cluster_role,
    cluster_role_binding,
    events_rule,
)
from clustersim.auth.rbac.helpers import rule

__all__ = ["SA_ROLE_PREFIX", "controller_role_bindings", "controller_roles"]

SA_ROLE_PREFIX = "system:controller:"
RESOURCE = "resource.k8s.io"


def _workloads() -> dict[str, list[PolicyRule]]:
    """Controllers of pods and their owners."""
    apps_ext = (APPS, EXTENSIONS)
    return {
        "cronjob-controller": [
            rule("get", "list", "watch", "update").groups(BATCH).resources("cronjobs").build(),
            rule("get", "list", "watch", "create", "update", "delete", "patch").groups(BATCH).resources("jobs").build(),
            rule("update").groups(BATCH).resources("cronjobs/status").build(),
            rule("update").groups(BATCH).resources("cronjobs/finalizers").build(),
            rule("list", "watch", "delete").groups(LEGACY).resources("pods").build(),
            events_rule(),
        ],
        "daemon-set-controller": [
            rule("get", "list", "watch").groups(*apps_ext).resources("daemonsets").build(),
            rule("update").groups(*apps_ext).resources("daemonsets/status").build(),
            rule("update").groups(*apps_ext).resources("daemonsets/finalizers").build(),
            rule("list", "watch").groups(LEGACY).resources("nodes").build(),
            rule("list", "watch", "create", "delete", "patch").groups(LEGACY).resources("pods").build(),
            rule("create").groups(LEGACY).resources("pods/binding").build(),
            rule("get", "list", "watch", "create", "delete", "update", "patch").groups(APPS).resources("controllerrevisions").build(),
            events_rule(),
        ],
        "deployment-controller": [
            rule("get", "list", "watch", "update").groups(*apps_ext).resources("deployments").build(),
            rule("update").groups(*apps_ext).resources("deployments/status").build(),
            rule("update").groups(*apps_ext).resources("deployments/finalizers").build(),
            rule("get", "list", "watch", "create", "update", "patch", "delete").groups(*apps_ext).resources("replicasets").build(),
            # needed to adopt or orphan pods (patch, in the simulator an update of the pod)
            rule("get", "list", "watch", "update").groups(LEGACY).resources("pods").build(),
            events_rule(),
        ],
        "disruption-controller": [
            rule(*READ).groups(*apps_ext).resources("deployments").build(),
            rule(*READ).groups(*apps_ext).resources("replicasets").build(),
            rule(*READ).groups(LEGACY).resources("replicationcontrollers").build(),
            rule(*READ).groups(POLICY).resources("poddisruptionbudgets").build(),
            rule(*READ).groups(APPS).resources("statefulsets").build(),
            rule("update").groups(POLICY).resources("poddisruptionbudgets/status").build(),
            rule("patch", "update").groups(LEGACY).resources("pods/status").build(),
            rule("get").groups("*").resources("*/scale").build(),
            events_rule(),
        ],
        "horizontal-pod-autoscaler": [
            rule("get", "list", "watch").groups(AUTOSCALING).resources("horizontalpodautoscalers").build(),
            rule("update").groups(AUTOSCALING).resources("horizontalpodautoscalers/status").build(),
            rule("get", "update").groups("*").resources("*/scale").build(),
            rule("list", "watch").groups(LEGACY).resources("pods").build(),
            rule("list", "watch").groups("metrics.k8s.io").resources("pods").build(),
            rule("get", "list", "watch").groups("custom.metrics.k8s.io").resources("*").build(),
            rule("get", "list", "watch").groups("external.metrics.k8s.io").resources("*").build(),
            events_rule(),
        ],
        "job-controller": [
            rule("get", "list", "watch", "update", "patch").groups(BATCH).resources("jobs").build(),
            rule("update").groups(BATCH).resources("jobs/status").build(),
            rule("update").groups(BATCH).resources("jobs/finalizers").build(),
            rule("list", "watch", "create", "delete", "patch").groups(LEGACY).resources("pods").build(),
            events_rule(),
        ],
        "replicaset-controller": [
            rule("get", "list", "watch", "update").groups(*apps_ext).resources("replicasets").build(),
            rule("update").groups(*apps_ext).resources("replicasets/status").build(),
            rule("update").groups(*apps_ext).resources("replicasets/finalizers").build(),
            rule("list", "watch", "patch", "create", "delete").groups(LEGACY).resources("pods").build(),
            events_rule(),
        ],
        "replication-controller": [
            rule("get", "list", "watch", "update").groups(LEGACY).resources("replicationcontrollers").build(),
            rule("update").groups(LEGACY).resources("replicationcontrollers/status").build(),
            rule("update").groups(LEGACY).resources("replicationcontrollers/finalizers").build(),
            rule("list", "watch", "patch", "create", "delete").groups(LEGACY).resources("pods").build(),
            events_rule(),
        ],
        "statefulset-controller": [
            rule("list", "watch").groups(LEGACY).resources("pods").build(),
            rule("get", "list", "watch").groups(APPS).resources("statefulsets").build(),
            rule("update").groups(APPS).resources("statefulsets/status").build(),
            rule("update").groups(APPS).resources("statefulsets/finalizers").build(),
            rule("get", "create", "delete", "update", "patch").groups(LEGACY).resources("pods").build(),
            rule("get", "create", "delete", "update", "patch", "list", "watch").groups(APPS).resources("controllerrevisions").build(),
            rule("get", "create", "list", "watch").groups(LEGACY).resources("persistentvolumeclaims").build(),
            rule("update", "delete").groups(LEGACY).resources("persistentvolumeclaims").build(),
            rule("update").groups(LEGACY).resources("pods/finalizers").build(),
            events_rule(),
        ],
        "ttl-after-finished-controller": [
            rule("get", "list", "watch", "delete").groups(BATCH).resources("jobs").build(),
            events_rule(),
        ],
    }


def _nodes_and_endpoints() -> dict[str, list[PolicyRule]]:
    """Controllers of nodes, endpoints and services."""
    return {
        "endpoint-controller": [
            rule("get", "list", "watch").groups(LEGACY).resources("services", "pods").build(),
            rule("get", "list", "watch", "create", "update", "delete").groups(LEGACY).resources("endpoints").build(),
            rule("create").groups(LEGACY).resources("endpoints/restricted").build(),
            events_rule(),
        ],
        "endpointslice-controller": [
            rule("get", "list", "watch").groups(LEGACY).resources("services", "pods", "nodes").build(),
            rule("update").groups(LEGACY).resources("services/finalizers").build(),
            rule("get", "list", "watch", "create", "update", "delete").groups(DISCOVERY).resources("endpointslices").build(),
            events_rule(),
        ],
        "endpointslicemirroring-controller": [
            rule("get", "list", "watch").groups(LEGACY).resources("services", "endpoints").build(),
            rule("update").groups(LEGACY).resources("services/finalizers").build(),
            rule("update").groups(LEGACY).resources("endpoints/finalizers").build(),
            rule("get", "list", "watch", "create", "update", "delete").groups(DISCOVERY).resources("endpointslices").build(),
            events_rule(),
        ],
        "node-controller": [
            rule("get", "list", "update", "delete", "patch", "watch").groups(LEGACY).resources("nodes").build(),
            rule("patch", "update").groups(LEGACY).resources("nodes/status").build(),
            rule("patch", "update").groups(LEGACY).resources("pods/status").build(),
            rule("list", "watch", "delete", "get").groups(LEGACY).resources("pods").build(),
            events_rule(),
        ],
        "pod-garbage-collector": [
            rule("list", "watch", "delete").groups(LEGACY).resources("pods").build(),
            rule("get", "list", "watch").groups(LEGACY).resources("nodes").build(),
            rule("patch").groups(LEGACY).resources("pods/status").build(),
        ],
        "route-controller": [
            rule("list", "watch").groups(LEGACY).resources("nodes").build(),
            rule("patch").groups(LEGACY).resources("nodes/status").build(),
            events_rule(),
        ],
        "service-controller": [
            rule(*READ).groups(LEGACY).resources("services").build(),
            rule("patch", "update").groups(LEGACY).resources("services/status").build(),
            rule("list", "watch").groups(LEGACY).resources("nodes").build(),
            events_rule(),
        ],
        "service-cidrs-controller": [
            rule("get", "list", "watch", "patch", "update").groups(NETWORKING).resources("servicecidrs").build(),
            rule("patch", "update").groups(NETWORKING).resources("servicecidrs/finalizers").build(),
            rule("patch", "update").groups(NETWORKING).resources("servicecidrs/status").build(),
            rule("get", "list", "watch").groups(NETWORKING).resources("ipaddresses").build(),
            events_rule(),
        ],
        "ttl-controller": [
            rule("update", "patch", "list", "watch").groups(LEGACY).resources("nodes").build(),
            events_rule(),
        ],
    }


def _storage() -> dict[str, list[PolicyRule]]:
    """Volume controllers."""
    return {
        "attachdetach-controller": [
            rule("list", "watch").groups(LEGACY).resources("persistentvolumes", "persistentvolumeclaims").build(),
            rule("get", "list", "watch").groups(LEGACY).resources("nodes").build(),
            rule("patch", "update").groups(LEGACY).resources("nodes/status").build(),
            rule("list", "watch").groups(LEGACY).resources("pods").build(),
            events_rule(),
            rule("get", "create", "delete", "list", "watch").groups(STORAGE).resources("volumeattachments").build(),
            rule("get", "watch", "list").groups(STORAGE).resources("csidrivers").build(),
            rule("get", "watch", "list").groups(STORAGE).resources("csinodes").build(),
        ],
        "ephemeral-volume-controller": [
            rule("get", "list", "watch").groups(LEGACY).resources("pods").build(),
            rule("update").groups(LEGACY).resources("pods/finalizers").build(),
            rule("get", "list", "watch", "create").groups(LEGACY).resources("persistentvolumeclaims").build(),
            events_rule(),
        ],
        "expand-controller": [
            rule("get", "list", "watch", "update", "patch").groups(LEGACY).resources("persistentvolumes").build(),
            rule("update", "patch").groups(LEGACY).resources("persistentvolumeclaims/status").build(),
            rule("get", "list", "watch").groups(LEGACY).resources("persistentvolumeclaims").build(),
            events_rule(),
        ],
        "persistent-volume-binder": [
            rule("get", "list", "watch", "update", "create", "delete").groups(LEGACY).resources("persistentvolumes").build(),
            rule("update").groups(LEGACY).resources("persistentvolumes/status").build(),
            rule("get", "list", "watch", "update").groups(LEGACY).resources("persistentvolumeclaims").build(),
            rule("update").groups(LEGACY).resources("persistentvolumeclaims/status").build(),
            rule("list", "watch", "get", "create", "delete").groups(LEGACY).resources("pods").build(),
            rule("get", "list", "watch").groups(STORAGE).resources("storageclasses").build(),
            rule("list", "watch").groups(LEGACY).resources("nodes").build(),
            events_rule(),
            rule("watch").groups(LEGACY).resources("events").build(),
        ],
        "pv-protection-controller": [
            rule("get", "list", "watch", "update").groups(LEGACY).resources("persistentvolumes").build(),
            events_rule(),
        ],
        "pvc-protection-controller": [
            rule("get", "list", "watch", "update").groups(LEGACY).resources("persistentvolumeclaims").build(),
            rule("update").groups(LEGACY).resources("persistentvolumeclaims/status").build(),
            rule("list", "watch", "get").groups(LEGACY).resources("pods").build(),
            events_rule(),
        ],
        "selinux-warning-controller": [
            events_rule(),
            rule("get", "list", "watch").groups(LEGACY).resources("persistentvolumes").build(),
            rule("get", "list", "watch").groups(LEGACY).resources("persistentvolumeclaims").build(),
            rule("get", "list", "watch").groups(LEGACY).resources("pods").build(),
            rule("get", "list", "watch").groups(STORAGE).resources("csidrivers").build(),
        ],
        "volumeattributesclass-protection-controller": [
            rule("get", "list", "watch").groups(LEGACY).resources("persistentvolumeclaims").build(),
            rule("get", "list", "watch").groups(LEGACY).resources("persistentvolumes").build(),
            rule("get", "list", "watch", "update").groups(STORAGE).resources("volumeattributesclasses").build(),
            events_rule(),
        ],
    }


def _cluster() -> dict[str, list[PolicyRule]]:
    """Namespace, quota, garbage collection, certificates, service accounts, RBAC aggregation, DRA."""
    return {
        "certificate-controller": [
            rule("get", "list", "watch", "delete").groups(CERTIFICATES).resources("certificatesigningrequests").build(),
            rule("update").groups(CERTIFICATES).resources("certificatesigningrequests/status",
                                                          "certificatesigningrequests/approval").build(),
            rule("approve").groups(CERTIFICATES).resources("signers").names("kubernetes.io/kube-apiserver-client-kubelet").build(),
            rule("sign").groups(CERTIFICATES).resources("signers").names(
                "kubernetes.io/legacy-unknown", "kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet",
                "kubernetes.io/kubelet-serving").build(),
            rule("create").groups(AUTHZ).resources("subjectaccessreviews").build(),
            events_rule(),
        ],
        "clusterrole-aggregation-controller": [
            # needs escalate: it grants the union of the rules it aggregates
            rule("escalate", "get", "list", "watch", "update", "patch").groups(RBAC).resources("clusterroles").build(),
        ],
        "device-taint-eviction-controller": [
            rule("get", "list", "watch", "delete").groups(LEGACY).resources("pods").build(),
            rule("update", "patch").groups(LEGACY).resources("pods/status").build(),
            rule("get", "list", "watch").groups(RESOURCE).resources("resourceclaims").build(),
            rule("get", "list", "watch").groups(RESOURCE).resources("resourceslices").build(),
            rule("get", "list", "watch").groups(RESOURCE).resources("deviceclasses").build(),
            events_rule(),
        ],
        "generic-garbage-collector": [
            rule("get", "list", "watch", "patch", "update", "delete").groups("*").resources("*").build(),
            events_rule(),
        ],
        "legacy-service-account-token-cleaner": [
            rule("get").groups(LEGACY).resources("configmaps").names("kube-apiserver-legacy-service-account-token-tracking").build(),
            rule("patch", "delete").groups(LEGACY).resources("secrets").build(),
        ],
        "namespace-controller": [
            rule("get", "list", "watch", "delete").groups(LEGACY).resources("namespaces").build(),
            rule("update").groups(LEGACY).resources("namespaces/finalize", "namespaces/status").build(),
            rule("get", "list", "watch", "delete", "deletecollection").groups("*").resources("*").build(),
        ],
        "resource-claim-controller": [
            rule("get", "list", "watch").groups(LEGACY).resources("pods").build(),
            rule("update").groups(LEGACY).resources("pods/finalizers").build(),
            rule("get", "list", "watch", "create", "delete").groups(RESOURCE).resources("resourceclaims").build(),
            rule("update", "patch").groups(RESOURCE).resources("resourceclaims", "resourceclaims/status").build(),
            rule("update", "patch").groups(LEGACY).resources("pods/status").build(),
            events_rule(),
            rule("update", "patch").groups(RESOURCE).resources("resourceclaims/binding").build(),
        ],
        "resourcequota-controller": [
            rule("list", "watch").groups("*").resources("*").build(),  # quota can count quota on anything
            rule("update").groups(LEGACY).resources("resourcequotas/status").build(),
            events_rule(),
        ],
        "root-ca-cert-publisher": [
            rule("create", "update").groups(LEGACY).resources("configmaps").build(),
            events_rule(),
        ],
        "service-account-controller": [
            rule("create").groups(LEGACY).resources("serviceaccounts").build(),
            events_rule(),
        ],
        "validatingadmissionpolicy-status-controller": [
            rule("get", "list", "watch").groups("admissionregistration.k8s.io").resources("validatingadmissionpolicies").build(),
            rule("get", "patch", "update").groups("admissionregistration.k8s.io").resources("validatingadmissionpolicies/status").build(),
            events_rule(),
        ],
    }


def _all_rules() -> dict[str, list[PolicyRule]]:
    return {**_workloads(), **_nodes_and_endpoints(), **_storage(), **_cluster()}


def controller_roles() -> list[ClusterRole]:
    """``ControllerRoles()``: ``system:controller:<name>`` for every controller."""
    return [cluster_role(SA_ROLE_PREFIX + name, rules) for name, rules in sorted(_all_rules().items())]


def controller_role_bindings() -> list[ClusterRoleBinding]:
    """``ControllerRoleBindings()``: each role to the ServiceAccount ``kube-system/<name>``."""
    return [cluster_role_binding(SA_ROLE_PREFIX + name, Subject("ServiceAccount", name, "kube-system"))
            for name in sorted(_all_rules())]
