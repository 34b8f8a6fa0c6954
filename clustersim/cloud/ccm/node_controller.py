"""The cloud node controller: k8s.io/cloud-provider ``controllers/node`` (initialization only).

A kubelet started with ``--cloud-provider=external`` registers its Node with the
``node.cloudprovider.kubernetes.io/uninitialized`` taint; the controller asks the cloud for the VM's
metadata, sets ``spec.providerID`` and the instance-type, zone and region labels, and removes the
taint, after which pods can be scheduled there. A sync the API server refuses (401/403) is requeued
rate-limited, as ``processNextWorkItem`` does (``AddRateLimited`` on the controller's default rate
limiter: 5 ms doubling to 1000 s per Node, 10 qps overall), and the Node is left as it was (upstream
updates a deep copy). Simplified: addresses are not modelled, and the initialization takes
``node_init_s`` (the cloud API calls).
"""

from __future__ import annotations

from clustersim.api.errors import StatusError
from clustersim.api.objects import LABEL_REGION, LABEL_ZONE, Node
from clustersim.apiserver import ADDED
from clustersim.client import Client
from clustersim.cloud.pools import LABEL_INSTANCE_TYPE, TAINT_UNINITIALIZED, uninitialized
from clustersim.cloud.provider import InstancesV2
from clustersim.config.cloud import CloudControllerManagerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.util.workqueue import ControllerRateLimiter

__all__ = ["CloudNodeController"]


class CloudNodeController:
    """Initializes new cloud Nodes."""

    name = "cloud-node"

    def __init__(self, env: ClusterEnv, client: Client, rec: Recorder, cfg: CloudControllerManagerConfig, cloud: InstancesV2) -> None:
        self.env, self.client, self.rec, self.cfg, self.cloud = env, client, rec, cfg, cloud
        self.rate_limiter = ControllerRateLimiter(env.now)  # workqueue.DefaultControllerRateLimiter()
        self.sync_errors = 0

    def start(self) -> None:
        """Watch Nodes being added."""
        self.client.watch("Node", self._on_node, (ADDED,))

    def _on_node(self, _etype: str, node: Node) -> None:
        if uninitialized(node):
            if self.cfg.node_init_s > 0:
                self.env.timeout(self.cfg.node_init_s).callbacks.append(lambda _e: self.initialize(node.meta.name))
            else:
                self.initialize(node.meta.name)

    def initialize(self, name: str) -> None:
        """syncNode's initialization: metadata from the cloud, then the taint off."""
        if not self.client.connected:
            self.client.gate.hold(lambda: self.initialize(name))
            return
        node: Node | None = self.client.get("Node", name)
        if node is None or not uninitialized(node):
            self.rate_limiter.forget(name)
            return
        try:
            self.client.authorize("update", node)  # before the Node is changed in place
            self._sync(node)
        except StatusError:  # refused: AddRateLimited, the Node unchanged
            self.sync_errors += 1
            self.env.timeout(self.rate_limiter.when(name, self.env.now)).callbacks.append(lambda _e: self.initialize(name))
            return
        self.rate_limiter.forget(name)

    def _sync(self, node: Node) -> None:
        """The node modifiers from the cloud's metadata, then the Update."""
        meta = self.cloud.instance_metadata(node)
        node.provider_id = node.provider_id or meta.provider_id
        labels = dict(node.meta.labels)
        if meta.instance_type:
            labels[LABEL_INSTANCE_TYPE] = meta.instance_type
        if meta.zone:
            labels[LABEL_ZONE] = meta.zone
        labels[LABEL_REGION] = meta.region
        node.meta.labels = labels
        node.taints = tuple(t for t in node.taints if t.key != TAINT_UNINITIALIZED)
        self.client.update(node)
