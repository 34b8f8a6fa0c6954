"""In-tree scheduler plugins, imported explicitly (like upstream's NewInTreeRegistry)."""

from clustersim.scheduler.plugins import (
    image_locality,
    node_affinity,
    node_name,
    node_resources_balanced_allocation,
    node_resources_fit,
    node_unschedulable,
    pod_topology_spread,
    taint_toleration,
)

__all__ = ["image_locality", "node_affinity", "node_name", "node_resources_balanced_allocation", "node_resources_fit",
           "node_unschedulable", "pod_topology_spread", "taint_toleration"]
