"""Which nodes may be scaled down at all: cluster-autoscaler ``core/scaledown/eligibility/eligibility.go``.

A candidate stays unless it is being deleted (its ToBeDeleted taint is younger than
--max-cloud-provider-node-deletion-time or 3 min), carries ``cluster-autoscaler.kubernetes.io/scale-down-disabled:
"true"``, is unready while --scale-down-unready-enabled is off, or is not underutilized: utilization
(simulator/utilization) at or above --scale-down-utilization-threshold (the GPU threshold for GPU nodes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from clustersim.api.objects import ConditionStatus, Node, Pod
from clustersim.cloud.autoscaler.simulator.utilization import UtilizationError, UtilizationInfo, calculate
from clustersim.cloud.autoscaler.utils import SCALE_DOWN_DISABLED, node_has_gpu, to_be_deleted_since
from clustersim.config.cloud import AutoscalerConfig

__all__ = ["MAX_KUBERNETES_EMPTY_NODE_DELETION_S", "being_deleted", "unremovable_reason"]

MAX_KUBERNETES_EMPTY_NODE_DELETION_S = 180.0  # actuation MaxKubernetesEmptyNodeDeletionTime


def being_deleted(node: Node, now: float, cfg: AutoscalerConfig) -> bool:
    """IsNodeBeingDeleted: a ToBeDeleted taint added recently."""
    since = to_be_deleted_since(node)
    return since is not None and (now - since < cfg.max_cloud_provider_node_deletion_time_s or now - since < MAX_KUBERNETES_EMPTY_NODE_DELETION_S)


def unremovable_reason(node: Node, pods: Callable[[], Iterable[Pod]], cfg: AutoscalerConfig, now: float,
                       ignore_daemonsets: bool | None = None) -> tuple[str | None, UtilizationInfo | None]:
    """(upstream's UnremovableReason or None, the utilization if computed) for one candidate."""
    if being_deleted(node, now, cfg):
        return "CurrentlyBeingDeleted", None
    if node.meta.annotations.get(SCALE_DOWN_DISABLED) == "true":
        return "ScaleDownDisabledAnnotation", None
    skip_ds = cfg.ignore_daemonsets_utilization if ignore_daemonsets is None else ignore_daemonsets
    try:
        info = calculate(node, list(pods()), skip_ds, cfg.ignore_mirror_pods_utilization, now)
    except UtilizationError:
        info = None
    if not cfg.scale_down_unready_enabled and node.ready is not ConditionStatus.TRUE:
        return "ScaleDownUnreadyDisabled", info
    if info is None:
        return "UnexpectedError", None
    threshold = cfg.scale_down_gpu_utilization_threshold if node_has_gpu(node) else cfg.scale_down_utilization_threshold
    if info.utilization >= threshold:
        return "NotUnderutilized", info
    return None, info
