"""Run metrics: one flat row of numbers from a run's summary, the unit of every aggregate."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from clustersim.config.models import SimConfig
from clustersim.metrics.summary import Series

__all__ = ["AGGREGATE_METRICS", "FAULT_KEYS", "known_metrics", "level_sum", "run_metrics", "serving_ratio"]

# name -> what it means (shown in reports and the docs)
AGGREGATE_METRICS: dict[str, str] = {
    "convergence_s": "largest over the faults of the seconds from injection until every Deployment serves its desired replicas and nothing is Pending, for good (NaN: not within the run)",
    "converged": "1 if the cluster converged after every fault within the run, else 0",
    "availability_min": "lowest per-Deployment availability (fraction of time serving all desired replicas, after first becoming whole; Deployments of 0 replicas left out)",
    "availability_mean": "mean per-Deployment availability",
    "ready_ratio_min": "lowest per-Deployment time-weighted serving/desired ratio",
    "ready_ratio_mean": "mean per-Deployment time-weighted serving/desired ratio",
    "detection_s": "mean seconds from a node fault to NotReady",
    "taint_s": "mean seconds from NotReady to the NoExecute taint",
    "toleration_s": "mean seconds from the taint to the eviction",
    "replacement_s": "mean seconds from the eviction to the replacements being Ready",
    "evicted_pods": "pods evicted by the taint manager",
    "pods_created": "pods created during the run",
    "pods_pending_at_end": "pods still Pending when the run ended",
    "pods_never_scheduled": "pods created but never bound to a node",
    "scheduling_delay_p50_s": "median seconds from pod creation to binding",
    "scheduling_delay_p99_s": "99th percentile of seconds from pod creation to binding",
    "data_loss_events": "emptyDir or hostPath data lost to a replacement",
    "success_ratio_min": "lowest per-Service share of client requests that succeeded (NaN: no requests)",
    "failed_dns_share": "share of all client requests that failed at the DNS lookup",
    "cloud_cost": "managed clusters: what the node pools' VMs cost over the run (list price per hour x VM hours)",
    "cloud_vm_hours": "managed clusters: VM hours of every node pool",
    "spot_interruptions": "managed clusters: spot interruption notices",
    "autoscaler_scale_ups": "managed clusters: node groups grown by the Cluster Autoscaler",
}
DEPLOYMENT_KEYS = ("availability", "mean_ready_ratio", "initial_ready_s", "min_serving_after_ready")
FAULT_KEYS = ("detection_s", "taint_s", "toleration_s", "replacement_s", "convergence_s", "evicted_pods")


def _deployment_label(key: str) -> str:
    ns, _, name = key.partition("/")
    return name if ns == "default" else f"{ns}/{name}"


def known_metrics(cfg: SimConfig) -> set[str]:
    """Every metric name a run of ``cfg`` reports."""
    names = set(AGGREGATE_METRICS)
    for d in cfg.deployments:
        label = d.name if d.namespace == "default" else f"{d.namespace}/{d.name}"
        names |= {f"{label}.{k}" for k in DEPLOYMENT_KEYS}
    for i in range(len(cfg.faults)):
        names |= {f"fault{i}.{k}" for k in FAULT_KEYS}
    for svc in cfg.services:
        label = svc.name if svc.namespace == "default" else f"{svc.namespace}/{svc.name}"
        names.add(f"{label}.success_ratio")
    return names


def _num(v: Any) -> float:
    return float("nan") if v is None else float(v)


def _mean(vals: list[float]) -> float:
    vals = [v for v in vals if not math.isnan(v)]
    return float(np.mean(vals)) if vals else float("nan")


def run_metrics(summary: dict[str, Any]) -> dict[str, float]:
    """Flatten a run summary into ``{metric: number}`` (NaN where undefined)."""
    out: dict[str, float] = {}
    deps = summary.get("deployments", {})
    # a Deployment that wants no pods is neither available nor unavailable: it is left out of the
    # aggregates (counted as 0 it made availability_min 0 whatever the others did)
    wanted = [d for d in deps.values() if d.get("desired") or d.get("availability") is not None]
    avail = [_num(d.get("availability")) for d in wanted]
    ratio = [_num(d.get("mean_ready_ratio")) for d in wanted]
    for key, d in deps.items():
        for k in DEPLOYMENT_KEYS:
            out[f"{_deployment_label(key)}.{k}"] = _num(d.get(k))
    faults = summary.get("faults", [])
    by_index: dict[int, list[dict[str, Any]]] = {}
    for f in faults:  # a fault on several targets (a zone) has one row per target
        by_index.setdefault(int(f.get("index", 0)), []).append(f)
    for i, rows in by_index.items():
        for k in FAULT_KEYS:
            vals = [_num(r.get(k)) for r in rows]
            if k == "evicted_pods":
                out[f"fault{i}.{k}"] = float(np.nansum(vals))
            else:
                out[f"fault{i}.{k}"] = float("nan") if all(math.isnan(v) for v in vals) else float(np.nanmax(vals))
    conv = [_num(f.get("convergence_s")) for f in faults]
    out["converged"] = float(all(not math.isnan(c) for c in conv)) if faults else float("nan")
    out["convergence_s"] = max(conv) if faults and out["converged"] == 1.0 else float("nan")
    # availability 0 for a Deployment that never became whole (it never served)
    out["availability_min"] = min((0.0 if math.isnan(a) else a) for a in avail) if avail else float("nan")
    out["availability_mean"] = float(np.mean([0.0 if math.isnan(a) else a for a in avail])) if avail else float("nan")
    out["ready_ratio_min"] = min((0.0 if math.isnan(a) else a) for a in ratio) if ratio else float("nan")
    out["ready_ratio_mean"] = float(np.mean([0.0 if math.isnan(a) else a for a in ratio])) if ratio else float("nan")
    for k in ("detection_s", "taint_s", "toleration_s", "replacement_s"):
        out[k] = _mean([_num(f.get(k)) for f in faults])
    out["evicted_pods"] = float(sum(int(f.get("evicted_pods") or 0) for f in faults))
    out["pods_created"] = _num(summary.get("pods_created"))
    out["pods_pending_at_end"] = _num(summary.get("pods_pending_at_end"))
    for k in ("pods_never_scheduled", "scheduling_delay_p50_s", "scheduling_delay_p99_s", "data_loss_events"):
        out[k] = _num(summary.get(k))
    _request_metrics(summary, out)
    cloud = summary.get("cloud")
    out["cloud_cost"] = _num(cloud.get("total_cost")) if cloud else float("nan")
    out["cloud_vm_hours"] = float(sum(p["vm_hours"] for p in cloud["pools"].values())) if cloud else float("nan")
    out["spot_interruptions"] = _num(cloud.get("spot_interruptions")) if cloud else float("nan")
    out["autoscaler_scale_ups"] = _num(cloud["autoscaler"]["scale_ups"]) if cloud else float("nan")
    return out


def _request_metrics(summary: dict[str, Any], out: dict[str, float]) -> None:
    """Per-Service request success, the lowest of them, and the share failed at DNS."""
    ratios, sent, dns = [], 0, 0
    for key, sv in summary.get("services", {}).items():
        r = _num(sv.get("success_ratio"))
        out[f"{_deployment_label(key)}.success_ratio"] = r
        if not math.isnan(r):
            ratios.append(r)
        sent += int(sv.get("requests") or 0)
        dns += int((sv.get("failed_by_hop") or {}).get("dns", 0))
    out["success_ratio_min"] = min(ratios) if ratios else float("nan")
    out["failed_dns_share"] = dns / sent if sent else float("nan")


def level_sum(ts: pd.DataFrame, metric: str, grid: np.ndarray) -> np.ndarray:
    """A level metric summed over its labels (e.g. ``cluster_cpu_allocation``, ``pods_pending``) at the times ``grid``."""
    sel = ts[ts["metric"] == metric]
    if sel.empty:
        return np.full(len(grid), np.nan)
    series = Series(sel)
    keys = sel[["namespace", "name"]].drop_duplicates()
    return np.sum([series.get(metric, ns, name).at(grid) for ns, name in keys.itertuples(index=False)], axis=0)


def serving_ratio(ts: pd.DataFrame, grid: np.ndarray) -> np.ndarray:
    """Cluster-wide serving/desired replicas (all Deployments) at the times ``grid``."""
    series = Series(ts)
    if ts.empty:
        return np.full(len(grid), np.nan)
    keys = ts.loc[ts["metric"] == "desired_replicas", ["namespace", "name"]].drop_duplicates()
    desired = np.zeros(len(grid))
    serving = np.zeros(len(grid))
    for ns, name in keys.itertuples(index=False):
        desired += series.get("desired_replicas", ns, name).at(grid)
        serving += series.get("serving_replicas", ns, name).at(grid)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(desired > 0, np.minimum(serving / np.maximum(desired, 1), 1.0), np.nan)
