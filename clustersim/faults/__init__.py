"""Fault injectors, imported explicitly so each registers itself."""

from clustersim.faults import (
    auth,
    container_crash,
    control_plane,
    dns_faults,
    external_faults,
    ingress_faults,
    node_crash,
    node_faults,
    node_taint,
    pod_failure,
    pod_faults,
    request_faults,
    runtime,
    stress,
    trace_failures,
)
from clustersim.faults.base import FAULTS

__all__ = ["FAULTS", "auth", "container_crash", "control_plane", "dns_faults", "external_faults", "ingress_faults", "node_crash",
           "node_faults", "node_taint", "pod_failure", "pod_faults", "request_faults", "runtime", "stress", "trace_failures"]
