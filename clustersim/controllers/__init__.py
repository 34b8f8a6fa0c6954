"""kube-controller-manager's controllers, imported explicitly so each registers itself."""

from clustersim.controllers import (
    cronjob,
    daemonset,
    disruption,
    endpointslice,
    job,
    node_lifecycle,
    podgc,
    replicaset,
    statefulset,
    taint_eviction,
)
from clustersim.controllers.base import CONTROLLERS
from clustersim.controllers.deployment import controller as deployment

__all__ = ["CONTROLLERS", "cronjob", "daemonset", "deployment", "disruption", "endpointslice", "job", "node_lifecycle", "podgc", "replicaset",
           "statefulset", "taint_eviction"]
