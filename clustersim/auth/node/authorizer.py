"""The Node authorizer (``plugin/pkg/auth/authorizer/node/node_authorizer.go``).

Requests of ``system:node:<name>`` in ``system:nodes``: leases and CSINodes only the node's own;
secrets, config maps, claims, volumes and ServiceAccount tokens only those a pod bound to the node
references (the graph); with AuthorizeNodeWithSelectors (on by default since v1.32) reads of Node
objects only the node's own and pod lists only with the ``spec.nodeName`` field selector; anything
else against the static node rules (the ``system:node`` role). Never Deny: RBAC may still allow.
"""

from __future__ import annotations

from collections.abc import Sequence

from clustersim.api.rbac import PolicyRule
from clustersim.auth.attributes import Attributes
from clustersim.auth.authorizer import Decision, Result
from clustersim.auth.node.graph import CONFIGMAP, POD, PV, PVC, SECRET, SERVICE_ACCOUNT, NodeGraph
from clustersim.auth.rbac.evaluation import rules_allow
from clustersim.auth.user import node_identity

__all__ = ["NODE_LEASE_NAMESPACE", "NodeAuthorizer"]

NODE_LEASE_NAMESPACE = "kube-node-lease"  # api.NamespaceNodeLease
ALLOW, NO = Decision.ALLOW, Decision.NO_OPINION
_NAMED_READ = {("", "secrets"): SECRET, ("", "configmaps"): CONFIGMAP}
_GET_ONLY = {("", "persistentvolumes"): PV, ("storage.k8s.io", "volumeattachments"): "volumeattachment",
             ("resource.k8s.io", "resourceclaims"): "resourceclaim"}


def _no(reason: str = "", by_name: bool = True) -> Result:
    return Result(NO, reason, by_name)


class NodeAuthorizer:
    """``NodeAuthorizer``: ``rules`` are the static node rules, ``selectors`` the AuthorizeNodeWithSelectors gate."""

    def __init__(self, graph: NodeGraph, rules: Sequence[PolicyRule], selectors: bool = True) -> None:
        self.graph, self.rules, self.selectors = graph, tuple(rules), selectors

    def authorize(self, attrs: Attributes) -> Result:
        """Allow or no opinion (never Deny)."""
        node, is_node = node_identity(attrs.user)
        if not is_node:
            return Result(NO)
        if not node:
            return Result(NO, f'unknown node for user "{attrs.user.name}"')
        if attrs.resource_request:
            gr = (attrs.api_group, attrs.resource)
            if gr in _NAMED_READ:
                return self._read_namespaced(node, _NAMED_READ[gr], attrs)
            if gr == ("", "persistentvolumeclaims"):
                return self._status_update(node, attrs) if attrs.subresource == "status" else self._get(node, PVC, attrs)
            if gr in _GET_ONLY:
                return self._get(node, _GET_ONLY[gr], attrs)
            if gr == ("", "serviceaccounts"):
                return self._create_token(node, attrs)
            if gr == ("coordination.k8s.io", "leases"):
                return self._own(node, attrs, "a node lease", NODE_LEASE_NAMESPACE)
            if gr == ("storage.k8s.io", "csinodes"):
                return self._own(node, attrs, "a CSINode", None)
            if gr == ("", "nodes") and self.selectors:
                return self._node(node, attrs)
            if gr == ("", "pods") and self.selectors:
                return self._pod(node, attrs)
        if rules_allow(attrs, self.rules):
            return Result(ALLOW)
        return Result(NO)

    # ---- graph-backed reads (their answers change with the pods bound to the node: never cached)
    def _authorize(self, node: str, vertex: str, attrs: Attributes) -> Result:
        if not attrs.name:
            return _no("No Object name found")
        if self.graph.path_error(node, vertex, attrs.namespace, attrs.name) is not None:
            return Result(NO, f"no relationship found between node '{node}' and this object", True, True)
        return Result(ALLOW, "", True, True)

    def _read_namespaced(self, node: str, vertex: str, attrs: Attributes) -> Result:
        if attrs.verb not in ("get", "list", "watch"):
            return _no("can only read resources of this type", False)
        if attrs.subresource:
            return _no("cannot read subresource", False)
        if not attrs.namespace:
            return _no("can only read namespaced object of this type", False)
        return self._authorize(node, vertex, attrs)

    def _get(self, node: str, vertex: str, attrs: Attributes) -> Result:
        if attrs.verb != "get":
            return _no("can only get individual resources of this type", False)
        if attrs.subresource:
            return _no("cannot get subresource", False)
        return self._authorize(node, vertex, attrs)

    def _status_update(self, node: str, attrs: Attributes) -> Result:
        if attrs.verb not in ("update", "patch"):
            return _no("can only get/update/patch this type", False)
        return self._authorize(node, PVC, attrs)

    def _create_token(self, node: str, attrs: Attributes) -> Result:
        if attrs.verb != "create" or not attrs.name:
            return _no("can only create tokens for individual service accounts")
        if attrs.subresource != "token":
            return _no("can only create token subresource of serviceaccount")
        return self._authorize(node, SERVICE_ACCOUNT, attrs)

    # ---- name-based rules
    def _own(self, node: str, attrs: Attributes, what: str, namespace: str | None) -> Result:
        """``authorizeLease`` / ``authorizeCSINode``: the node's own object (create skips the name check)."""
        verb = attrs.verb
        if verb not in ("get", "create", "update", "patch", "delete"):
            return _no(f"can only get, create, update, patch, or delete {what}", False)
        if namespace is None and attrs.subresource:
            return _no("cannot authorize CSINode subresources", False)
        if namespace is not None and attrs.namespace != namespace:
            return _no(f'can only access leases in the "{namespace}" system namespace', False)
        if verb != "create" and attrs.name != node:
            kind = "node lease" if namespace is not None else "CSINode"
            return _no(f"can only access {kind} with the same name as the requesting node")
        return Result(ALLOW, "", verb != "create")

    def _node(self, node: str, attrs: Attributes) -> Result:
        """``authorizeNode``."""
        verb, sub = attrs.verb, attrs.subresource
        if sub == "" and verb in ("create", "update", "patch"):
            return Result(ALLOW)
        if sub == "" and verb in ("get", "list", "watch"):
            if attrs.name == node:
                return Result(ALLOW, "", True)
            if not attrs.name:
                return _no(f"node '{node}' cannot read all nodes, only its own Node object")
            return _no(f"node '{node}' cannot read '{attrs.name}', only its own Node object")
        if sub == "status" and verb in ("update", "patch"):
            return Result(ALLOW)
        return _no("", False)

    def _pod(self, node: str, attrs: Attributes) -> Result:
        """``authorizePod``."""
        verb, sub = attrs.verb, attrs.subresource
        if sub == "":
            if verb == "get":
                return self._get(node, POD, attrs)
            if verb in ("list", "watch"):
                if ("spec.nodeName", node) in attrs.field_selector:
                    return Result(ALLOW, "", True)
                if attrs.name:
                    return self._authorize(node, POD, attrs)
                return _no("can only list/watch pods with spec.nodeName field selector")
            if verb in ("create", "delete"):
                return Result(ALLOW)
        elif sub == "status" and verb in ("update", "patch"):
            return Result(ALLOW)
        elif sub == "eviction" and verb == "create":
            return Result(ALLOW)
        return _no("", False)
