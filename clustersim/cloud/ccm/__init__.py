"""The cloud-controller-manager: the cloud node controller, the cloud node lifecycle controller and the
service controller, one elected component reaching the API server through its own gate."""

from __future__ import annotations

from clustersim.client import Client
from clustersim.cloud.ccm.node_controller import CloudNodeController
from clustersim.cloud.ccm.node_lifecycle import SHUTDOWN_TAINT, CloudNodeLifecycleController, monitor_action
from clustersim.cloud.ccm.service import ServiceController
from clustersim.cloud.simulated import SimulatedCloud
from clustersim.config.cloud import CloudControllerManagerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder

__all__ = ["CloudControllerManager", "CloudNodeController", "CloudNodeLifecycleController", "SHUTDOWN_TAINT",
           "ServiceController", "monitor_action"]


class CloudControllerManager:
    """The controllers of cloud-controller-manager, sharing one client."""

    def __init__(self, env: ClusterEnv, client: Client, rec: Recorder, cfg: CloudControllerManagerConfig, cloud: SimulatedCloud) -> None:
        self.node = CloudNodeController(env, client, rec, cfg, cloud)
        self.node_lifecycle = CloudNodeLifecycleController(env, client, rec, cfg, cloud)
        self.service = ServiceController(env, client, rec, cloud.load_balancers)

    def start(self) -> None:
        """Start every controller."""
        for c in (self.node, self.node_lifecycle, self.service):
            c.start()
