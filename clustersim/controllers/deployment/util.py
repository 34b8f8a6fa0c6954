"""Deployment rollout arithmetic, as ``pkg/controller/deployment/util/deployment_util.go`` and ``rolling.go``.

Pure functions over plain numbers, so the conformance runner and the controller call the same code.
Go's integer division truncates and ``integer.RoundToInt32`` rounds half away from zero; both are
reproduced here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "RSView", "cleanup_unhealthy_replicas", "deployment_complete", "deployment_progressing",
    "deployment_timed_out", "get_proportion", "max_surge", "max_unavailable", "min_available",
    "new_rs_new_replicas", "reconcile_new_replica_set", "reconcile_old_replica_sets",
    "replicaset_fraction", "resolve_fenceposts", "round_half_away", "scale_down_old_replica_sets",
    "scaled_value",
]

ROLLING, RECREATE = "RollingUpdate", "Recreate"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
MAX_INT32 = 2**31 - 1


@dataclass(slots=True)
class RSView:
    """What the rollout math needs of a ReplicaSet: spec and available replicas, age order."""

    name: str
    replicas: int
    available: int = 0
    created_s: float = 0.0
    max_replicas_annotation: str | None = None


def round_half_away(x: float) -> int:
    """Go's ``math.Round``: half away from zero."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


@lru_cache(maxsize=4096)
def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent`` (None means 0); ValueError on a malformed percent."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError(f"invalid value {value!r}")
    if isinstance(value, int):
        return value
    if not value.endswith("%") or not value[:-1].lstrip("-").isdigit():
        raise ValueError(f"invalid value for IntOrString: {value!r} is not a percentage")
    pct = int(value[:-1])
    exact = pct * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


@lru_cache(maxsize=4096)
def resolve_fenceposts(surge: int | str | None, unavailable: int | str | None, desired: int) -> tuple[int, int]:
    """``ResolveFenceposts``: surge rounds up, unavailable down; both 0 forces unavailable to 1."""
    s = scaled_value(surge, desired, True)
    u = scaled_value(unavailable, desired, False)
    if s == 0 and u == 0:
        u = 1
    return s, u


def max_unavailable(strategy: str, replicas: int, surge: int | str | None, unavailable: int | str | None) -> int:
    """``MaxUnavailable``: 0 for Recreate or zero replicas, capped at replicas."""
    if strategy != ROLLING or replicas == 0:
        return 0
    _, u = resolve_fenceposts(surge, unavailable, replicas)
    return min(u, replicas)


def min_available(strategy: str, replicas: int, surge: int | str | None, unavailable: int | str | None) -> int:
    """``MinAvailable``: replicas - MaxUnavailable, 0 for Recreate."""
    if strategy != ROLLING:
        return 0
    return replicas - max_unavailable(strategy, replicas, surge, unavailable)


def max_surge(strategy: str, replicas: int, surge: int | str | None, unavailable: int | str | None) -> int:
    """``MaxSurge``: 0 for Recreate."""
    if strategy != ROLLING:
        return 0
    return resolve_fenceposts(surge, unavailable, replicas)[0]


def new_rs_new_replicas(strategy: str, replicas: int, surge: int | str | None, new_rs_replicas: int,
                        all_rs_replicas: list[int]) -> int:
    """``NewRSNewReplicas``: how far the new ReplicaSet may scale up now."""
    if strategy == RECREATE:
        return replicas
    s = scaled_value(surge, replicas, True)
    current = sum(all_rs_replicas)
    max_total = replicas + s
    if current >= max_total:
        return new_rs_replicas
    scale_up = min(max_total - current, replicas - new_rs_replicas)
    return new_rs_replicas + scale_up


def replicaset_fraction(replicas: int, status_replicas: int, surge: int | str | None, unavailable: int | str | None,
                        rs_replicas: int, annotation: str | None) -> int:
    """``getReplicaSetFraction``: this ReplicaSet's share of a proportional scale."""
    if replicas == 0:
        return -rs_replicas
    deployment_replicas = replicas + max_surge(ROLLING, replicas, surge, unavailable)
    annotated = 0
    if annotation is not None:
        try:
            annotated = int(annotation)
        except ValueError:
            annotated = 0
    if annotated == 0:
        annotated = status_replicas
    if annotated == 0:
        return 0
    return round_half_away(rs_replicas * deployment_replicas / annotated) - rs_replicas


def get_proportion(rs_replicas: int, fraction: int, to_add: int, added: int) -> int:
    """``GetProportion``: the fraction, bounded by what is still allowed."""
    if rs_replicas == 0 or to_add == 0 or to_add == added:
        return 0
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def deployment_complete(desired: int, status_replicas: int, updated: int, available: int,
                        observed_generation: int = 0, generation: int = 0) -> bool:
    """``DeploymentComplete``."""
    return updated == desired and status_replicas == desired and available == desired and observed_generation >= generation


def deployment_progressing(old: dict[str, int], new: dict[str, int]) -> bool:
    """``DeploymentProgressing``: any of updated up, old pods down, ready up, available up."""
    old_old = old["replicas"] - old["updated_replicas"]
    new_old = new["replicas"] - new["updated_replicas"]
    return (
        new["updated_replicas"] > old["updated_replicas"]
        or new_old < old_old
        or new["ready_replicas"] > old["ready_replicas"]
        or new["available_replicas"] > old["available_replicas"]
    )


def deployment_timed_out(progress_deadline_s: float | None, reason: str, last_update_s: float, now_s: float) -> bool:
    """``DeploymentTimedOut`` for a Progressing condition with ``reason`` and ``lastUpdateTime``."""
    if progress_deadline_s is None or progress_deadline_s == MAX_INT32:
        return False
    if reason == NEW_RS_AVAILABLE_REASON:
        return False
    if reason == TIMED_OUT_REASON:
        return True
    return last_update_s + progress_deadline_s < now_s


def reconcile_new_replica_set(replicas: int, surge: int | str | None, new_rs: RSView, all_rs_replicas: list[int]) -> int | None:
    """``reconcileNewReplicaSet``: the new ReplicaSet's size, or None when unchanged."""
    if new_rs.replicas == replicas:
        return None
    if new_rs.replicas > replicas:
        return replicas
    target = new_rs_new_replicas(ROLLING, replicas, surge, new_rs.replicas, all_rs_replicas)
    return None if target == new_rs.replicas else target


def cleanup_unhealthy_replicas(old: list[RSView], max_cleanup: int) -> int:
    """``cleanupUnhealthyReplicas``: scale down unavailable old pods first, oldest RS first (mutates)."""
    total = 0
    for rs in sorted(old, key=lambda r: (r.created_s, r.name)):
        if total >= max_cleanup:
            break
        if rs.replicas == 0 or rs.replicas == rs.available:
            continue
        n = min(max_cleanup - total, rs.replicas - rs.available)
        rs.replicas -= n
        total += n
    return total


def scale_down_old_replica_sets(all_available: int, old: list[RSView], min_avail: int) -> int:
    """``scaleDownOldReplicaSetsForRollingUpdate``: keep ``min_avail`` available (mutates)."""
    if all_available <= min_avail:
        return 0
    target = all_available - min_avail
    total = 0
    for rs in sorted(old, key=lambda r: (r.created_s, r.name)):
        if total >= target:
            break
        if rs.replicas == 0:
            continue
        n = min(rs.replicas, target - total)
        rs.replicas -= n
        total += n
    return total


def reconcile_old_replica_sets(replicas: int, surge: int | str | None, unavailable: int | str | None,
                               new_rs: RSView, old: list[RSView]) -> tuple[int, int]:
    """``reconcileOldReplicaSets``: returns (cleaned up, scaled down); ``old`` sizes are updated."""
    old_count = sum(r.replicas for r in old)
    if old_count == 0:
        return 0, 0
    all_count = old_count + new_rs.replicas
    min_avail = replicas - max_unavailable(ROLLING, replicas, surge, unavailable)
    new_unavailable = new_rs.replicas - new_rs.available
    max_scaled_down = all_count - min_avail - new_unavailable
    if max_scaled_down <= 0:
        return 0, 0
    cleaned = cleanup_unhealthy_replicas(old, max_scaled_down)
    all_available = sum(r.available for r in old) + new_rs.available
    scaled = scale_down_old_replica_sets(all_available, old, min_avail)
    return cleaned, scaled
