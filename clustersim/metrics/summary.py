"""The run summary: availability per Deployment and the recovery critical path per fault.

Availability uses the ground truth ``serving_replicas`` (pods that are Ready, really running on a
powered host and not terminating), not the API's ``readyReplicas``, which stays high until the
node lifecycle controller notices a dead node. Convergence after a fault is the time from injection
until every Deployment again serves its desired replicas and no pod is Pending, and stays so.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

import numpy as np
import pandas as pd

from clustersim.config.models import SimConfig
from clustersim.metrics.cloud_path import CLOUD_EVENT_REASONS, CLOUD_SERIES, cloud_paths, cloud_summary
from clustersim.metrics.frames import HOP_COLUMNS

__all__ = ["SUMMARY_EVENT_KINDS", "SUMMARY_EVENT_REASONS", "SUMMARY_METRICS", "SUMMARY_SERIES", "Series", "Step", "latency_summary",
           "summarize"]

SUMMARY_METRICS = ("desired_replicas", "serving_replicas", "pods_pending", "service_ready_endpoints", "proxy_ready_endpoints")
EVICTION_REASONS = ("TaintManagerEviction", "NodeControllerEviction")
# what summarize reads: it may be given only these rows of the timeseries and events frames (a test checks
# that the summary of the subsets is the summary of the whole frames; add here what a new part reads)
SUMMARY_SERIES = (*SUMMARY_METRICS, "node_noexecute_taint", *CLOUD_SERIES)
SUMMARY_EVENT_REASONS = ("NodeNotReady", *EVICTION_REASONS, "Pulled", "DataLoss", *CLOUD_EVENT_REASONS)
SUMMARY_EVENT_KINDS = ("Job",)
# faults whose target is a node: their recovery critical path is NotReady, taint, eviction, replacement
NODE_FAULTS = ("NodeCrash", "NodeReboot", "KubeletStop", "NetworkPartition", "ZoneOutage", "NodeFailures", "NodeDrain", "RuntimeOutage",
               "CredentialExpiry",
               "InstanceTermination", "InstanceStop", "InstanceRestart", "SpotInterruption",
               "TraceNodeFailures")


class Step:
    """A right-continuous step function from change rows (value 0 before the first row)."""

    def __init__(self, t: np.ndarray, v: np.ndarray) -> None:
        self.t, self.v = t, v

    def at(self, t: np.ndarray) -> np.ndarray:
        """Values at times ``t``."""
        if len(self.t) == 0:
            return np.zeros(len(t))
        i = np.searchsorted(self.t, t, side="right") - 1
        return np.where(i >= 0, self.v[np.clip(i, 0, None)], 0.0).astype(float)


class Series:
    """All step series of a run, split once by (metric, namespace, name); zones are summed."""

    def __init__(self, ts: pd.DataFrame) -> None:
        self._steps: dict[tuple[str, str, str], Step] = {}
        if ts.empty:
            return
        t_all, v_all = ts["t"].to_numpy(float), ts["value"].to_numpy(float)
        zones = ts["zone"].to_numpy(object)
        for (metric, ns, name), idx in ts.groupby(["metric", "namespace", "name"], sort=False).indices.items():
            t, v, z = t_all[idx], v_all[idx], zones[idx]
            if len(set(z)) > 1:
                parts = []
                for zone in sorted(set(z)):
                    sel = z == zone
                    parts.append(_dedupe(t[sel], v[sel]))
                grid = np.unique(np.concatenate([p.t for p in parts]))
                step = Step(grid, np.sum([p.at(grid) for p in parts], axis=0))
            else:
                step = _dedupe(t, v)
            self._steps[(str(metric), str(ns), str(name))] = step

    def get(self, metric: str, namespace: str = "", name: str = "") -> Step:
        """The series, or an all-zero one."""
        return self._steps.get((metric, namespace, name), Step(np.array([]), np.array([])))


def _dedupe(t: np.ndarray, v: np.ndarray) -> Step:
    """Rows are in time order; the last change at a given time wins."""
    keep = np.append(t[1:] != t[:-1], True)
    return Step(t[keep], v[keep])


def _intervals(steps: list[Step], start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints in [start, end) and the interval lengths after each."""
    pts = [np.array([start])] + [s.t[(s.t > start) & (s.t < end)] for s in steps]
    grid = np.unique(np.concatenate(pts))
    return grid, np.diff(np.append(grid, end))


def _deployment(series: Series, ns: str, name: str, end: float, t_fault: float | None = None) -> dict[str, Any]:
    """Availability of one workload; ``time_to_recover_s``: from the first fault until it is whole again for good."""
    desired, serving = series.get("desired_replicas", ns, name), series.get("serving_replicas", ns, name)
    grid, dt = _intervals([desired, serving], 0.0, end)
    d, s = desired.at(grid), serving.at(grid)
    whole = (s >= d) & (d > 0)
    out: dict[str, Any] = {"desired": int(d[-1]) if len(d) else 0, "initial_ready_s": None,
                           "availability": None, "mean_ready_ratio": None, "min_serving_after_ready": None,
                           "time_to_recover_s": None}
    if not whole.any():
        return out
    if t_fault is not None and whole[-1]:
        bad = np.flatnonzero(~whole & (grid >= t_fault))
        out["time_to_recover_s"] = 0.0 if len(bad) == 0 else float(grid[bad[-1] + 1] - t_fault)
    first = int(np.argmax(whole))
    w = dt[first:]
    total = w.sum()
    out["initial_ready_s"] = float(grid[first])
    if total > 0:
        ratio = np.where(d[first:] > 0, np.minimum(s[first:] / np.maximum(d[first:], 1), 1.0), 1.0)
        out["availability"] = float((w * whole[first:]).sum() / total)
        out["mean_ready_ratio"] = float((w * ratio).sum() / total)
    out["min_serving_after_ready"] = int(s[first:].min())
    return out


def _good(series: Series, deployments: list[tuple[str, str]], end: float) -> tuple[np.ndarray, np.ndarray]:
    """Breakpoints and whether the cluster is converged on each interval."""
    steps = [series.get("pods_pending")]
    for ns, name in deployments:
        steps += [series.get("desired_replicas", ns, name), series.get("serving_replicas", ns, name)]
    grid, _ = _intervals(steps, 0.0, end)
    ok = steps[0].at(grid) == 0
    for k in range(1, len(steps), 2):
        ok &= steps[k + 1].at(grid) >= steps[k].at(grid)
    return grid, ok


def _convergence(grid: np.ndarray, ok: np.ndarray, t_inject: float) -> float | None:
    after = grid >= t_inject
    if not ok[-1]:
        return None
    bad = np.flatnonzero(~ok & after)
    if len(bad) == 0:
        return 0.0
    j = bad[-1] + 1  # first good interval after the last bad one
    return float(grid[j] - t_inject)


def _first(df: pd.DataFrame, t_min: float) -> float | None:
    rows = df[df["t"] >= t_min]
    return float(rows["t"].iloc[0]) if len(rows) else None


class _PodsByWorkload:
    """The pods frame split once by workload (each part in frame order), for the per-fault lookups."""

    def __init__(self, pods: pd.DataFrame) -> None:
        self.pods = pods
        self._parts: dict[Any, pd.DataFrame] | None = None

    def of(self, workload: Any) -> pd.DataFrame:
        """The rows of ``workload``, in frame order (what ``pods[pods.workload == workload]`` gives)."""
        if self._parts is None:
            idx = self.pods.groupby("workload", sort=False).indices
            self._parts = {w: self.pods.iloc[i] for w, i in idx.items()}
        part = self._parts.get(workload)
        return part if part is not None else self.pods.iloc[0:0]


def _node_crash_path(row: dict[str, Any], ts: pd.DataFrame, ev: pd.DataFrame, pods: pd.DataFrame, t_end: float,
                     by_workload: _PodsByWorkload | None = None) -> None:
    """The path of one failure episode of a node: from its injection until the node's next failure (``t_end``)."""
    by_workload = by_workload or _PodsByWorkload(pods)
    node, t0 = row["target"], row["t_inject"]
    ev = ev[(ev["t"] >= t0) & (ev["t"] < t_end)]
    not_ready = ev[(ev["kind"] == "Node") & (ev["name"] == node) & (ev["reason"] == "NodeNotReady")]
    row["t_not_ready"] = _first(not_ready, t0)
    taint = ts[(ts["metric"] == "node_noexecute_taint") & (ts["name"] == node) & (ts["value"] == 1.0) & (ts["t"] < t_end)]
    row["t_tainted"] = _first(taint, t0)
    # the taint eviction controller's deletions, or the node lifecycle controller's on the legacy path
    evicted = ev[ev["reason"].isin(EVICTION_REASONS) & (ev["node"] == node) & ev["message"].str.startswith("Marking")]
    row["evicted_pods"] = len(evicted)
    row["t_evicted"] = float(evicted["t"].min()) if len(evicted) else None
    row["t_replacements_created"] = row["t_replacements_scheduled"] = row["t_replacements_ready"] = None
    row["t_replacements_pulled"] = row["t_replacements_started"] = None
    if len(evicted):
        victims = pods[pods["name"].isin(set(evicted["name"]))]
        need = victims.groupby("workload").size()
        reps = []
        for workload, n in need.items():
            if not workload:
                continue
            mine = by_workload.of(workload)
            cand = mine[(mine["created_s"] >= row["t_evicted"]) & (mine["created_s"] < t_end)].sort_values("created_s")
            reps.append(cand.head(int(n)))
        if reps:
            rep = pd.concat(reps)
            row["_workloads"] = sorted(w for w in need.index if w)
            if len(rep) == int(need[need.index != ""].sum()):
                pulled = ev[(ev["reason"] == "Pulled") & ev["name"].isin(set(rep["name"]))]
                row["t_replacements_pulled"] = float(pulled["t"].max()) if len(pulled) == len(rep) else None
                row["t_replacements_started"] = None if rep["started_s"].isna().any() else float(rep["started_s"].max())
                row["t_replacements_created"] = float(rep["created_s"].max())
                row["t_replacements_scheduled"] = None if rep["scheduled_s"].isna().any() else float(rep["scheduled_s"].max())
                row["t_replacements_ready"] = None if rep["ready_s"].isna().any() else float(rep["ready_s"].max())

    def gap(a: str, b: str) -> float | None:
        return None if row.get(a) is None or row.get(b) is None else float(row[b] - row[a])

    row["detection_s"] = gap("t_inject", "t_not_ready")
    row["taint_s"] = gap("t_not_ready", "t_tainted")
    row["toleration_s"] = gap("t_tainted", "t_evicted")
    row["replacement_s"] = gap("t_evicted", "t_replacements_ready")


def _endpoint_path(row: dict[str, Any], cfg: SimConfig, series: Series, end: float) -> None:
    """When the replacements are in the Services' EndpointSlices, and in every node's kube-proxy rules."""
    workloads = set(row.pop("_workloads", ()))
    row["t_in_endpoints"] = row["t_in_endpoints_everywhere"] = None
    start = row.get("t_replacements_ready")
    if start is None or not workloads:
        return
    for key, metric in (("t_in_endpoints", "service_ready_endpoints"), ("t_in_endpoints_everywhere", "proxy_ready_endpoints")):
        times = []
        for svc in cfg.services:
            deps = [d for d in (*cfg.deployments, *cfg.stateful_sets) if d.namespace == svc.namespace
                    and all((d.labels or {"app": d.name}).get(k) == v for k, v in svc.selector.items())]
            if not svc.selector or not any(d.name in workloads for d in deps):
                continue
            ready = series.get(metric, svc.namespace, svc.name)
            desired = [series.get("desired_replicas", d.namespace, d.name) for d in deps]
            grid, _ = _intervals([ready, *desired], start, end)
            want = np.sum([x.at(grid) for x in desired], axis=0)
            ok = np.flatnonzero(ready.at(grid) >= want)
            times.append(float(grid[ok[0]]) if len(ok) else None)
        if times and all(t is not None for t in times):
            row[key] = max(t for t in times if t is not None)


def _job(ev: pd.DataFrame, ns: str, name: str) -> dict[str, Any]:
    """How a Job ended (from its events): Complete or the failure reason, and when."""
    mine = ev[(ev["kind"] == "Job") & (ev["namespace"] == ns) & (ev["name"] == name)] if len(ev) else ev
    end = mine[mine["reason"].isin(["Completed", "BackoffLimitExceeded", "DeadlineExceeded", "PodFailurePolicy"])] if len(mine) else mine
    created = int((mine["reason"] == "SuccessfulCreate").sum()) if len(mine) else 0
    if len(end) == 0:
        return {"condition": None, "reason": None, "finished_s": None, "pods_created": created}
    row = end.iloc[0]
    done = row["reason"] == "Completed"
    return {"condition": "Complete" if done else "Failed", "reason": None if done else str(row["reason"]),
            "finished_s": float(row["t"]), "pods_created": created}


def _scheduling(pods: pd.DataFrame) -> dict[str, Any]:
    """Scheduling delay (creation to binding) over the pods that were bound, and the pods never bound."""
    if pods.empty:
        return {"scheduling_delay_p50_s": None, "scheduling_delay_p99_s": None, "pods_never_scheduled": 0}
    delay = (pods["scheduled_s"] - pods["created_s"]).dropna()
    return {"scheduling_delay_p50_s": float(delay.quantile(0.5)) if len(delay) else None,
            "scheduling_delay_p99_s": float(delay.quantile(0.99)) if len(delay) else None,
            "pods_never_scheduled": int(pods["scheduled_s"].isna().sum())}


def latency_summary(samples: list[float]) -> dict[str, Any]:
    """Count and p50/p90/p99 of latency samples (kube-proxy's network programming latency), None when empty."""
    if not samples:
        return {"changes": 0, "p50_s": None, "p90_s": None, "p99_s": None}
    q = np.quantile(np.asarray(samples, dtype=float), [0.5, 0.9, 0.99])
    return {"changes": len(samples), "p50_s": float(q[0]), "p90_s": float(q[1]), "p99_s": float(q[2])}


def _scaled(v: int | str | None, total: float) -> float:
    if v is None:
        return 0.0
    if isinstance(v, str):
        return math.ceil(int(v[:-1]) * total / 100)
    return float(v)


def _service(cfg: SimConfig, svc: Any, series: Series, end: float, requests: pd.DataFrame | None) -> dict[str, Any]:
    """Per Service: time-weighted endpoint availability and the request success ratio.

    ``any_endpoint``: at least one ready endpoint in the EndpointSlice; ``all_desired``: as many ready
    endpoints as the selected Deployments' desired replicas; ``pdb_min_available``: at least what a
    PodDisruptionBudget over those pods requires (None without one).
    """
    sel = svc.selector
    deps = [d for d in cfg.deployments if sel and d.namespace == svc.namespace
            and all((d.labels or {"app": d.name}).get(k) == v for k, v in sel.items())]
    ready = series.get("service_ready_endpoints", svc.namespace, svc.name)
    desired = [series.get("desired_replicas", d.namespace, d.name) for d in deps]
    grid, dt = _intervals([ready, *desired], 0.0, end)
    r = ready.at(grid)
    want = np.sum([s.at(grid) for s in desired], axis=0) if desired else np.zeros(len(grid))
    start = np.flatnonzero(r >= np.maximum(want, 1))
    out: dict[str, Any] = {"type": svc.type, "any_endpoint": None, "all_desired": None, "pdb_min_available": None,
                           "requests": 0, "failed_requests": 0, "success_ratio": None, "failed_by_hop": {}}
    if len(start):
        first = int(start[0])
        w = dt[first:]
        total = w.sum()
        if total > 0:
            out["any_endpoint"] = float((w * (r[first:] >= 1)).sum() / total)
            out["all_desired"] = float((w * (r[first:] >= want[first:])).sum() / total)
            pdbs = [b for b in cfg.pod_disruption_budgets if b.namespace == svc.namespace
                    and any(all((d.labels or {"app": d.name}).get(k) == v for k, v in b.selector.match_labels.items()) for d in deps)]
            if pdbs:
                b = pdbs[0]
                need = (np.array([_scaled(b.min_available, x) for x in want[first:]]) if b.min_available is not None
                        else want[first:] - np.array([_scaled(b.max_unavailable, x) for x in want[first:]]))
                out["pdb_min_available"] = float((w * (r[first:] >= need)).sum() / total)
    if requests is not None and not requests.empty:
        mine = requests[(requests["namespace"] == svc.namespace) & (requests["service"] == svc.name) & (requests["source"] != "ingress")]
        out.update(_request_counts(mine))
    return out


def _request_counts(rows: pd.DataFrame) -> dict[str, Any]:
    """Requests, failures, success ratio and the failures per hop of some rows of the requests frame."""
    n, f = int(rows["requests"].sum()), int(rows["failed"].sum())
    hops = {c.removeprefix("failed_"): int(rows[c].sum()) for c in HOP_COLUMNS}
    return {"requests": n, "failed_requests": f, "success_ratio": (n - f) / n if n else None, "failed_by_hop": hops}


def summarize(cfg: SimConfig, end: float, ts: pd.DataFrame, ev: pd.DataFrame, pods: pd.DataFrame,
              faults: pd.DataFrame, requests: pd.DataFrame | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Summary dict and the faults frame extended with the critical-path columns.

    ``ts`` and ``ev`` may hold only the rows of ``SUMMARY_SERIES`` and of ``SUMMARY_EVENT_REASONS`` or
    ``SUMMARY_EVENT_KINDS``: nothing else is read.
    """
    from clustersim.addons.workloads import addon_workloads

    addons = addon_workloads(cfg)
    deployments = [(d.namespace, d.name) for d in (*cfg.deployments, *cfg.stateful_sets, *cfg.daemon_sets,
                                                   *addons.deployments, *addons.daemon_sets)]
    series = Series(ts[ts["metric"].isin(SUMMARY_METRICS)])
    t_fault = float(faults["t_inject"].min()) if len(faults) else None
    summary: dict[str, Any] = {
        "seed": cfg.seed,
        "duration_s": end,
        "deployments": {f"{d.namespace}/{d.name}": _deployment(series, d.namespace, d.name, end, t_fault) for d in cfg.deployments},
        "pods_created": int(len(pods)),
        "pods_pending_at_end": int(series.get("pods_pending").at(np.array([end]))[0]),
        "stateful_sets": {f"{st.namespace}/{st.name}": _deployment(series, st.namespace, st.name, end, t_fault) for st in cfg.stateful_sets},
        "daemon_sets": {f"{d.namespace}/{d.name}": _deployment(series, d.namespace, d.name, end, t_fault) for d in cfg.daemon_sets},
        "jobs": {f"{j.namespace}/{j.name}": _job(ev, j.namespace, j.name) for j in cfg.jobs},
        "data_loss_events": int((ev["reason"] == "DataLoss").sum()) if len(ev) else 0,
        **_scheduling(pods),
        "simplifications": list(cfg.simplifications),
        "services": {f"{sv.namespace}/{sv.name}": _service(cfg, sv, series, end, requests) for sv in cfg.services},
        "addons": {f"{d.namespace}/{d.name}": _deployment(series, d.namespace, d.name, end, t_fault)
                   for d in (*addons.deployments, *addons.daemon_sets)},
        "faults": [],
    }
    grid, ok = _good(series, deployments, end)
    ev_all, ts_all = ev, ts
    # the few rows the critical paths read, selected once
    ev = ev[ev["reason"].isin(["NodeNotReady", *EVICTION_REASONS, "Pulled"])]
    ts = ts[ts["metric"] == "node_noexecute_taint"]
    rows = []
    records = faults.to_dict("records")
    injections: dict[str, list[float]] = {}  # node -> its failure times, sorted: an episode ends at the next
    for r in records:
        if r["fault"] in NODE_FAULTS:
            injections.setdefault(r["target"], []).append(r["t_inject"])
    for times in injections.values():
        times.sort()
    by_workload = _PodsByWorkload(pods)
    for rec in records:
        row = dict(rec)
        row["t_recover"] = None if row["t_recover"] is None or math.isnan(row["t_recover"]) else row["t_recover"]
        if row["fault"] in NODE_FAULTS:
            times = injections[row["target"]]
            i = bisect.bisect_right(times, row["t_inject"])
            _node_crash_path(row, ts, ev, pods, times[i] if i < len(times) else math.inf, by_workload)
            _endpoint_path(row, cfg, series, end)
        row["convergence_s"] = _convergence(grid, ok, row["t_inject"])
        rows.append(row)
    if cfg.cloud is not None:  # managed cluster: the cloud path of each node fault, and what the pools cost
        cloud_paths(rows, NODE_FAULTS, ev_all, ts_all, pods)
        summary["cloud"] = cloud_summary(cfg, ts_all, ev_all, end)
    summary["faults"] = rows
    return summary, pd.DataFrame(rows) if rows else faults
