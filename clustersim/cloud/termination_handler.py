"""A node termination handler (aws-node-termination-handler in IMDS mode; the same idea as GKE's and
AKS's spot handling): on a VM's interruption notice it cordons the node and drains it through the
Eviction API, as ``kubectl drain --ignore-daemonsets --delete-emptydir-data`` does, so the pods are
replaced before the VM is reclaimed. Evictions a PodDisruptionBudget refuses are retried every 5 s
(kubectl drain's retry) until the VM is gone. The handler runs on the node: it acts only while the
node's host reaches the API server. A cordon or eviction the API server refuses (401/403) is
CordonAndDrainError: the handler exits (``os.Exit(1)`` in ``cordonAndDrainNode``), the kubelet restarts
its container after the crash-loop back-off (at once, then 10 s doubling to 300 s) and the restarted
handler sees the notice at its next IMDS poll (2 s) and tries again, until the VM is gone.
"""

from __future__ import annotations

from clustersim.api.errors import StatusError
from clustersim.api.objects import Node, Pod
from clustersim.client import Client
from clustersim.cloud.instances import Instance, InstanceState
from clustersim.cloud.simulated import SimulatedCloud
from clustersim.config.cloud import TerminationHandlerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder

__all__ = ["DRAIN_RETRY_S", "IMDS_POLL_S", "TerminationHandler", "restart_delay"]

DRAIN_RETRY_S = 5.0
IMDS_POLL_S = 2.0  # the IMDS monitor's poll interval (spot instance-action)
# the kubelet's crash-loop back-off of the handler's container (kubelet.go containerBackOffPeriod, MaxContainerBackOff)
CRASH_BACKOFF_S, MAX_CRASH_BACKOFF_S = 10.0, 300.0


def restart_delay(exits: int) -> float:
    """Seconds from the ``exits``-th exit (1-based) until the restarted handler polls IMDS again."""
    backoff = 0.0 if exits <= 1 else min(CRASH_BACKOFF_S * 2.0 ** (exits - 2), MAX_CRASH_BACKOFF_S)
    return backoff + IMDS_POLL_S


class TerminationHandler:
    """Cordons and drains nodes whose VMs got an interruption notice."""

    def __init__(self, env: ClusterEnv, client: Client, rec: Recorder, cfg: TerminationHandlerConfig, cloud: SimulatedCloud) -> None:
        self.env, self.client, self.rec, self.cfg, self.cloud = env, client, rec, cfg, cloud
        self.exits: dict[str, int] = {}  # node -> handler exits on a refused request

    def start(self) -> None:
        """Follow the VMs' instance metadata."""
        self.cloud.on_notice(self.on_notice)

    def _reaches_api(self, inst: Instance) -> bool:
        host = self.cloud.infra.hosts.get(inst.name)
        return host is not None and host.reaches_control_plane

    def on_notice(self, inst: Instance) -> None:
        """Cordon, then drain."""
        if inst.state is InstanceState.TERMINATED:
            return
        node: Node | None = self.client.get("Node", inst.name)
        if node is None or not self._reaches_api(inst):
            return
        try:
            if not node.unschedulable:
                self.client.authorize("update", node)  # before the Node is changed in place
                node.unschedulable = True
                self.client.update(node)
            self.rec.event("Node", "", inst.name, "CordonAndDrain", f"Node {inst.name} cordoned and drained: spot interruption notice", inst.name)
            self.drain(inst)
        except StatusError as err:
            self._exit(inst, err)

    def _exit(self, inst: Instance, err: StatusError) -> None:
        """CordonAndDrainError: the handler exits; once restarted it sees the notice again."""
        n = self.exits[inst.name] = self.exits.get(inst.name, 0) + 1
        self.rec.event("Node", "", inst.name, "CordonAndDrainError", f"There was a problem while trying to cordon and drain the node: "
                       f"{err.message}", inst.name, "Warning")
        self.env.timeout(restart_delay(n)).callbacks.append(lambda _e: self.on_notice(inst))

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
            self.env.timeout(DRAIN_RETRY_S).callbacks.append(lambda _e: self._drain_again(inst))

    def _drain_again(self, inst: Instance) -> None:
        """kubectl drain's retry of the evictions a PDB refused."""
        try:
            self.drain(inst)
        except StatusError as err:
            self._exit(inst, err)
