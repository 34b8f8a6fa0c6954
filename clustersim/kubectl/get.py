"""``kubectl get`` of pods, nodes, deployments and services at a simulated time, in kubectl's layouts."""

from __future__ import annotations

from typing import Any

import pandas as pd

from clustersim.kubectl.format import dump, human_duration, table
from clustersim.kubectl.objects import as_list, deployment_object, node_object, pod_labels, pod_object, service_object
from clustersim.kubectl.snapshot import deployments_at, nodes_at, pods_at, services_at, template_of, templates
from clustersim.rundir import RunDir

__all__ = ["RESOURCES", "get", "node_info"]

# kubectl's names and short names for the kinds the run has
RESOURCES = {"pods": "pods", "pod": "pods", "po": "pods", "nodes": "nodes", "node": "nodes", "no": "nodes",
             "deployments": "deployments", "deployment": "deployments", "deploy": "deployments",
             "services": "services", "service": "services", "svc": "services"}


def _selector(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def _restarts(row: pd.Series, t: float) -> str:
    n = int(row["restarts"])
    if n and not pd.isna(row["last_restart_s"]):
        return f"{n} ({human_duration(t - row['last_restart_s'])} ago)"
    return str(n)


def pod_rows(pods: pd.DataFrame, t: float, wide: bool, all_ns: bool) -> tuple[list[str], list[list[str]]]:
    """Header and rows of ``kubectl get pods`` (``printPod``)."""
    header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (["IP", "NODE", "NOMINATED NODE", "READINESS GATES"] if wide else [])
    rows = []
    for _, r in pods.iterrows():
        row = [r["name"], f"{int(r['ready_containers'])}/{int(r['containers'])}", r["status"], _restarts(r, t),
               human_duration(t - r["created_s"])]
        if wide:
            row += ["<none>", r["node"] or "<none>", "<none>", "<none>"]
        rows.append(([r["namespace"]] if all_ns else []) + row)
    return (["NAMESPACE"] if all_ns else []) + header, rows


def node_status_text(ready: str, unschedulable: bool) -> str:
    """``printNode``: Ready or NotReady (False and Unknown alike), then SchedulingDisabled when cordoned."""
    status = ["Ready" if ready == "True" else "NotReady"]
    if unschedulable:
        status.append("SchedulingDisabled")
    return ",".join(status)


def node_info(run: RunDir) -> dict[str, dict[str, Any]]:
    """Labels and capacity of each node the config declares (nodes a trace adds have only what node_status says)."""
    from clustersim.kubectl.format import cpu, memory
    from clustersim.materialize import nodes_from_config

    out = {}
    for n in nodes_from_config(run.config):
        cap = n.capacity
        out[n.meta.name] = {"labels": dict(n.meta.labels),
                            "capacity": {"cpu": cpu(cap.cpu_m or 0), "memory": memory(cap.memory or 0), "pods": str(cap.pods or 0)}}
    return out


def node_rows(nodes: pd.DataFrame, t: float, wide: bool) -> tuple[list[str], list[list[str]]]:
    """Header and rows of ``kubectl get nodes``."""
    header = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    if wide:
        header += ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]
    rows = []
    for _, r in nodes.iterrows():
        row = [r["node"], node_status_text(str(r["ready"]), bool(r["unschedulable"])), "<none>", human_duration(t - r["created_s"]), ""]
        if wide:
            row += ["<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]
        rows.append(row)
    return header, rows


def deployment_rows(deps: list[dict[str, Any]], t: float, wide: bool, all_ns: bool) -> tuple[list[str], list[list[str]]]:
    """Header and rows of ``kubectl get deployments`` (``printDeployment``)."""
    header = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"] + (["CONTAINERS", "IMAGES", "SELECTOR"] if wide else [])
    rows = []
    for d in deps:
        row = [d["name"], f"{d['ready_replicas']}/{d['replicas']}", str(d["updated_replicas"]), str(d["available_replicas"]),
               human_duration(t - d["created_s"])]
        if wide:
            cs = d["spec"].containers
            row += [",".join(c.name for c in cs), ",".join(c.image for c in cs), _selector(pod_labels(d["spec"]))]
        rows.append(([d["namespace"]] if all_ns else []) + row)
    return (["NAMESPACE"] if all_ns else []) + header, rows


def service_rows(svcs: list[dict[str, Any]], t: float, wide: bool, all_ns: bool) -> tuple[list[str], list[list[str]]]:
    """Header and rows of ``kubectl get services`` (``printService``; no addresses or ports are modelled)."""
    header = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"] + (["SELECTOR"] if wide else [])
    rows = []
    for s in svcs:
        sv = s["spec"]
        kind = "ClusterIP" if sv.type == "Headless" else sv.type
        external = sv.external_name if sv.type == "ExternalName" else ("<pending>" if sv.type == "LoadBalancer" else "<none>")
        row = [s["name"], kind, "None" if sv.type == "Headless" else "<none>", external, "<none>", human_duration(t - s["created_s"])]
        if wide:
            row.append(_selector(dict(sv.selector)))
        rows.append(([s["namespace"]] if all_ns else []) + row)
    return (["NAMESPACE"] if all_ns else []) + header, rows


def _in_ns(items: list[dict[str, Any]], namespace: str | None) -> list[dict[str, Any]]:
    return [i for i in items if namespace is None or i["namespace"] == namespace]


def get(run: RunDir, resource: str, t: float, namespace: str | None = "default", output: str = "", names: tuple[str, ...] = ()) -> str:
    """The text ``kubectl get RESOURCE`` would print at ``t`` (``namespace`` None: all namespaces)."""
    kind = RESOURCES[resource]
    wide, all_ns = output == "wide", namespace is None
    cfg = run.config
    objs: list[dict[str, Any]]
    if kind == "pods":
        pods = pods_at(run, t)
        if namespace is not None:
            pods = pods[pods["namespace"] == namespace]
        if names:
            pods = pods[pods["name"].isin(names)]
        if output in ("yaml", "json"):
            tpls = templates(cfg)
            objs = [pod_object(cfg, r, template_of(tpls, r["namespace"], r["workload"])) for _, r in pods.iterrows()]
        else:
            return table(*pod_rows(pods, t, wide, all_ns))
    elif kind == "nodes":
        nodes = nodes_at(run, t)
        if names:
            nodes = nodes[nodes["node"].isin(names)]
        if output in ("yaml", "json"):
            info = node_info(run)
            objs = [node_object(cfg, r, info.get(r["node"], {}).get("labels", {}), info.get(r["node"], {}).get("capacity", {}))
                    for _, r in nodes.iterrows()]
        else:
            return table(*node_rows(nodes, t, wide))
    elif kind == "deployments":
        deps = [d for d in _in_ns(deployments_at(run, t), namespace) if not names or d["name"] in names]
        if output not in ("yaml", "json"):
            return table(*deployment_rows(deps, t, wide, all_ns))
        objs = [deployment_object(cfg, d) for d in deps]
    else:
        svcs = [s for s in _in_ns(services_at(run, t), namespace) if not names or s["name"] in names]
        if output not in ("yaml", "json"):
            return table(*service_rows(svcs, t, wide, all_ns))
        objs = [service_object(cfg, s) for s in svcs]
    doc: dict[str, Any] = objs[0] if len(names) == 1 and len(objs) == 1 else as_list(objs)
    return dump(doc, output)
