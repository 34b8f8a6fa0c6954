"""Krkn (krkn-chaos/krkn): ``config.yaml`` with ``kraken.chaos_scenarios``, the scenario files it names, and the
SLO/alert profile of the resiliency score.

Krkn runs the scenario types in order, each file in order, one after another (a scenario blocks for its
duration), ``tunings.wait_duration`` between them, the whole list ``tunings.iterations`` times. Paths are
relative to Krkn's working directory (the folder above ``config/``), or to the config. Scenario files can also
be given alone: their type is told from their keys.

| scenario | fault |
|---|---|
| pod_disruption (kill-pods: name_pattern, namespace_pattern, label_selector, kill) | PodKill (regular expressions) |
| container (label_selector, container_name, count) | ContainerKill |
| node (node_stop_start, node_stop, node_termination, node_reboot, node_crash, *_kubelet) | InstanceStop/-Termination, NodeReboot, KubeletStop |
| zone_outage (aws network ACL on subnets; gcp stops the zone's nodes) | ZoneOutage partition-all / crash (a subnet is named by its zone) |
| application_outage (pod_selector, block Ingress) | RequestFault abort 1 |
| network_chaos (node egress latency, loss) | RequestFault on the pods of the nodes |
| network_chaos_ng pod/node_network_chaos, pod/node_network_filter | RequestFault |
| network_chaos_ng node_interface_down | NetworkPartition (cut from everything) |
| cluster_shut_down (all nodes stop for runs x shut_down_duration) | NodeCrash of every node |
| hog, time, pvc, service_disruption, service_hijacking, syn_flood, storage_throttle, http_load, kubevirt, managed_cluster | not modelled |
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clustersim.chaos.context import Doc
from clustersim.chaos.durations import go_duration_s
from clustersim.chaos.model import SLO, ChaosError, ChaosExperiment, Timing
from clustersim.chaos.selectors import parse_label_selector
from clustersim.util.strict_yaml import YAMLInputError, load_yaml_documents

__all__ = ["is_krkn_scenario", "is_slo_profile", "read_krkn_config", "read_krkn_scenario", "read_slos"]

SCENARIO_KEYS = {"node_scenarios": "node_scenarios", "application_outage": "application_outages_scenarios",
                 "zone_outage": "zone_outages_scenarios", "pvc_scenario": "pvc_scenarios", "network_chaos": "network_chaos_scenarios",
                 "cluster_shut_down_scenario": "cluster_shut_down_scenarios", "time_scenarios": "time_scenarios",
                 "service_disruption_scenarios": "service_disruption_scenarios", "scenarios": "container_scenarios"}
NOT_MODELLED = {"hog_scenarios", "time_scenarios", "pvc_scenarios", "service_disruption_scenarios", "service_hijacking_scenarios",
                "syn_flood_scenarios", "storage_throttle_scenarios", "http_load_scenarios", "kubevirt_vm_outage",
                "managed_cluster_scenarios"}
DEFAULT_WEIGHTS = {"critical": 3.0, "warning": 1.0}  # krkn/resiliency/score.py DEFAULT_WEIGHTS; others count as warning
PLUGIN_IDS = {"kill-pods", "pod_network_chaos", "node_network_chaos", "pod_network_filter", "node_network_filter",
              "node_interface_down", "pod_network_outage", "network_chaos_ingress", "wait-for-namespace", "vmi_network_chaos"}


def is_slo_profile(doc: Any) -> bool:
    """A list of ``{expr, severity}`` (an alert profile or an SLO file)."""
    return isinstance(doc, list) and bool(doc) and all(isinstance(x, dict) and "expr" in x and "severity" in x for x in doc)


def is_krkn_scenario(doc: Any) -> bool:
    """A Krkn scenario file (one of its top-level keys, or a list of plugin steps with ``id``)."""
    if isinstance(doc, dict):
        return bool(set(doc) & set(SCENARIO_KEYS)) or "hog-type" in doc
    return isinstance(doc, list) and bool(doc) and all(isinstance(x, dict) and isinstance(x.get("id"), str) and x["id"] in PLUGIN_IDS for x in doc)


def _scenario_type(doc: Any) -> str:
    if isinstance(doc, list):
        return "plugin_scenarios"
    if "hog-type" in doc:
        return "hog_scenarios"
    return SCENARIO_KEYS[next(k for k in doc if k in SCENARIO_KEYS)]


def read_slos(doc: Any, where: str) -> list[SLO]:
    """An SLO/alert profile: ``expr``, ``severity``, optional ``weight`` and ``description`` (the SLO's name)."""
    if not is_slo_profile(doc):
        raise ChaosError(where, "", "an SLO file is a list of {expr, severity, weight, description}")
    out = []
    for i, a in enumerate(doc):
        sev = str(a["severity"]).lower()
        weight = a.get("weight")
        if weight is not None and (isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0):
            raise ChaosError(where, f"[{i}].weight", f"must be a non-negative number, got {weight!r}")
        w = float(weight) if weight is not None else DEFAULT_WEIGHTS.get(sev, DEFAULT_WEIGHTS["warning"])
        out.append(SLO(str(a.get("description") or f"slo_{i}"), str(a["expr"]), sev, w))
    return out


class _Scenarios:
    """Scenario steps placed one after another, as Krkn runs them."""

    def __init__(self, doc: Doc) -> None:
        self.doc, self.t = doc, 0.0

    def num(self, d: dict[str, Any], key: str, default: float, field: str) -> float:
        value = d.get(key, default)
        if value is None or value == "":
            return default
        if isinstance(value, str) and not value.replace(".", "", 1).isdigit():
            try:
                return go_duration_s(value)
            except ValueError:
                pass
        return self.doc.seconds(value, f"{field}.{key}")

    def add(self, fault: str, targets: dict[str, Any], params: dict[str, Any], length: float, description: str,
            duration: float | None = None, at: float = 0.0) -> None:
        self.doc.action(fault, targets, params, Timing(at_s=self.t + at, duration_s=duration), description)
        self.t += length


class Placeholder(Exception):
    """A template value such as ``<label_selector>`` left in a scenario file."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(field)
        self.field, self.value = field, value


def _check_placeholder(value: Any, field: str) -> None:
    if isinstance(value, str) and value.strip().startswith("<") and value.strip().endswith(">"):
        raise Placeholder(field, value)


def _selector(text: Any, doc: Doc, field: str) -> dict[str, Any]:
    if not text:
        return {}
    _check_placeholder(text, field)
    try:
        return parse_label_selector(str(text))
    except ValueError as e:
        raise doc.fail(field, str(e)) from None


def _pod_disruption(cfg: dict[str, Any], s: _Scenarios, field: str) -> None:
    targets: dict[str, Any] = {**_selector(cfg.get("label_selector"), s.doc, f"{field}.label_selector")}
    for src, dst in (("name_pattern", "name_pattern"), ("namespace_pattern", "namespace_pattern")):
        if cfg.get(src):
            targets[dst] = str(cfg[src])
    if cfg.get("node_names"):
        targets["nodes"] = [str(n) for n in cfg["node_names"]]
    if cfg.get("node_label_selector"):
        targets["node_labels"] = _selector(cfg["node_label_selector"], s.doc, f"{field}.node_label_selector").get("labels", {})
    if cfg.get("exclude_label"):
        s.doc.note(f"{field}.exclude_label", "not modelled: excluded pods may be picked")
    targets["count"] = int(s.num(cfg, "kill", 1, field))
    params = {"grace_period_s": 0.0} if cfg.get("force") else {}
    recovery = s.num(cfg, "krkn_pod_recovery_time", 120, field)
    s.doc.note(f"{field}.krkn_pod_recovery_time", "Krkn's recovery check is reported as the convergence time")
    s.add("PodKill", targets, params, recovery, f"kill {targets['count']} pod(s)")


def _plugin(step: dict[str, Any], s: _Scenarios, field: str) -> None:
    pid = step.get("id")
    cfg: dict[str, Any] = step["config"] if isinstance(step.get("config"), dict) else step
    if pid == "kill-pods":
        _pod_disruption(cfg, s, f"{field}.config")
    elif pid in ("pod_network_chaos", "node_network_chaos", "pod_network_filter", "node_network_filter", "pod_network_outage"):
        _network_ng(str(pid), cfg, s, field)
    elif pid == "node_interface_down":
        nodes = _node_targets(cfg, s, field)
        length = s.num(cfg, "test_duration", 60, field)
        s.add("NetworkPartition", nodes, {"from_clients": True, "from_nodes": True}, length, "node interface down", duration=length)
    else:
        s.doc.not_modelled(f"plugin step {pid}")


def _network_ng(pid: str, cfg: dict[str, Any], s: _Scenarios, field: str) -> None:
    targets: dict[str, Any] = {"namespaces": [str(cfg.get("namespace") or "default")]}
    if pid.startswith("node"):
        targets = {"node_labels": _selector(cfg.get("label_selector"), s.doc, f"{field}.label_selector").get("labels", {})}
        if not targets["node_labels"] and cfg.get("target"):
            targets = {"nodes": [str(cfg["target"])]}
        targets["mode"] = "all"
        s.doc.note(f"{field}.instance_count", "every pod of the matching nodes is affected")
    elif cfg.get("target") and not str(cfg["target"]).startswith("<"):
        targets["pods"] = [str(cfg["target"])]
    else:
        targets.update(_selector(cfg.get("label_selector"), s.doc, f"{field}.label_selector"))
        targets["count"] = int(s.num(cfg, "instance_count", 1, field))
    if len(targets) == 1 and "namespaces" in targets:
        targets["mode"] = "all"
    length = s.num(cfg, "test_duration", 60, field)
    params: dict[str, Any] = {}
    if "filter" in pid or pid == "pod_network_outage":
        if cfg.get("ingress", True) is False and "filter" in pid:
            s.doc.not_modelled(f"{pid} on egress only (the pods' own calls are not modelled)")
            return
        params["abort"] = 1.0
    else:
        if cfg.get("latency"):
            params["delay_s"] = go_duration_s(str(cfg["latency"]))
        loss = cfg.get("loss")
        if loss not in (None, "", 0, "0"):
            params["abort"] = min(float(str(loss).rstrip("%")) / 100, 1.0)
        if cfg.get("bandwidth"):
            s.doc.note(f"{field}.bandwidth", "not modelled")
    if not params:
        s.doc.not_modelled(f"{pid} without latency or loss")
        s.t += length
        return
    s.add("RequestFault", targets, params, length + s.num(cfg, "wait_duration", 0, field), pid, duration=length)


def _node_targets(cfg: dict[str, Any], s: _Scenarios, field: str) -> dict[str, Any]:
    _check_placeholder(cfg.get("node_name"), f"{field}.node_name")
    names = [n.strip() for n in str(cfg.get("node_name") or "").split(",") if n.strip()]
    if names:
        return {"nodes": names, "mode": "all"}
    labels = _selector(cfg.get("label_selector"), s.doc, f"{field}.label_selector").get("labels", {})
    count = int(s.num(cfg, "instance_count", 1, field))
    return {"labels": labels, "mode": "fixed", "value": max(count, 1)}


NODE_ACTIONS = {"node_stop_start_scenario": ("Instance:stop", True), "node_stop_scenario": ("Instance:stop", False),
                "node_termination_scenario": ("Instance:terminate", False), "node_reboot_scenario": ("NodeReboot", False),
                "node_crash_scenario": ("NodeReboot", False), "stop_kubelet_scenario": ("KubeletStop", False),
                "stop_start_kubelet_scenario": ("KubeletStop", True), "restart_kubelet_scenario": ("KubeletStop", True)}


def _node_scenario(sc: dict[str, Any], s: _Scenarios, field: str) -> None:
    actions = sc.get("actions") or []
    targets = _node_targets(sc, s, field)
    runs = int(s.num(sc, "runs", 1, field))
    duration = s.num(sc, "duration", 120, field)  # node_actions_scenario_plugin: duration defaults to 120
    timeout = s.num(sc, "timeout", 120, field)
    if sc.get("cloud_type"):
        s.doc.note(f"{field}.cloud_type", "how Krkn reaches the machines: the nodes are the cluster's")
    for j, action in enumerate(actions):
        if action not in NODE_ACTIONS:
            s.doc.not_modelled(f"{field}.actions[{j}] {action}")
            continue
        fault, recovers = NODE_ACTIONS[action]
        stay = {"restart_kubelet_scenario": 5.0, "stop_start_kubelet_scenario": 60.0}.get(action, duration)
        if action in ("restart_kubelet_scenario", "stop_start_kubelet_scenario", "node_crash_scenario"):
            s.doc.note(f"{field}.actions[{j}]", f"{action}: taken as {fault}" + (f" for {stay:g} s" if recovers else ""))
        for _ in range(runs):
            s.add(fault, dict(targets), {}, (stay if recovers else 0) + timeout, action, duration=stay if recovers else None)


def _zone_outage(z: dict[str, Any], s: _Scenarios, field: str) -> None:
    cloud = str(z.get("cloud_type") or "aws").lower()
    duration = s.num(z, "duration", 600, field)
    zones = [str(x) for x in (z.get("subnet_id") or [])] if cloud == "aws" else [str(z.get("zone") or "")]
    if cloud == "aws":
        s.doc.note(f"{field}.subnet_id", "a subnet is named by its zone (the network ACL cuts the zone's nodes off from everything)")
    for zone in [x for x in zones if x] or [""]:
        kind = "partition-all" if cloud == "aws" else "crash"
        s.doc.action("ZoneOutage", {"zone": zone or None}, {"kind": kind}, Timing(at_s=s.t, duration_s=duration), f"zone {zone} outage")
    s.t += duration
    for key in ("vpc_id", "default_acl_id", "kube_check"):
        if z.get(key):
            s.doc.note(f"{field}.{key}", "no effect in the simulation")


def _scenario_file(doc: Any, kind: str, s: _Scenarios, field: str) -> None:
    """One scenario file; a template placeholder left in it becomes a problem of the action (readable, not runnable)."""
    before = len(s.doc.exp.actions)
    try:
        _scenario_body(doc, kind, s, field)
    except Placeholder as p:
        del s.doc.exp.actions[before:]
        s.doc.action("unknown", {}, {}, Timing(at_s=s.t), f"{kind} (template)", problem=(p.field, f"{p.value!r} is a placeholder: set it"))


def _scenario_body(doc: Any, kind: str, s: _Scenarios, field: str) -> None:
    d = s.doc
    if kind in NOT_MODELLED:
        d.not_modelled(f"{kind} scenario")
    elif kind in ("pod_disruption_scenarios", "plugin_scenarios", "pod_network_scenarios", "network_chaos_ng_scenarios"):
        for i, step in enumerate(doc if isinstance(doc, list) else []):
            _plugin(step, s, f"{field}[{i}]")
    elif kind == "container_scenarios":
        for i, sc in enumerate(doc.get("scenarios") or []):
            f = f"{field}.scenarios[{i}]"
            targets = {"namespaces": [str(sc.get("namespace") or "default")], **_selector(sc.get("label_selector"), d, f"{f}.label_selector"),
                       "count": int(s.num(sc, "count", 1, f))}
            if sc.get("container_name"):
                d.note(f"{f}.container_name", "the pod-level model restarts all its containers")
            s.add("ContainerKill", targets, {}, s.num(sc, "expected_recovery_time", 120, f), f"container kill {sc.get('name', '')}")
    elif kind == "node_scenarios":
        for i, sc in enumerate(doc.get("node_scenarios") or []):
            _node_scenario(sc, s, f"{field}.node_scenarios[{i}]")
    elif kind == "zone_outages_scenarios":
        _zone_outage(doc.get("zone_outage") or {}, s, f"{field}.zone_outage")
    elif kind == "application_outages_scenarios":
        a = doc.get("application_outage") or {}
        f = f"{field}.application_outage"
        block = [str(b) for b in a.get("block") or ["Ingress", "Egress"]]
        duration = s.num(a, "duration", 600, f)
        if "Ingress" not in block:
            d.not_modelled("application_outage blocking Egress only (the pods' own calls are not modelled)")
            s.t += duration
            return
        sel = a.get("pod_selector") or {}
        _check_placeholder(a.get("namespace"), f"{f}.namespace")
        targets = {"namespaces": [str(a.get("namespace") or "default")], "mode": "all"}
        if isinstance(sel, dict) and sel:
            targets["labels"] = {str(k): str(v) for k, v in sel.items()}
        s.add("RequestFault", targets, {"abort": 1.0}, duration, "application outage", duration=duration)
    elif kind == "network_chaos_scenarios":
        n = doc.get("network_chaos") or {}
        f = f"{field}.network_chaos"
        nodes = _node_targets(n, s, f)
        egress = n.get("egress") or {}
        params: dict[str, Any] = {}
        if egress.get("latency"):
            params["delay_s"] = go_duration_s(str(egress["latency"]))
        if egress.get("loss"):
            params["abort"] = min(float(str(egress["loss"]).rstrip("%")) / 100, 1.0)
        duration = s.num(n, "duration", 300, f)
        targets = {"nodes": nodes["nodes"]} if "nodes" in nodes else {"node_labels": nodes["labels"]}
        d.note(f"{f}.instance_count", "every pod of the matching nodes is affected")
        s.add("RequestFault", {**targets, "mode": "all"}, params or {"abort": 0.0}, duration, "node egress chaos", duration=duration)
    elif kind == "cluster_shut_down_scenarios":
        c = doc.get("cluster_shut_down_scenario") or {}
        down = s.num(c, "shut_down_duration", 120, f"{field}.cluster_shut_down_scenario")
        for _ in range(int(s.num(c, "runs", 1, field))):
            s.add("NodeCrash", {"mode": "all"}, {}, down + s.num(c, "timeout", 600, field), "cluster shut down", duration=down)
    else:
        d.not_modelled(f"{kind} scenario")


def read_krkn_scenario(doc: Any, where: str, kind: str | None, out: Any, s: _Scenarios | None = None) -> None:
    """A scenario file given alone (its type told from its keys), or one named by a config (``s`` given)."""
    kind = kind or _scenario_type(doc)
    if s is None:
        exp = ChaosExperiment(Path(where.rsplit("[doc", 1)[0]).stem, "Krkn", where)
        s = _Scenarios(Doc(where, f"Krkn {kind}", exp))
        _scenario_file(doc, kind, s, "")
        out.experiments.append(exp)
        return
    _scenario_file(doc, kind, s, "")


def _resolve(path: str, config: Path) -> Path | None:
    for base in (config.parent.parent, config.parent, Path.cwd()):
        cand = base / path
        if cand.is_file():
            return cand
    return None


def read_krkn_config(doc: dict[str, Any], where: str, path: Path, out: Any, lenient: bool) -> None:
    """A Krkn config: its scenario files, in order, and its SLO profile."""
    kraken = doc["kraken"]
    scenarios = kraken.get("chaos_scenarios")
    if not isinstance(scenarios, list):
        raise ChaosError(where, "kraken.chaos_scenarios", "required: a list of {scenario type: [files]}")
    exp = ChaosExperiment(path.stem, "Krkn", where)
    d = Doc(where, "Krkn config", exp)
    s = _Scenarios(d)
    tunings = doc.get("tunings") or {}
    wait = s.num(tunings, "wait_duration", 60, "tunings")
    iterations = int(s.num(tunings, "iterations", 1, "tunings"))
    if tunings.get("daemon_mode"):
        d.note("tunings.daemon_mode", "forever: the run's horizon ends it")
        iterations = max(iterations, 1)
    for _ in range(max(iterations, 1)):
        for i, entry in enumerate(scenarios):
            if not isinstance(entry, dict) or len(entry) != 1:
                raise ChaosError(where, f"kraken.chaos_scenarios[{i}]", "must be one {scenario type: [files]}")
            kind, files = next(iter(entry.items()))
            for j, f in enumerate(files or []):
                field = f"kraken.chaos_scenarios[{i}].{kind}[{j}]"
                if kind in NOT_MODELLED:
                    d.not_modelled(f"{kind}: {f}")
                    continue
                file = _resolve(str(f), path)
                if file is None:
                    if lenient:
                        out.warnings.append(f"{where}: {field}: {f}: no such file, skipped")
                        continue
                    raise ChaosError(where, field, f"{f}: no such file (relative to {path.parent.parent} or {path.parent}; "
                                                   "use --lenient to skip it)")
                for k, sdoc in enumerate(_load(file)):
                    sub = Doc(f"{file}[doc {k}]", f"Krkn {kind}", exp)
                    s.doc = sub
                    _scenario_file(sdoc, str(kind), s, "")
                    s.doc = d
                s.t += wait
    _slo_file(doc, path, d, out)
    out.experiments.append(exp)


def _load(file: Path) -> list[Any]:
    try:
        return load_yaml_documents(file)
    except YAMLInputError as e:
        raise ChaosError(e.source, e.field, e.message) from None


def _slo_file(doc: dict[str, Any], path: Path, d: Doc, out: Any) -> None:
    res = doc.get("resiliency") or {}
    if str(res.get("resiliency_run_mode", "standalone")) == "disabled":
        return
    name = res.get("resiliency_file") or (doc.get("performance_monitoring") or {}).get("alert_profile")
    if not name:
        return
    file = _resolve(str(name), path)
    if file is None:
        d.note("resiliency.resiliency_file", f"{name}: no such file; no resiliency score")
        return
    docs = _load(file)
    d.exp.slos += read_slos(docs[0] if docs else [], f"{file}[doc 0]")
