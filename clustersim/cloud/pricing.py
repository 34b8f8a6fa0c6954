"""Prices: what a node of a pool costs per hour, and what a pod's requests are worth (the price expander).

A node costs its pool's price (the instance type's on-demand or spot list price, or the pool's own).
A pod's requests are priced per core-hour and per GiB-hour with GCE's constants (cluster-autoscaler
``cloudprovider/gce/gce_price_model.go``: cpuPricePerHour 0.033174, memoryPricePerHourPerGb 0.004446),
scaled by the spot ratio for spot pools there, as the price expander compares node cost with pod worth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clustersim.api.objects import Node
from clustersim.cloud.pools import POOL_LABEL

if TYPE_CHECKING:
    from clustersim.cloud.simulated import SimulatedCloud

__all__ = ["CPU_PRICE_PER_HOUR", "CloudPricing", "MEMORY_PRICE_PER_GB_HOUR"]

CPU_PRICE_PER_HOUR = 0.033174
MEMORY_PRICE_PER_GB_HOUR = 0.004446


class CloudPricing:
    """``cloudprovider.PricingModel`` over the simulated cloud's pools."""

    def __init__(self, cloud: SimulatedCloud) -> None:
        self.cloud = cloud

    def node_price(self, node: Node, hours: float) -> float:
        """The node's pool price times ``hours`` (0 for a node outside every pool)."""
        inst = self.cloud.instance_for(node)
        pool = self.cloud.pools.get(inst.pool or "" if inst is not None else node.meta.labels.get(POOL_LABEL, ""))
        return pool.price * hours if pool is not None else 0.0

    def pod_price(self, cpu_m: int, memory: int, hours: float) -> float:
        """What the requested cores and memory would cost on demand."""
        return (cpu_m / 1000 * CPU_PRICE_PER_HOUR + memory / (1 << 30) * MEMORY_PRICE_PER_GB_HOUR) * hours
