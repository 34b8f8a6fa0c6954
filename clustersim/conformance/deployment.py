"""Category B: Deployment rollout math, through the Deployment controller's own helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from clustersim.conformance.registry import register
from clustersim.controllers.deployment import util


# ---- category B: Deployment rollout math
def _fence(inp: dict[str, Any]) -> dict[str, Any]:
    try:
        s, u = util.resolve_fenceposts(inp["max_surge"], inp["max_unavailable"], inp["desired_replicas"])
    except ValueError:
        return {"error": True}
    return {"error": False, "surge": s, "unavailable": u}


def _t(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def _reconcile_new(inp: dict[str, Any]) -> dict[str, Any]:
    new = util.RSView("new", inp["new_rs_replicas"])
    target = util.reconcile_new_replica_set(inp["deployment_replicas"], inp["max_surge"], new,
                                            [inp["old_rs_replicas"], inp["new_rs_replicas"]])
    return {"scaled": False} if target is None else {"scaled": True, "new_rs_replicas": target}


def _reconcile_old(inp: dict[str, Any]) -> dict[str, Any]:
    old = util.RSView("old", inp["old_rs_replicas"], inp["old_rs_available"])
    new = util.RSView("new", inp["new_rs_replicas"], inp["new_rs_available"], created_s=1)
    cleaned, scaled = util.reconcile_old_replica_sets(inp["deployment_replicas"], inp["max_surge"], inp["max_unavailable"], new, [old])
    return {"scaled": cleaned + scaled > 0, "old_rs_replicas_after": old.replicas}


def _cleanup(inp: dict[str, Any]) -> dict[str, Any]:
    old = util.RSView("old", inp["old_rs_replicas"], inp["old_rs_available"])
    return {"cleanup_count": util.cleanup_unhealthy_replicas([old], inp["max_cleanup_count"])}


def _scale_down_old(inp: dict[str, Any]) -> dict[str, Any]:
    old = util.RSView("old", inp["old_rs_replicas"], inp["old_rs_available"])
    min_avail = inp["deployment_replicas"] - util.max_unavailable(util.ROLLING, inp["deployment_replicas"], inp["max_surge"], inp["max_unavailable"])
    n = util.scale_down_old_replica_sets(old.available, [old], min_avail)
    return {"scaled": n > 0, "old_rs_replicas_after": old.replicas}



register({
    "deployment_resolve_fenceposts": _fence,
    "deployment_new_rs_new_replicas": lambda i: {"new_rs_replicas": util.new_rs_new_replicas(
        i["strategy"], i["deployment_replicas"], i["max_surge"], i["new_rs_replicas"], [*i["all_rs_replicas"], i["new_rs_replicas"]]
        if i["strategy"] == "Recreate" else i["all_rs_replicas"])},
    "deployment_max_unavailable": lambda i: {"max_unavailable": util.max_unavailable(i["strategy"], i["replicas"], i["max_surge"], i["max_unavailable"])},
    "deployment_min_available": lambda i: {"min_available": util.min_available(i["strategy"], i["replicas"], i["max_surge"], i["max_unavailable"])},
    "deployment_replicaset_fraction": lambda i: {"fraction": util.replicaset_fraction(
        i["deployment_replicas"], i["deployment_status_replicas"], i["max_surge"], i["max_unavailable"], i["rs_replicas"], i["rs_max_replicas_annotation"])},
    "deployment_complete": lambda i: {"complete": util.deployment_complete(i["desired"], i["status_replicas"], i["updated_replicas"], i["available_replicas"])},
    "deployment_progressing": lambda i: {"progressing": util.deployment_progressing(i["old_status"], i["new_status"])},
    "deployment_timed_out": lambda i: {"timed_out": util.deployment_timed_out(
        i["progress_deadline_seconds"], i["progressing_condition"].get("reason", ""), _t(i["progressing_condition"]["last_update_time"]), _t(i["now"]))},
    "deployment_replica_counts": lambda i: {"spec_total": sum(r["spec_replicas"] for r in i["replica_sets"]),
                                            "status_total": sum(r["status_replicas"] for r in i["replica_sets"])},
    "rolling_reconcile_new_rs": _reconcile_new,
    "rolling_reconcile_old_rs": _reconcile_old,
    "rolling_cleanup_unhealthy": _cleanup,
    "rolling_scale_down_old_rs": _scale_down_old,
})
