"""The run summary: availability per Deployment and the recovery critical path per fault.

Availability uses the ground truth ``serving_replicas`` (pods that are Ready, really running on a
powered host and not terminating), not the API's ``readyReplicas``, which stays high until the
node lifecycle controller notices a dead node. Convergence after a fault is the time from injection
until every Deployment again serves its desired replicas and no pod is Pending, and stays so.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
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
    """Breakpoints and whether the cluster is converged on each interval.

    Each workload's shortfall (serving below desired) is evaluated on its own breakpoints only; the
    number of workloads short is then one step function (their flips merged in time order), read on
    the common grid: the same answer as evaluating every workload on every breakpoint of the run.
    """
    pending = series.get("pods_pending")
    steps = [pending]
    flips_t, flips_d = [np.array([0.0])], [np.array([0])]
    for ns, name in deployments:
        desired, serving = series.get("desired_replicas", ns, name), series.get("serving_replicas", ns, name)
        steps += [desired, serving]
        own, _ = _intervals([desired, serving], 0.0, end)
        short = (serving.at(own) < desired.at(own)).astype(np.int64)
        change = np.diff(short, prepend=0)
        at = np.flatnonzero(change)
        flips_t.append(own[at])
        flips_d.append(change[at])
    grid, _ = _intervals(steps, 0.0, end)
    t_all, d_all = np.concatenate(flips_t), np.concatenate(flips_d)
    order = np.argsort(t_all, kind="stable")
    short_count = Step(t_all[order], np.cumsum(d_all[order]))
    ok = (pending.at(grid) == 0) & (short_count.at(grid) == 0)
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
    """The pods frame's columns as arrays, split once by workload and by name, for the per-fault lookups."""

    def __init__(self, pods: pd.DataFrame) -> None:
        self.pods = pods
        self._by_workload: dict[Any, np.ndarray] | None = None
        self._by_name: dict[Any, list[int]] | None = None
        self._cols: dict[str, np.ndarray] = {}

    def col(self, name: str) -> np.ndarray:
        """A column as a numpy array (times as float)."""
        if name not in self._cols:
            c = self.pods[name]
            self._cols[name] = c.to_numpy(float) if name.endswith("_s") else c.to_numpy(object)
        return self._cols[name]

    def of(self, workload: Any) -> np.ndarray:
        """Positions of the rows of ``workload``, in frame order."""
        if self._by_workload is None:
            self._by_workload = self.pods.groupby("workload", sort=False).indices
        return self._by_workload.get(workload, np.zeros(0, dtype=np.int64))

    def named(self, names: set[Any]) -> list[int]:
        """Positions of the rows whose name is one of ``names``."""
        if self._by_name is None:
            self._by_name = {}
            for i, n in enumerate(self.col("name")):
                self._by_name.setdefault(n, []).append(i)
        return [i for n in names for i in self._by_name.get(n, ())]


class _CriticalEvents:
    """The events the critical paths read, indexed once (they are in time order): NodeNotReady times per
    node, the eviction controllers' "Marking ... for deletion" events per node, Pulled times per pod."""

    def __init__(self, ev: pd.DataFrame) -> None:
        t, kind, name = ev["t"].to_numpy(float), ev["kind"].to_numpy(object), ev["name"].to_numpy(object)
        reason, node, message = ev["reason"].to_numpy(object), ev["node"].to_numpy(object), ev["message"].to_numpy(object)
        self._not_ready: dict[str, list[float]] = {}
        self._evictions: dict[str, list[tuple[float, str]]] = {}
        self._pulled: dict[str, list[float]] = {}
        for i in range(len(t)):
            r = reason[i]
            if r == "Pulled":
                self._pulled.setdefault(name[i], []).append(t[i])
            elif r == "NodeNotReady" and kind[i] == "Node":
                self._not_ready.setdefault(name[i], []).append(t[i])
            elif r in EVICTION_REASONS and isinstance(message[i], str) and message[i].startswith("Marking"):
                self._evictions.setdefault(node[i], []).append((t[i], name[i]))

    @staticmethod
    def _window(times: list[float], t0: float, t_end: float) -> tuple[int, int]:
        return bisect.bisect_left(times, t0), bisect.bisect_left(times, t_end)

    def first_not_ready(self, node: str, t0: float, t_end: float) -> float | None:
        """The node's first NodeNotReady event in [t0, t_end)."""
        times = self._not_ready.get(node, [])
        i, j = self._window(times, t0, t_end)
        return float(times[i]) if i < j else None

    def evicted(self, node: str, t0: float, t_end: float) -> list[tuple[float, str]]:
        """(time, pod name) of the evictions from the node in [t0, t_end)."""
        return [e for e in self._evictions.get(node, []) if t0 <= e[0] < t_end]

    def pulled(self, names: set[str], t0: float, t_end: float) -> tuple[int, float | None]:
        """How many Pulled events the pods named had in [t0, t_end), and the last one's time."""
        count, last = 0, None
        for n in names:
            times = self._pulled.get(n, [])
            i, j = self._window(times, t0, t_end)
            if i < j:
                count += j - i
                last = times[j - 1] if last is None else max(last, times[j - 1])
        return count, last


def _node_crash_path(row: dict[str, Any], ts: pd.DataFrame, ev: pd.DataFrame | _CriticalEvents, pods: pd.DataFrame,
                     t_end: float, by_workload: _PodsByWorkload | None = None) -> None:
    """The path of one failure episode of a node: from its injection until the node's next failure (``t_end``)."""
    by_workload = by_workload or _PodsByWorkload(pods)
    index = ev if isinstance(ev, _CriticalEvents) else _CriticalEvents(ev)
    node, t0 = row["target"], row["t_inject"]
    row["t_not_ready"] = index.first_not_ready(node, t0, t_end)
    taint = ts[(ts["metric"] == "node_noexecute_taint") & (ts["name"] == node) & (ts["value"] == 1.0) & (ts["t"] < t_end)]
    row["t_tainted"] = _first(taint, t0)
    # the taint eviction controller's deletions, or the node lifecycle controller's on the legacy path
    evicted = index.evicted(node, t0, t_end)
    row["evicted_pods"] = len(evicted)
    row["t_evicted"] = float(min(t for t, _ in evicted)) if evicted else None
    row["t_replacements_created"] = row["t_replacements_scheduled"] = row["t_replacements_ready"] = None
    row["t_replacements_pulled"] = row["t_replacements_started"] = None
    if evicted:
        # victims per workload; each workload's replacements are its first pods created after the eviction
        # (sorted as pandas' sort_values does: a quicksort argsort of the same values in frame order)
        workloads = by_workload.col("workload")
        need = Counter(workloads[i] for i in by_workload.named({n for _, n in evicted}))
        created = by_workload.col("created_s")
        reps = []
        for workload in sorted(need):
            if not workload:
                continue
            mine = by_workload.of(workload)
            c = created[mine]
            cand = mine[(c >= row["t_evicted"]) & (c < t_end)]
            reps.append(cand[np.argsort(created[cand], kind="quicksort")][: need[workload]])
        if reps:
            rep = np.concatenate(reps)
            row["_workloads"] = sorted(w for w in need if w)
            if len(rep) == sum(n for w, n in need.items() if w != ""):
                n_pulled, last_pulled = index.pulled(set(by_workload.col("name")[rep]), t0, t_end)
                row["t_replacements_pulled"] = float(last_pulled) if n_pulled == len(rep) and last_pulled is not None else None
                for key, col in (("t_replacements_started", "started_s"), ("t_replacements_created", "created_s"),
                                 ("t_replacements_scheduled", "scheduled_s"), ("t_replacements_ready", "ready_s")):
                    v = by_workload.col(col)[rep]
                    row[key] = None if np.isnan(v).any() else float(v.max())

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
        rows = requests[(requests["namespace"] == svc.namespace) & (requests["service"] == svc.name)]
        via = rows["source"] == "ingress"
        out.update(_request_counts(rows[~via]))  # the Service's own clients
        if via.any():  # requests an Ingress rule sent to it (also under ingress_rules)
            out["via_ingress"] = _request_counts(rows[via])
    return out


def _ingress_rules(requests: pd.DataFrame | None) -> dict[str, Any]:
    """Per Ingress rule (``<namespace>/<ingress> <host><path> (<pathType>)``, or ``(no rule)``): its backend
    Service and the request counts; for these rows ``routing`` is ingress-nginx's 503 (no ready endpoint)
    and ``ingress`` its 404 (no rule) or a controller that did not answer."""
    if requests is None or requests.empty or "source" not in requests:
        return {}
    rows = requests[requests["source"] == "ingress"]
    out: dict[str, Any] = {}
    for (ing, rule, svc), g in rows.groupby(["ingress", "rule", "service"], sort=True):
        label = f"{ing} {rule}" if ing else str(rule)
        out[label] = {"backend": str(svc) or None, **_request_counts(g)}
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
    rules = _ingress_rules(requests)
    if rules:  # only runs with Ingress clients: other runs' summaries keep their keys
        summary["ingress_rules"] = rules
    grid, ok = _good(series, deployments, end)
    ev_all, ts_all = ev, ts
    # the few rows the critical paths read, selected and indexed once
    ev = ev[ev["reason"].isin(["NodeNotReady", *EVICTION_REASONS, "Pulled"])]
    critical = _CriticalEvents(ev)
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
            _node_crash_path(row, ts, critical, pods, times[i] if i < len(times) else math.inf, by_workload)
            _endpoint_path(row, cfg, series, end)
        row["convergence_s"] = _convergence(grid, ok, row["t_inject"])
        rows.append(row)
    if cfg.cloud is not None:  # managed cluster: the cloud path of each node fault, and what the pools cost
        cloud_paths(rows, NODE_FAULTS, ev_all, ts_all, pods)
        summary["cloud"] = cloud_summary(cfg, ts_all, ev_all, end)
    summary["faults"] = rows
    return summary, pd.DataFrame(rows) if rows else faults
