"""Config field paths back to the manifest fields they came from, for error messages.

A converted manifest is validated by the config models; an error there names a config path
(``containers.0.ports.0.container_port``). The user wrote a manifest, so the message names the
manifest's own path (``spec.template.spec.containers[0].ports[0].containerPort``).
"""

from __future__ import annotations

__all__ = ["manifest_path", "pod_spec_prefix"]

# where each kind keeps its pod template's spec
_POD_SPEC = {"Pod": "spec", "CronJob": "spec.jobTemplate.spec.template.spec"}
_SPEC = {"CronJob": "spec.jobTemplate.spec"}  # where the workload fields are (Job's inside a CronJob)
_POD_FIELDS = {"containers", "volumes", "tolerations", "node_selector", "affinity", "pod_affinity", "pod_anti_affinity",
               "topology_spread_constraints", "termination_grace_period_s", "priority_class_name", "scheduler_name",
               "restart_policy", "priority"}
_CRON_FIELDS = {"schedule", "concurrency_policy", "starting_deadline_s", "suspend", "successful_jobs_history_limit",
                "failed_jobs_history_limit"}
_SPECIAL = {"host_ip": "hostIP", "requests": "resources.requests"}
_TERMS = "DuringSchedulingIgnoredDuringExecution"


def _camel(name: str) -> str:
    """``termination_grace_period_s`` -> ``terminationGracePeriodSeconds`` (the manifest's spelling)."""
    if name in _SPECIAL:
        return _SPECIAL[name]
    if name.endswith("_s"):
        name = name[:-2] + "_seconds"
    first, *rest = name.split("_")
    return first + "".join(w[:1].upper() + w[1:] for w in rest)


def pod_spec_prefix(kind: str) -> str:
    """The manifest path of a kind's pod spec."""
    return _POD_SPEC.get(kind, "spec.template.spec")


def _join(parts: list[str]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out


def _affinity(parts: list[str]) -> list[str]:
    """``affinity.required.0.match_expressions...`` -> ``affinity.nodeAffinity.required...nodeSelectorTerms[0]...``."""
    head, rest = parts[0], parts[1:]
    if head == "affinity":
        if rest[:1] == ["required"]:
            return ["affinity", "nodeAffinity", f"required{_TERMS}", "nodeSelectorTerms", *rest[1:2], *map(_camel, rest[2:])]
        if rest[:1] == ["preferred"]:
            inner = rest[2:]
            mid = [] if inner[:1] == ["weight"] else ["preference"]
            return ["affinity", "nodeAffinity", f"preferred{_TERMS}", *rest[1:2], *mid, *map(_camel, inner)]
        return ["affinity", "nodeAffinity", *map(_camel, rest)]
    which = "podAffinity" if head == "pod_affinity" else "podAntiAffinity"
    if rest[:1] == ["preferred"]:
        inner = rest[2:]
        mid = [] if inner[:1] == ["weight"] else ["podAffinityTerm"]
        return ["affinity", which, f"preferred{_TERMS}", *rest[1:2], *mid, *map(_camel, inner)]
    if rest[:1] == ["required"]:
        return ["affinity", which, f"required{_TERMS}", *rest[1:2], *map(_camel, rest[2:])]
    return ["affinity", which, *map(_camel, rest)]


def _pod(parts: list[str]) -> list[str]:
    head = parts[0]
    if head in ("affinity", "pod_affinity", "pod_anti_affinity") and len(parts) > 1:
        return _affinity(parts)
    if head == "volumes" and len(parts) > 2:
        leaf = {"path": ["hostPath", "path"], "claim_name": ["persistentVolumeClaim", "claimName"], "type": []}.get(parts[2], [_camel(parts[2])])
        return ["volumes", parts[1], *leaf]
    if head == "node_selector":
        return ["nodeSelector", *parts[1:]]  # keys are label names, kept as written
    if head == "containers" and len(parts) > 3 and parts[2] == "requests":
        return ["containers", parts[1], "resources", "requests", *parts[3:]]
    return [p if p.isdigit() else _camel(p) for p in parts]


def manifest_path(kind: str, loc: str) -> str:
    """The manifest path of a config path ``loc`` of a converted ``kind`` (best effort; unknown parts are camel-cased)."""
    parts = [p for p in loc.split(".") if p]
    if not parts:
        return ""
    head = parts[0]
    if head in ("name", "namespace"):
        return f"metadata.{head}"
    if kind in ("PriorityClass",):
        return _join([_camel(p) for p in parts])
    if kind == "Node":
        return _node(parts)
    if kind == "HorizontalPodAutoscaler":
        return _hpa(parts)
    if kind == "StatefulSet" and head == "volume_claim_templates" and len(parts) > 2:
        leaf = ["metadata", "name"] if parts[2] == "name" else ["spec", "resources", "requests", "storage"]
        return _join(["spec", "volumeClaimTemplates", parts[1], *leaf])
    if head in _POD_FIELDS:
        return _join([pod_spec_prefix(kind), *_pod(parts)])
    if head == "labels":
        where = "metadata.labels" if kind == "Pod" else f"{_SPEC.get(kind, 'spec')}.template.metadata.labels"
        return _join([where, *parts[1:]])
    if head == "strategy":
        return "spec.strategy.type"
    if head in ("max_surge", "max_unavailable") and kind == "Deployment":
        return _join(["spec", "strategy", "rollingUpdate", _camel(head)])
    if head in ("fail_exit_codes", "ignore_exit_codes"):
        return f"{_SPEC.get(kind, 'spec')}.podFailurePolicy.rules"
    if head == "selector" and len(parts) > 1:
        return _join(["spec", "selector", *([_camel(parts[1])] if kind != "Service" else []), *parts[2 if kind != "Service" else 1:]])
    spec = "spec" if kind != "CronJob" or head in _CRON_FIELDS else _SPEC["CronJob"]
    return _join([spec, *(p if p.isdigit() else _camel(p) for p in parts)])


def _node(parts: list[str]) -> str:
    head = parts[0]
    if head in ("capacity", "allocatable"):
        return _join(["status", *parts])
    if head in ("labels", "zone"):
        return _join(["metadata", "labels", *parts[1:]]) if head == "labels" else "metadata.labels.topology.kubernetes.io/zone"
    return _join(["spec", *(p if p.isdigit() else _camel(p) for p in parts)])


def _hpa(parts: list[str]) -> str:
    head = parts[0]
    if head in ("target_kind", "target_name"):
        return f"spec.scaleTargetRef.{head.removeprefix('target_')}"
    if head == "metrics" and len(parts) > 2:
        leaf = {"resource": ["resource", "name"]}.get(parts[2], ["resource", "target", _camel(parts[2])])
        return _join(["spec", "metrics", parts[1], *leaf])
    return _join(["spec", *(p if p.isdigit() else _camel(p) for p in parts)])
