"""EndpointSlice helpers of the endpointslice library (staging/src/k8s.io/endpointslice utils.go,
util/controller_utils.go) that the EndpointSlice controller uses for every pod.

- ``should_pod_be_in_endpoints``: not a terminal pod (Succeeded, Failed), has an IP, and not
  terminating unless terminating endpoints are included (the controller includes them since
  EndpointSliceTerminatingCondition went GA).
- ``endpoint_conditions``: ``serving`` is the pod's Ready condition, ``terminating`` its deletion
  timestamp, ``ready`` = publishNotReadyAddresses or (serving and not terminating).
- ``should_set_hostname``: the pod has a hostname and its subdomain is the Service's name.
- ``slice_lengths``: new endpoints fill slices up to maxEndpointsPerSlice (the reconciler with no
  existing slices: full slices, then the remainder).
"""

from __future__ import annotations

import ipaddress
import math

__all__ = ["endpoint_addresses", "endpoint_conditions", "should_pod_be_in_endpoints", "should_set_hostname", "slice_lengths"]

TERMINAL_PHASES = ("Succeeded", "Failed")


def should_pod_be_in_endpoints(phase: str, has_ip: bool, terminating: bool, include_terminating: bool = True) -> bool:
    """``ShouldPodBeInEndpoints``."""
    if phase in TERMINAL_PHASES or not has_ip:
        return False
    return include_terminating or not terminating


def endpoint_conditions(pod_ready: bool, terminating: bool, publish_not_ready_addresses: bool = False) -> tuple[bool, bool, bool]:
    """``(ready, serving, terminating)`` of ``podToEndpoint``."""
    serving = pod_ready
    return publish_not_ready_addresses or (serving and not terminating), serving, terminating


def endpoint_addresses(pod_ips: list[str], address_type: str) -> list[str]:
    """``getEndpointAddresses``: the pod IPs of the slice's family, normalised."""
    out = []
    for raw in pod_ips:
        ip = ipaddress.ip_address(raw)
        if (ip.version == 6) == (address_type == "IPv6"):
            out.append(str(ip))
    return out


def should_set_hostname(pod_namespace: str, hostname: str, subdomain: str, svc_namespace: str, svc_name: str) -> bool:
    """``ShouldSetHostname``."""
    return bool(hostname) and subdomain == svc_name and svc_namespace == pod_namespace


def slice_lengths(num_endpoints: int, max_per_slice: int) -> list[int]:
    """Endpoints per new slice when ``num_endpoints`` are placed into no existing slices."""
    full, rest = divmod(num_endpoints, max_per_slice)
    return [max_per_slice] * full + ([rest] if rest else [])


def slice_count(num_endpoints: int, max_per_slice: int) -> int:
    """How many slices the endpoints fill."""
    return math.ceil(num_endpoints / max_per_slice) if num_endpoints else 0
