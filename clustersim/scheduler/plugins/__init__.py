"""In-tree scheduler plugins, imported explicitly (like upstream's NewInTreeRegistry)."""

from clustersim.scheduler.plugins import (
    default_preemption,
    first_fit,
    image_locality,
    inter_pod_affinity,
    markers,
    node_affinity,
    node_name,
    node_ports,
    node_resources_balanced_allocation,
    node_resources_fit,
    node_unschedulable,
    pod_topology_spread,
    taint_toleration,
    volumes,
)

__all__ = ["default_preemption", "first_fit", "image_locality", "inter_pod_affinity", "markers", "node_affinity", "node_name",
           "node_ports", "node_resources_balanced_allocation", "node_resources_fit", "node_unschedulable",
           "pod_topology_spread", "taint_toleration", "volumes"]
