"""Ingress validation as the API server runs it (pkg/apis/networking/validation/validation.go).

``validate_ingress_spec`` follows ``ValidateIngressSpec`` on create: rules or a default backend; rule
hosts are DNS-1123 subdomains (a leading ``*.`` allowed), not IP addresses; every HTTP rule has paths;
a path needs a pathType; Exact and Prefix paths are absolute and contain none of ``//``, ``/./``,
``/../``, ``%2f``, ``%2F`` nor end in ``/..`` or ``/.``; an ImplementationSpecific path is empty or
absolute; a backend is a Service (a DNS-1035 name and a port name or number, not both) or a resource,
not both; TLS hosts and secret names are valid names; the class name is a DNS-1123 subdomain.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.api.ingress import PATH_TYPES, HTTPIngressPath, IngressBackend, IngressRule, IngressSpec
from clustersim.networking.names import (
    is_dns1035_label,
    is_dns1123_subdomain,
    is_ip,
    is_valid_port_name,
    is_valid_port_num,
    is_wildcard_dns1123_subdomain,
)

__all__ = ["FieldError", "validate_http_path", "validate_ingress_backend", "validate_ingress_spec", "validate_rule_value"]

INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")
INVALID, REQUIRED, NOT_SUPPORTED = "FieldValueInvalid", "FieldValueRequired", "FieldValueNotSupported"


@dataclass(frozen=True, slots=True)
class FieldError:
    """``field.Error``: the field path, the error type, the bad value and the detail."""

    field: str
    type: str
    value: object
    detail: str

    def __str__(self) -> str:
        return f"{self.field}: {self.detail}"


def _host_errors(host: str, at: str) -> list[FieldError]:
    """A rule or TLS host: a wildcard or plain DNS-1123 subdomain."""
    check = is_wildcard_dns1123_subdomain if "*" in host else is_dns1123_subdomain
    return [FieldError(at, INVALID, host, msg) for msg in check(host)]


def validate_ingress_backend(b: IngressBackend, at: str) -> list[FieldError]:
    """``validateIngressBackend``."""
    has_service = bool(b.service or b.port_number or b.port_name)
    if b.is_resource and has_service:
        return [FieldError(at, INVALID, "", "cannot set both resource and service backends")]
    errs: list[FieldError] = []
    if b.is_resource:
        if not b.resource_kind:
            errs.append(FieldError(f"{at}.resource.kind", REQUIRED, "", ""))
        if not b.resource_name:
            errs.append(FieldError(f"{at}.resource.name", REQUIRED, "", ""))
        return errs
    if not has_service:
        return [FieldError(at, INVALID, "", "resource or service backend is required")]
    if not b.service:
        errs.append(FieldError(f"{at}.service.name", REQUIRED, "", ""))
    else:
        errs += [FieldError(f"{at}.service.name", INVALID, b.service, m) for m in is_dns1035_label(b.service)]
    if b.port_name and b.port_number:
        errs.append(FieldError(at, INVALID, "", "cannot set both port name & port number"))
    elif b.port_name:
        errs += [FieldError(f"{at}.service.port.name", INVALID, b.port_name, m) for m in is_valid_port_name(b.port_name)]
    elif b.port_number:
        errs += [FieldError(f"{at}.service.port.number", INVALID, b.port_number, m) for m in is_valid_port_num(b.port_number)]
    else:
        errs.append(FieldError(at, REQUIRED, "", "port name or number is required"))
    return errs


def validate_http_path(p: HTTPIngressPath, at: str) -> list[FieldError]:
    """``validateHTTPIngressPath``: the pathType rules for ``path``, then the backend."""
    if p.path_type is None:
        return [FieldError(f"{at}.pathType", REQUIRED, "", "pathType must be specified")]
    errs: list[FieldError] = []
    where = f"{at}.path"
    if p.path_type in ("Exact", "Prefix"):
        if not p.path.startswith("/"):
            errs.append(FieldError(where, INVALID, p.path, "must be an absolute path"))
        if p.path:
            errs += [FieldError(where, INVALID, p.path, f"must not contain '{s}'") for s in INVALID_PATH_SEQUENCES if s in p.path]
            errs += [FieldError(where, INVALID, p.path, f"cannot end with '{s}'") for s in INVALID_PATH_SUFFIXES if p.path.endswith(s)]
    elif p.path_type == "ImplementationSpecific":
        if p.path and not p.path.startswith("/"):
            errs.append(FieldError(where, INVALID, p.path, "must be an absolute path"))
    else:
        errs.append(FieldError(f"{at}.pathType", NOT_SUPPORTED, p.path_type, f"supported values: {', '.join(sorted(PATH_TYPES))}"))
    return errs + validate_ingress_backend(p.backend, f"{at}.backend")


def validate_rule_value(rule: IngressRule, at: str) -> list[FieldError]:
    """``validateIngressRuleValue``: an ``http`` section needs paths; each path is checked."""
    if rule.paths is None:
        return []
    errs: list[FieldError] = []
    if not rule.paths:
        errs.append(FieldError(f"{at}.http.paths", REQUIRED, "", ""))
    for i, p in enumerate(rule.paths):
        errs += validate_http_path(p, f"{at}.http.paths[{i}]")
    return errs


def validate_ingress_spec(spec: IngressSpec, at: str = "spec") -> list[FieldError]:
    """``ValidateIngressSpec`` with the options of a create (no legacy allowances)."""
    errs: list[FieldError] = []
    if not spec.rules and spec.default_backend is None:
        errs.append(FieldError(at, INVALID, [], "either `defaultBackend` or `rules` must be specified"))
    if spec.default_backend is not None:
        errs += validate_ingress_backend(spec.default_backend, f"{at}.defaultBackend")
    for i, rule in enumerate(spec.rules):
        where = f"{at}.rules[{i}]"
        if rule.host:
            if is_ip(rule.host):
                errs.append(FieldError(f"{where}.host", INVALID, rule.host, "must be a DNS name, not an IP address"))
            errs += _host_errors(rule.host, f"{where}.host")
        errs += validate_rule_value(rule, where)
    for i, tls in enumerate(spec.tls):
        for j, host in enumerate(tls.hosts):
            errs += _host_errors(host, f"{at}.tls[{i}].hosts[{j}]")
        if tls.secret_name:
            errs += [FieldError(f"{at}.tls[{i}].secretName", INVALID, tls.secret_name, m) for m in is_dns1123_subdomain(tls.secret_name)]
    if spec.ingress_class_name is not None:
        errs += [FieldError(f"{at}.ingressClassName", INVALID, spec.ingress_class_name, m)
                 for m in is_dns1123_subdomain(spec.ingress_class_name)]
    return errs
