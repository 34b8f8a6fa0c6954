"""kube-controller-manager's controllers, imported explicitly so each registers itself."""

from clustersim.controllers import (
    clusterrole_aggregation,
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
from clustersim.controllers.podautoscaler import horizontal

__all__ = ["CONTROLLERS", "clusterrole_aggregation", "cronjob", "daemonset", "deployment", "disruption", "endpointslice", "horizontal",
           "job", "node_lifecycle", "podgc", "replicaset",
           "statefulset", "taint_eviction"]
