"""The cloud node lifecycle controller: k8s.io/cloud-provider ``controllers/nodelifecycle``.

Every ``--node-monitor-period`` (5 s) MonitorNodes visits the Nodes: a Ready one loses the shutdown
taint if it has it; for a NotReady or Unknown one the cloud is asked whether its VM exists (an error
leaves the Node as it is); a Node whose VM is gone is deleted (event DeletingNode); a Node whose VM
exists and is shut down gets ``node.cloudprovider.kubernetes.io/shutdown:NoSchedule``. A delete or taint
the API server refuses (401/403) is logged upstream and tried again at the next pass; here the Node
stays on the list and is visited again 5 s later (the DeletingNode event is recorded only for a delete
the API server accepts, where upstream records it before each attempt).

Only Nodes that are not Ready or carry the shutdown taint can need work, so only those are visited
(tracked from the Node watch): the result is the one visiting every Node would give.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from clustersim.api.errors import StatusError
from clustersim.api.objects import ConditionStatus, Node
from clustersim.api.types import Taint, TaintEffect
from clustersim.apiserver import DELETED
from clustersim.client import Client
from clustersim.cloud.provider import CloudError, InstancesV2
from clustersim.config.cloud import CloudControllerManagerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder

__all__ = ["CloudNodeLifecycleController", "SHUTDOWN_TAINT", "monitor_action"]

# controllers/nodelifecycle/node_lifecycle_controller.go ShutdownTaint (cloudproviderapi.TaintNodeShutdown)
SHUTDOWN_TAINT = Taint("node.cloudprovider.kubernetes.io/shutdown", TaintEffect.NO_SCHEDULE)
DELETE_NODE_EVENT = "DeletingNode"


def monitor_action(node: Node, cloud: InstancesV2) -> str:
    """What one MonitorNodes pass does to ``node``: 'untaint', 'delete', 'taint' or 'none'.

    The cloud may raise CloudError; an existence error leaves the node alone, a shutdown error means
    no taint (upstream logs both and moves on).
    """
    if node.ready is ConditionStatus.TRUE:
        return "untaint" if has_shutdown_taint(node) else "none"
    try:
        exists = cloud.instance_exists(node)
    except CloudError:
        return "none"
    if not exists:
        return "delete"
    try:
        shutdown = cloud.instance_shutdown(node)
    except CloudError:
        return "none"
    return "taint" if shutdown and not has_shutdown_taint(node) else "none"


def has_shutdown_taint(node: Node) -> bool:
    """The node carries the shutdown taint (any value, NoSchedule)."""
    return any(t.key == SHUTDOWN_TAINT.key and t.effect is SHUTDOWN_TAINT.effect for t in node.taints)


class CloudNodeLifecycleController:
    """Deletes Nodes whose VMs are gone and taints those whose VMs are shut down."""

    name = "cloud-node-lifecycle"

    def __init__(self, env: ClusterEnv, client: Client, rec: Recorder, cfg: CloudControllerManagerConfig, cloud: InstancesV2) -> None:
        self.env, self.client, self.rec, self.cfg, self.cloud = env, client, rec, cfg, cloud
        self.watched: set[str] = set()  # Nodes not Ready or shutdown-tainted
        self.sync_errors = 0  # refused requests

    def start(self) -> None:
        """Watch Nodes; run MonitorNodes every period from now on."""
        self.client.watch("Node", self._on_node)
        self.env.process(self.monitor_loop())

    def _on_node(self, etype: str, node: Node) -> None:
        name = node.meta.name
        if etype != DELETED and (node.ready is not ConditionStatus.TRUE or has_shutdown_taint(node)):
            self.watched.add(name)
        else:
            self.watched.discard(name)

    def monitor_loop(self) -> Generator[Any, Any, None]:
        """``wait.UntilWithContext(MonitorNodes, nodeMonitorPeriod)``."""
        while True:
            if self.client.connected:
                self.monitor_nodes()
            yield self.env.timeout(self.cfg.node_monitor_period_s)

    def monitor_nodes(self) -> None:
        """One MonitorNodes pass."""
        for name in sorted(self.watched):
            node: Node | None = self.client.get("Node", name)
            if node is None:
                self.watched.discard(name)
                continue
            try:
                self._act(node, monitor_action(node, self.cloud))
            except StatusError:  # refused: klog.Errorf upstream; the next pass tries again
                self.sync_errors += 1

    def _act(self, node: Node, action: str) -> None:
        """Delete the Node, or add or remove the shutdown taint (a PATCH, AddOrUpdateTaintOnNode)."""
        name = node.meta.name
        if action == "delete":
            self.client.authorize("delete", node)
            self.rec.event("Node", "", name, DELETE_NODE_EVENT, f"Deleting node {name} because it does not exist in the cloud provider", name)
            self.client.delete("Node", name)
            self.watched.discard(name)
        elif action in ("taint", "untaint"):
            self.client.authorize("patch", node)  # before the Node is changed in place
            if action == "taint":
                node.taints = (*node.taints, SHUTDOWN_TAINT)
            else:
                node.taints = tuple(t for t in node.taints if not (t.key == SHUTDOWN_TAINT.key and t.effect is SHUTDOWN_TAINT.effect))
            self.client.patch(node)
