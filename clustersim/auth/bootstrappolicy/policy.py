"""The default ClusterRoles and ClusterRoleBindings the API server creates at start.

Written as upstream writes them, as data built by code: ``plugin/pkg/auth/authorizer/rbac/
bootstrappolicy/policy.go`` (``clusterRoles``, ``ClusterRoleBindings``, ``NodeRules``), with the
default feature gates of the release whose golden file is ``testdata/cluster-roles.yaml`` at
025f2834. Every object carries the label ``kubernetes.io/bootstrapping: rbac-defaults`` and the
annotation ``rbac.authorization.kubernetes.io/autoupdate: "true"``. ``admin``, ``edit`` and
``view`` have no rules of their own: the aggregation controller fills them.
"""

from __future__ import annotations

from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import AggregationRule, ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject
from clustersim.auth.rbac.helpers import rule
from clustersim.auth.user import (
    ALL_AUTHENTICATED,
    ALL_UNAUTHENTICATED,
    KUBE_CONTROLLER_MANAGER,
    KUBE_PROXY,
    KUBE_SCHEDULER,
    MONITORING_GROUP,
    SERVICE_ACCOUNTS_GROUP,
    SYSTEM_PRIVILEGED_GROUP,
)

__all__ = ["ANNOTATION", "LABEL", "READ", "READ_UPDATE", "READ_WRITE", "WRITE", "cluster_role", "cluster_role_binding",
           "cluster_role_bindings", "cluster_roles", "events_rule", "node_rules"]

WRITE = ("create", "update", "patch", "delete", "deletecollection")
READ_WRITE = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")
READ = ("get", "list", "watch")
READ_UPDATE = ("get", "list", "watch", "update", "patch")
LABEL = {"kubernetes.io/bootstrapping": "rbac-defaults"}
ANNOTATION = {"rbac.authorization.kubernetes.io/autoupdate": "true"}

LEGACY, APPS, AUTHN, AUTHZ = "", "apps", "authentication.k8s.io", "authorization.k8s.io"
AUTOSCALING, BATCH, CERTIFICATES, COORDINATION = "autoscaling", "batch", "certificates.k8s.io", "coordination.k8s.io"
DISCOVERY, EXTENSIONS, POLICY, RBAC = "discovery.k8s.io", "extensions", "policy", "rbac.authorization.k8s.io"
STORAGE, NETWORKING, EVENTS = "storage.k8s.io", "networking.k8s.io", "events.k8s.io"
AGG_ADMIN, AGG_EDIT, AGG_VIEW = ("rbac.authorization.k8s.io/aggregate-to-admin", "rbac.authorization.k8s.io/aggregate-to-edit",
                                 "rbac.authorization.k8s.io/aggregate-to-view")


def events_rule() -> PolicyRule:
    """``eventsRule``: create/update/patch events in the core and events.k8s.io groups."""
    return rule("create", "update", "patch").groups(LEGACY, EVENTS).resources("events").build()


def cluster_role(name: str, rules: list[PolicyRule] | tuple[PolicyRule, ...], labels: dict[str, str] | None = None,
                 aggregate: str | None = None) -> ClusterRole:
    """A default ClusterRole (``addDefaultMetadata``); ``aggregate`` names the label its selector matches."""
    meta = ObjectMeta(name, labels={**(labels or {}), **LABEL}, annotations=dict(ANNOTATION))
    agg = AggregationRule((((aggregate, "true"),),)) if aggregate else None
    return ClusterRole(meta, tuple(rules), agg)


def cluster_role_binding(role: str, *subjects: Subject, name: str | None = None) -> ClusterRoleBinding:
    """``NewClusterBinding(role)`` with these subjects, and the default metadata."""
    meta = ObjectMeta(name or role, labels=dict(LABEL), annotations=dict(ANNOTATION))
    return ClusterRoleBinding(meta, RoleRef("ClusterRole", role), tuple(subjects))


def node_rules() -> list[PolicyRule]:
    """``NodeRules``: what every kubelet may do (the ``system:node`` role, and the Node authorizer's static rules)."""
    return [
        rule("create").groups(AUTHN).resources("tokenreviews").build(),
        rule("create").groups(AUTHZ).resources("subjectaccessreviews", "localsubjectaccessreviews").build(),
        rule(*READ).groups(LEGACY).resources("services").build(),
        rule("create", "get", "list", "watch").groups(LEGACY).resources("nodes").build(),
        rule("update", "patch").groups(LEGACY).resources("nodes/status").build(),
        rule("update", "patch").groups(LEGACY).resources("nodes").build(),
        rule("create", "update", "patch").groups(LEGACY).resources("events").build(),
        rule(*READ).groups(LEGACY).resources("pods").build(),
        rule("create", "delete").groups(LEGACY).resources("pods").build(),
        rule("update", "patch").groups(LEGACY).resources("pods/status").build(),
        rule("create").groups(LEGACY).resources("pods/eviction").build(),
        rule("get", "list", "watch").groups(LEGACY).resources("secrets", "configmaps").build(),
        rule("get").groups(LEGACY).resources("persistentvolumeclaims", "persistentvolumes").build(),
        rule("get").groups(LEGACY).resources("endpoints").build(),
        rule("create", "get", "list", "watch").groups(CERTIFICATES).resources("certificatesigningrequests").build(),
        rule("get", "create", "update", "patch", "delete").groups(COORDINATION).resources("leases").build(),
        rule("get").groups(STORAGE).resources("volumeattachments").build(),
        rule("create").groups(LEGACY).resources("serviceaccounts/token").build(),
        rule("get", "update", "patch").groups(LEGACY).resources("persistentvolumeclaims/status").build(),
        rule("get", "watch", "list").groups(STORAGE).resources("csidrivers").build(),
        rule("get", "create", "update", "patch", "delete").groups(STORAGE).resources("csinodes").build(),
        rule("get", "list", "watch").groups("node.k8s.io").resources("runtimeclasses").build(),
    ]


def _aggregate_to_edit() -> list[PolicyRule]:
    return [
        rule(*READ).groups(LEGACY).resources("pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy").build(),
        rule("impersonate").groups(LEGACY).resources("serviceaccounts").build(),
        rule(*WRITE).groups(LEGACY).resources("pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward").build(),
        rule("create").groups(LEGACY).resources("pods/eviction").build(),
        rule(*WRITE).groups(LEGACY).resources("replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                                              "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events").build(),
        rule("create").groups(LEGACY).resources("serviceaccounts/token").build(),
        rule(*WRITE).groups(APPS).resources("statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale",
                                            "deployments/rollback", "replicasets", "replicasets/scale").build(),
        rule(*WRITE).groups(AUTOSCALING).resources("horizontalpodautoscalers").build(),
        rule(*WRITE).groups(BATCH).resources("jobs", "cronjobs").build(),
        rule(*WRITE).groups(EXTENSIONS).resources("daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses",
                                                  "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies").build(),
        rule(*WRITE).groups(POLICY).resources("poddisruptionbudgets").build(),
        rule(*WRITE).groups(NETWORKING).resources("networkpolicies", "ingresses").build(),
        rule(*READ_WRITE).groups(COORDINATION).resources("leases").build(),
    ]


def _aggregate_to_view() -> list[PolicyRule]:
    return [
        rule(*READ).groups(LEGACY).resources("pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services",
                                             "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
                                             "configmaps").build(),
        rule(*READ).groups(LEGACY).resources("limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status",
                                             "namespaces/status", "replicationcontrollers/status", "pods/log").build(),
        # read access to namespaces at the namespace scope means you can read *this* namespace
        rule(*READ).groups(LEGACY).resources("namespaces").build(),
        rule(*READ).groups(DISCOVERY).resources("endpointslices").build(),
        rule(*READ).groups(APPS).resources("controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale", "daemonsets",
                                           "daemonsets/status", "deployments", "deployments/status", "deployments/scale", "replicasets",
                                           "replicasets/status", "replicasets/scale").build(),
        rule(*READ).groups(AUTOSCALING).resources("horizontalpodautoscalers", "horizontalpodautoscalers/status").build(),
        rule(*READ).groups(BATCH).resources("jobs", "cronjobs", "cronjobs/status", "jobs/status").build(),
        rule(*READ).groups(EXTENSIONS).resources("daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                                                 "ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status",
                                                 "replicationcontrollers/scale", "networkpolicies").build(),
        rule(*READ).groups(POLICY).resources("poddisruptionbudgets", "poddisruptionbudgets/status").build(),
        rule(*READ).groups(NETWORKING).resources("networkpolicies", "ingresses", "ingresses/status").build(),
    ]


def _user_facing() -> list[ClusterRole]:
    """cluster-admin, the discovery roles and the aggregated admin/edit/view with their parts."""
    return [
        cluster_role("cluster-admin", [rule("*").groups("*").resources("*").build(), rule("*").urls("*").build()]),
        cluster_role("system:discovery", [rule("get").urls("/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi",
                                                          "/openapi/*", "/api", "/api/*", "/apis", "/apis/*").build()]),
        cluster_role("system:monitoring", [rule("get").urls("/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*",
                                                           "/readyz/*", "/healthz/*").build()]),
        cluster_role("system:basic-user", [rule("create").groups(AUTHZ).resources("selfsubjectaccessreviews", "selfsubjectrulesreviews").build(),
                                           rule("create").groups(AUTHN).resources("selfsubjectreviews").build()]),
        cluster_role("system:public-info-viewer", [rule("get").urls("/livez", "/readyz", "/healthz", "/version", "/version/").build()]),
        cluster_role("admin", [], aggregate=AGG_ADMIN),
        cluster_role("edit", [], {AGG_ADMIN: "true"}, aggregate=AGG_EDIT),
        cluster_role("view", [], {AGG_EDIT: "true"}, aggregate=AGG_VIEW),
        cluster_role("system:aggregate-to-admin", [
            rule("create").groups(AUTHZ).resources("localsubjectaccessreviews").build(),
            rule(*READ_WRITE).groups(RBAC).resources("roles", "rolebindings").build(),
        ], {AGG_ADMIN: "true"}),
        cluster_role("system:aggregate-to-edit", _aggregate_to_edit(), {AGG_EDIT: "true"}),
        cluster_role("system:aggregate-to-view", _aggregate_to_view(), {AGG_VIEW: "true"}),
    ]


def _system_components() -> list[ClusterRole]:
    """Roles of the system components (heapster, kubelet API, node bootstrap, aggregator, kube-dns, volumes)."""
    return [
        cluster_role("system:heapster", [rule(*READ).groups(LEGACY).resources("events", "pods", "nodes", "namespaces").build(),
                                         rule(*READ).groups(EXTENSIONS).resources("deployments").build()]),
        cluster_role("system:node", node_rules()),
        cluster_role("system:node-problem-detector", [rule("get").groups(LEGACY).resources("nodes").build(),
                                                      rule("patch").groups(LEGACY).resources("nodes/status").build(), events_rule()]),
        cluster_role("system:kubelet-api-admin", [
            rule("get", "list", "watch").groups(LEGACY).resources("nodes").build(),
            rule("proxy").groups(LEGACY).resources("nodes").build(),
            rule("*").groups(LEGACY).resources("nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log").build(),
        ]),
        cluster_role("system:node-bootstrapper", [rule("create", "get", "list", "watch").groups(CERTIFICATES)
                                                  .resources("certificatesigningrequests").build()]),
        cluster_role("system:auth-delegator", [rule("create").groups(AUTHN).resources("tokenreviews").build(),
                                               rule("create").groups(AUTHZ).resources("subjectaccessreviews").build()]),
        cluster_role("system:kube-aggregator", [rule(*READ).groups(LEGACY).resources("services", "endpoints").build()]),
        cluster_role("system:kube-controller-manager", [
            events_rule(),
            rule("create").groups(COORDINATION).resources("leases").build(),
            rule("get", "update").groups(COORDINATION).resources("leases").names("kube-controller-manager").build(),
            rule("create").groups(LEGACY).resources("secrets", "serviceaccounts").build(),
            rule("delete").groups(LEGACY).resources("secrets").build(),
            rule("get").groups(LEGACY).resources("namespaces", "secrets", "serviceaccounts", "configmaps").build(),
            rule("update").groups(LEGACY).resources("secrets", "serviceaccounts").build(),
            rule("create").groups(AUTHN).resources("tokenreviews").build(),
            rule("create").groups(AUTHZ).resources("subjectaccessreviews").build(),
            rule("list", "watch").groups("*").resources("*").build(),  # every shared informer
            rule("create").groups(LEGACY).resources("serviceaccounts/token").build(),
        ]),
        cluster_role("system:kube-dns", [rule("list", "watch").groups(LEGACY).resources("endpoints", "services").build()]),
        cluster_role("system:persistent-volume-provisioner", [
            rule("get", "list", "watch", "create", "delete").groups(LEGACY).resources("persistentvolumes").build(),
            rule("get", "list", "watch", "update").groups(LEGACY).resources("persistentvolumeclaims").build(),
            rule(*READ).groups(STORAGE).resources("storageclasses").build(),
            rule("watch").groups(LEGACY).resources("events").build(),
            events_rule(),
        ]),
        cluster_role("system:volume-scheduler", [rule(*READ_UPDATE).groups(LEGACY).resources("persistentvolumes").build(),
                                                 rule(*READ).groups(STORAGE).resources("storageclasses").build(),
                                                 rule(*READ_UPDATE).groups(LEGACY).resources("persistentvolumeclaims").build()]),
        cluster_role("system:service-account-issuer-discovery",
                     [rule("get").urls("/.well-known/openid-configuration", "/openid/v1/jwks").build()]),
    ]


def _certificate_roles() -> list[ClusterRole]:
    """CSR approval roles (the csrapprover controller and the signers)."""
    out = [
        cluster_role("system:certificates.k8s.io:certificatesigningrequests:nodeclient",
                     [rule("create").groups(CERTIFICATES).resources("certificatesigningrequests/nodeclient").build()]),
        cluster_role("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
                     [rule("create").groups(CERTIFICATES).resources("certificatesigningrequests/selfnodeclient").build()]),
    ]
    for role, signer in (("legacy-unknown-approver", "legacy-unknown"), ("kubelet-serving-approver", "kubelet-serving"),
                         ("kube-apiserver-client-approver", "kube-apiserver-client"),
                         ("kube-apiserver-client-kubelet-approver", "kube-apiserver-client-kubelet")):
        out.append(cluster_role(f"system:certificates.k8s.io:{role}",
                                [rule("approve").groups(CERTIFICATES).resources("signers").names(f"kubernetes.io/{signer}").build()]))
    return out


def _control_plane() -> list[ClusterRole]:
    """kube-proxy's and kube-scheduler's roles."""
    proxier = cluster_role("system:node-proxier", [
        rule("list", "watch").groups(LEGACY).resources("services", "endpoints").build(),
        rule("get", "list", "watch").groups(LEGACY).resources("nodes").build(),
        events_rule(),
        rule("list", "watch").groups(DISCOVERY).resources("endpointslices").build(),
    ])
    scheduler = cluster_role("system:kube-scheduler", [
        events_rule(),
        # leader election
        rule("create").groups(COORDINATION).resources("leases").build(),
        rule("get", "update").groups(COORDINATION).resources("leases").names("kube-scheduler").build(),
        # fundamental resources
        rule(*READ).groups(LEGACY).resources("nodes").build(),
        rule("get", "list", "watch", "delete").groups(LEGACY).resources("pods").build(),
        rule("create").groups(LEGACY).resources("pods/binding", "bindings").build(),
        rule("patch", "update").groups(LEGACY).resources("pods/status").build(),
        # things that select pods
        rule(*READ).groups(LEGACY).resources("services", "replicationcontrollers").build(),
        rule(*READ).groups(APPS, EXTENSIONS).resources("replicasets").build(),
        rule(*READ).groups(APPS).resources("statefulsets").build(),
        # things that pods use or that apply to them
        rule(*READ).groups(POLICY).resources("poddisruptionbudgets").build(),
        rule(*READ).groups(LEGACY).resources("persistentvolumeclaims", "persistentvolumes").build(),
        rule("create").groups(AUTHN).resources("tokenreviews").build(),
        rule("create").groups(AUTHZ).resources("subjectaccessreviews").build(),
        rule(*READ).groups(STORAGE).resources("csinodes").build(),
        rule(*READ).groups(LEGACY).resources("namespaces").build(),
        rule(*READ).groups(STORAGE).resources("csidrivers").build(),
        rule(*READ).groups(STORAGE).resources("csistoragecapacities").build(),
    ])
    return [proxier, scheduler]


def cluster_roles() -> list[ClusterRole]:
    """``ClusterRoles()``: every default ClusterRole except the controllers' (see ``controller_policy``)."""
    return _user_facing() + _system_components() + _certificate_roles() + _control_plane()


def cluster_role_bindings() -> list[ClusterRoleBinding]:
    """``ClusterRoleBindings()``."""
    group, user = (lambda n: Subject("Group", n)), (lambda n: Subject("User", n))
    return [
        cluster_role_binding("cluster-admin", group(SYSTEM_PRIVILEGED_GROUP)),
        cluster_role_binding("system:monitoring", group(MONITORING_GROUP)),
        cluster_role_binding("system:discovery", group(ALL_AUTHENTICATED)),
        cluster_role_binding("system:basic-user", group(ALL_AUTHENTICATED)),
        cluster_role_binding("system:public-info-viewer", group(ALL_AUTHENTICATED), group(ALL_UNAUTHENTICATED)),
        cluster_role_binding("system:node-proxier", user(KUBE_PROXY)),
        cluster_role_binding("system:kube-controller-manager", user(KUBE_CONTROLLER_MANAGER)),
        cluster_role_binding("system:kube-dns", Subject("ServiceAccount", "kube-dns", "kube-system")),
        cluster_role_binding("system:kube-scheduler", user(KUBE_SCHEDULER)),
        cluster_role_binding("system:volume-scheduler", user(KUBE_SCHEDULER)),
        # deprecated in 1.7 with the Node authorizer: kept with no subjects so that reconciliation can remove them
        cluster_role_binding("system:node"),
        # every in-cluster workload may read the OIDC discovery documents
        cluster_role_binding("system:service-account-issuer-discovery", group(SERVICE_ACCOUNTS_GROUP)),
    ]
