"""A cloud VM: its lifecycle state, zone, type, price, and the provider ID its Node carries.

States follow EC2's names (pending, running, stopping, stopped, shutting-down, terminated); GCE's and
Azure's map onto them (PROVISIONING/STAGING, RUNNING, STOPPING, TERMINATED-as-stopped, deleting,
deleted). A VM on the physical layer is an ``infra.Host`` of the same name once it has booted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["BILLED", "EXISTS", "SHUTDOWN", "Instance", "InstanceState", "provider_id"]


class InstanceState(enum.StrEnum):
    """EC2 instance states."""

    PENDING = "pending"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    SHUTTING_DOWN = "shutting-down"
    TERMINATED = "terminated"


# InstancesV2.InstanceExists: every state but terminated (the AWS provider treats terminated as gone)
EXISTS = frozenset(s for s in InstanceState if s is not InstanceState.TERMINATED)
# InstancesV2.InstanceShutdown: stopping or stopped (the AWS provider's stopped check; GCE TERMINATED)
SHUTDOWN = frozenset({InstanceState.STOPPING, InstanceState.STOPPED})
# billed: from launch until stopped or terminated (EC2 bills running time; stopped VMs pay storage only)
BILLED = frozenset({InstanceState.PENDING, InstanceState.RUNNING, InstanceState.STOPPING, InstanceState.SHUTTING_DOWN})


def provider_id(provider: str, zone: str, instance_id: str, name: str) -> str:
    """``spec.providerID`` as each cloud's provider writes it."""
    if provider == "aws":
        return f"aws:///{zone}/{instance_id}"
    if provider == "gcp":
        return f"gce://clustersim/{zone}/{name}"
    return f"azure:///subscriptions/clustersim/resourceGroups/nodes/providers/Microsoft.Compute/virtualMachines/{name}"


@dataclass(slots=True, eq=False)
class Instance:
    """One VM; ``pool`` is None for VMs outside any node group (adopted ``cluster`` nodes)."""

    id: str
    name: str
    pool: str | None
    zone: str
    instance_type: str
    capacity_type: str
    price_per_hour: float
    provider_id: str
    state: InstanceState = InstanceState.PENDING
    launched_s: float = 0.0
    ready_s: float | None = None
    terminated_s: float | None = None
    notice_s: float | None = None  # a spot interruption notice was given at this time
    boots: bool = True  # False: created in a zone that is down, it never comes up
    deleting: bool = False  # being deleted through its node group (DeleteNodes)
    token: int = 0  # bumps on every state change: a pending timer for an older state is void

    @property
    def exists(self) -> bool:
        """The cloud API still knows the VM."""
        return self.state in EXISTS

    @property
    def shutdown(self) -> bool:
        """The cloud API reports the VM shut down."""
        return self.state in SHUTDOWN
