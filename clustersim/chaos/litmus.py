"""LitmusChaos (litmuschaos.io/v1alpha1): ChaosEngine with its ChaosExperiments, and ChaosSchedule.

Each experiment's env starts from its ChaosExperiment (one given with the files, else the chaos-charts
defaults in ``litmus_defaults``) and is overridden by the engine's ``components.env`` (litmus-go
``pkg/<experiment>/environment``). The application is ``appinfo`` (``appns``, ``applabel``); ``TARGET_PODS``
names pods, ``NODE_LABEL`` keeps pods on matching nodes, ``PODS_AFFECTED_PERC`` takes that percentage
(``max(1, n x perc / 100)``, filterPodsByPercentage). Pod experiments repeat every ``CHAOS_INTERVAL`` until
``TOTAL_CHAOS_DURATION`` after ``RAMP_TIME``; node experiments hit ``TARGET_NODE(S)``, the nodes of
``NODE_LABEL``, or the node of a random application pod (common.GetNodeName).

Simplified: litmus-go waits for the application's pods to be running again between rounds
(CheckUnTerminatedPodStatusesByWorkloadName); here rounds follow the interval. ``SEQUENCE: serial`` is taken
as one target per round. Probes are not evaluated.
"""

from __future__ import annotations

from typing import Any

from clustersim.chaos.context import Doc
from clustersim.chaos.litmus_defaults import DEFAULTS
from clustersim.chaos.model import ChaosError, ChaosExperiment, Timing
from clustersim.chaos.selectors import parse_label_selector

__all__ = ["collect_litmus_experiment", "read_litmus"]

POD_EXPERIMENTS = ("pod-delete", "container-kill", "pod-network-partition", "pod-network-latency", "pod-cpu-hog", "pod-memory-hog")
NODE_EXPERIMENTS = ("node-drain", "node-taint", "kubelet-service-kill", "node-restart")
READ_ENV = {"TOTAL_CHAOS_DURATION", "CHAOS_INTERVAL", "RAMP_TIME", "PODS_AFFECTED_PERC", "TARGET_PODS", "NODE_LABEL", "SEQUENCE",
            "TARGET_NODE", "TARGET_NODES", "FORCE", "NETWORK_LATENCY", "JITTER", "CPU_CORES", "CPU_LOAD", "MEMORY_CONSUMPTION",
            "TAINTS", "POLICY_TYPES", "EC2_INSTANCE_ID", "VM_INSTANCE_NAMES", "INSTANCE_TAG", "EC2_INSTANCE_TAG", "INSTANCE_LABEL",
            "INSTANCE_AFFECTED_PERC", "TARGET_CONTAINER", "DESTINATION_IPS", "DESTINATION_HOSTS", "MANAGED_NODEGROUP",
            "MANAGED_INSTANCE_GROUP"}
# env that only says how the tool reaches the cluster
NO_EFFECT_ENV = {"CONTAINER_RUNTIME", "SOCKET_PATH", "LIB_IMAGE", "LIB", "TC_IMAGE", "STRESS_IMAGE", "DEFAULT_HEALTH_CHECK",
                 "AWS_SHARED_CREDENTIALS_FILE", "REGION", "GCP_PROJECT_ID", "ZONES", "SSH_USER", "REBOOT_COMMAND",
                 "TARGET_NODE_IP", "NETWORK_INTERFACE", "SIGNAL", "NUMBER_OF_WORKERS", "PORTS", "POD_SELECTOR",
                 "NAMESPACE_SELECTOR"}


def _env(items: Any, doc: Doc, field: str) -> dict[str, str]:
    if items is None:
        return {}
    if not isinstance(items, list):
        raise doc.fail(field, "must be a list of {name, value}")
    out = {}
    for i, e in enumerate(items):
        if not isinstance(e, dict) or not e.get("name"):
            raise doc.fail(f"{field}[{i}].name", "required field missing")
        out[str(e["name"])] = "" if e.get("value") is None else str(e.get("value"))
    return out


def collect_litmus_experiment(doc: dict[str, Any], where: str, out: Any) -> None:
    """Keep a ChaosExperiment CR (its env defaults) for the engines that name it."""
    name = str((doc.get("metadata") or {}).get("name") or "")
    if not name:
        raise ChaosError(where, "ChaosExperiment: metadata.name", "required field missing")
    definition = ((doc.get("spec") or {}).get("definition") or {})
    if not isinstance(definition, dict):
        raise ChaosError(where, f"ChaosExperiment {name}: spec.definition", "must be a mapping")
    exp = ChaosExperiment(name, "LitmusChaos", where)
    env = _env(definition.get("env"), Doc(where, f"ChaosExperiment {name}", exp), "spec.definition.env")
    out.litmus_experiments[name] = (where, env)


class _Engine:
    """One ChaosEngine (or a ChaosSchedule's engine template) being mapped."""

    def __init__(self, spec: dict[str, Any], doc: Doc, namespace: str, field: str, known: dict[str, tuple[str, dict[str, str]]]) -> None:
        self.spec, self.doc, self.namespace, self.field, self.known = spec, doc, namespace, field, known
        app = spec.get("appinfo") or {}
        if not isinstance(app, dict):
            raise doc.fail(f"{field}.appinfo", "must be a mapping")
        self.app_ns = str(app.get("appns") or namespace)
        self.app_label = str(app.get("applabel") or "")
        self.app_kind = str(app.get("appkind") or "")

    def read(self) -> None:
        spec, doc, f = self.spec, self.doc, self.field
        state = spec.get("engineState", "active")
        if state == "stop":
            doc.note(f"{f}.engineState", "stop: the engine runs nothing")
            return
        for key, why in (("chaosServiceAccount", "RBAC of the chaos runner is not modelled"),
                         ("annotationCheck", "every application pod is eligible"), ("jobCleanUpPolicy", "no effect"),
                         ("auxiliaryAppInfo", "the auxiliary applications are not checked")):
            if spec.get(key):
                doc.note(f"{f}.{key}", why)
        experiments = spec.get("experiments")
        if not isinstance(experiments, list) or not experiments:
            raise doc.fail(f"{f}.experiments", "required field missing")
        for i, e in enumerate(experiments):
            self._experiment(e, f"{f}.experiments[{i}]")

    def _experiment(self, e: Any, field: str) -> None:
        doc = self.doc
        if not isinstance(e, dict) or not e.get("name"):
            raise doc.fail(f"{field}.name", "required field missing")
        name = str(e["name"])
        components = ((e.get("spec") or {}).get("components") or {})
        handler = _MAP.get(name) or (_cloud if name in DEFAULTS and name.startswith(("ec2-", "gcp-vm-")) else None)
        if handler is None:
            doc.not_modelled(f"experiment {name}")
            return
        env = dict(self.known[name][1]) if name in self.known else dict(DEFAULTS[name])
        env.update(_env(components.get("env"), doc, f"{field}.spec.components.env"))
        for key in sorted(set(env) - READ_ENV):
            if env[key]:
                doc.note(f"{field}.spec.components.env.{key}", "no effect in the simulation" if key in NO_EFFECT_ENV else "not modelled")
        if (e.get("spec") or {}).get("probe"):
            doc.note(f"{field}.spec.probe", "Litmus probes are not evaluated")
        for key in ("nodeSelector", "resources", "statusCheckTimeouts"):
            if components.get(key):
                doc.note(f"{field}.spec.components.{key}", "where the experiment pod runs: no effect")
        handler(self, name, env, field)

    # ---- shared pieces
    def num(self, env: dict[str, str], key: str, field: str, default: float = 0.0) -> float:
        raw = env.get(key, "")
        return default if raw == "" else self.doc.seconds(raw, f"{field}.spec.components.env.{key}")

    def pods(self, env: dict[str, str], field: str, all_pods: bool = False) -> tuple[dict[str, Any], tuple[str, str] | None]:
        targets: dict[str, Any] = {"namespaces": [self.app_ns]}
        problem = None
        if env.get("TARGET_PODS"):
            targets["pods"] = [p.strip() for p in env["TARGET_PODS"].split(",") if p.strip()]
        elif self.app_label:
            try:
                targets.update(parse_label_selector(self.app_label))
            except ValueError as e:
                raise self.doc.fail(f"{self.field}.appinfo.applabel", str(e)) from None
        else:
            problem = (f"{self.field}.appinfo.applabel", "empty: give the application's label or TARGET_PODS")
        if env.get("NODE_LABEL") and not env.get("TARGET_PODS"):
            targets["node_labels"] = self._node_label(env["NODE_LABEL"], field)
        if self.app_kind:
            self.doc.note(f"{self.field}.appinfo.appkind", "pods are selected by label whatever their owner's kind")
        if all_pods:
            targets["mode"] = "all"
        else:
            perc = self.num(env, "PODS_AFFECTED_PERC", field)
            targets.update({"mode": "fixed-percent", "value": min(perc, 100), "rounding": "down"} if perc > 0 else {"mode": "one"})
        return targets, problem

    def _node_label(self, text: str, field: str) -> dict[str, str]:
        try:
            sel = parse_label_selector(text)
        except ValueError as e:
            raise self.doc.fail(f"{field}.spec.components.env.NODE_LABEL", str(e)) from None
        if sel.get("expressions"):
            self.doc.note(f"{field}.spec.components.env.NODE_LABEL", "only key=value terms are used")
        return dict(sel.get("labels") or {})

    def nodes(self, env: dict[str, str], field: str) -> tuple[dict[str, Any], tuple[str, str] | None]:
        names = [n.strip() for n in (env.get("TARGET_NODES") or env.get("TARGET_NODE") or "").split(",") if n.strip()]
        if names:
            return {"nodes": names, "mode": "all"}, None
        if env.get("NODE_LABEL"):
            return {"labels": self._node_label(env["NODE_LABEL"], field), "mode": "one"}, None
        app, problem = self.pods({**env, "PODS_AFFECTED_PERC": "", "NODE_LABEL": ""}, field, all_pods=True)
        app.pop("mode", None)
        return {"on_nodes_of": app, "mode": "one"}, problem

    def rounds(self, env: dict[str, str], field: str) -> Timing:
        ramp = self.num(env, "RAMP_TIME", field)
        total = self.num(env, "TOTAL_CHAOS_DURATION", field)
        interval = self.num(env, "CHAOS_INTERVAL", field)
        if interval <= 0:
            interval = total or 1.0
        times = []
        k = 0
        while k * interval < max(total, 1e-9) and k < 10_000:
            times.append(ramp + k * interval)
            k += 1
        return Timing(at_s=ramp, times_s=tuple(times))

    def span(self, env: dict[str, str], field: str) -> Timing:
        ramp = self.num(env, "RAMP_TIME", field)
        return Timing(at_s=ramp, duration_s=self.num(env, "TOTAL_CHAOS_DURATION", field) or None)


def _pod_delete(e: _Engine, name: str, env: dict[str, str], field: str) -> None:
    targets, problem = e.pods(env, field)
    if env.get("SEQUENCE") == "serial":
        e.doc.note(f"{field}.spec.components.env.SEQUENCE", "serial: taken as one pod per round")
        targets.update(mode="fixed", value=1)
        targets.pop("rounding", None)
    force = env.get("FORCE", "true").lower() == "true"
    params = {"grace_period_s": 0.0} if force and name == "pod-delete" else {}
    fault = "PodKill" if name == "pod-delete" else "ContainerKill"
    e.doc.action(fault, targets, params, e.rounds(env, field), f"{name} every CHAOS_INTERVAL", problem=problem)


def _pod_network(e: _Engine, name: str, env: dict[str, str], field: str) -> None:
    if name == "pod-network-partition":
        targets, problem = e.pods(env, field, all_pods=True)
        policy = env.get("POLICY_TYPES", "all").lower()
        if policy == "egress":
            e.doc.not_modelled(f"{name} with POLICY_TYPES egress (the pods' own calls are not modelled)")
            return
        params: dict[str, Any] = {"abort": 1.0}
    else:
        targets, problem = e.pods(env, field)
        params = {"delay_s": e.num(env, "NETWORK_LATENCY", field) / 1000, "jitter_s": e.num(env, "JITTER", field) / 1000}
    if env.get("DESTINATION_IPS") or env.get("DESTINATION_HOSTS"):
        e.doc.note(f"{field}.spec.components.env.DESTINATION_IPS", "every client request of the pods is affected (an upper bound)")
    e.doc.action("RequestFault", targets, params, e.span(env, field), name, problem=problem)


def _pod_hog(e: _Engine, name: str, env: dict[str, str], field: str) -> None:
    targets, problem = e.pods(env, field)
    if name == "pod-cpu-hog":
        cores, load = e.num(env, "CPU_CORES", field, 1.0), e.num(env, "CPU_LOAD", field, 100.0)
        e.doc.action("CpuStress", targets, {"cpu": f"{int(cores * load * 10)}m"}, e.span(env, field), name, problem=problem)
    else:
        mib = e.num(env, "MEMORY_CONSUMPTION", field, 500.0)
        e.doc.action("MemoryStress", targets, {"memory": f"{int(mib)}Mi"}, e.span(env, field), name, problem=problem)


def _node(e: _Engine, name: str, env: dict[str, str], field: str) -> None:
    targets, problem = e.nodes(env, field)
    timing = e.span(env, field)
    total = timing.duration_s
    if name == "node-drain":
        params: dict[str, Any] = {"uncordon_after_s": total} if total else {}
        if total:
            params["timeout_s"] = total  # kubectl drain --timeout TOTAL_CHAOS_DURATION
        timing.duration_s = None
        e.doc.action("NodeDrain", targets, params, timing, name, problem=problem)
    elif name == "node-taint":
        e.doc.action("NodeTaint", targets, {"taint": _taint(e, env, field)}, timing, name, problem=problem)
    elif name == "kubelet-service-kill":
        e.doc.action("KubeletStop", targets, {}, timing, name, problem=problem)
    else:
        e.doc.note(f"{field}.spec.components.env.TOTAL_CHAOS_DURATION", "a reboot takes the NodeReboot default of 60 s")
        timing.duration_s = None
        e.doc.action("NodeReboot", targets, {}, timing, name, problem=problem)


def _taint(e: _Engine, env: dict[str, str], field: str) -> dict[str, str]:
    text = env.get("TAINTS", "")
    if not text:
        raise e.doc.fail(f"{field}.spec.components.env.TAINTS", "required (key=value:effect or key:effect)")
    label, _, effect = text.partition(":")  # litmus-go node-taint GetTaintDetails: NoExecute when no effect is given
    key, _, value = label.partition("=")
    effect = effect or "NoExecute"
    if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute") or not key:
        raise e.doc.fail(f"{field}.spec.components.env.TAINTS", f"expected key=value:effect, got {text!r}")
    return {"key": key, "value": value, "effect": effect}


def _cloud(e: _Engine, name: str, env: dict[str, str], field: str) -> None:
    what = "terminate" if "terminate" in name else "stop"
    ids = [x.strip() for x in (env.get("EC2_INSTANCE_ID") or env.get("VM_INSTANCE_NAMES") or "").split(",") if x.strip()]
    tag = env.get("INSTANCE_TAG") or env.get("EC2_INSTANCE_TAG") or env.get("INSTANCE_LABEL") or ""
    timing = e.span(env, field) if what == "stop" else Timing(at_s=e.num(env, "RAMP_TIME", field))
    if env.get("MANAGED_NODEGROUP", "disable") == "enable" or env.get("MANAGED_INSTANCE_GROUP", "disable") == "enable":
        e.doc.note(f"{field}.spec.components.env.MANAGED_NODEGROUP", "the node group's replacement instance comes from the cloud model, if any")
    if ids:
        if env.get("SEQUENCE") == "serial" and len(ids) > 1:
            step = timing.duration_s or e.num(env, "CHAOS_INTERVAL", field, 30.0)
            for k, inst in enumerate(ids):
                t = Timing(at_s=timing.at_s + k * step, duration_s=timing.duration_s)
                e.doc.action(f"Instance:{what}", {}, {}, t, f"{name} {inst}", instances=(inst,))
            return
        e.doc.action(f"Instance:{what}", {}, {}, timing, f"{name} {', '.join(ids)}", instances=tuple(ids))
        return
    if tag:
        key, _, value = tag.replace(":", "=", 1).partition("=")
        perc = e.num(env, "INSTANCE_AFFECTED_PERC", field)
        targets: dict[str, Any] = {"labels": {key: value}}
        targets.update({"mode": "fixed-percent", "value": min(perc, 100)} if perc > 0 else {"mode": "one"})
        e.doc.note(f"{field}.spec.components.env", "instance tags are matched against node labels")
        e.doc.action(f"Instance:{what}", targets, {}, timing, f"{name} {tag}")
        return
    field_name = "EC2_INSTANCE_ID" if name.startswith("ec2") else "VM_INSTANCE_NAMES"
    e.doc.action(f"Instance:{what}", {}, {}, timing, name, problem=(f"{field}.spec.components.env.{field_name}", "empty: name the instances"))


_MAP = {"pod-delete": _pod_delete, "container-kill": _pod_delete, "pod-network-partition": _pod_network,
        "pod-network-latency": _pod_network, "pod-cpu-hog": _pod_hog, "pod-memory-hog": _pod_hog,
        **{n: _node for n in NODE_EXPERIMENTS}}


def read_litmus(doc: dict[str, Any], where: str, out: Any, lenient: bool) -> None:
    """A ChaosEngine or ChaosSchedule document."""
    kind = str(doc.get("kind") or "")
    meta: dict[str, Any] = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
    name = str(meta.get("name") or meta.get("generateName") or "")
    if not name:
        raise ChaosError(where, f"{kind}: metadata.name", "required field missing")
    ns = str(meta.get("namespace") or "default")
    exp = ChaosExperiment(name, "LitmusChaos", where)
    d = Doc(where, f"{kind} {name}", exp)
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        raise d.fail("spec", "required field missing")
    if kind == "ChaosEngine":
        _Engine(spec, d, ns, "spec", out.litmus_experiments).read()
    elif kind == "ChaosSchedule":
        _schedule(spec, d, ns, out)
    elif kind == "ChaosResult":
        out.warnings.append(f"{where}: ChaosResult {name}: a result, not an experiment: skipped")
        return
    elif lenient:
        out.warnings.append(f"{where}: kind: unknown LitmusChaos kind {kind!r}, skipped")
        return
    else:
        raise ChaosError(where, "kind", f"unknown LitmusChaos kind {kind!r} (use --lenient to skip it)")
    out.experiments.append(exp)


def _schedule(spec: dict[str, Any], d: Doc, ns: str, out: Any) -> None:
    template = spec.get("engineTemplateSpec")
    if not isinstance(template, dict):
        raise d.fail("spec.engineTemplateSpec", "required field missing")
    sched = spec.get("schedule") or {}
    if not isinstance(sched, dict):
        raise d.fail("spec.schedule", "must be a mapping")
    before = len(d.exp.actions)
    _Engine(template, d, ns, "spec.engineTemplateSpec", out.litmus_experiments).read()
    actions = d.exp.actions[before:]
    if sched.get("now"):
        return
    if sched.get("once"):
        d.note("spec.schedule.once.executionTime", "runs once at the start of the run")
        return
    repeat = sched.get("repeat")
    if not isinstance(repeat, dict):
        raise d.fail("spec.schedule", "give now, once or repeat")
    props = repeat.get("properties") or {}
    interval = props.get("minChaosInterval")
    if isinstance(interval, dict):
        hour, minute = interval.get("hour") or {}, interval.get("minute") or {}
        period = 3600.0 * float(hour.get("everyNthHour") or 0) + 60.0 * float(minute.get("everyNthMinute") or 0)
    else:
        period = d.duration(interval, "spec.schedule.repeat.properties.minChaosInterval") if interval else 0.0
    if period <= 0:
        raise d.fail("spec.schedule.repeat.properties.minChaosInterval", "required (for example 2m)")
    for key in ("timeRange", "workHours", "workDays"):
        if repeat.get(key):
            d.note(f"spec.schedule.repeat.{key}", "calendar windows are not modelled: the schedule runs from the start")
    for act in actions:
        act.timing.period_s = period
