"""HPA replica calculation: pkg/controller/podautoscaler/replica_calculator.go.

Pure functions over pod observations, so the arithmetic is checked against upstream's tests
(the conformance D cases); the controller (``horizontal.py``) builds the observations. Pods: ``phase``, ``ready``,
``deleting``, ``cpu_initializing`` (inside the CPU initialization period with a sample that predates
readiness), ``request_m`` and ``usage_m`` (None: no metric).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["PodObservation", "external_metric_replicas", "external_per_pod_replicas", "metric_replicas",
           "object_metric_replicas", "object_per_pod_replicas", "resource_replicas"]


@dataclass(frozen=True, slots=True)
class PodObservation:
    """What the calculator sees of one pod."""

    name: str
    phase: str = "Running"
    ready: bool = True
    deleting: bool = False
    cpu_initializing: bool = False
    request_m: int = 0
    usage_m: int | None = None


def _group(pods: list[PodObservation], metrics: dict[str, int], cpu: bool) -> tuple[int, set[str], set[str], set[str]]:
    """``groupPods``: (ready count, unready, missing, ignored)."""
    ready, unready, missing, ignored = 0, set(), set(), set()
    for p in pods:
        if p.deleting or p.phase == "Failed":
            ignored.add(p.name)
            continue
        if p.phase == "Pending":
            unready.add(p.name)
            continue
        if p.name not in metrics:
            missing.add(p.name)
            continue
        if cpu and (not p.ready or p.cpu_initializing):
            unready.add(p.name)
            continue
        ready += 1
    return ready, unready, missing, ignored


def _utilization(metrics: dict[str, int], requests: dict[str, int], target: int) -> tuple[float, int, int]:
    """``GetResourceUtilizationRatio``: (ratio, utilization %, raw average usage)."""
    total = req = n = 0
    for name, value in metrics.items():
        if name not in requests:
            continue
        total += value
        req += requests[name]
        n += 1
    if req == 0:
        raise ValueError("no metrics returned matched known pods")
    util = (total * 100) // req
    return util / target, util, total // n


def _decide(current: int, tolerance: float, ratio: float, new_ratio: float, n_metrics: int) -> int:
    if abs(1.0 - new_ratio) <= tolerance or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return current  # too small a change, or the direction would flip
    new = math.ceil(new_ratio * n_metrics)
    if (new_ratio < 1.0 and new > current) or (new_ratio > 1.0 and new < current):
        return current
    return new


def resource_replicas(current: int, target_utilization: int, pods: list[PodObservation], tolerance: float = 0.1,
                      cpu: bool = True) -> tuple[int, int, int]:
    """``GetResourceReplicas``: (replicas, utilization %, raw average usage per pod)."""
    metrics = {p.name: p.usage_m for p in pods if p.usage_m is not None}
    ready, unready, missing, ignored = _group(pods, metrics, cpu)
    for name in ignored | unready:
        metrics.pop(name, None)
    if not metrics:
        raise ValueError("did not receive metrics for any ready pods")
    requests = {p.name: p.request_m for p in pods}
    ratio, util, raw = _utilization(metrics, requests, target_utilization)
    scale_up_unready = bool(unready) and ratio > 1.0
    if not scale_up_unready and not missing:
        if abs(1.0 - ratio) <= tolerance:
            return current, util, raw
        return math.ceil(ratio * ready), util, raw
    if missing:
        fallback = max(100, target_utilization)
        for name in missing:  # at a ratio of exactly 1 upstream fills in nothing
            if ratio < 1.0:
                metrics[name] = requests[name] * fallback // 100
            elif ratio > 1.0:
                metrics[name] = 0
    if scale_up_unready:
        for name in unready:
            metrics[name] = 0
    new_ratio, _, _ = _utilization(metrics, requests, target_utilization)
    return _decide(current, tolerance, ratio, new_ratio, len(metrics)), util, raw


def metric_replicas(current: int, target: int, pods: list[PodObservation], levels: dict[str, int], tolerance: float = 0.1,
                    cpu: bool = False) -> tuple[int, int]:
    """``GetMetricReplicas`` (Pods metric) and ``GetRawResourceReplicas`` (``cpu``: with CPU readiness
    rules): (replicas, average usage). Metrics of pods that do not exist still count, as upstream's map does."""
    metrics = dict(levels)
    ready, unready, missing, ignored = _group(pods, metrics, cpu=cpu)
    for name in ignored | unready:
        metrics.pop(name, None)
    if not metrics:
        raise ValueError("did not receive metrics for any ready pods")
    usage = sum(metrics.values()) // len(metrics)
    ratio = usage / target
    scale_up_unready = bool(unready) and ratio > 1.0
    if not scale_up_unready and not missing:
        if abs(1.0 - ratio) <= tolerance:
            return current, usage
        return math.ceil(ratio * ready), usage
    for name in missing:
        metrics[name] = target if ratio < 1.0 else 0
    if scale_up_unready:
        for name in unready:
            metrics[name] = 0
    new_ratio = (sum(metrics.values()) // len(metrics)) / target
    return _decide(current, tolerance, ratio, new_ratio, len(metrics)), usage


def _ready_count(pods: list[PodObservation]) -> int:
    return sum(1 for p in pods if p.phase == "Running" and p.ready)


def _ratio_replicas(current: int, ratio: float, pods: list[PodObservation], tolerance: float) -> int:
    """``getUsageRatioReplicaCount``."""
    if current == 0:
        return math.ceil(ratio)
    if abs(1.0 - ratio) <= tolerance:
        return current
    return math.ceil(ratio * _ready_count(pods))


def object_metric_replicas(current: int, target: int, value: int, pods: list[PodObservation], tolerance: float = 0.1) -> tuple[int, int]:
    """``GetObjectMetricReplicas`` (Value target): (replicas, usage)."""
    return _ratio_replicas(current, value / target, pods, tolerance), value


def external_metric_replicas(current: int, target: int, values: list[int], pods: list[PodObservation],
                             tolerance: float = 0.1) -> tuple[int, int]:
    """``GetExternalMetricReplicas`` (Value target over the sum of the series): (replicas, usage)."""
    usage = sum(values)
    return _ratio_replicas(current, usage / target, pods, tolerance), usage


def _per_pod(status_replicas: int, per_pod_target: int, usage: int, tolerance: float) -> tuple[int, int]:
    replicas = status_replicas
    ratio = usage / (per_pod_target * replicas)
    if abs(1.0 - ratio) > tolerance:
        replicas = math.ceil(usage / per_pod_target)
    return replicas, math.ceil(usage / status_replicas)


def object_per_pod_replicas(status_replicas: int, per_pod_target: int, value: int, tolerance: float = 0.1) -> tuple[int, int]:
    """``GetObjectPerPodMetricReplicas`` (AverageValue target): (replicas, usage per pod)."""
    return _per_pod(status_replicas, per_pod_target, value, tolerance)


def external_per_pod_replicas(status_replicas: int, per_pod_target: int, values: list[int], tolerance: float = 0.1) -> tuple[int, int]:
    """``GetExternalPerPodMetricReplicas`` (AverageValue target): (replicas, usage per pod)."""
    return _per_pod(status_replicas, per_pod_target, sum(values), tolerance)
