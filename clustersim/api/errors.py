"""API errors a component gets back from the API server (``k8s.io/apimachinery/pkg/api/errors``).

A request the API server refuses raises a ``StatusError`` carrying the ``metav1.Status`` fields:
the HTTP code, the machine-readable reason (``StatusReasonForbidden``...) and the message the API
server writes. Components catch it where their upstream code handles a failed call.
"""

from __future__ import annotations

__all__ = ["REASON_FORBIDDEN", "REASON_UNAUTHORIZED", "Forbidden", "StatusError", "Unauthorized",
           "forbidden_message", "qualified_resource"]

# metav1.StatusReason values (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go)
REASON_UNAUTHORIZED = "Unauthorized"
REASON_FORBIDDEN = "Forbidden"


class StatusError(Exception):
    """A failed API call: ``code`` (HTTP status), ``reason`` and ``message`` as in ``metav1.Status``."""

    code = 500
    reason = "InternalError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(StatusError):
    """401: the request carried no valid credential (expired, revoked or unknown)."""

    code = 401
    reason = REASON_UNAUTHORIZED

    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message)


class Forbidden(StatusError):
    """403: the authorizer chain or an admission check (RBAC escalation) refused the request."""

    code = 403
    reason = REASON_FORBIDDEN


def qualified_resource(group: str, resource: str) -> str:
    """``schema.GroupResource.String()``: ``pods``, ``deployments.apps``."""
    return f"{resource}.{group}" if group else resource


def forbidden_message(user: str, verb: str, group: str, resource: str, subresource: str, namespace: str,
                      name: str, reason: str = "", path: str = "") -> str:
    """The 403 body the API server writes (``endpoints/handlers/responsewriters/errors.go`` forbiddenMessage,
    wrapped by ``apierrors.NewForbidden``)."""
    if path:
        msg = f'User "{user}" cannot {verb} path "{path}"'
        return f"forbidden: {msg}: {reason}" if reason else f"forbidden: {msg}"
    res = f"{resource}/{subresource}" if subresource else resource
    if namespace:
        msg = f'User "{user}" cannot {verb} resource "{res}" in API group "{group}" in the namespace "{namespace}"'
    else:
        msg = f'User "{user}" cannot {verb} resource "{res}" in API group "{group}" at the cluster scope'
    if reason:
        msg = f"{msg}: {reason}"
    qr = qualified_resource(group, resource)
    return f'{qr} "{name}" is forbidden: {msg}' if name else f"{qr} is forbidden: {msg}"
