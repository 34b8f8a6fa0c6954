"""What a chaos preview measures on one run, from its frames and the pods present when the experiment started.

- blast radius: pods touched (present at the start, then deleted, restarted or made unready), nodes touched
  (a node fault's target, or a node that went NotReady, was cordoned or tainted), Services touched (selecting a
  touched pod, or failing requests), Ingress rules touched (routing to a touched Service);
- per Service: request success during the experiment (its start to the last injection's end) and the dip
  (from the first to the last traffic step with a failed request, after the start);
- convergence: from the start until every workload serves its desired replicas and nothing is Pending, for
  good (the summary's per-fault convergence, taken from the start);
- pods rescheduled (created after the start and bound), PDB-blocked evictions (EvictionRefused events).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from clustersim.config.models import SimConfig

__all__ = ["BIN_S", "run_preview_metrics", "service_series"]

BIN_S = 5.0  # figure resolution of the request success series


def _touched_pods(pods_at_start: dict[str, dict[str, Any]], pods: pd.DataFrame, status: pd.DataFrame, start: float) -> set[str]:
    gone = (pods.deletion_s >= start) | (pods.deleted_s >= start) if not pods.empty else None
    touched = set(pods[gone & pods.uid.isin(list(pods_at_start))].uid) if gone is not None else set()
    if not status.empty:
        after = status[(status.t >= start) & status.uid.isin(list(pods_at_start))]
        touched |= set(after[~after.ready.astype(bool)].uid)
        before = status[status.t < start].groupby("uid").restarts.max()
        later = after.groupby("uid").restarts.max()
        touched |= {u for u, r in later.items() if r > before.get(u, 0)}
    return touched


def _touched_nodes(faults: pd.DataFrame, nodes: pd.DataFrame, node_names: set[str], start: float) -> set[str]:
    out = {str(t) for t in faults.target if str(t) in node_names} if not faults.empty else set()
    if not nodes.empty:
        after = nodes[nodes.t >= start]
        bad = after[(~after.ready.astype(bool)) | after.unschedulable.astype(bool) | (after.taints.astype(str) != "")]
        out |= set(bad.node.astype(str))
    return out


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _ingress_backends(cfg: SimConfig) -> list[tuple[str, str, str]]:
    """(namespace, rule label, backend Service) of every Service backend of the config's Ingresses: each path of
    each rule, labelled as the summary's ``ingress_rules`` ("<ns>/<name> <host><path> (<pathType>)"), and the
    default backend. Resource backends route nowhere for ingress-nginx and are left out."""
    out = []
    for ing in cfg.ingresses:
        ns, name = ing.namespace, ing.name
        if ing.default_backend is not None and ing.default_backend.service:
            out.append((ns, f"{ns}/{name} (default backend)", ing.default_backend.service))
        for rule in ing.rules:
            for path in rule.paths or ():
                if path.backend.service:
                    label = f"{ns}/{name} {rule.host}{path.path} ({path.path_type or 'ImplementationSpecific'})"
                    out.append((ns, label, path.backend.service))
    return out


def service_series(requests: pd.DataFrame, end_s: float) -> dict[str, list[float]]:
    """Per Service, the request success ratio in bins of BIN_S (NaN where no request was sent)."""
    bins = np.arange(0.0, end_s + BIN_S, BIN_S)
    out: dict[str, list[float]] = {}
    if requests.empty:
        return out
    for (ns, svc), df in requests.groupby(["namespace", "service"]):
        idx = np.digitize(df.t.to_numpy(float), bins) - 1
        sent = np.bincount(idx, weights=df.requests.to_numpy(float), minlength=len(bins))[: len(bins) - 1]
        failed = np.bincount(idx, weights=df.failed.to_numpy(float), minlength=len(bins))[: len(bins) - 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{ns}/{svc}"] = [float(x) for x in np.where(sent > 0, 1 - failed / np.maximum(sent, 1), np.nan)]
    return out


def _service_metrics(requests: pd.DataFrame, key: str, start: float, exp_end: float) -> dict[str, float]:
    ns, _, svc = key.partition("/")
    mine = requests[(requests.namespace == ns) & (requests.service == svc)] if not requests.empty else requests
    during = mine[(mine.t >= start) & (mine.t <= max(exp_end, start))] if not mine.empty else mine
    sent, failed = (float(during.requests.sum()), float(during.failed.sum())) if not during.empty else (0.0, 0.0)
    after = mine[mine.t >= start] if not mine.empty else mine
    bad = after[after.failed > 0] if not after.empty else after
    dip = float(bad.t.max() - bad.t.min() + (bad.t.diff().min() if len(bad) > 1 else 1.0)) if len(bad) else 0.0
    worst = float((1 - after.failed / after.requests.clip(lower=1)).min()) if not after.empty else math.nan
    return {"success": (sent - failed) / sent if sent else math.nan, "dip_s": dip, "worst_step_success": worst,
            "failed_requests": failed}


def run_preview_metrics(result: Any, pods_at_start: dict[str, dict[str, Any]], start: float, exp_end: float) -> dict[str, Any]:
    """The preview's metrics of one run (``result`` a RunResult)."""
    cfg: SimConfig = result.config
    pods, status = result.pods, result.pod_status
    touched = _touched_pods(pods_at_start, pods, status, start)
    node_names = {n.name for n in cfg.cluster.node_list()}
    nodes = _touched_nodes(result.faults, result.node_status, node_names, start)
    services = {f"{s.namespace}/{s.name}": s for s in cfg.services if s.type != "ExternalName"}
    failing = set()
    if not result.requests.empty:
        r = result.requests[(result.requests.t >= start) & (result.requests.failed > 0)]
        failing = {f"{ns}/{svc}" for ns, svc in r[["namespace", "service"]].drop_duplicates().itertuples(index=False)}
    svc_touched = {k for k, s in services.items()
                   if k in failing or any(p["namespace"] == s.namespace and _selects(dict(s.selector), p["labels"])
                                          for u, p in pods_at_start.items() if u in touched)}
    rules = _ingress_backends(cfg)
    ev = result.events
    conv = [f["t_inject"] + f["convergence_s"] - start for f in result.summary.get("faults", []) if f.get("convergence_s") is not None]
    converged = all(f.get("convergence_s") is not None for f in result.summary.get("faults", []))
    out: dict[str, Any] = {
        "pods_touched": float(len(touched)), "nodes_touched": float(len(nodes)), "services_touched": float(len(svc_touched)),
        "ingress_rules_touched": float(sum(1 for ns, _, svc in rules if f"{ns}/{svc}" in svc_touched)),
        "convergence_s": float(max(conv)) if conv and converged else math.nan,
        "pods_rescheduled": float(((pods.created_s >= start) & pods.scheduled_s.notna()).sum()) if not pods.empty else 0.0,
        "pdb_blocked_evictions": float(((ev.reason == "EvictionRefused") & (ev.t >= start)).sum()) if not ev.empty else 0.0,
        "faults_injected": float(len(result.faults)),
    }
    per_service = {k: _service_metrics(result.requests, k, start, exp_end) for k in services if _has_traffic(result.requests, k)}
    return {"metrics": out, "services": per_service, "touched": {"pods": sorted(pods_at_start[u]["key"] for u in touched),
                                                                 "nodes": sorted(nodes), "services": sorted(svc_touched)}}


def _has_traffic(requests: pd.DataFrame, key: str) -> bool:
    if requests.empty:
        return False
    ns, _, svc = key.partition("/")
    return bool(((requests.namespace == ns) & (requests.service == svc)).any())
