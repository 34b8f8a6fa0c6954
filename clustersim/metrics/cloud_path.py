"""The cloud's side of the summary: the managed recovery path of each node fault, and pool costs.

Critical path of the cloud path (columns added to the faults frame on managed clusters): the VM gone
(``t_instance_gone``: the cloud's InstanceTerminated), the Node deleted by the cloud node lifecycle
controller (``t_node_deleted``), its pods deleted by PodGC (``t_orphans_deleted``), new capacity asked
for (``t_scale_up_triggered``: the Cluster Autoscaler's TriggeredScaleUp, or ``t_new_instance``: the
first VM launched, by the autoscaler or by the node group replacing the VM), a new Node Ready
(``t_new_node_ready``), and the replacements Ready. ``recovered_by`` names the path that recovered the
node's pods: ``cloud-node-lifecycle`` (Node deleted, orphans GC'd), ``taint-eviction`` (the self-managed
NotReady -> taint -> 300 s toleration path), ``termination-handler`` (drained on a spot notice),
``node-restart`` (the node came back first) or ``none``; ``capacity_from`` says where the replacements
ran: ``spare`` (existing nodes), ``node-group`` (a VM the group relaunched) or ``autoscaler``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from clustersim.config.models import SimConfig

__all__ = ["CLOUD_EVENT_REASONS", "CLOUD_PATH_COLUMNS", "CLOUD_SERIES", "cloud_paths", "cloud_summary"]

CLOUD_PATH_COLUMNS = ("t_instance_gone", "t_node_deleted", "t_orphans_deleted", "orphans_deleted", "t_new_instance",
                      "t_scale_up_triggered", "t_new_node_ready", "recovered_by", "capacity_from")
_REASONS = ("InstanceTerminated", "DeletingNode", "PodGCDeleted", "InstanceLaunched", "TriggeredScaleUp", "ScaledUpGroup",
            "TaintManagerEviction", "CordonAndDrain", "NodeReady", "Rebooted")
# what cloud_paths and cloud_summary read (the summary's SUMMARY_SERIES / SUMMARY_EVENT_REASONS include them)
CLOUD_SERIES = ("node_ready", "cloud_instances", "pool_nodes")
CLOUD_EVENT_REASONS = (*_REASONS, "FailedToScaleUpGroup", "NotTriggerScaleUp", "ScaleDown", "ScaleDownEmpty", "SpotInterruptionNotice")


def _first(ev: pd.DataFrame, lo: float, hi: float) -> float | None:
    rows = ev[(ev["t"] >= lo) & (ev["t"] < hi)]
    return float(rows["t"].iloc[0]) if len(rows) else None


class _Pods:
    """The pods frame as arrays, indexed by node and by workload once for every fault's path."""

    def __init__(self, pods: pd.DataFrame) -> None:
        self.frame = pods
        self.created = pods["created_s"].to_numpy(float)
        self.gone = pods["deletion_s"].fillna(pods["deleted_s"]).to_numpy(float, na_value=np.nan)
        self.ready = pods["ready_s"].to_numpy(float, na_value=np.nan)
        self.node = pods["node"].to_numpy(object)
        self.workload = pods["workload"].to_numpy(object)
        self.by_node = {k: np.asarray(v) for k, v in pods.groupby("node", sort=False).indices.items()} if len(pods) else {}
        self._by_workload: dict[str, np.ndarray] | None = None

    def of_workload(self, workload: str) -> np.ndarray:
        """Row positions of a workload's pods in creation order (stable: the frame's order breaks ties)."""
        if self._by_workload is None:
            self._by_workload = {}
            for k, v in self.frame.groupby("workload", sort=False).indices.items():
                v = np.asarray(v)
                self._by_workload[k] = v[np.argsort(self.created[v], kind="stable")]
        return self._by_workload.get(workload, np.empty(0, dtype=np.intp))

    def victims(self, node: str, t0: float, t1: float) -> np.ndarray:
        """Positions of the pods on ``node`` at ``t0`` that went away in [t0, t1)."""
        idx = self.by_node.get(node, np.empty(0, dtype=np.intp))
        gone = self.gone[idx]
        return idx[(self.created[idx] <= t0) & (gone >= t0) & (gone < t1)]

    def replacements(self, victims: np.ndarray) -> np.ndarray | None:
        """For each workload, as many of its pods created after its first victim went as it lost."""
        out = []
        for workload in dict.fromkeys(self.workload[victims]):
            if not isinstance(workload, str) or not workload:  # no workload (or NA): nothing replaces it
                continue
            lost = victims[self.workload[victims] == workload]
            since = float(np.nanmin(self.gone[lost]))
            cand = self.of_workload(workload)
            cand = cand[self.created[cand] >= since][:len(lost)]
            if len(cand) < len(lost):
                return None
            out.append(cand)
        return np.concatenate(out) if out else None


def _path(row: dict[str, Any], ev: pd.DataFrame, pods: _Pods, ready: pd.DataFrame, t1: float) -> None:
    node, t0 = row["target"], row["t_inject"]
    mine = ev[(ev["node"] == node) | (ev["name"] == node)]
    row["t_instance_gone"] = _first(mine[(mine["reason"] == "InstanceTerminated") & (mine["kind"] == "Instance")], t0, t1)
    row["t_node_deleted"] = _first(mine[mine["reason"] == "DeletingNode"], t0, t1)
    gc = mine[(mine["reason"] == "PodGCDeleted") & (mine["t"] >= t0) & (mine["t"] < t1)]
    row["t_orphans_deleted"] = float(gc["t"].max()) if len(gc) else None
    row["orphans_deleted"] = len(gc)
    row["t_new_instance"] = _first(ev[(ev["reason"] == "InstanceLaunched") & (ev["kind"] == "Instance")], t0, t1)
    row["t_scale_up_triggered"] = _first(ev[ev["reason"].isin(["TriggeredScaleUp", "ScaledUpGroup"])], t0, t1)
    known = set(ready[ready["t"] < t0]["name"])
    new = ready[(ready["t"] >= t0) & (ready["t"] < t1) & ~ready["name"].isin(known) & (ready["value"] == 1.0)]
    row["t_new_node_ready"] = float(new["t"].min()) if len(new) else None
    # the path that took the pods off the node first recovered them
    evicted = _first(mine[(mine["reason"] == "TaintManagerEviction") & mine["message"].str.startswith("Marking")], t0, t1)
    drained = _first(mine[mine["reason"] == "CordonAndDrain"], t0, t1)
    orphaned = float(gc["t"].min()) if len(gc) and row["t_node_deleted"] is not None else None
    paths = [(t, name) for t, name in ((drained, "termination-handler"), (evicted, "taint-eviction"), (orphaned, "cloud-node-lifecycle"))
             if t is not None]
    if paths:
        row["recovered_by"] = min(paths)[1]
    elif _first(mine[mine["reason"].isin(["NodeReady", "Rebooted"])], t0, t1) is not None:
        row["recovered_by"] = "node-restart"
    else:
        row["recovered_by"] = "none"
    victims = pods.victims(node, t0, t1)
    reps = pods.replacements(victims) if len(victims) else None
    row["capacity_from"] = None
    if reps is not None and len(reps):
        ready_s = pods.ready[reps]
        if row.get("t_replacements_ready") is None and not np.isnan(ready_s).any():
            row["t_replacements_ready"] = float(ready_s.max())
        fresh = set(new["name"])
        on_new = any(n in fresh for n in pods.node[reps])
        row["capacity_from"] = "spare" if not on_new else ("autoscaler" if row["t_scale_up_triggered"] is not None else "node-group")


def cloud_paths(rows: list[dict[str, Any]], node_faults: tuple[str, ...], ev: pd.DataFrame, ts: pd.DataFrame, pods: pd.DataFrame) -> None:
    """Add the cloud path columns to every node fault's row (in place)."""
    ev = ev[ev["reason"].isin(_REASONS)]
    ready = ts[ts["metric"] == "node_ready"]
    times: dict[str, list[float]] = {}
    table: _Pods | None = None
    for r in rows:
        if r["fault"] in node_faults:
            times.setdefault(r["target"], []).append(r["t_inject"])
    for row in rows:
        if row["fault"] not in node_faults:
            continue
        later = [t for t in sorted(times[row["target"]]) if t > row["t_inject"]]
        if table is None:
            table = _Pods(pods)
        _path(row, ev, table, ready, later[0] if later else math.inf)


def _hours(ts: pd.DataFrame, metric: str, pool: str, end: float) -> tuple[float, float, float]:
    """(VM hours, nodes at the end, peak) of a pool's per-zone level series."""
    rows = ts[(ts["metric"] == metric) & (ts["name"] == pool)]
    if rows.empty:
        return 0.0, 0.0, 0.0
    total, last, peak = 0.0, 0.0, 0.0
    for _zone, z in rows.groupby("zone"):
        t = np.append(z["t"].to_numpy(float), end)
        v = z["value"].to_numpy(float)
        total += float(np.sum(np.diff(t) * v)) / 3600.0
        last += float(v[-1])
    grid = np.unique(rows["t"].to_numpy(float))
    for g in grid:
        at = rows[rows["t"] <= g].groupby("zone")["value"].last()
        peak = max(peak, float(at.sum()))
    return total, last, peak


def cloud_summary(cfg: SimConfig, ts: pd.DataFrame, ev: pd.DataFrame, end: float) -> dict[str, Any]:
    """Per pool: price, VM hours, cost (price x hours of billed VMs), nodes at the end and at peak; totals;
    the autoscaler's scale-ups and scale-downs."""
    from clustersim.cloud.instance_types import catalogue

    assert cfg.cloud is not None
    types = catalogue(cfg.cloud)
    pools: dict[str, Any] = {}
    for p in cfg.cloud.node_pools:
        t = types[p.instance_type]
        price = p.price_per_hour if p.price_per_hour is not None else (t.spot_price_per_hour if p.capacity_type == "spot" else t.price_per_hour)
        hours, last, peak = _hours(ts, "cloud_instances", p.name, end)
        nodes_hours, nodes_last, _ = _hours(ts, "pool_nodes", p.name, end)
        pools[p.name] = {"instance_type": p.instance_type, "capacity_type": p.capacity_type, "price_per_hour": price,
                         "vm_hours": hours, "cost": hours * price, "vms_at_end": int(last), "vms_peak": int(peak),
                         "node_hours": nodes_hours, "nodes_at_end": int(nodes_last)}
    count = (lambda r: int((ev["reason"] == r).sum())) if len(ev) else (lambda r: 0)
    status = ev[ev["kind"] == "ConfigMap"] if len(ev) else ev
    status_count = (lambda r: int((status["reason"] == r).sum())) if len(status) else (lambda r: 0)
    return {"provider": cfg.cloud.provider, "pools": pools, "total_cost": sum(p["cost"] for p in pools.values()),
            "instances_launched": count("InstanceLaunched"), "instances_terminated": count("InstanceTerminated"),
            "nodes_deleted_by_ccm": count("DeletingNode"), "spot_interruptions": count("SpotInterruptionNotice"),
            "autoscaler": {"scale_ups": status_count("ScaledUpGroup"), "scale_downs": status_count("ScaleDown") + status_count("ScaleDownEmpty"),
                           "not_triggered": count("NotTriggerScaleUp"), "failed_scale_ups": count("FailedToScaleUpGroup")}}
