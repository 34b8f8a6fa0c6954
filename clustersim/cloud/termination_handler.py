"""A node termination handler (aws-node-termination-handler in IMDS mode; the same idea as GKE's and
AKS's spot handling): on a VM's interruption notice it cordons the node and drains it through the
Eviction API, as ``kubectl drain --ignore-daemonsets --delete-emptydir-data`` does, so the pods are
replaced before the VM is reclaimed. Evictions a PodDisruptionBudget refuses are retried every 5 s
(kubectl drain's retry) until the VM is gone. The handler runs on the node: it acts only while the
node's host reaches the API server.
"""

from __future__ import annotations

from clustersim.api.objects import Node, Pod
from clustersim.client import Client
from clustersim.cloud.instances import Instance, InstanceState
from clustersim.cloud.simulated import SimulatedCloud
from clustersim.config.cloud import TerminationHandlerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder

__all__ = ["DRAIN_RETRY_S", "TerminationHandler"]

DRAIN_RETRY_S = 5.0


class TerminationHandler:
    """Cordons and drains nodes whose VMs got an interruption notice."""

    def __init__(self, env: ClusterEnv, client: Client, rec: Recorder, cfg: TerminationHandlerConfig, cloud: SimulatedCloud) -> None:
        self.env, self.client, self.rec, self.cfg, self.cloud = env, client, rec, cfg, cloud

    def start(self) -> None:
        """Follow the VMs' instance metadata."""
        self.cloud.on_notice(self.on_notice)

    def _reaches_api(self, inst: Instance) -> bool:
        host = self.cloud.infra.hosts.get(inst.name)
        return host is not None and host.reaches_control_plane

    def on_notice(self, inst: Instance) -> None:
        """Cordon, then drain."""
        node: Node | None = self.client.get("Node", inst.name)
        if node is None or not self._reaches_api(inst):
            return
        if not node.unschedulable:
            node.unschedulable = True
            self.client.update(node)
        self.rec.event("Node", "", inst.name, "CordonAndDrain", f"Node {inst.name} cordoned and drained: spot interruption notice", inst.name)
        self.drain(inst)

    def _drainable(self, pod: Pod) -> bool:
        owner = pod.meta.owner
        return not pod.terminating and not pod.terminal and not (owner is not None and owner.kind == "DaemonSet")

    def drain(self, inst: Instance) -> None:
        """Evict every pod but DaemonSet pods; retry the refused ones."""
        if inst.state is InstanceState.TERMINATED or not self._reaches_api(inst):
            return
        refused = 0
        for pod in sorted(self.client.pods_on_node(inst.name), key=lambda p: p.key):
            if not self._drainable(pod):
                continue
            if self.client.evict(pod, self.cfg.pod_termination_grace_period_s):
                self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "Evicted", "Evicted by the node termination handler", inst.name)
            else:
                refused += 1
        if refused:
            self.env.timeout(DRAIN_RETRY_S).callbacks.append(lambda _e: self.drain(inst))
