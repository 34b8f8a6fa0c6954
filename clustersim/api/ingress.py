"""``networking.k8s.io/v1`` Ingress and IngressClass as stored objects.

The spec mirrors upstream's types (pkg/apis/networking/types.go) for what routing reads: rules with
hosts and HTTP paths, backends (a Service port, or a typed resource), a default backend, TLS entries
and the class. ``IngressClass`` carries its controller and the default-class annotation.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.api.objects import ObjectMeta, _Keyed

__all__ = [
    "ANNOTATION_DEFAULT_CLASS", "ANNOTATION_INGRESS_CLASS", "HTTPIngressPath", "Ingress", "IngressBackend", "IngressClass",
    "IngressRule", "IngressSpec", "IngressTLS", "PATH_TYPES",
]

PATH_TYPES = ("Exact", "Prefix", "ImplementationSpecific")
ANNOTATION_DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class"  # networkingv1.AnnotationIsDefaultIngressClass
ANNOTATION_INGRESS_CLASS = "kubernetes.io/ingress.class"  # the deprecated annotation


@dataclass(frozen=True, slots=True)
class IngressBackend:
    """``IngressBackend``: a Service and port (number or name), or a typed resource (``kind/name``)."""

    service: str = ""
    port_number: int = 0
    port_name: str = ""
    resource_kind: str = ""
    resource_name: str = ""
    resource_api_group: str | None = None

    @property
    def is_resource(self) -> bool:
        """A resource backend (not routed to a Service)."""
        return bool(self.resource_kind or self.resource_name)

    def label(self) -> str:
        """How the backend is shown: ``service:port`` or ``Kind/name``."""
        if self.is_resource:
            return f"{self.resource_kind}/{self.resource_name}"
        return f"{self.service}:{self.port_name or self.port_number}"


@dataclass(frozen=True, slots=True)
class HTTPIngressPath:
    """``HTTPIngressPath``: ``path_type`` None means unset (a validation error upstream)."""

    path: str
    path_type: str | None
    backend: IngressBackend


@dataclass(frozen=True, slots=True)
class IngressRule:
    """``IngressRule``: ``host`` '' matches every host; ``paths`` None means no ``http`` section."""

    host: str = ""
    paths: tuple[HTTPIngressPath, ...] | None = ()


@dataclass(frozen=True, slots=True)
class IngressTLS:
    """``IngressTLS``: hosts served over TLS with the certificate in ``secret_name``."""

    hosts: tuple[str, ...] = ()
    secret_name: str = ""


@dataclass(frozen=True, slots=True)
class IngressSpec:
    """``IngressSpec``."""

    rules: tuple[IngressRule, ...] = ()
    default_backend: IngressBackend | None = None
    tls: tuple[IngressTLS, ...] = ()
    ingress_class_name: str | None = None


@dataclass(slots=True, eq=False)
class Ingress(_Keyed):
    """A stored Ingress."""

    meta: ObjectMeta
    spec: IngressSpec

    KIND = "Ingress"


@dataclass(slots=True, eq=False)
class IngressClass(_Keyed):
    """A stored IngressClass (cluster-scoped): which controller implements it, and whether it is the default."""

    meta: ObjectMeta
    controller: str

    KIND = "IngressClass"

    @property
    def is_default(self) -> bool:
        """The ``ingressclass.kubernetes.io/is-default-class`` annotation is ``"true"``."""
        return self.meta.annotations.get(ANNOTATION_DEFAULT_CLASS) == "true"
