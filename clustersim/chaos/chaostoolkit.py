"""Chaos Toolkit experiments (JSON or YAML) with chaostoolkit-kubernetes (``chaosk8s``) activities.

``terminate_pods`` with ``mode: percentage`` rounds up; ``rand: false`` takes the first pods by name or
age; an ``uncordon_node`` rollback uncordons a drained node. The method's activities run one after
another (``pauses.before``/``after`` in seconds; ``background`` activities do not hold the next one);
activities take no simulated time themselves; rollbacks run after the method. ``${name}`` is replaced from
``configuration`` (a value, or ``{type: env, key, default}`` read from the environment, as chaostoolkit
does) or from ``variables`` given to the reader (``--var name=value``).

| activity (provider func) | fault |
|---|---|
| chaosk8s.pod.actions.terminate_pods (label_selector, name_pattern, all, rand, mode, qty, grace_period, ns, order) | PodKill |
| chaosk8s.pod.actions.delete_pods (name, label_selector, ns), chaosk8s.actions.kill_microservice | PodKill of every matching pod |
| chaosk8s.node.actions.drain_nodes (name, label_selector, count, pod_label_selector, pod_namespace, timeout) | NodeDrain |
| chaosk8s.node.actions.cordon_node | NodeTaint node.kubernetes.io/unschedulable:NoSchedule (until ``uncordon_node``) |
| chaosk8s.node.actions.delete_nodes | InstanceTermination (NodeCrash without a cloud) |
| chaosk8s.deployment.actions.scale_deployment | DeploymentUpdate (a workload) |

Steady-state probes expressible as run metrics become hypotheses, checked before the method and after it:
chaosk8s ``pods_in_phase``, ``pods_not_in_phase``, ``count_pods``, ``deployment_available_and_healthy``
(and ``deployment_fully_available``, ``microservice_available_and_healthy``, ``all_microservices_healthy``),
``service_endpoint_is_initialized``, and ``http`` probes whose URL names a Service (``http://web``,
``http://web.shop.svc.cluster.local``). Other activities are listed as not modelled.
"""

from __future__ import annotations

import os
import re
from typing import Any

from clustersim.chaos.context import Doc
from clustersim.chaos.model import ChaosAction, ChaosError, ChaosExperiment, Hypothesis, Timing
from clustersim.chaos.selectors import parse_label_selector

__all__ = ["VARIABLES", "read_chaostoolkit"]

VARIABLES: dict[str, str] = {}  # --var name=value, set by the CLI before reading
_REF = re.compile(r"\$\{([A-Za-z0-9_.-]+)\}")
PROBES = {"pods_in_phase", "pods_not_in_phase", "count_pods", "deployment_available_and_healthy", "deployment_fully_available",
          "deployment_partially_available", "microservice_available_and_healthy", "all_microservices_healthy",
          "service_endpoint_is_initialized", "service_is_initialized"}


def _configuration(doc: dict[str, Any], d: Doc) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (doc.get("configuration") or {}).items():
        if isinstance(value, dict) and value.get("type") == "env":
            env = os.environ.get(str(value.get("key", "")))
            out[key] = env if env is not None else value.get("default")
        else:
            out[key] = value
    out.update(VARIABLES)
    return out


def _substitute(obj: Any, conf: dict[str, Any], missing: list[str]) -> Any:
    if isinstance(obj, str):
        whole = _REF.fullmatch(obj)
        if whole and conf.get(whole.group(1)) is not None:
            return conf[whole.group(1)]

        def rep(m: re.Match[str]) -> str:
            if conf.get(m.group(1)) is None:
                missing.append(m.group(1))
                return m.group(0)
            return str(conf[m.group(1)])

        return _REF.sub(rep, obj)
    if isinstance(obj, dict):
        return {k: _substitute(v, conf, missing) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_substitute(v, conf, missing) for v in obj]
    return obj


def _labels(text: Any, d: Doc, field: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        return parse_label_selector(str(text))
    except ValueError as e:
        raise d.fail(field, str(e)) from None


def _pod_targets(args: dict[str, Any], d: Doc, field: str, every: bool = False) -> dict[str, Any]:
    t: dict[str, Any] = {"namespaces": [str(args.get("ns") or "default")], **_labels(args.get("label_selector"), d, f"{field}.label_selector")}
    if args.get("name_pattern"):
        t["name_pattern"] = str(args["name_pattern"])
    if args.get("name"):
        t["pods"] = [str(args["name"])]
    if every or args.get("all"):
        t["mode"] = "all"
        return t
    qty = int(args.get("qty", 1))
    if args.get("mode", "fixed") == "percentage":
        t.update(mode="fixed-percent", value=max(min(qty, 100), 1))
    else:
        t["count"] = max(qty, 1)
    t["order"] = "random" if args.get("rand") else str(args.get("order") or "alphabetic")
    return t


def _node_targets(args: dict[str, Any], d: Doc, field: str) -> dict[str, Any]:
    t: dict[str, Any] = {}
    if args.get("name"):
        t["nodes"] = [str(args["name"])]
    if args.get("label_selector"):
        t["labels"] = _labels(args["label_selector"], d, f"{field}.label_selector").get("labels", {})
    if args.get("pod_label_selector") and args.get("pod_namespace"):
        t["on_nodes_of"] = {"namespaces": [str(args["pod_namespace"])], **_labels(args["pod_label_selector"], d, f"{field}.pod_label_selector")}
    count = args.get("count")
    t.update({"mode": "fixed", "value": int(count)} if count else {"mode": "all" if t.get("nodes") or not args.get("first") else "one"})
    return t


def _action(act: dict[str, Any], d: Doc, field: str, at: float, drains: list[ChaosAction]) -> None:
    prov = act.get("provider") or {}
    func, module = str(prov.get("func") or ""), str(prov.get("module") or "")
    args = prov.get("arguments") or {}
    name = f"{module}.{func}" if module else str(prov.get("type", ""))
    f = f"{field}.provider.arguments"
    timing = Timing(at_s=at)
    if func in ("terminate_pods", "delete_pods", "kill_microservice") and module.startswith("chaosk8s"):
        if func == "kill_microservice" and not args.get("label_selector"):
            args = {**args, "label_selector": f"name in ({args.get('name')})", "name": None}
        grace = args.get("grace_period", -1)
        params = {"grace_period_s": float(grace)} if isinstance(grace, int | float) and grace >= 0 else {}
        d.action("PodKill", _pod_targets(args, d, f, every=func != "terminate_pods"), params, timing, name)
    elif func == "drain_nodes":
        if args.get("delete_pods_with_local_storage"):
            d.note(f"{f}.delete_pods_with_local_storage", "emptyDir data is lost with the evicted pods, as the data-loss count records")
        drains.append(d.action("NodeDrain", _node_targets(args, d, f), {"timeout_s": float(args.get("timeout", 120))}, timing, name))
    elif func == "cordon_node":
        taint = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
        drains.append(d.action("NodeTaint", _node_targets(args, d, f), {"taint": taint}, timing, name))
    elif func == "uncordon_node":
        _uncordon(args, drains, at, d, field)
    elif func == "delete_nodes":
        d.note(field, "deleting Node objects is taken as their instances terminated (the kubelet re-registering is not modelled)")
        d.action("Instance:terminate", _node_targets(args, d, f), {}, timing, name)
    elif func == "scale_deployment":
        d.action("workload:DeploymentUpdate", {}, {"deployment": str(args.get("name")), "namespace": str(args.get("ns") or "default"),
                                                  "replicas": int(args.get("replicas", 1))}, timing, name)
    else:
        d.not_modelled(f"{field} {name or act.get('name')}")


def _uncordon(args: dict[str, Any], drains: list[ChaosAction], at: float, d: Doc, field: str) -> None:
    name = args.get("name")
    hit = [a for a in drains if not name or name in a.targets.get("nodes", [])]
    if not hit:
        d.note(field, "uncordon_node without a matching drain or cordon: no effect")
    for a in hit:
        if a.fault == "NodeDrain":
            a.params["uncordon_after_s"] = max(at - a.timing.at_s, 1e-3)
        else:
            a.timing.duration_s = max(at - a.timing.at_s, 1e-3)


def _hypotheses(doc: dict[str, Any], d: Doc, conf: dict[str, Any]) -> None:
    ssh = doc.get("steady-state-hypothesis") or {}
    for i, probe in enumerate(ssh.get("probes") or []):
        field = f"steady-state-hypothesis.probes[{i}]"
        if not isinstance(probe, dict):
            raise d.fail(field, "must be a mapping")
        missing: list[str] = []
        probe = _substitute(probe, conf, missing)
        prov = probe.get("provider") or {}
        pname = str(probe.get("name") or f"probe-{i}")
        func = str(prov.get("func") or "")
        if missing:
            d.note(field, f"not evaluated: unresolved ${{{missing[0]}}} (set it with --var {missing[0]}=...)")
            continue
        if prov.get("type") == "http":
            d.exp.hypotheses.append(Hypothesis(pname, "http", {"url": str(prov.get("url", ""))}, probe.get("tolerance", 200), field))
        elif func in PROBES:
            d.exp.hypotheses.append(Hypothesis(pname, func, dict(prov.get("arguments") or {}), probe.get("tolerance", True), field))
        else:
            d.note(field, f"{pname}: not expressible as a run metric, not evaluated")


def read_chaostoolkit(doc: dict[str, Any], where: str, out: Any) -> None:
    """A Chaos Toolkit experiment."""
    title = str(doc.get("title") or "experiment")
    exp = ChaosExperiment(title, "Chaos Toolkit", where)
    d = Doc(where, "experiment", exp)
    conf = _configuration(doc, d)
    method = doc.get("method")
    if not isinstance(method, list):
        raise ChaosError(where, "method", "required: a list of activities")
    t, drains = 0.0, list[ChaosAction]()
    for section, items in (("method", method), ("rollbacks", doc.get("rollbacks") or [])):
        for i, act in enumerate(items):
            field = f"{section}[{i}]"
            if not isinstance(act, dict):
                raise d.fail(field, "must be a mapping")
            missing: list[str] = []
            act = _substitute(act, conf, missing)
            pauses = act.get("pauses") or {}
            t += d.seconds(pauses.get("before", 0), f"{field}.pauses.before")
            if act.get("type") == "probe" or act.get("ref"):
                d.note(field, "probes in the method are not evaluated")
            elif missing:
                prov = act.get("provider") or {}
                d.action(str(prov.get("func") or "unknown"), {}, {}, Timing(at_s=t), f"{prov.get('module')}.{prov.get('func')}",
                         problem=(field, f"unresolved ${{{missing[0]}}} (set it with --var {missing[0]}=...)"))
            else:
                _action(act, d, field, t, drains)
            if not act.get("background"):
                t += d.seconds(pauses.get("after", 0), f"{field}.pauses.after")
        if section == "method":
            exp.method_end_s = t
    _hypotheses(doc, d, conf)
    for key in ("secrets", "controls", "extensions"):
        if doc.get(key):
            d.note(key, "no effect in the simulation")
    out.experiments.append(exp)
