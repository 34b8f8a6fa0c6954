"""Node pools: the cloud's node groups, and the Node a VM of a pool registers.

A pool keeps a target size, as an ASG's desired capacity or a MIG's target size: the cloud launches
VMs until as many exist as the target asks, each in the pool zone with the fewest of its VMs (ASG AZ
balancing), and, on AWS and GCP, replaces a VM that disappears without the target shrinking (an ASG
health replacement, a MIG recreating a preempted VM); an Azure scale set shrinks instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clustersim.api.objects import LABEL_HOSTNAME, LABEL_REGION, LABEL_ZONE, Node, ObjectMeta
from clustersim.api.types import ResourceList, Taint, TaintEffect
from clustersim.cloud.instance_types import InstanceType
from clustersim.cloud.instances import Instance, InstanceState
from clustersim.cloud.provider import CloudError, InstanceStatus
from clustersim.config.cloud import CloudNodePoolConfig

if TYPE_CHECKING:
    from clustersim.cloud.simulated import SimulatedCloud

__all__ = ["LABEL_INSTANCE_TYPE", "NodePool", "POOL_LABEL", "TAINT_UNINITIALIZED", "pool_labels", "uninitialized"]

POOL_LABEL = "clustersim.io/node-pool"
LABEL_INSTANCE_TYPE = "node.kubernetes.io/instance-type"
# k8s.io/cloud-provider api/well_known_taints.go TaintExternalCloudProvider
TAINT_UNINITIALIZED = "node.cloudprovider.kubernetes.io/uninitialized"
_PROVIDER_POOL_LABEL = {"aws": "eks.amazonaws.com/nodegroup", "gcp": "cloud.google.com/gke-nodepool", "azure": "kubernetes.azure.com/agentpool"}


def uninitialized(node: Node) -> bool:
    """The Node still carries the cloud-provider uninitialized taint."""
    return any(t.key == TAINT_UNINITIALIZED for t in node.taints)


def pool_labels(provider: str, pool: str, capacity_type: str) -> dict[str, str]:
    """The labels managed node pools put on their nodes (EKS, GKE and AKS conventions)."""
    labels = {POOL_LABEL: pool, _PROVIDER_POOL_LABEL[provider]: pool}
    if provider == "aws":
        labels["eks.amazonaws.com/capacityType"] = "SPOT" if capacity_type == "spot" else "ON_DEMAND"
    elif capacity_type == "spot" and provider == "gcp":
        labels["cloud.google.com/gke-spot"] = "true"
    elif capacity_type == "spot":
        labels["kubernetes.azure.com/scalesetpriority"] = "spot"
    return labels


class NodePool:
    """A node group of the simulated cloud (implements ``provider.NodeGroup``)."""

    def __init__(self, cloud: SimulatedCloud, cfg: CloudNodePoolConfig, itype: InstanceType, zones: tuple[str, ...],
                 min_size: int, max_size: int, price: float) -> None:
        self.cloud, self.cfg, self.itype, self.zones = cloud, cfg, itype, zones
        self._min, self._max, self.price = min_size, max_size, price
        self.target = 0
        self.members: dict[str, Instance] = {}  # live VMs (not terminated) by instance id
        self.counter = 0

    # ---- NodeGroup
    def id(self) -> str:
        """The pool name."""
        return self.cfg.name

    def min_size(self) -> int:
        """MinSize (the pool's, or the autoscaler's --nodes)."""
        return self._min

    def max_size(self) -> int:
        """MaxSize."""
        return self._max

    def target_size(self) -> int:
        """Desired capacity."""
        return self.target

    def price_per_hour(self) -> float:
        """Price of one VM hour."""
        return self.price

    def increase_size(self, delta: int) -> None:
        """SetDesiredCapacity up; the cloud launches the new VMs."""
        if delta <= 0:
            raise CloudError("size increase must be positive")
        if self.target + delta > self._max:
            raise CloudError(f"size increase too large - desired:{self.target + delta} max:{self._max}")
        self.target += delta
        self.cloud.generation += 1
        self.cloud.reconcile(self)

    def delete_nodes(self, nodes: list[Node]) -> None:
        """TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity."""
        for node in nodes:
            inst = self.cloud.instance_for(node)
            if inst is None or inst.pool != self.cfg.name:
                raise CloudError(f"node {node.meta.name} does not belong to node group {self.cfg.name}")
            if self.target <= self._min:
                raise CloudError(f"min size reached, node group {self.cfg.name} will not be scaled down")
            self.target -= 1
            inst.deleting = True
            self.cloud.generation += 1
            self.cloud.terminate(inst, "DeleteNodes")

    def decrease_target_size(self, delta: int) -> None:
        """Shrink the target by VMs that have not registered (never below the VMs that have)."""
        if delta >= 0:
            raise CloudError("size decrease must be negative")
        registered = sum(1 for i in self.members.values() if i.ready_s is not None and not i.deleting)
        if self.target + delta < registered:
            raise CloudError(f"attempt to delete existing nodes target:{self.target} delta:{delta} existing:{registered}")
        self.target += delta
        self.cloud.generation += 1
        self.cloud.reconcile(self)

    def nodes(self) -> list[InstanceStatus]:
        """The group's VMs with cloudprovider.InstanceState names."""
        out = []
        for inst in self.members.values():
            if inst.state is InstanceState.SHUTTING_DOWN or inst.deleting:
                state = "deleting"
            elif inst.state is InstanceState.PENDING and inst.ready_s is None:
                state = "creating"
            else:
                state = "running"
            out.append(InstanceStatus(inst.id, inst.name, state))
        return out

    def template_node_info(self) -> Node:
        """The Node the next VM would register (in the zone it would go to)."""
        return self.build_node(f"template-node-for-{self.cfg.name}", self.next_zone(), "", initialized=True)

    # ---- the cloud's side
    def live(self) -> list[Instance]:
        """VMs that count against the target (not being deleted)."""
        return [i for i in self.members.values() if not i.deleting and i.state is not InstanceState.SHUTTING_DOWN]

    def next_zone(self) -> str:
        """The pool zone with the fewest live VMs (configuration order breaks ties)."""
        counts = {z: 0 for z in self.zones}
        for inst in self.live():
            if inst.zone in counts:
                counts[inst.zone] += 1
        return min(self.zones, key=lambda z: counts[z])

    def next_name(self) -> str:
        """``<pool>-<n>``, never reused."""
        name = f"{self.cfg.name}-{self.counter}"
        self.counter += 1
        return name

    def build_node(self, name: str, zone: str, provider_id: str, initialized: bool) -> Node:
        """The Node object a VM of this pool registers (kubelet flags: labels, taints, capacity)."""
        t, cloud = self.itype, self.cloud
        labels = {LABEL_HOSTNAME: name, LABEL_ZONE: zone, LABEL_REGION: cloud.region, LABEL_INSTANCE_TYPE: t.name,
                  **pool_labels(cloud.provider, self.cfg.name, self.cfg.capacity_type), **dict(t.labels), **self.cfg.labels}
        scalar = (("nvidia.com/gpu", t.gpu),) if t.gpu else ()
        capacity = ResourceList(t.cpu_m, t.memory, t.max_pods, scalar)
        alloc = ResourceList(t.alloc_cpu_m, t.alloc_memory, t.max_pods, scalar)
        taints = [Taint(x.key, TaintEffect(x.effect), x.value) for x in self.cfg.taints]
        if cloud.provider == "azure" and self.cfg.capacity_type == "spot":
            taints.append(Taint("kubernetes.azure.com/scalesetpriority", TaintEffect.NO_SCHEDULE, "spot"))  # AKS spot pools
        if not initialized:  # kubelet --cloud-provider=external until the cloud node controller initializes it
            taints.append(Taint(TAINT_UNINITIALIZED, TaintEffect.NO_SCHEDULE, "true"))
        node = Node(ObjectMeta(name, "", labels), capacity, alloc, taints=tuple(taints))
        node.provider_id = provider_id if initialized else ""
        return node
