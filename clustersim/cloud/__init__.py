"""The cloud under a managed cluster: VMs, node pools (node groups), prices, load balancers, the
cloud-controller-manager (``ccm/``) and the Cluster Autoscaler (``autoscaler/``).

Mirrors upstream's split: ``provider`` holds the interfaces of k8s.io/cloud-provider (InstancesV2) and
of cluster-autoscaler's ``cloudprovider`` (NodeGroup); ``simulated`` is the cloud itself, on the
physical layer of ``clustersim/infra.py``; the controllers only call those interfaces and write to
the API through their ``Client``.
"""

from clustersim.cloud.instances import Instance, InstanceState
from clustersim.cloud.provider import CloudError, CloudProvider, InstancesV2, NodeGroup
from clustersim.cloud.simulated import SimulatedCloud

__all__ = ["CloudError", "CloudProvider", "Instance", "InstanceState", "InstancesV2", "NodeGroup", "SimulatedCloud"]
