"""The cluster's objects at a simulated time, rebuilt from a run's frames.

A pod exists from ``created_s`` until ``deleted_s``; its phase, readiness, restarts and status reason
are the last ``pod_status`` row at or before the time (what kube-state-metrics had seen); a node is the
last ``node_status`` row; a Deployment's counts are its timeseries levels at that time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clustersim.addons.workloads import addon_workloads
from clustersim.config.models import DeploymentConfig, SimConfig
from clustersim.rundir import RunDir, RunDirError

__all__ = ["Template", "deployments_at", "level_at", "nodes_at", "pod_status_text", "pods_at", "services_at", "templates"]

OWNER_KINDS = (("deployments", "ReplicaSet"), ("stateful_sets", "StatefulSet"), ("daemon_sets", "DaemonSet"), ("jobs", "Job"),
               ("cron_jobs", "Job"), ("replica_sets", "ReplicaSet"), ("pods", ""))


@dataclass(frozen=True)
class Template:
    """What a workload's pods share: the owner kind and the config's pod template."""

    kind: str
    owner_kind: str
    spec: DeploymentConfig | None
    image: str = ""


def templates(cfg: SimConfig) -> dict[tuple[str, str], Template]:
    """(namespace, workload) -> its template, for every workload the config creates."""
    out: dict[tuple[str, str], Template] = {}
    for field, owner in OWNER_KINDS:
        for d in getattr(cfg, field):
            out[(d.namespace, d.name)] = Template(field, owner, d)
    for w in cfg.workloads:
        if w.name == "TraceReplay":
            out[("", "trace")] = Template("trace", "", None, str(w.args.get("image", "trace/task:1")))  # any namespace
    return out


def template_of(tpls: dict[tuple[str, str], Template], namespace: str, workload: str) -> Template | None:
    """The template of a pod's workload (CronJob pods belong to Jobs named ``<cronjob>-<n>``)."""
    hit = tpls.get((namespace, workload)) or tpls.get(("", workload))
    if hit is None and "-" in workload:
        hit = tpls.get((namespace, workload.rsplit("-", 1)[0]))
    return hit


def _last_at(df: pd.DataFrame, t: float, key: str) -> pd.DataFrame:
    """The last row per ``key`` with ``df.t <= t`` (rows in time order)."""
    seen = df[df["t"] <= t]
    return seen.groupby(key, sort=False).tail(1).set_index(key)


def pod_status_text(phase: str, reason: str, scheduled: bool, terminating: bool) -> str:
    """kubectl's STATUS column (``printPod``): the status reason over the phase, a waiting container's
    reason, a terminated container's reason, then Terminating for a pod being deleted."""
    text = reason or phase
    if not reason:
        if phase == "Pending" and scheduled:
            text = "ContainerCreating"  # the container's waiting reason before it starts
        elif phase == "Succeeded":
            text = "Completed"
        elif phase == "Failed":
            text = "Error"
    if terminating and phase not in ("Succeeded", "Failed"):
        text = "Terminating"
    return text


def pods_at(run: RunDir, t: float) -> pd.DataFrame:
    """Pods that exist at ``t``, one row each, with their status then."""
    pods = run.frame("pods")
    alive = pods[(pods["created_s"] <= t) & ~(pods["deleted_s"] <= t)].copy()
    ps = run.frame("pod_status")
    if pods.shape[0] and ps.empty and not run.path.joinpath("pod_status.parquet").exists():
        raise RunDirError(f"{run.path}: no pod_status.parquet (a run written before status recording; run the config again)")
    last = _last_at(ps, t, "uid")
    seen = ps[ps["t"] <= t]
    bumps = seen[seen.groupby("uid")["restarts"].diff().fillna(seen["restarts"]) > 0]
    last_restart = bumps.groupby("uid")["t"].max()
    uid = alive["uid"]
    alive["phase"] = uid.map(last["phase"]).fillna("Pending").astype(str)
    alive["ready"] = uid.map(last["ready"]).fillna(False).astype(bool)
    alive["restarts"] = uid.map(last["restarts"]).fillna(0).astype("int64")
    alive["reason"] = uid.map(last["reason"]).fillna("").astype(str)
    alive["last_restart_s"] = uid.map(last_restart).astype("float64")
    scheduled = alive["scheduled_s"] <= t
    alive["node"] = alive["node"].where(scheduled, "")
    alive["terminating"] = alive["deletion_s"] <= t
    alive["snapshot_s"] = t
    tpls = templates(run.config)
    alive["containers"] = [_containers(template_of(tpls, ns, w)) for ns, w in zip(alive["namespace"], alive["workload"], strict=True)]
    alive["status"] = [pod_status_text(p, r, s, d) for p, r, s, d in
                       zip(alive["phase"], alive["reason"], scheduled, alive["terminating"], strict=True)]
    alive["ready_containers"] = np.where(alive["ready"] & (alive["phase"] == "Running"), alive["containers"], 0)
    return alive.sort_values(["namespace", "name"], kind="stable").reset_index(drop=True)


def _containers(tpl: Template | None) -> int:
    return len(tpl.spec.containers) if tpl is not None and tpl.spec is not None else 1


def nodes_at(run: RunDir, t: float) -> pd.DataFrame:
    """Nodes that exist at ``t``: Ready condition, cordon, taints, allocatable, and when they joined."""
    ns = run.frame("node_status")
    if ns.empty:
        raise RunDirError(f"{run.path}: no node_status.parquet (a run written before status recording; run the config again)")
    last = _last_at(ns, t, "node")
    last = last[last["exists"].astype(bool)]
    created = ns[ns["exists"].astype(bool)].groupby("node")["t"].min()
    out = last.reset_index()
    out["created_s"] = out["node"].map(created).astype("float64")
    return out.sort_values("node", key=_natural, kind="stable").reset_index(drop=True)


def _natural(names: pd.Series) -> pd.Series:
    """Sort node-2 before node-10, as people (and kubectl's name sort on zero-padded names) expect."""
    return names.map(lambda s: tuple((0, int(p)) if p.isdigit() else (1, p) for p in _split_digits(str(s))))


def _split_digits(s: str) -> list[str]:
    out: list[str] = []
    for ch in s:
        if out and out[-1][-1].isdigit() == ch.isdigit():
            out[-1] += ch
        else:
            out.append(ch)
    return out


def level_at(ts: pd.DataFrame, metric: str, namespace: str, name: str, t: float) -> float | None:
    """A level's value at ``t`` (None before its first row)."""
    rows = ts[(ts["metric"] == metric) & (ts["namespace"] == namespace) & (ts["name"] == name) & (ts["t"] <= t)]
    return None if rows.empty else float(rows["value"].iloc[-1])


def deployments_at(run: RunDir, t: float) -> list[dict[str, Any]]:
    """Each Deployment's spec and status counts at ``t`` (the Deployment controller's last status sync)."""
    ts = run.frame("timeseries")
    out = []
    for d in (*run.config.deployments, *addon_workloads(run.config).deployments):  # the add-ons' (CoreDNS) too
        desired = level_at(ts, "desired_replicas", d.namespace, d.name, t)
        get = {m: level_at(ts, m, d.namespace, d.name, t) for m in ("ready_replicas", "updated_replicas", "available_replicas")}
        out.append({"namespace": d.namespace, "name": d.name, "spec": d, "created_s": 0.0,
                    "replicas": int(desired) if desired is not None else d.replicas,
                    **{k: int(v or 0) for k, v in get.items()}})
    return sorted(out, key=lambda r: (r["namespace"], r["name"]))


def services_at(run: RunDir, t: float) -> list[dict[str, Any]]:
    """The Services (all created at t = 0; their endpoints follow the EndpointSlice controller)."""
    services = (*addon_workloads(run.config).services, *run.config.services)  # kube-dns too
    return sorted(({"namespace": s.namespace, "name": s.name, "spec": s, "created_s": 0.0} for s in services),
                  key=lambda r: (r["namespace"], r["name"]))
