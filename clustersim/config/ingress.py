"""Ingress and IngressClass (networking.k8s.io/v1) as config entries, and the outside clients that send
requests with a mix of hosts and paths to an ingress controller."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clustersim.api.ingress import HTTPIngressPath, IngressBackend, IngressRule, IngressSpec, IngressTLS
from clustersim.config.base import NonNeg, Pos, Strict
from clustersim.config.bounds import PerSecond

__all__ = ["IngressBackendConfig", "IngressClassConfig", "IngressConfig", "IngressPathConfig", "IngressRequestConfig",
           "IngressRuleConfig", "IngressTLSConfig", "IngressTrafficConfig", "ingress_spec"]


class IngressResourceConfig(Strict):
    """``TypedLocalObjectReference`` of a resource backend."""

    api_group: str | None = None
    kind: str
    name: str


class IngressBackendConfig(Strict):
    """``IngressBackend``: a Service port (number or name), or a resource."""

    service: str | None = Field(None, description="The Service's name (in the Ingress's namespace).")
    port: int | str | None = Field(None, description="Its port number or name.")
    resource: IngressResourceConfig | None = Field(None, description="A resource backend instead (ingress-nginx does not route to these).")


class IngressPathConfig(Strict):
    """``HTTPIngressPath``."""

    path: str = ""
    path_type: Literal["Exact", "Prefix", "ImplementationSpecific"] | None = Field(None, description="Required (pathType must be specified).")
    backend: IngressBackendConfig


class IngressRuleConfig(Strict):
    """``IngressRule``: a host (empty: every host) and its HTTP paths (None: no http section)."""

    host: str = ""
    paths: tuple[IngressPathConfig, ...] | None = ()


class IngressTLSConfig(Strict):
    """``IngressTLS``: hosts served over TLS with the certificate in ``secret_name`` (presence only)."""

    hosts: tuple[str, ...] = ()
    secret_name: str = ""


class IngressConfig(Strict):
    """A ``networking.k8s.io/v1`` Ingress, validated as the API server does (networking/ingress_validation.py)."""

    name: str = Field(pattern=r"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    namespace: str = "default"
    ingress_class_name: str | None = Field(None, description="spec.ingressClassName (None: the kubernetes.io/ingress.class annotation, else the default IngressClass, set at admission).")
    annotations: dict[str, str] = Field(default_factory=dict, description="metadata.annotations (kubernetes.io/ingress.class is read).")
    default_backend: IngressBackendConfig | None = None
    rules: tuple[IngressRuleConfig, ...] = ()
    tls: tuple[IngressTLSConfig, ...] = ()

    @model_validator(mode="after")
    def _valid(self) -> IngressConfig:
        from clustersim.networking.ingress_validation import validate_ingress_spec

        errs = validate_ingress_spec(ingress_spec(self))
        if errs:
            raise ValueError(f"{_config_path(errs[0].field)}: {errs[0].detail or errs[0].type}")
        return self


def _config_path(field: str) -> str:
    """An upstream field path (``spec.rules[0].http.paths[1].pathType``) as the config's (``rules.0.paths.1.path_type``)."""
    out = field.removeprefix("spec").lstrip(".").replace(".http", "").replace("[", ".").replace("]", "")
    for camel, snake in (("pathType", "path_type"), ("defaultBackend", "default_backend"), ("secretName", "secret_name"),
                         ("ingressClassName", "ingress_class_name"), (".service.name", ".service"), (".service.port.number", ".port"),
                         (".service.port.name", ".port")):
        out = out.replace(camel, snake)
    return out or "rules"


def _backend(b: IngressBackendConfig | None) -> IngressBackend | None:
    if b is None:
        return None
    if b.resource is not None:
        return IngressBackend(b.service or "", resource_kind=b.resource.kind, resource_name=b.resource.name,
                              resource_api_group=b.resource.api_group)
    port = b.port
    return IngressBackend(b.service or "", port if isinstance(port, int) else 0, port if isinstance(port, str) else "")


def ingress_spec(cfg: IngressConfig) -> IngressSpec:
    """The API object's spec of a config entry."""
    rules = tuple(IngressRule(r.host, None if r.paths is None else tuple(
        HTTPIngressPath(p.path, p.path_type, _backend(p.backend) or IngressBackend()) for p in r.paths)) for r in cfg.rules)
    tls = tuple(IngressTLS(t.hosts, t.secret_name) for t in cfg.tls)
    return IngressSpec(rules, _backend(cfg.default_backend), tls, cfg.ingress_class_name)


class IngressClassConfig(Strict):
    """A ``networking.k8s.io/v1`` IngressClass: the controller that implements it."""

    name: str = Field(pattern=r"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    controller: str = Field(description="spec.controller, e.g. k8s.io/ingress-nginx.")
    is_default: bool = Field(False, description="The ingressclass.kubernetes.io/is-default-class annotation: Ingresses without a class get it.")


class IngressRequestConfig(Strict):
    """One kind of request in a client mix: the Host header, the URL path, the share."""

    host: str = Field("", description="The Host header (empty: none, as a client calling the load balancer's address).")
    path: str = Field("/", description="The URL path (a query string is ignored for matching).")
    scheme: Literal["http", "https"] = "http"
    weight: Pos = Field(1.0, description="Relative share of the stream's requests.")


class IngressTrafficConfig(Strict):
    """Outside clients of an ingress controller: a Poisson stream through its LoadBalancer Service."""

    rate_per_s: PerSecond = Field(description="Mean requests per second (Poisson).")
    start_s: NonNeg = Field(0.0, description="Clients start sending at this time.")
    requests: tuple[IngressRequestConfig, ...] = Field(min_length=1, description="The mix of hosts and paths.")
    timeout_s: Pos | None = Field(None, description="Client timeout (a RequestFault's delay beyond it fails the request).")
