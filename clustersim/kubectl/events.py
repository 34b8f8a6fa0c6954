"""``kubectl events`` of a run: filtered by object, reason, type and time, identical events counted once.

The event recorder's correlator (client-go ``tools/record/events_cache.go``) folds a repeat of the same
event (same object, type, reason and message) into the first one, raising its count and last-seen
time; the table does the same. "Last seen" is relative to the end of the window (``--until``, else the
end of the run), the time kubectl would have been run.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clustersim.kubectl.format import dump, human_duration, rfc3339, table
from clustersim.rundir import RunDir

__all__ = ["SOURCES", "event_source", "events_table", "fold", "select"]

# which component reports each reason (the event's source.component), as upstream's recorders name themselves
SOURCES = {
    "Scheduled": "default-scheduler", "FailedScheduling": "default-scheduler", "Preempted": "default-scheduler",
    "Pulling": "kubelet", "Pulled": "kubelet", "Created": "kubelet", "Started": "kubelet", "Killing": "kubelet",
    "BackOff": "kubelet", "Unhealthy": "kubelet", "Failed": "kubelet", "Evicted": "kubelet", "NodeReady": "kubelet",
    "NodeHasInsufficientMemory": "kubelet", "EvictionThresholdMet": "kubelet", "Rebooted": "kubelet", "Starting": "kubelet",
    "SuccessfulCreate": "replicaset-controller", "SuccessfulDelete": "replicaset-controller",
    "ScalingReplicaSet": "deployment-controller", "DeploymentRollback": "deployment-controller",
    "NodeNotReady": "node-controller", "RegisteredNode": "node-controller", "RemovingNode": "node-controller",
    "TaintManagerEviction": "taint-eviction-controller", "DataLoss": "clustersim", "FaultInjected": "clustersim",
    "FaultRecovered": "clustersim", "SuccessfulRescale": "horizontal-pod-autoscaler", "Completed": "job-controller",
    "SuccessfulCreatePod": "job-controller", "BackoffLimitExceeded": "job-controller", "SawCompletedJob": "cronjob-controller",
}


def event_source(reason: str) -> str:
    """The reporting component of an event reason ("" when unknown)."""
    return SOURCES.get(reason, "")


def select(run: RunDir, for_obj: str | None = None, reason: str | None = None, type_: str | None = None,
           since: float | None = None, until: float | None = None, namespace: str | None = None) -> pd.DataFrame:
    """Rows of the events frame that match (``for_obj`` is ``kind/name``, kind case-insensitive)."""
    ev = run.frame("events")
    keep = pd.Series(True, index=ev.index)
    if for_obj:
        kind, _, name = for_obj.partition("/")
        keep &= (ev["kind"].str.lower() == _kind(kind)) & (ev["name"] == name)
    if reason:
        keep &= ev["reason"] == reason
    if type_:
        keep &= ev["type"] == type_
    if since is not None:
        keep &= ev["t"] >= since
    if until is not None:
        keep &= ev["t"] <= until
    if namespace is not None:
        keep &= (ev["namespace"] == namespace) | (ev["namespace"] == "")
    return ev[keep]


def _kind(kind: str) -> str:
    k = kind.lower()
    return {"po": "pod", "pods": "pod", "no": "node", "nodes": "node", "deploy": "deployment", "deployments": "deployment",
            "rs": "replicaset", "replicasets": "replicaset", "svc": "service", "services": "service"}.get(k, k)


def fold(ev: pd.DataFrame) -> pd.DataFrame:
    """Identical events folded: first and last time, count; ordered by last time."""
    if ev.empty:
        return ev.assign(first=pd.Series(dtype=float), last=pd.Series(dtype=float), count=pd.Series(dtype=int))
    keys = ["kind", "namespace", "name", "node", "type", "reason", "message"]
    g = ev.groupby(keys, sort=False, dropna=False)["t"]
    out = g.agg(first="min", last="max", count="size").reset_index()
    return out.sort_values(["last", "first"], kind="stable").reset_index(drop=True)


def _object(kind: str, name: str) -> str:
    return f"{kind.lower()}/{name}" if name else kind.lower()


def events_table(run: RunDir, output: str = "", **filters: Any) -> str:
    """What ``kubectl events`` would print for the window (``-o wide``, ``yaml``, ``json`` too)."""
    ev = select(run, **filters)
    until = filters.get("until")
    now = float(until) if until is not None else run.duration_s
    folded = fold(ev)
    if output in ("yaml", "json"):
        cs = run.config.clock_start
        items = [{"apiVersion": "v1", "kind": "Event",
                  "metadata": {"name": f"{r['name'] or r['kind'].lower()}.{i:016x}", "namespace": r["namespace"] or "default"},
                  "involvedObject": {"kind": r["kind"], "name": r["name"], **({"namespace": r["namespace"]} if r["namespace"] else {})},
                  "reason": r["reason"], "message": r["message"], "type": r["type"], "count": int(r["count"]),
                  "firstTimestamp": rfc3339(cs, r["first"]), "lastTimestamp": rfc3339(cs, r["last"]),
                  "source": {"component": event_source(r["reason"]), **({"host": r["node"]} if r.get("node") else {})}}
                 for i, r in folded.iterrows()]
        doc = {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
        return dump(doc, output)
    if output == "wide":
        header = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"]
        rows = [[human_duration(now - r["last"]), r["type"], r["reason"], _object(r["kind"], r["name"]), "", event_source(r["reason"]),
                 str(r["message"]).strip(), human_duration(now - r["first"]), str(int(r["count"])),
                 f"{r['name'] or r['kind'].lower()}.{i:016x}"] for i, r in folded.iterrows()]
    else:
        header = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        rows = [[human_duration(now - r["last"]) if r["count"] == 1 else
                 f"{human_duration(now - r['last'])} (x{int(r['count'])} over {human_duration(r['last'] - r['first'])})",
                 r["type"], r["reason"], _object(r["kind"], r["name"]), str(r["message"]).strip()] for _, r in folded.iterrows()]
    return table(header, rows)
