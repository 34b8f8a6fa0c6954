"""In-tree scheduler plugins, imported explicitly (like upstream's NewInTreeRegistry)."""

from clustersim.scheduler.plugins import (
    node_affinity,
    node_name,
    node_resources_fit,
    node_unschedulable,
    taint_toleration,
)

__all__ = ["node_affinity", "node_name", "node_resources_fit", "node_unschedulable", "taint_toleration"]
