"""The service controller: k8s.io/cloud-provider ``controllers/service``.

For a ``type: LoadBalancer`` Service it records EnsuringLoadBalancer, asks the cloud to create the load
balancer over the stable node set (Nodes not being deleted, not labelled
``node.kubernetes.io/exclude-from-external-load-balancers``, not tainted ToBeDeletedByClusterAutoscaler),
and, once the LB answers, writes ``status.loadBalancer.ingress`` and records EnsuredLoadBalancer. When
Nodes are added or removed it updates every LB's hosts (UpdatedLoadBalancer). A Service deleted or no
longer of type LoadBalancer has its LB deleted (DeletingLoadBalancer, DeletedLoadBalancer).
Simplified: the periodic resyncs (serviceSyncPeriod 30 s, nodeSyncPeriod 100 s) would find nothing new
in a simulation without lost events, so only the event-driven syncs are run. A status patch the API
server refuses (401/403) records SyncLoadBalancerFailed and the Service is retried on the controller's
queue back-off (``NewItemExponentialFailureRateLimiter(minRetryDelay 5 s, maxRetryDelay 300 s)``).
"""

from __future__ import annotations

from clustersim.api.errors import StatusError
from clustersim.api.objects import Node, Service
from clustersim.apiserver import ADDED, DELETED
from clustersim.client import Client
from clustersim.cloud.load_balancers import CloudLoadBalancers
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.util.workqueue import ItemExponentialFailureRateLimiter

__all__ = ["EXCLUDE_LABEL", "ServiceController", "TO_BE_DELETED_TAINT", "stable_node"]

EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"
TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler"
MIN_RETRY_DELAY_S, MAX_RETRY_DELAY_S = 5.0, 300.0  # controllers/service/controller.go minRetryDelay, maxRetryDelay


def stable_node(node: Node) -> bool:
    """stableNodeSetPredicates: not deleted, not excluded, not being deleted by the autoscaler."""
    excluded = node.meta.labels.get(EXCLUDE_LABEL)
    if excluded is not None and excluded.lower() not in ("false", "0", "f"):
        return False
    return node.meta.deletion_s is None and not any(t.key == TO_BE_DELETED_TAINT for t in node.taints)


class ServiceController:
    """Cloud load balancers for LoadBalancer Services."""

    name = "service"

    def __init__(self, env: ClusterEnv, client: Client, rec: Recorder, lbs: CloudLoadBalancers) -> None:
        self.env, self.client, self.rec, self.lbs = env, client, rec, lbs
        self.services: dict[str, Service] = {}
        self.rate_limiter = ItemExponentialFailureRateLimiter(MIN_RETRY_DELAY_S, MAX_RETRY_DELAY_S)
        self.sync_errors = 0

    def start(self) -> None:
        """Watch Services and the node set."""
        self.client.watch("Service", self._on_service)
        self.client.watch("Node", self._on_node, (ADDED, DELETED))

    def _hosts(self) -> list[str]:
        return sorted(n.meta.name for n in self.client.list("Node") if stable_node(n))

    def _on_service(self, etype: str, svc: Service) -> None:
        key = svc.key
        wants = etype != DELETED and svc.type == "LoadBalancer"
        if not wants:
            if self.services.pop(key, None) is not None and self.lbs.exists(key):
                self.rec.event("Service", svc.meta.namespace, svc.meta.name, "DeletingLoadBalancer", "Deleting load balancer")
                self.lbs.delete(key)
                self.rec.event("Service", svc.meta.namespace, svc.meta.name, "DeletedLoadBalancer", "Deleted load balancer")
            return
        if key in self.services:
            return
        self.services[key] = svc
        self.rec.event("Service", svc.meta.namespace, svc.meta.name, "EnsuringLoadBalancer", "Ensuring load balancer")
        hosts = self._hosts()
        if not hosts:
            self.rec.event("Service", svc.meta.namespace, svc.meta.name, "UnAvailableLoadBalancer",
                           "There are no available nodes for LoadBalancer", type_="Warning")
        ready = self.lbs.ensure(key, hosts)
        self.env.timeout(max(0.0, ready - self.env.now)).callbacks.append(lambda _e: self._ensured(key))

    def _ensured(self, key: str) -> None:
        if not self.client.connected:
            self.client.gate.hold(lambda: self._ensured(key))
            return
        svc: Service | None = self.client.get("Service", key)
        if svc is None or self.services.get(key) is not svc:
            return
        try:
            self.client.authorize("patch", svc, "status")  # patchStatus, before the Service is changed in place
        except StatusError as err:
            self.sync_errors += 1
            self.rec.event("Service", svc.meta.namespace, svc.meta.name, "SyncLoadBalancerFailed",
                           f"Error syncing load balancer: failed to update load balancer status: {err.message}", type_="Warning")
            self.env.timeout(self.rate_limiter.when(key)).callbacks.append(lambda _e: self._ensured(key))
            return
        self.rate_limiter.forget(key)
        self.rec.event("Service", svc.meta.namespace, svc.meta.name, "EnsuredLoadBalancer", "Ensured load balancer")
        svc.load_balancer_ingress = (f"{svc.meta.name}-{svc.meta.namespace}.lb.clustersim",)
        self.client.patch(svc, "status")

    def _on_node(self, _etype: str, _node: Node) -> None:
        if not self.services:
            return
        hosts = self._hosts()
        for key, svc in sorted(self.services.items()):
            self.lbs.update_hosts(key, hosts)
            self.rec.event("Service", svc.meta.namespace, svc.meta.name, "UpdatedLoadBalancer", "Updated load balancer with new hosts")
