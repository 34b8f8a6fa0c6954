"""OpenMetrics text of a run under kube-state-metrics', the kubelet's (cAdvisor) and metrics' own names.

Levels (a pod's phase, a node's Ready condition, a Deployment's ready replicas) are sampled on a
scrape grid (``interval_s``, 30 s by default as kube-prometheus scrapes kube-state-metrics), as
Prometheus would have stored them scraping the simulated cluster; usage is written at metrics-server's
scrape times. Timestamps are the config's ``clock_start`` plus simulated seconds. Each label set's
samples are contiguous and in time order and the file ends with ``# EOF``, as OpenMetrics requires and
``promtool tsdb create-blocks-from openmetrics`` reads. Metric names and labels follow
kube-state-metrics' docs (docs/metrics/workload/pod-metrics.md, node-metrics.md, deployment-metrics.md)
and cAdvisor's (``container_cpu_usage_seconds_total``, ``container_memory_working_set_bytes``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from clustersim.addons.workloads import addon_workloads
from clustersim.export.series import Series, sample
from clustersim.kubectl.snapshot import template_of, templates
from clustersim.rundir import RunDir

__all__ = ["FAMILIES", "Family", "write_openmetrics"]

Points = list[tuple[float, float]]
INF = float("inf")


@dataclass(frozen=True)
class Family:
    """One metric family: name (without ``_total`` for counters), type, help, and what builds its series."""

    name: str
    type: str
    help: str
    build: Callable[[RunDir], Iterator[Series | tuple[dict[str, str], Points]]]


def _pods(run: RunDir) -> pd.DataFrame:
    return run.frame("pods").set_index("uid", drop=False)


def _end(v: float) -> float:
    return INF if pd.isna(v) else float(v)


def _status_series(run: RunDir, column: str, value_of: Callable[[object], str], states: tuple[str, ...],
                   label: str) -> Iterator[Series]:
    pods, ps = _pods(run), run.frame("pod_status")
    for uid, g in ps.groupby("uid", sort=False):
        p = pods.loc[uid]
        times = np.concatenate([[p["created_s"]], g["t"].to_numpy(float)])
        seen = [value_of(v) for v in g[column]]
        current = ["Pending" if column == "phase" else "false", *seen]
        base = {"namespace": p["namespace"], "pod": p["name"], "uid": str(uid)}
        for state in states:
            yield Series({**base, label: state}, times, np.array([1.0 if c == state else 0.0 for c in current]),
                         float(p["created_s"]), _end(p["deleted_s"]))


def pod_phase(run: RunDir) -> Iterator[Series]:
    """``kube_pod_status_phase``: 1 for the pod's phase, 0 for the others."""
    return _status_series(run, "phase", str, ("Pending", "Running", "Succeeded", "Failed", "Unknown"), "phase")


def pod_ready(run: RunDir) -> Iterator[Series]:
    """``kube_pod_status_ready``: the Ready condition as true/false/unknown."""
    return _status_series(run, "ready", lambda v: "true" if bool(v) else "false", ("true", "false", "unknown"), "condition")


def pod_info(run: RunDir) -> Iterator[Series]:
    """``kube_pod_info``: 1 while the pod exists; its node label from when it is bound."""
    tpls = templates(run.config)
    for p in run.frame("pods").itertuples():
        tpl = template_of(tpls, p.namespace, p.workload)
        owner = {"created_by_kind": tpl.owner_kind if tpl else "", "created_by_name": p.workload}
        base = {"namespace": p.namespace, "pod": p.name, "uid": p.uid, **owner}
        bound = float(p.scheduled_s) if not pd.isna(p.scheduled_s) else INF
        if bound > p.created_s:
            yield Series({**base, "node": ""}, np.array([p.created_s]), np.array([1.0]), float(p.created_s), min(bound, _end(p.deleted_s)))
        if bound < INF:
            yield Series({**base, "node": p.node}, np.array([bound]), np.array([1.0]), bound, _end(p.deleted_s))


def _container(run: RunDir, namespace: str, workload: str) -> list[tuple[str, dict[str, object]]]:
    tpl = template_of(templates(run.config), namespace, workload)
    if tpl is not None and tpl.spec is not None:
        return [(c.name, dict(c.requests)) for c in tpl.spec.containers]
    return [("task", {})]


def pod_restarts(run: RunDir) -> Iterator[Series]:
    """``kube_pod_container_status_restarts_total`` (first container: the simulator counts restarts per pod)."""
    pods, ps = _pods(run), run.frame("pod_status")
    for uid, g in ps.groupby("uid", sort=False):
        p = pods.loc[uid]
        name = _container(run, p["namespace"], p["workload"])[0][0]
        yield Series({"namespace": p["namespace"], "pod": p["name"], "uid": str(uid), "container": name},
                     g["t"].to_numpy(float), g["restarts"].to_numpy(float), float(g["t"].iloc[0]), _end(p["deleted_s"]))


def pod_requests(run: RunDir) -> Iterator[Series]:
    """``kube_pod_container_resource_requests`` (cpu in cores, memory in bytes) while the pod is bound."""
    for p in run.frame("pods").itertuples():
        if pd.isna(p.scheduled_s):
            continue
        for resource, unit, value in (("cpu", "core", p.request_cpu_m / 1000), ("memory", "byte", float(p.request_memory_bytes))):
            if value:
                yield Series({"namespace": p.namespace, "pod": p.name, "uid": p.uid, "container": _container(run, p.namespace, p.workload)[0][0],
                              "node": p.node, "resource": resource, "unit": unit},
                             np.array([p.scheduled_s]), np.array([value]), float(p.scheduled_s), _end(p.deleted_s))


def _nodes(run: RunDir) -> Iterator[tuple[str, pd.DataFrame, float, float]]:
    ns = run.frame("node_status")
    for node, g in ns.groupby("node", sort=False):
        exists = g["exists"].astype(bool)
        gone = g.loc[~exists, "t"]
        yield str(node), g[exists], float(g.loc[exists, "t"].min()) if exists.any() else INF, float(gone.min()) if len(gone) else INF


def node_condition(run: RunDir) -> Iterator[Series]:
    """``kube_node_status_condition`` for Ready and MemoryPressure: 1 on the current status."""
    for node, g, start, end in _nodes(run):
        t = g["t"].to_numpy(float)
        for cond, col in (("Ready", "ready"), ("MemoryPressure", "memory_pressure")):
            current = [str(v) if col == "ready" else str(bool(v)) for v in g[col]]
            for status in ("true", "false", "unknown"):
                yield Series({"node": node, "condition": cond, "status": status}, t,
                             np.array([1.0 if c.lower() == status else 0.0 for c in current]), start, end)


def node_unschedulable(run: RunDir) -> Iterator[Series]:
    """``kube_node_spec_unschedulable``: 1 while cordoned."""
    for node, g, start, end in _nodes(run):
        yield Series({"node": node}, g["t"].to_numpy(float), g["unschedulable"].astype(float).to_numpy(), start, end)


def node_taints(run: RunDir) -> Iterator[Series]:
    """``kube_node_spec_taint``: 1 while the node has the taint (a series per key, value and effect)."""
    for node, g, _, end in _nodes(run):
        spans: dict[str, list[float]] = {}
        t_prev: set[str] = set()
        for t, text in zip(g["t"], g["taints"], strict=True):
            now = set(str(text).split(",")) - {""} if text else set()
            for taint in now - t_prev:
                spans.setdefault(taint, []).append(float(t))
            for taint in t_prev - now:
                spans[taint].append(float(t))
            t_prev = now
        for taint, edges in spans.items():
            kv, _, effect = taint.rpartition(":")
            key, _, value = kv.partition("=")
            times = np.array(edges)
            yield Series({"node": node, "key": key, "value": value, "effect": effect}, times,
                         np.array([1.0 if i % 2 == 0 else 0.0 for i in range(len(edges))]), float(edges[0]), end)


def node_allocatable(run: RunDir) -> Iterator[Series]:
    """``kube_node_status_allocatable`` (cpu cores, memory bytes, pods)."""
    for node, g, start, end in _nodes(run):
        t = g["t"].to_numpy(float)
        for resource, unit, col, scale in (("cpu", "core", "allocatable_cpu_m", 1e-3), ("memory", "byte", "allocatable_memory_bytes", 1.0),
                                           ("pods", "integer", "allocatable_pods", 1.0)):
            yield Series({"node": node, "resource": resource, "unit": unit}, t, g[col].to_numpy(float) * scale, start, end)


def _deployment(metric: str) -> Callable[[RunDir], Iterator[Series]]:
    def build(run: RunDir) -> Iterator[Series]:
        ts = run.frame("timeseries")
        names = {(d.namespace, d.name) for d in (*run.config.deployments, *addon_workloads(run.config).deployments)}
        rows = ts[ts["metric"] == metric]
        for (ns, name), g in rows.groupby(["namespace", "name"], sort=True):
            if (ns, name) in names:
                yield Series({"namespace": str(ns), "deployment": str(name)}, g["t"].to_numpy(float), g["value"].to_numpy(float),
                             0.0, INF)
    return build


def cpu_usage(run: RunDir) -> Iterator[tuple[dict[str, str], Points]]:
    """``container_cpu_usage_seconds_total``: each sampled rate held until the next scrape, accumulated."""
    usage = run.frame("usage")
    for (ns, pod, node), g in usage.groupby(["namespace", "pod", "node"], sort=True):
        t = g["t"].to_numpy(float)
        rate = g["cpu_m"].to_numpy(float) / 1000
        total = np.concatenate([[0.0], np.cumsum(rate[:-1] * np.diff(t))])
        yield {"namespace": str(ns), "pod": str(pod), "container": "", "node": str(node)}, list(zip(t, total, strict=True))


def memory_usage(run: RunDir) -> Iterator[tuple[dict[str, str], Points]]:
    """``container_memory_working_set_bytes`` at each scrape."""
    usage = run.frame("usage")
    for (ns, pod, node), g in usage.groupby(["namespace", "pod", "node"], sort=True):
        yield ({"namespace": str(ns), "pod": str(pod), "container": "", "node": str(node)},
               list(zip(g["t"].to_numpy(float), g["memory_bytes"].to_numpy(float), strict=True)))


def _requests(column: str) -> Callable[[RunDir], Iterator[Series]]:
    def build(run: RunDir) -> Iterator[Series]:
        req = run.frame("requests")
        for (ns, svc), g in req.groupby(["namespace", "service"], sort=True):
            yield Series({"namespace": str(ns), "service": str(svc)}, g["t"].to_numpy(float), g[column].cumsum().to_numpy(float), 0.0, INF)
    return build


FAMILIES: tuple[Family, ...] = (
    Family("kube_pod_info", "gauge", "Information about pod.", pod_info),
    Family("kube_pod_status_phase", "gauge", "The pods current phase.", pod_phase),
    Family("kube_pod_status_ready", "gauge", "Describes whether the pod is ready to serve requests.", pod_ready),
    Family("kube_pod_container_status_restarts", "counter", "The number of container restarts per container.", pod_restarts),
    Family("kube_pod_container_resource_requests", "gauge", "The number of requested request resource by a container.", pod_requests),
    Family("kube_node_status_condition", "gauge", "The condition of a cluster node.", node_condition),
    Family("kube_node_spec_unschedulable", "gauge", "Whether a node can schedule new pods.", node_unschedulable),
    Family("kube_node_spec_taint", "gauge", "The taint of a cluster node.", node_taints),
    Family("kube_node_status_allocatable", "gauge", "The allocatable for different resources of a node.", node_allocatable),
    Family("kube_deployment_spec_replicas", "gauge", "Number of desired pods for a deployment.", _deployment("desired_replicas")),
    Family("kube_deployment_status_replicas_ready", "gauge", "The number of ready replicas per deployment.", _deployment("ready_replicas")),
    Family("kube_deployment_status_replicas_available", "gauge", "The number of available replicas per deployment.",
           _deployment("available_replicas")),
    Family("kube_deployment_status_replicas_updated", "gauge", "The number of updated replicas per deployment.",
           _deployment("updated_replicas")),
    Family("container_cpu_usage_seconds", "counter", "Cumulative cpu time consumed in seconds.", cpu_usage),
    Family("container_memory_working_set_bytes", "gauge", "Current working set in bytes.", memory_usage),
    Family("clustersim_service_requests", "counter", "Client requests sent to the Service (clustersim's traffic model).",
           _requests("requests")),
    Family("clustersim_service_requests_failed", "counter", "Client requests to the Service that failed.", _requests("failed")),
)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(labels: dict[str, str]) -> str:
    return "{" + ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items()) + "}" if labels else ""


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def write_family(fh: IO[str], fam: Family, run: RunDir, grid: np.ndarray, epoch: float) -> int:
    """Write one family (nothing if the run has no series of it); return the number of samples."""
    sample_name = fam.name + ("_total" if fam.type == "counter" else "")
    n = 0
    header = False
    for item in fam.build(run):
        labels, points = (item.labels, list(sample(item, grid))) if isinstance(item, Series) else item
        if not points:
            continue
        if not header:
            fh.write(f"# TYPE {fam.name} {fam.type}\n# HELP {fam.name} {fam.help}\n")
            header = True
        lab = _labels(labels)
        fh.writelines(f"{sample_name}{lab} {_number(v)} {epoch + t:.3f}\n" for t, v in points)
        n += len(points)
    return n


def write_openmetrics(run: RunDir, out: Path, interval_s: float = 30.0) -> int:
    """Write the run's metrics to ``out`` (atomically); return the number of samples."""
    grid = np.arange(0.0, run.duration_s + interval_s * 1e-9, interval_s)
    epoch = run.config.clock_start.timestamp()
    tmp = out.with_name(f".{out.name}.tmp")
    n = 0
    with tmp.open("w") as fh:
        for fam in FAMILIES:
            n += write_family(fh, fam, run, grid, epoch)
        fh.write("# EOF\n")
    os.replace(tmp, out)
    return n
