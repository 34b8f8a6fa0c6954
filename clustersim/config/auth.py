"""Config of authentication and authorization: the API server's modes, credential lifetimes, the
people and tools of the cluster (``users:``), and the RBAC objects, namespaces and ServiceAccounts
created at start (from the config or from manifests).

Validation follows ``pkg/apis/rbac/validation``: a rule needs verbs; a resource rule needs API groups
and resources; only ClusterRoles may name non-resource URLs; a ClusterRoleBinding references a
ClusterRole; a ServiceAccount subject of a ClusterRoleBinding needs a namespace.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator

from clustersim.config.bounds import Bounded, Period

__all__ = ["AggregationRuleConfig", "AuthConfig", "ClusterRoleBindingConfig", "ClusterRoleConfig", "NamespaceConfig",
           "RoleBindingConfig", "RoleConfig", "RoleRefConfig", "RuleConfig", "ServiceAccountConfig", "SubjectConfig",
           "UserConfig"]

Pos = Annotated[float, Field(gt=0)]
Names = tuple[str, ...]


class Strict(Bounded):
    """Unknown keys are errors; configs are immutable; numbers bounded (as ``models.Strict``, which imports this module)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AuthConfig(Strict):
    """kube-apiserver authentication and authorization, and the components' credentials."""

    authorization_modes: tuple[Literal["Node", "RBAC", "AlwaysAllow", "AlwaysDeny"], ...] = Field(
        ("Node", "RBAC"), description="--authorization-mode, in order (kubeadm's default Node,RBAC); system:masters is always allowed.")
    node_authorizer_selectors: bool = Field(True, description="AuthorizeNodeWithSelectors feature gate (on by default since v1.32): a kubelet reads only its own Node and lists only its pods.")
    use_service_account_credentials: bool = Field(True, description="kube-controller-manager --use-service-account-credentials (kubeadm sets it): each controller calls as its own ServiceAccount; off, all call as system:kube-controller-manager, whose default role only lets it bootstrap (bind it more, as upstream requires).")
    kubelet_client_certificate_validity_s: Period = Field(31_536_000.0, description="Lifetime of a kubelet's client certificate (kubeadm signs for one year).")
    rotate_kubelet_client_certificates: bool = Field(True, description="kubelet rotateCertificates: a new certificate is requested at 70-90 % of the old one's lifetime (certificate manager jitter).")
    service_account_token_validity_s: Period = Field(3600.0, description="Lifetime of the controllers' and addons' ServiceAccount tokens (TokenRequest expirationSeconds).")
    rotate_service_account_tokens: bool = Field(True, description="Tokens are refreshed once 80 % of their lifetime has passed (client-go / kubelet token manager).")


class UserConfig(Strict):
    """A person or tool that uses the cluster: its user name, groups and credential."""

    name: str = Field(min_length=1)
    groups: Names = Field((), description="Groups (a client certificate's O fields).")
    expires_s: Pos | None = Field(None, description="When its client certificate expires (simulated seconds; none: it does not); its requests (PermissionRevoked as_user) are 401 after.")


class RuleConfig(Strict):
    """``rbacv1.PolicyRule``."""

    verbs: Names = Field(min_length=1, description="get, list, watch, create, update, patch, delete, deletecollection, escalate, bind, ... or *.")
    api_groups: Names = Field((), description='API groups ("" is the core group; * any).')
    resources: Names = Field((), description="Resources, resource/subresource, */subresource, or *.")
    resource_names: Names = ()
    non_resource_urls: Names = Field((), description="Paths, prefix/* or * (ClusterRoles only).")

    @model_validator(mode="after")
    def _shape(self) -> RuleConfig:
        if self.non_resource_urls:
            if self.api_groups or self.resources or self.resource_names:
                raise ValueError("non_resource_urls: a non-resource rule may not have api_groups, resources or resource_names")
            return self
        if not self.api_groups:
            raise ValueError("api_groups: resource rules must supply at least one api group")
        if not self.resources:
            raise ValueError("resources: resource rules must supply at least one resource")
        return self


class RoleConfig(Strict):
    """``rbacv1.Role``: rules granted in its namespace."""

    name: str = Field(min_length=1)
    namespace: str = "default"
    labels: dict[str, str] = Field(default_factory=dict)
    rules: tuple[RuleConfig, ...] = ()

    @model_validator(mode="after")
    def _namespaced(self) -> RoleConfig:
        for i, r in enumerate(self.rules):
            if r.non_resource_urls:
                raise ValueError(f"rules.{i}.non_resource_urls: namespaced rules cannot apply to non-resource URLs")
        return self


class SelectorConfig(Strict):
    """A label selector (matchLabels)."""

    match_labels: dict[str, str] = Field(default_factory=dict)


class AggregationRuleConfig(Strict):
    """``rbacv1.AggregationRule``."""

    cluster_role_selectors: tuple[SelectorConfig, ...] = Field(min_length=1)


class ClusterRoleConfig(Strict):
    """``rbacv1.ClusterRole``; with ``aggregation_rule`` its rules are the union of the roles it selects."""

    name: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)
    rules: tuple[RuleConfig, ...] = ()
    aggregation_rule: AggregationRuleConfig | None = None


class RoleRefConfig(Strict):
    """``rbacv1.RoleRef``."""

    kind: Literal["Role", "ClusterRole"]
    name: str = Field(min_length=1)
    api_group: Literal["rbac.authorization.k8s.io"] = "rbac.authorization.k8s.io"


class SubjectConfig(Strict):
    """``rbacv1.Subject``."""

    kind: Literal["User", "Group", "ServiceAccount"]
    name: str = Field(min_length=1)
    namespace: str = Field("", description="A ServiceAccount's namespace (in a RoleBinding it defaults to the binding's).")


class RoleBindingConfig(Strict):
    """``rbacv1.RoleBinding``: grants a Role, or a ClusterRole, in its namespace."""

    name: str = Field(min_length=1)
    namespace: str = "default"
    role_ref: RoleRefConfig
    subjects: tuple[SubjectConfig, ...] = ()


class ClusterRoleBindingConfig(Strict):
    """``rbacv1.ClusterRoleBinding``: grants a ClusterRole everywhere."""

    name: str = Field(min_length=1)
    role_ref: RoleRefConfig
    subjects: tuple[SubjectConfig, ...] = ()

    @model_validator(mode="after")
    def _cluster(self) -> ClusterRoleBindingConfig:
        if self.role_ref.kind != "ClusterRole":
            raise ValueError("role_ref.kind: a ClusterRoleBinding can only reference a ClusterRole")
        for i, s in enumerate(self.subjects):
            if s.kind == "ServiceAccount" and not s.namespace:
                raise ValueError(f"subjects.{i}.namespace: a ServiceAccount subject of a ClusterRoleBinding needs a namespace")
        return self


class NamespaceConfig(Strict):
    """``v1.Namespace``."""

    name: str = Field(min_length=1)
    labels: dict[str, str] = Field(default_factory=dict)


class ServiceAccountConfig(Strict):
    """``v1.ServiceAccount``."""

    name: str = Field(min_length=1)
    namespace: str = "default"
