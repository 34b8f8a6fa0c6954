"""Node utilization: cluster-autoscaler ``simulator/utilization/info.go`` ``Calculate``.

For cpu and memory: the pods' requests over the node's allocatable; the utilization is the larger. Pods
terminating for longer than their grace period (plus 30 s) do not count; skipped DaemonSet and mirror
pods do not count and their requests are taken off the allocatable too. A GPU node is judged on its GPUs
only (requested over allocatable, 0 while none is allocatable). No allocatable of a resource is an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clustersim.api.objects import Node, Pod
from clustersim.cloud.autoscaler.utils import GPU_RESOURCE, is_daemonset_pod, is_long_terminating, is_mirror_pod, node_has_gpu

__all__ = ["UtilizationError", "UtilizationInfo", "calculate"]


class UtilizationError(Exception):
    """The node's utilization cannot be computed (a missing allocatable)."""


@dataclass(frozen=True, slots=True)
class UtilizationInfo:
    """``utilization.Info``."""

    cpu: float
    memory: float
    gpu: float
    utilization: float
    resource: str


def _ratio(requested: int, allocatable: int | None, skipped: int, resource: str, node: str) -> float:
    if allocatable is None or allocatable == 0:
        raise UtilizationError(f"failed to get {resource} from {node}")
    left = allocatable - skipped
    return requested / left if left > 0 else 0.0


def calculate(node: Node, pods: Iterable[Pod], skip_daemonset_pods: bool, skip_mirror_pods: bool, now: float) -> UtilizationInfo:
    """``Calculate`` for one node and the pods bound to it."""
    if node_has_gpu(node):
        alloc = node.allocatable.get(GPU_RESOURCE) or 0
        want = sum(p.spec.requests.get(GPU_RESOURCE) for p in pods if not is_long_terminating(p, now))
        gpu = want / alloc if alloc > 0 else 0.0
        return UtilizationInfo(0.0, 0.0, gpu, gpu, "gpu")
    cpu = mem = skip_cpu = skip_mem = 0
    for pod in pods:
        r = pod.spec.requests
        if (skip_daemonset_pods and is_daemonset_pod(pod)) or (skip_mirror_pods and is_mirror_pod(pod)):
            skip_cpu += r.cpu_m
            skip_mem += r.memory
            continue
        if is_long_terminating(pod, now):
            continue
        cpu += r.cpu_m
        mem += r.memory
    name = node.meta.name
    c = _ratio(cpu, node.allocatable.cpu_m, skip_cpu, "cpu", name)
    m = _ratio(mem, node.allocatable.memory, skip_mem, "memory", name)
    return UtilizationInfo(c, m, 0.0, max(c, m), "cpu" if c >= m else "memory")
