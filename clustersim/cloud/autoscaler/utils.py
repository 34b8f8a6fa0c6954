"""Pod and node predicates the autoscaler's parts share (cluster-autoscaler ``utils/pod``, ``utils/drain``,
``utils/taints``, ``utils/gpu``)."""

from __future__ import annotations

from clustersim.api.objects import Node, Pod
from clustersim.api.types import Taint, TaintEffect

__all__ = ["DAEMONSET_POD_ANNOTATION", "GPU_LABELS", "GPU_RESOURCE", "MIRROR_ANNOTATION", "POD_LONG_TERMINATING_EXTRA_S",
           "SAFE_TO_EVICT", "SAFE_TO_EVICT_LOCAL_VOLUMES", "SCALE_DOWN_DISABLED", "TO_BE_DELETED_TAINT", "is_daemonset_pod",
           "is_long_terminating", "is_mirror_pod", "node_has_gpu", "to_be_deleted_since", "to_be_deleted_taint"]

DAEMONSET_POD_ANNOTATION = "cluster-autoscaler.kubernetes.io/daemonset-pod"
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict"
SAFE_TO_EVICT_LOCAL_VOLUMES = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes"
SCALE_DOWN_DISABLED = "cluster-autoscaler.kubernetes.io/scale-down-disabled"
TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler"  # utils/taints ToBeDeletedTaint
POD_LONG_TERMINATING_EXTRA_S = 30.0  # utils/drain PodLongTerminatingExtraThreshold
GPU_RESOURCE = "nvidia.com/gpu"
# cloud providers' GPU labels (GPULabel(): GKE, EKS, AKS)
GPU_LABELS = ("cloud.google.com/gke-accelerator", "k8s.amazonaws.com/accelerator", "accelerator")


def is_daemonset_pod(pod: Pod) -> bool:
    """Owned by a DaemonSet, or annotated as one (utils/pod IsDaemonSetPod)."""
    owner = pod.meta.owner
    return (owner is not None and owner.kind == "DaemonSet") or pod.meta.annotations.get(DAEMONSET_POD_ANNOTATION) == "true"


def is_mirror_pod(pod: Pod) -> bool:
    """A static pod's mirror (utils/pod IsMirrorPod)."""
    return MIRROR_ANNOTATION in pod.meta.annotations


def is_long_terminating(pod: Pod, now: float) -> bool:
    """Terminating for longer than its grace period plus 30 s (utils/drain IsPodLongTerminating)."""
    if pod.meta.deletion_s is None:
        return False
    grace = pod.meta.deletion_grace_s if pod.meta.deletion_grace_s is not None else pod.spec.termination_grace_period_s
    return pod.meta.deletion_s + grace + POD_LONG_TERMINATING_EXTRA_S < now


def node_has_gpu(node: Node) -> bool:
    """The node carries a GPU label or allocatable GPUs (utils/gpu NodeHasGpu)."""
    return any(k in node.meta.labels for k in GPU_LABELS) or (node.allocatable.get(GPU_RESOURCE) or 0) > 0


def to_be_deleted_taint(now: float) -> Taint:
    """The autoscaler's deletion taint; its value is the time it was added (upstream: a Unix time)."""
    return Taint(TO_BE_DELETED_TAINT, TaintEffect.NO_SCHEDULE, str(int(now)), time_added_s=now)


def to_be_deleted_since(node: Node) -> float | None:
    """When the deletion taint was added (GetToBeDeletedTime), None without it."""
    for t in node.taints:
        if t.key == TO_BE_DELETED_TAINT:
            if t.time_added_s is not None:
                return t.time_added_s
            try:
                return float(t.value)
            except ValueError:
                return None
    return None
