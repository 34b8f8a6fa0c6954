"""What the panels draw, computed from a run's frames (pandas only; no plotting here)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from clustersim.addons.workloads import addon_workloads
from clustersim.rundir import RunDir

__all__ = ["PHASE_NAMES", "event_rows", "fault_phases", "node_matrix", "node_states", "pool_series", "request_success", "scheduling_rows",
           "steps", "workload_keys"]

# the recovery critical path's columns in the faults frame, in order, and the phase that ends at each
PHASE_NAMES = {
    "t_not_ready": "detection (NotReady)", "t_tainted": "taint", "t_evicted": "toleration (eviction)",
    "t_replacements_created": "replacements created", "t_replacements_scheduled": "scheduled", "t_replacements_pulled": "image pull",
    "t_replacements_started": "started", "t_replacements_ready": "ready", "t_in_endpoints": "in endpoints",
    "t_in_endpoints_everywhere": "in every node's rules",
}


def steps(ts: pd.DataFrame, metric: str, end: float, **labels: str) -> tuple[list[float], list[float]]:
    """A level as step points (each value held until the next change), summed over zones when not given."""
    rows = ts[ts["metric"] == metric]
    for k, v in labels.items():
        rows = rows[rows[k] == v]
    if rows.empty:
        return [], []
    if "zone" not in labels and rows["zone"].nunique() > 1:
        wide = rows.pivot_table(index="t", columns="zone", values="value", aggfunc="last").sort_index().ffill().fillna(0.0)
        t, v = wide.index.to_numpy(float), wide.sum(axis=1).to_numpy(float)
    else:
        last = rows.groupby("t", sort=True)["value"].last()
        t, v = last.index.to_numpy(float), last.to_numpy(float)
    return [*t.tolist(), end], [*v.tolist(), float(v[-1])]


def pool_series(run: RunDir) -> dict[str, dict[str, list[float]]]:
    """Per node pool of a managed run: its Nodes and billed VMs over time (steps) and the cost so far
    (billed VMs x the pool's price per hour, integrated: exact at each change, linear in between)."""
    pools = (run.summary.get("cloud") or {}).get("pools") or {}
    if not pools:
        return {}
    ts, end, out = run.frame("timeseries"), run.duration_s, {}
    for name, p in pools.items():
        t_nodes, nodes = steps(ts, "pool_nodes", end, name=name)
        t_vms, vms = steps(ts, "cloud_instances", end, name=name)
        cost = [0.0]
        for i in range(1, len(t_vms)):
            cost.append(cost[-1] + vms[i - 1] * (t_vms[i] - t_vms[i - 1]) / 3600.0 * float(p["price_per_hour"]))
        out[name] = {"t_nodes": t_nodes, "nodes": nodes, "t_vms": t_vms, "vms": vms, "cost": cost}
    return out


def workload_keys(run: RunDir) -> list[tuple[str, str]]:
    """(namespace, name) of every Deployment and StatefulSet with replica levels."""
    ts = run.frame("timeseries")
    rows = ts[ts["metric"] == "desired_replicas"][["namespace", "name"]].drop_duplicates()
    kinds = {(d.namespace, d.name) for d in (*run.config.deployments, *run.config.stateful_sets, *addon_workloads(run.config).deployments)}
    return [(str(n), str(w)) for n, w in rows.itertuples(index=False) if (n, w) in kinds]


def node_states(run: RunDir) -> pd.DataFrame:
    """Per zone, at each node change: how many nodes are Ready, Ready but tainted or cordoned, NotReady, deleted."""
    ns = run.frame("node_status").sort_values("t", kind="stable")
    current: dict[str, tuple[str, str]] = {}
    rows: list[tuple[float, dict[tuple[str, str], int]]] = []
    for r in ns.itertuples(index=False):
        if not r.exists:
            state = "deleted"
        elif r.ready != "True":
            state = "NotReady"
        elif r.unschedulable or r.taints:
            state = "Ready, tainted or cordoned"
        else:
            state = "Ready"
        current[str(r.node)] = (str(r.zone), state)
        counts: dict[tuple[str, str], int] = {}
        for zone, st in current.values():
            counts[(zone, st)] = counts.get((zone, st), 0) + 1
        rows.append((float(r.t), counts))
    out = []
    for i, (t, cnt) in enumerate(rows):
        if i + 1 < len(rows) and rows[i + 1][0] == t:
            continue  # keep the last state at each time
        out += [(t, zone, st, n) for (zone, st), n in cnt.items()]
    return pd.DataFrame(out, columns=["t", "zone", "state", "nodes"])


def node_matrix(run: RunDir, bins: int = 240, value: str = "pods") -> tuple[list[str], np.ndarray, np.ndarray]:
    """Nodes x time bins: pods bound (``pods``), or CPU requested / allocatable (``cpu``), or CPU used (``usage``)."""
    end = run.duration_s
    edges = np.linspace(0.0, end, bins + 1)
    mids = (edges[:-1] + edges[1:]) / 2
    nodes = sorted(run.frame("node_status")["node"].unique(), key=_natural)
    index = {n: i for i, n in enumerate(nodes)}
    mat = np.zeros((len(nodes), bins))
    if value == "usage":
        u = run.frame("usage")
        for node, g in u.groupby("node"):
            if node in index:
                per_t = g.groupby("t")["cpu_m"].sum()
                idx = np.searchsorted(per_t.index.to_numpy(float), mids, side="right") - 1
                vals = np.where(idx >= 0, per_t.to_numpy(float)[np.clip(idx, 0, None)], 0.0)
                mat[index[node]] = vals
        return nodes, mids, mat
    pods = run.frame("pods")
    bound = pods[pods["scheduled_s"].notna() & (pods["node"] != "")]
    for p in bound.itertuples(index=False):
        i = index.get(p.node)
        if i is None:
            continue
        stop = end if pd.isna(p.deleted_s) else float(p.deleted_s)
        live = (mids >= p.scheduled_s) & (mids < stop)
        mat[i, live] += 1.0 if value == "pods" else float(p.request_cpu_m)
    if value == "cpu":
        alloc = run.frame("node_status").groupby("node")["allocatable_cpu_m"].max()
        mat = mat / np.array([max(float(alloc.get(n, 0)), 1.0) for n in nodes])[:, None]
    return nodes, mids, mat


def _natural(name: str) -> tuple[Any, ...]:
    parts, cur = [], ""
    for ch in str(name):
        if cur and cur[-1].isdigit() != ch.isdigit():
            parts.append(cur)
            cur = ""
        cur += ch
    parts.append(cur)
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def fault_phases(run: RunDir) -> tuple[list[str], pd.DataFrame]:
    """One bar per critical-path phase of each fault (rows labelled ``fault target``), in time order."""
    f = run.frame("faults")
    if f.empty:
        return [], pd.DataFrame(columns=["row", "phase", "start", "end", "duration"])
    known = [c for c in PHASE_NAMES if c in f.columns]
    extra = sorted((c for c in f.columns if c.startswith("t_") and c not in PHASE_NAMES and c not in ("t_inject", "t_recover")),
                   key=lambda c: float(pd.to_numeric(f[c], errors="coerce").mean()) if f[c].notna().any() else 1e18)
    cols = known + extra
    labels, rows = [], []
    for r in f.itertuples(index=False):
        label = f"{r.fault} {r.target}"
        labels.append(label)
        d = r._asdict()
        prev_t = float(d["t_inject"])
        for c in cols:
            v = pd.to_numeric(d.get(c), errors="coerce")
            if pd.isna(v) or float(v) < prev_t:
                continue
            rows.append((label, PHASE_NAMES.get(c, c.removeprefix("t_").replace("_", " ")), prev_t, float(v), float(v) - prev_t))
            prev_t = float(v)
        if not pd.isna(d.get("t_recover")):
            rows.append((label, "fault active", float(d["t_inject"]), float(d["t_recover"]), float(d["t_recover"]) - float(d["t_inject"])))
    return labels, pd.DataFrame(rows, columns=["row", "phase", "start", "end", "duration"])


def request_success(run: RunDir) -> pd.DataFrame:
    """Per traffic step and Service, and per Ingress rule (``ingress <ns>/<ingress> <host><path> (<pathType>)``, the
    summary's ``ingress_rules`` keys): requests, failed, success ratio."""
    req = run.frame("requests")
    if req.empty:
        return pd.DataFrame(columns=["t", "key", "requests", "failed", "success"])
    key = req["namespace"].astype(str) + "/" + req["service"].astype(str)
    if "source" in req.columns and "rule" in req.columns:  # an Ingress client's row: its rule, as the summary's ingress_rules name it
        ing = req["source"].astype(str) == "ingress"
        ingress, rule = req["ingress"].astype(str), req["rule"].astype(str)
        key = key.where(~ing, ("ingress " + ingress + " " + rule).where(ingress != "", "ingress " + rule))
    df = req.assign(key=key).groupby(["t", "key"], sort=True)[["requests", "failed"]].sum().reset_index()
    df["success"] = np.where(df["requests"] > 0, 1 - df["failed"] / df["requests"].clip(lower=1), np.nan)
    return df[["t", "key", "requests", "failed", "success"]]


def event_rows(run: RunDir, limit: int = 50_000) -> pd.DataFrame:
    """The event log with kubectl's columns (OBJECT as ``kind/name``), the time in simulated seconds first."""
    ev = run.frame("events")
    if len(ev) > limit:
        ev = ev.iloc[:limit]
    obj = ev["kind"].astype(str).str.lower() + "/" + ev["name"].astype(str)
    return pd.DataFrame({"t": ev["t"].astype(float).round(3), "type": ev["type"].astype(str), "reason": ev["reason"].astype(str),
                         "object": obj, "namespace": ev["namespace"].astype(str), "node": ev["node"].astype(str),
                         "message": ev["message"].astype(str)})


def scheduling_rows(run: RunDir) -> pd.DataFrame:
    """Per pod, the scheduler's explanation: its Scheduled/FailedScheduling/Preempted events, and the per-node,
    per-plugin verdicts and scores when the run recorded them (``scheduler.explain_pods``)."""
    ev = run.frame("events")
    sched = ev[(ev["kind"] == "Pod") & ev["reason"].isin(["Scheduled", "FailedScheduling", "Preempted", "Preempting"])]
    rows = [(f"{r.namespace}/{r.name}", float(r.t), "event", r.reason, "", "", str(r.message)) for r in sched.itertuples(index=False)]
    ex = run.frame("explanations")
    if not ex.empty:
        for r in ex.itertuples(index=False):
            verdict = ("passed" if r.passed else f"rejected: {r.reason}") if r.stage == "filter" else \
                f"score {r.score} x {r.weight} = {r.weighted}" + (" (chosen)" if r.chosen else "")
            rows.append((f"{r.namespace}/{r.pod}", float(r.t), str(r.stage), str(r.plugin or ""), str(r.node), verdict, ""))
    return pd.DataFrame(rows, columns=["pod", "t", "stage", "what", "node", "verdict", "message"])
