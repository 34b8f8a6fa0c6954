"""``kubectl describe pod|node`` at a simulated time (``pkg/describe/describe.go``'s layout)."""

from __future__ import annotations

import datetime

import pandas as pd

from clustersim.config.models import DeploymentConfig
from clustersim.kubectl.events import event_source, fold, select
from clustersim.kubectl.format import block, cpu, human_duration, memory, rfc1123z, tabwrite
from clustersim.kubectl.get import node_info
from clustersim.kubectl.objects import DEFAULT_TOLERATIONS, pod_labels
from clustersim.kubectl.snapshot import nodes_at, pods_at, template_of, templates
from clustersim.rundir import RunDir, RunDirError

__all__ = ["describe_node", "describe_pod"]



def _multi(label: str, items: list[str]) -> list[tuple[str, object]]:
    """A field with one value per line (Labels, Taints, Tolerations); ``<none>`` when empty."""
    out: list[tuple[str, object]] = [(label, items[0] if items else "<none>")]
    return out + [("", i) for i in items[1:]]


def _events(run: RunDir, kind: str, name: str, t: float) -> list[str]:
    ev = fold(select(run, for_obj=f"{kind}/{name}", until=t))
    if ev.empty:
        return ["Events:            <none>"]
    rows = [["Type", "Reason", "Age", "From", "Message"], ["----", "------", "----", "----", "-------"]]
    for _, r in ev.iterrows():
        age = human_duration(t - r["last"]) if r["count"] == 1 else \
            f"{human_duration(t - r['last'])} (x{int(r['count'])} over {human_duration(r['last'] - r['first'])})"
        rows.append([r["type"], r["reason"], age, event_source(r["reason"]), str(r["message"]).strip()])
    return ["Events:"] + ["  " + line for line in tabwrite(rows).splitlines()]


def describe_pod(run: RunDir, name: str, t: float, namespace: str = "default") -> str:
    """The text of ``kubectl describe pod NAME`` at ``t``."""
    pods = pods_at(run, t)
    hit = pods[(pods["name"] == name) & (pods["namespace"] == namespace)]
    if hit.empty:
        raise RunDirError(f'pods "{name}" not found in namespace {namespace} at t={t:g} s')
    r = hit.iloc[0]
    cfg = run.config
    tpl = template_of(templates(cfg), r["namespace"], r["workload"])
    spec = tpl.spec if tpl is not None else None
    cs = cfg.clock_start
    started = not pd.isna(r["started_s"]) and r["started_s"] <= t
    owner = "<none>"
    if tpl is not None and tpl.owner_kind:
        # a Deployment's pods are <replicaset>-<suffix>; other owners are the workload itself
        owner = f"ReplicaSet/{r['name'].rsplit('-', 1)[0]}" if tpl.kind == "deployments" else f"{tpl.owner_kind}/{r['workload']}"
    head: list[tuple[str, object]] = [
        ("Name", r["name"]), ("Namespace", r["namespace"]), ("Priority", (spec.priority or 0) if spec else 0),
        ("Service Account", "default"), ("Node", f"{r['node']}/<none>" if r["node"] else "<none>"),
        ("Start Time", rfc1123z(cs, r["started_s"]) if started else "<unset>"),
        *_multi("Labels", [f"{k}={v}" for k, v in sorted(pod_labels(spec).items())]), ("Annotations", "<none>"),
        ("Status", "Terminating (lasts <unknown>)" if r["terminating"] else r["phase"])]
    if r["reason"]:
        head.append(("Reason", r["reason"]))
    if r["terminating"]:
        head.append(("Termination Grace Period", "30s"))
    head += [("IP", ""), ("Controlled By", owner)]
    lines = block(head)
    lines += ["Containers:"] + _containers(r, spec, tpl.image if tpl else "", cs, t)
    lines += ["Conditions:"] + ["  " + x for x in tabwrite(_conditions(r, t)).splitlines()]
    qos = "Burstable" if (r["request_cpu_m"] or r["request_memory_bytes"]) else "BestEffort"
    lines += block([("QoS Class", qos),
                    *_multi("Node-Selectors", [f"{k}={v}" for k, v in sorted((spec.node_selector if spec else {}).items())]),
                    *_multi("Tolerations", _tolerations(spec))])
    lines += _events(run, "Pod", r["name"], t)
    return "\n".join(lines) + "\n"


def _containers(r: pd.Series, spec: DeploymentConfig | None, image: str, cs: datetime.datetime, t: float) -> list[str]:
    conts = [(c.name, c.image, dict(c.requests), c.readiness_probe, c.liveness_probe) for c in spec.containers] if spec else \
        [("task", image, {"cpu": cpu(r["request_cpu_m"]), "memory": memory(r["request_memory_bytes"])}, None, None)]
    ready = bool(r["ready"]) and r["phase"] == "Running"
    out = []
    for name, img, req, readiness, liveness in conts:
        fields: list[tuple[str, object]] = [("Image", img)]
        if r["phase"] == "Running" and not r["reason"]:
            fields += [("State", "Running"), ("  Started", rfc1123z(cs, r["started_s"]))]
        elif r["phase"] in ("Succeeded", "Failed"):
            fields += [("State", "Terminated"), ("  Reason", "Completed" if r["phase"] == "Succeeded" else "Error")]
        else:
            fields += [("State", "Waiting"), ("  Reason", r["reason"] or ("ContainerCreating" if r["node"] else "Pending"))]
        fields += [("Ready", str(ready)), ("Restart Count", int(r["restarts"]))]
        for label, p in (("Liveness", liveness), ("Readiness", readiness)):
            if p is not None:
                fields.append((label, f"exec delay={p.initial_delay_s:g}s timeout={p.timeout_s:g}s period={p.period_s:g}s "
                                      f"#success={p.success_threshold} #failure={p.failure_threshold}"))
        out += [f"  {name}:"] + ["    " + x for x in block(fields)]
        if req:
            out += ["    Requests:"] + ["      " + x for x in block([(k, v) for k, v in req.items()])]
    return out


def _conditions(r: pd.Series, t: float) -> list[list[str]]:
    scheduled = bool(r["node"])
    started = not pd.isna(r["started_s"]) and r["started_s"] <= t
    ready = bool(r["ready"]) and r["phase"] == "Running"
    return [["Type", "Status"], ["PodScheduled", str(scheduled)], ["Initialized", str(scheduled)],
            ["ContainersReady", str(ready)], ["Ready", str(ready and started)]]


def _tolerations(spec: DeploymentConfig | None) -> list[str]:
    """``printTolerationsMultilineWithIndent``: key[=value][:effect][ op=Exists][ for Ns]; then the defaults admission adds."""
    out = []
    keys = set()
    for tol in getattr(spec, "tolerations", ()) or ():
        keys.add(tol.key)
        text = tol.key + (f"={tol.value}" if tol.value else "") + (f":{tol.effect}" if tol.effect else "")
        text += " op=Exists" if tol.operator == "Exists" else ""
        out.append(text + (f" for {tol.toleration_seconds}s" if tol.toleration_seconds is not None else ""))
    out += [f"{k}:NoExecute op=Exists for 300s" for k in DEFAULT_TOLERATIONS if k not in keys]
    return out


def describe_node(run: RunDir, name: str, t: float) -> str:
    """The text of ``kubectl describe node NAME`` at ``t``."""
    nodes = nodes_at(run, t)
    hit = nodes[nodes["node"] == name]
    if hit.empty:
        raise RunDirError(f'nodes "{name}" not found at t={t:g} s')
    r = hit.iloc[0]
    cs = run.config.clock_start
    info = node_info(run).get(name, {})
    taints = str(r["taints"]).split(",") if r["taints"] else []
    alloc = {"cpu": cpu(r["allocatable_cpu_m"]), "memory": memory(r["allocatable_memory_bytes"]), "pods": str(int(r["allocatable_pods"]))}
    cond = [["Type", "Status", "LastHeartbeatTime", "LastTransitionTime", "Reason", "Message"],
            ["----", "------", "-----------------", "------------------", "------", "-------"],
            ["MemoryPressure", str(bool(r["memory_pressure"])), "<unknown>", "<unknown>",
             "KubeletHasInsufficientMemory" if r["memory_pressure"] else "KubeletHasSufficientMemory", ""],
            ["Ready", str(r["ready"]), "<unknown>", rfc1123z(cs, r["t"]), _ready_reason(str(r["ready"])), ""]]
    lines = block([("Name", name), ("Roles", "<none>"),
                   *_multi("Labels", [f"{k}={v}" for k, v in sorted(info.get("labels", {}).items())]),
                   ("Annotations", "<none>"), ("CreationTimestamp", rfc1123z(cs, r["created_s"])),
                   *_multi("Taints", taints), ("Unschedulable", str(bool(r["unschedulable"])).lower())])
    lines += ["Conditions:", *["  " + x for x in tabwrite(cond).splitlines()],
              "Capacity:", *["  " + x for x in block(list((info.get("capacity") or alloc).items()))],
              "Allocatable:", *["  " + x for x in block(list(alloc.items()))]]
    lines += _node_pods(run, name, t, r)
    lines += _events(run, "Node", name, t)
    return "\n".join(lines) + "\n"


def _ready_reason(ready: str) -> str:
    return {"True": "KubeletReady", "False": "KubeletNotReady", "Unknown": "NodeStatusUnknown"}.get(ready, "")


def _pct(v: float, of: float) -> str:
    return f"{int(v / of * 100) if of else 0}%"


def _node_pods(run: RunDir, name: str, t: float, r: pd.Series) -> list[str]:
    pods = pods_at(run, t)
    on = pods[(pods["node"] == name) & ~pods["phase"].isin(["Succeeded", "Failed"])]
    ac, am = float(r["allocatable_cpu_m"]), float(r["allocatable_memory_bytes"])
    rows = [["Namespace", "Name", "CPU Requests", "CPU Limits", "Memory Requests", "Memory Limits", "Age"],
            ["---------", "----", "------------", "----------", "---------------", "-------------", "---"]]
    for _, p in on.iterrows():
        rows.append([p["namespace"], p["name"], f"{cpu(p['request_cpu_m'])} ({_pct(p['request_cpu_m'], ac)})", "0 (0%)",
                     f"{memory(p['request_memory_bytes'])} ({_pct(p['request_memory_bytes'], am)})", "0 (0%)",
                     human_duration(t - p["created_s"])])
    c, m = float(on["request_cpu_m"].sum()), float(on["request_memory_bytes"].sum())
    alloc = [["Resource", "Requests", "Limits"], ["--------", "--------", "------"],
             ["cpu", f"{cpu(c)} ({_pct(c, ac)})", "0 (0%)"], ["memory", f"{memory(m)} ({_pct(m, am)})", "0 (0%)"]]
    return [f"{'Non-terminated Pods:':<30}({len(on)} in total)", *["  " + x for x in tabwrite(rows).splitlines()],
            "Allocated resources:", "  (Total limits may be over 100 percent, i.e., overcommitted.)",
            *["  " + x for x in tabwrite(alloc).splitlines()]]
