"""The interfaces the cloud controllers and the Cluster Autoscaler program against.

``InstancesV2`` is k8s.io/cloud-provider ``cloud.go`` (InstanceExists, InstanceShutdown,
InstanceMetadata); ``NodeGroup`` and ``CloudProvider`` are cluster-autoscaler ``cloudprovider/cloud_provider.go``
(MinSize, MaxSize, TargetSize, IncreaseSize, DeleteNodes, DecreaseTargetSize, Nodes, TemplateNodeInfo;
NodeGroups, NodeGroupForNode, Pricing). Controllers call these and write only to the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from clustersim.api.objects import Node

__all__ = ["CloudError", "CloudProvider", "InstanceMetadata", "InstanceStatus", "InstancesV2", "NodeGroup", "PricingModel"]


class CloudError(Exception):
    """A failed cloud API call (the controllers retry at their next pass)."""


@dataclass(frozen=True, slots=True)
class InstanceMetadata:
    """``cloudprovider.InstanceMetadata``."""

    provider_id: str
    instance_type: str
    zone: str
    region: str


@dataclass(frozen=True, slots=True)
class InstanceStatus:
    """``cloudprovider.Instance``: a VM of a node group, its state and any creation error."""

    id: str
    node_name: str
    state: str  # "creating", "running" or "deleting" (cloudprovider.InstanceState)
    error: str = ""


@runtime_checkable
class InstancesV2(Protocol):
    """What the cloud node controllers ask about a Node's VM."""

    def instance_exists(self, node: Node) -> bool:
        """False once the VM is gone; CloudError when the cloud cannot say."""
        ...

    def instance_shutdown(self, node: Node) -> bool:
        """True while the VM is stopped."""
        ...

    def instance_metadata(self, node: Node) -> InstanceMetadata:
        """Provider ID, type and zone of the Node's VM."""
        ...


@runtime_checkable
class NodeGroup(Protocol):
    """A node group of identical VMs (an ASG, a MIG, a scale set)."""

    def id(self) -> str:
        """The group's name."""
        ...

    def min_size(self) -> int:
        """MinSize."""
        ...

    def max_size(self) -> int:
        """MaxSize."""
        ...

    def target_size(self) -> int:
        """The size the cloud is working towards (VMs created and being created)."""
        ...

    def increase_size(self, delta: int) -> None:
        """Ask for ``delta`` more VMs; CloudError above MaxSize."""
        ...

    def delete_nodes(self, nodes: list[Node]) -> None:
        """Delete these nodes' VMs and shrink the target; CloudError below MinSize."""
        ...

    def decrease_target_size(self, delta: int) -> None:
        """Shrink the target by VMs not yet registered (``delta`` < 0)."""
        ...

    def nodes(self) -> list[InstanceStatus]:
        """The group's VMs."""
        ...

    def template_node_info(self) -> Node:
        """A Node as the next VM of the group would register it."""
        ...

    def price_per_hour(self) -> float:
        """What one VM of the group costs per hour."""
        ...


class PricingModel(Protocol):
    """``cloudprovider.PricingModel`` (the price expander)."""

    def node_price(self, node: Node, hours: float) -> float:
        """Price of running ``node`` for ``hours``."""
        ...

    def pod_price(self, cpu_m: int, memory: int, hours: float) -> float:
        """Price of the resources a pod requests, for ``hours``."""
        ...


@runtime_checkable
class CloudProvider(InstancesV2, Protocol):
    """The cloud as the autoscaler sees it."""

    generation: int  # changes whenever any node group's VMs (their states) or target sizes change: a cache key

    def node_groups(self) -> list[NodeGroup]:
        """Every node group."""
        ...

    def node_group_for_node(self, node: Node) -> NodeGroup | None:
        """The group of the Node's VM (None: not autoscaled)."""
        ...

    def pricing(self) -> PricingModel:
        """Prices of nodes and of pod resources."""
        ...
