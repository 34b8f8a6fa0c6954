"""Chaos Mesh (chaos-mesh.org/v1alpha1) chaos kinds onto the fault catalogue (api/v1alpha1/*_types.go).

| kind / action | fault |
|---|---|
| PodChaos pod-kill | PodKill (``gracePeriod``, default 0: deleted at once) |
| PodChaos pod-failure | PodFailure for ``duration`` |
| PodChaos container-kill | ContainerKill (``containerNames``) |
| NetworkChaos delay / loss / corrupt / netem | RequestFault (delay, jitter; loss or corrupt as abort probability) |
| NetworkChaos partition | RequestFault abort 1 |
| StressChaos memory / cpu | MemoryStress (``size``) / CpuStress (``workers`` x ``load``) |
| HTTPChaos abort / delay | RequestFault |
| DNSChaos error / random | DNSChaos (the DNS fault of the traffic model) |
| AWSChaos ec2-stop / ec2-restart | InstanceStop / InstanceRestart (cloud), NodeCrash / NodeReboot without it |
| GCPChaos node-stop / node-reset, AzureChaos vm-stop / vm-restart | likewise |
| IOChaos, TimeChaos, KernelChaos, JVMChaos, BlockChaos, PhysicalMachineChaos, volume and disk actions | not modelled |

The traffic model has no pod-to-pod calls, so a NetworkChaos ``direction``/``target`` is recorded and the
action applies to every client request the selected pods serve: an upper bound.
"""

from __future__ import annotations

import re
from typing import Any

from clustersim.chaos.context import Doc
from clustersim.chaos.model import Timing
from clustersim.chaos.selectors import chaos_mesh_pods

__all__ = ["CHAOS_KINDS", "NOT_MODELLED_KINDS", "chaos_timing", "read_chaos"]

NOT_MODELLED_KINDS = {"IOChaos", "TimeChaos", "KernelChaos", "JVMChaos", "BlockChaos", "PhysicalMachineChaos"}
POD_SELECTOR_KEYS = {"selector", "mode", "value"}
_BYTES = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?i?B?)\s*$", re.I)
_MULT = {"": 1, "B": 1, "K": 1e3, "KB": 1e3, "M": 1e6, "MB": 1e6, "G": 1e9, "GB": 1e9, "T": 1e12, "TB": 1e12,
         "KI": 1024, "KIB": 1024, "MI": 1024**2, "MIB": 1024**2, "GI": 1024**3, "GIB": 1024**3, "TI": 1024**4, "TIB": 1024**4}


def chaos_timing(spec: dict[str, Any], doc: Doc, field: str, one_shot: bool = False) -> Timing:
    """``duration`` of a chaos spec (one-shot actions have none: it is listed as without effect)."""
    if spec.get("duration") is None:
        return Timing()
    if one_shot:
        doc.note(f"{field}.duration", "no effect on a one-shot action")
        return Timing()
    return Timing(duration_s=doc.duration(spec["duration"], f"{field}.duration"))


def _pod_chaos(spec: dict[str, Any], doc: Doc, ns: str, field: str) -> None:
    action = spec.get("action", "pod-kill")
    targets = chaos_mesh_pods(spec, ns, doc.fail, field)
    used = POD_SELECTOR_KEYS | {"action", "duration"}
    if action == "pod-kill":
        grace = spec.get("gracePeriod", 0)
        if not isinstance(grace, int) or grace < 0:
            raise doc.fail(f"{field}.gracePeriod", f"must be a non-negative integer, got {grace!r}")
        doc.action("PodKill", targets, {"grace_period_s": float(grace)}, chaos_timing(spec, doc, field, one_shot=True), "pod-kill")
        used.add("gracePeriod")
    elif action == "pod-failure":
        timing = chaos_timing(spec, doc, field)
        doc.action("PodFailure", targets, {}, timing, "pod-failure: images replaced by a pause image")
    elif action == "container-kill":
        names = list(spec.get("containerNames") or [])
        if names:
            doc.note(f"{field}.containerNames", "the pod-level model restarts all its containers")
        doc.action("ContainerKill", targets, {"containers": names}, chaos_timing(spec, doc, field, one_shot=True), "container-kill")
        used.add("containerNames")
    else:
        raise doc.fail(f"{field}.action", f"must be pod-kill, pod-failure or container-kill, got {action!r}")
    doc.ignore(spec, used, field)


def _percent(value: Any, doc: Doc, field: str) -> float:
    try:
        p = float(str(value))
    except ValueError:
        raise doc.fail(field, f"a percentage is required, got {value!r}") from None
    if not 0 <= p <= 100:
        raise doc.fail(field, f"must be within 0..100, got {value!r}")
    return p / 100


def _network_chaos(spec: dict[str, Any], doc: Doc, ns: str, field: str) -> None:
    action = spec.get("action")
    targets = chaos_mesh_pods(spec, ns, doc.fail, field)
    timing = chaos_timing(spec, doc, field)
    used = POD_SELECTOR_KEYS | {"action", "duration", "direction", "target", "externalTargets"}
    if spec.get("target") or spec.get("externalTargets") or spec.get("direction"):
        doc.note(f"{field}.direction/target", "pod-to-pod traffic is not modelled: the action applies to every client request "
                                                "the selected pods serve (an upper bound)")
    params: dict[str, Any] = {}
    if action == "partition":
        params["abort"] = 1.0
    elif action in ("delay", "loss", "corrupt", "netem", "duplicate", "bandwidth"):
        delay = spec.get("delay") or {}
        if delay:
            params["delay_s"] = doc.duration(delay.get("latency", "0"), f"{field}.delay.latency")
            params["jitter_s"] = doc.duration(delay.get("jitter", "0ms"), f"{field}.delay.jitter")
            for k in ("correlation", "reorder"):
                if k in delay:
                    doc.note(f"{field}.delay.{k}", "not modelled (each request is delayed independently)")
        abort = 0.0
        for key in ("loss", "corrupt"):
            block = spec.get(key) or {}
            if block:
                p = _percent(block.get(key), doc, f"{field}.{key}.{key}")
                abort = 1 - (1 - abort) * (1 - p)
                doc.note(f"{field}.{key}", "a lost or corrupted packet is taken as a failed request (TCP retransmission is not modelled)")
        if abort:
            params["abort"] = abort
        for key in ("duplicate", "bandwidth", "rate"):
            if spec.get(key):
                doc.note(f"{field}.{key}", "not modelled (no effect on request success)")
        used |= {"delay", "loss", "corrupt", "duplicate", "bandwidth", "rate"}
        if not params:
            doc.not_modelled(f"NetworkChaos {action}: nothing the traffic model measures")
            doc.ignore(spec, used, field)
            return
    else:
        raise doc.fail(f"{field}.action", f"unknown NetworkChaos action {action!r}")
    doc.action("RequestFault", targets, params, timing, f"network {action}")
    doc.ignore(spec, used, field)


def _bytes(text: Any, doc: Doc, field: str) -> int:
    m = _BYTES.match(str(text))
    if not m or m.group(2).upper() not in _MULT:
        raise doc.fail(field, f"a size such as 256MB or 1GiB is required, got {text!r}")
    return int(float(m.group(1)) * _MULT[m.group(2).upper()])


def _stress_chaos(spec: dict[str, Any], doc: Doc, ns: str, field: str) -> None:
    targets = chaos_mesh_pods(spec, ns, doc.fail, field)
    timing = chaos_timing(spec, doc, field)
    stressors = spec.get("stressors") or {}
    if spec.get("stressngStressors"):
        doc.not_modelled("stressngStressors (raw stress-ng options)")
    mem, cpu = stressors.get("memory"), stressors.get("cpu")
    if mem:
        size = mem.get("size")
        if size is None or str(size).endswith("%"):
            doc.note(f"{field}.stressors.memory.size", "a percentage of memory is not modelled; taken as 256MB")
            size = "256MB"
        doc.action("MemoryStress", targets, {"memory": str(_bytes(size, doc, f"{field}.stressors.memory.size"))}, timing, "memory stress")
        doc.ignore(mem, {"size", "workers"}, f"{field}.stressors.memory")
    if cpu:
        workers = cpu.get("workers", 1)
        load = cpu.get("load", 100)
        if not isinstance(workers, int) or workers < 1 or not isinstance(load, int) or not 0 <= load <= 100:
            raise doc.fail(f"{field}.stressors.cpu", f"workers must be >= 1 and load within 0..100, got {workers!r}, {load!r}")
        doc.action("CpuStress", targets, {"cpu": f"{workers * load * 10}m"}, timing, f"cpu stress {workers} x {load}%")
        doc.ignore(cpu, {"workers", "load"}, f"{field}.stressors.cpu")
    if not mem and not cpu and not spec.get("stressngStressors"):
        raise doc.fail(f"{field}.stressors", "give a memory or cpu stressor")
    if spec.get("containerNames"):
        doc.note(f"{field}.containerNames", "the stress counts for the whole pod")
    doc.ignore(spec, POD_SELECTOR_KEYS | {"duration", "stressors", "stressngStressors", "containerNames"}, field)


def _http_chaos(spec: dict[str, Any], doc: Doc, ns: str, field: str) -> None:
    targets = chaos_mesh_pods(spec, ns, doc.fail, field)
    timing = chaos_timing(spec, doc, field)
    params: dict[str, Any] = {}
    if spec.get("abort"):
        params["abort"] = 1.0
    if spec.get("delay"):
        params["delay_s"] = doc.duration(spec["delay"], f"{field}.delay")
    for key in ("replace", "patch"):
        if spec.get(key):
            doc.note(f"{field}.{key}", "response contents are not modelled (the request still succeeds)")
    for key in ("port", "path", "method", "code", "request_headers", "response_headers", "target"):
        if spec.get(key) is not None:
            doc.note(f"{field}.{key}", "the traffic model has no ports, paths or methods: every request of the selected pods matches")
    if params:
        doc.action("RequestFault", targets, params, timing, "http " + " and ".join(k for k in ("abort", "delay") if spec.get(k)))
    else:
        doc.not_modelled("HTTPChaos without abort or delay: nothing the traffic model measures")
    doc.ignore(spec, POD_SELECTOR_KEYS | {"duration", "abort", "delay", "replace", "patch", "port", "path", "method", "code",
                                          "request_headers", "response_headers", "target", "tls"}, field)


def _dns_chaos(spec: dict[str, Any], doc: Doc, ns: str, field: str) -> None:
    action = spec.get("action")
    if action not in ("error", "random"):
        raise doc.fail(f"{field}.action", f"must be error or random, got {action!r}")
    sel = chaos_mesh_pods(spec, ns, doc.fail, field)
    targets = {"namespaces": sel.get("namespaces", [])}
    if set(sel) - {"namespaces", "mode", "value"}:
        doc.note(f"{field}.selector", "DNS faults hit the lookups of every client in the selected namespaces")
    if sel.get("mode") != "all":
        doc.note(f"{field}.mode", "DNS faults hit every matching lookup of the namespaces' clients")
    params: dict[str, Any] = {"action": action, "patterns": list(spec.get("patterns") or [])}
    doc.action("DNSChaos", targets, params, chaos_timing(spec, doc, field), f"dns {action}")
    doc.ignore(spec, POD_SELECTOR_KEYS | {"action", "duration", "patterns", "containerNames"}, field)


CLOUD_ACTIONS = {
    "AWSChaos": {"ec2-stop": "stop", "ec2-restart": "restart", "detach-volume": None},
    "GCPChaos": {"node-stop": "stop", "node-reset": "restart", "disk-loss": None},
    "AzureChaos": {"vm-stop": "stop", "vm-restart": "restart", "disk-detach": None},
}
INSTANCE_FIELDS = {"AWSChaos": "ec2Instance", "GCPChaos": "instance", "AzureChaos": "vmName"}


def _cloud_chaos(kind: str, spec: dict[str, Any], doc: Doc, field: str) -> None:
    actions = CLOUD_ACTIONS[kind]
    action = spec.get("action")
    if action not in actions:
        raise doc.fail(f"{field}.action", f"must be one of {', '.join(actions)}, got {action!r}")
    what = actions[action]
    inst_field = INSTANCE_FIELDS[kind]
    instance = spec.get(inst_field)
    if what is None:
        doc.not_modelled(f"{kind} {action} (volumes and disks are not modelled)")
        return
    if not instance:
        raise doc.fail(f"{field}.{inst_field}", "required field missing")
    timing = chaos_timing(spec, doc, field, one_shot=what == "restart")
    doc.action(f"Instance:{what}", {}, {}, timing, f"{kind} {action} {instance}", instances=(str(instance),))
    for key in ("secretName", "awsRegion", "endpoint", "project", "zone", "subscriptionID", "resourceGroupName", "remoteCluster"):
        if spec.get(key):
            doc.note(f"{field}.{key}", "account and location: the instance is looked up among the cluster's nodes")
    doc.ignore(spec, {"action", "duration", inst_field, "secretName", "awsRegion", "endpoint", "project", "zone",
                      "subscriptionID", "resourceGroupName", "remoteCluster"}, field)


CHAOS_KINDS = {"PodChaos", "NetworkChaos", "StressChaos", "HTTPChaos", "DNSChaos", "AWSChaos", "GCPChaos", "AzureChaos"}


def read_chaos(kind: str, spec: dict[str, Any], doc: Doc, namespace: str, field: str = "spec") -> None:
    """Read one chaos spec (of a chaos object, a Schedule or a Workflow template) into ``doc.exp``."""
    if not isinstance(spec, dict):
        raise doc.fail(field, "must be a mapping")
    if kind in NOT_MODELLED_KINDS:
        doc.not_modelled(f"{kind} is read and not modelled")
        return
    if kind == "PodChaos":
        _pod_chaos(spec, doc, namespace, field)
    elif kind == "NetworkChaos":
        _network_chaos(spec, doc, namespace, field)
    elif kind == "StressChaos":
        _stress_chaos(spec, doc, namespace, field)
    elif kind == "HTTPChaos":
        _http_chaos(spec, doc, namespace, field)
    elif kind == "DNSChaos":
        _dns_chaos(spec, doc, namespace, field)
    elif kind in CLOUD_ACTIONS:
        _cloud_chaos(kind, spec, doc, field)
    else:
        raise doc.fail("kind", f"unknown Chaos Mesh kind {kind!r}")
    if spec.get("remoteCluster"):
        doc.note(f"{field}.remoteCluster", "the chaos runs on the simulated cluster")
