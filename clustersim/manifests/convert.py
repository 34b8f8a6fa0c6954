"""Per-kind conversion of manifest documents to config-model mappings.

Each converter returns the config mapping and the manifest paths it used; every other leaf path of
the document is reported as ignored (a simplification the run summary lists), e.g.
``spec.template.spec.containers[].resources.limits``.
"""

from __future__ import annotations

from typing import Any

from clustersim.manifests.rbac import RBAC_CONVERTERS

__all__ = ["CONVERTERS", "IGNORED_KINDS", "NOTES", "NOT_MODELLED_KINDS", "leaf_paths"]

# key of a converted entry under which a converter leaves simplifications it made (popped by the loader)
NOTES = "_simplifications"

# kinds that load but carry nothing the simulator uses (their presence is recorded)
IGNORED_KINDS = {"ConfigMap", "Secret", "StorageClass", "PersistentVolume"}
# kinds that load and are listed as not modelled yet
NOT_MODELLED_KINDS: set[str] = set()


def leaf_paths(obj: Any, prefix: str = "") -> set[str]:
    """Normalised leaf paths (list indexes as ``[]``)."""
    if isinstance(obj, dict):
        out: set[str] = set()
        for k, v in obj.items():
            out |= leaf_paths(v, f"{prefix}.{k}" if prefix else str(k))
        return out or {prefix}
    if isinstance(obj, list):
        out = set()
        for v in obj:
            out |= leaf_paths(v, f"{prefix}[]")
        return out or {prefix}
    return {prefix}


def _selector(sel: dict[str, Any] | None) -> dict[str, Any] | None:
    if not sel:
        return None
    return {"match_labels": dict(sel.get("matchLabels") or {}),
            "match_expressions": [{"key": e["key"], "operator": e["operator"], "values": list(e.get("values") or [])}
                                  for e in sel.get("matchExpressions") or []]}


def _probe(p: dict[str, Any] | None) -> dict[str, Any] | None:
    if p is None:
        return None
    out: dict[str, Any] = {}
    for src, dst in (("initialDelaySeconds", "initial_delay_s"), ("periodSeconds", "period_s"), ("timeoutSeconds", "timeout_s"),
                     ("successThreshold", "success_threshold"), ("failureThreshold", "failure_threshold")):
        if src in p:
            out[dst] = p[src]
    return out


def _container(c: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c["name"], "image": c.get("image", ""),
                           "requests": dict((c.get("resources") or {}).get("requests") or {})}
    if c.get("readinessProbe") is not None:
        out["readiness_probe"] = _probe(c["readinessProbe"])
    if c.get("livenessProbe") is not None:
        out["liveness_probe"] = _probe(c["livenessProbe"])
    ports = [{"container_port": p["containerPort"], **({"host_port": p["hostPort"]} if "hostPort" in p else {}),
              "protocol": p.get("protocol", "TCP"), **({"host_ip": p["hostIP"]} if "hostIP" in p else {})}
             for p in c.get("ports") or [] if "containerPort" in p]
    if ports:
        out["ports"] = ports
    return out


def _node_terms(terms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"match_expressions": [{"key": e["key"], "operator": e["operator"], "values": [str(v) for v in e.get("values") or []]}
                                   for e in t.get("matchExpressions") or []]} for t in terms]


def _pod_terms(terms: list[dict[str, Any]], weighted: bool) -> list[dict[str, Any]]:
    out = []
    for t in terms:
        term = t["podAffinityTerm"] if weighted else t
        d = {"label_selector": _selector(term.get("labelSelector")) or {"match_labels": {}}, "topology_key": term["topologyKey"],
             "namespaces": list(term.get("namespaces") or [])}
        if weighted:
            d["weight"] = t["weight"]
        out.append(d)
    return out


USED_POD_SPEC = (
    "containers[].name", "containers[].image", "containers[].resources.requests", "containers[].readinessProbe.initialDelaySeconds",
    "containers[].readinessProbe.periodSeconds", "containers[].readinessProbe.timeoutSeconds", "containers[].readinessProbe.successThreshold",
    "containers[].readinessProbe.failureThreshold", "containers[].livenessProbe.initialDelaySeconds", "containers[].livenessProbe.periodSeconds",
    "containers[].livenessProbe.timeoutSeconds", "containers[].livenessProbe.successThreshold", "containers[].livenessProbe.failureThreshold",
    "containers[].ports[].containerPort", "containers[].ports[].hostPort", "containers[].ports[].protocol", "containers[].ports[].hostIP",
    "containers[].ports[].name", "terminationGracePeriodSeconds", "priorityClassName", "schedulerName", "tolerations", "nodeSelector",
    "affinity.nodeAffinity", "affinity.podAffinity", "affinity.podAntiAffinity", "topologySpreadConstraints", "volumes[].name",
    "volumes[].emptyDir", "volumes[].hostPath.path", "volumes[].persistentVolumeClaim.claimName", "restartPolicy",
)


def _pod_spec(spec: dict[str, Any], out: dict[str, Any], ns: str) -> None:
    out["containers"] = [_container(c) for c in spec.get("containers") or []]
    if "terminationGracePeriodSeconds" in spec:
        out["termination_grace_period_s"] = spec["terminationGracePeriodSeconds"]
    for src, dst in (("priorityClassName", "priority_class_name"), ("schedulerName", "scheduler_name")):
        if spec.get(src):
            out[dst] = spec[src]
    if spec.get("nodeSelector"):
        out["node_selector"] = {str(k): str(v) for k, v in spec["nodeSelector"].items()}
    if spec.get("tolerations"):
        out["tolerations"] = [{"key": t.get("key", ""), "operator": t.get("operator", "Equal"), "value": str(t.get("value", "")),
                               "effect": t.get("effect", ""), "toleration_seconds": t.get("tolerationSeconds")} for t in spec["tolerations"]]
    aff = spec.get("affinity") or {}
    na = aff.get("nodeAffinity") or {}
    if na:
        req = (na.get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms") or []
        pref = na.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        out["affinity"] = {"required": _node_terms(req),
                           "preferred": [{**_node_terms([p["preference"]])[0], "weight": p["weight"]} for p in pref]}
    for src, dst in (("podAffinity", "pod_affinity"), ("podAntiAffinity", "pod_anti_affinity")):
        pa = aff.get(src) or {}
        if pa:
            out[dst] = {"required": _pod_terms(pa.get("requiredDuringSchedulingIgnoredDuringExecution") or [], False),
                        "preferred": _pod_terms(pa.get("preferredDuringSchedulingIgnoredDuringExecution") or [], True)}
    if spec.get("topologySpreadConstraints"):
        out["topology_spread_constraints"] = [
            {"max_skew": c["maxSkew"], "topology_key": c["topologyKey"], "when_unsatisfiable": c.get("whenUnsatisfiable", "DoNotSchedule"),
             "label_selector": _selector(c.get("labelSelector")), **({"min_domains": c["minDomains"]} if "minDomains" in c else {})}
            for c in spec["topologySpreadConstraints"]]
    vols = []
    for v in spec.get("volumes") or []:
        if "emptyDir" in v:
            ed = v["emptyDir"] or {}
            vol: dict[str, Any] = {"name": v["name"], "type": "emptyDir"}
            medium = str(ed.get("medium") or "")
            if medium == "Memory":
                vol["medium"] = "Memory"
            elif medium:  # HugePages, HugePages-<size>: a disk-backed emptyDir here
                out.setdefault(NOTES, []).append(f"spec.volumes[{v['name']}].emptyDir.medium {medium} (treated as the node's disk)")
            if ed.get("sizeLimit") is not None:
                vol["size_limit"] = ed["sizeLimit"]
            vols.append(vol)
        elif "hostPath" in v:
            vols.append({"name": v["name"], "type": "hostPath", "path": v["hostPath"]["path"]})
        elif "persistentVolumeClaim" in v:
            vols.append({"name": v["name"], "type": "persistentVolumeClaim", "claim_name": v["persistentVolumeClaim"]["claimName"]})
    if vols:
        out["volumes"] = vols


def _name(meta: dict[str, Any]) -> str:
    """``metadata.name``, or the ``generateName`` prefix without its trailing dash."""
    return str(meta.get("name") or str(meta["generateName"]).rstrip("-"))


def _workload(doc: dict[str, Any]) -> dict[str, Any]:
    meta, spec = doc["metadata"], doc.get("spec") or {}
    tmpl = spec.get("template") or {}
    labels = dict((tmpl.get("metadata") or {}).get("labels") or {}) or dict((spec.get("selector") or {}).get("matchLabels") or {})
    out: dict[str, Any] = {"name": _name(meta), "namespace": meta.get("namespace", "default"), "replicas": spec.get("replicas", 1),
                           "labels": labels}
    if "minReadySeconds" in spec:
        out["min_ready_s"] = spec["minReadySeconds"]
    _pod_spec(tmpl.get("spec") or {}, out, out["namespace"])
    return out


def deployment(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """apps/v1 Deployment."""
    out = _workload(doc)
    spec = doc.get("spec") or {}
    strat = spec.get("strategy") or {}
    if strat.get("type"):
        out["strategy"] = strat["type"]
    ru = strat.get("rollingUpdate") or {}
    for src, dst in (("maxSurge", "max_surge"), ("maxUnavailable", "max_unavailable")):
        if src in ru:
            out[dst] = ru[src]
    for src, dst in (("revisionHistoryLimit", "revision_history_limit"), ("progressDeadlineSeconds", "progress_deadline_s")):
        if src in spec:
            out[dst] = spec[src]
    used = ("spec.replicas", "spec.selector", "spec.template.metadata.labels", "spec.minReadySeconds", "spec.strategy.type",
            "spec.strategy.rollingUpdate", "spec.revisionHistoryLimit", "spec.progressDeadlineSeconds",
            *(f"spec.template.spec.{p}" for p in USED_POD_SPEC))
    return "deployments", out, used


def statefulset(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """apps/v1 StatefulSet."""
    out = _workload(doc)
    spec = doc.get("spec") or {}
    if spec.get("podManagementPolicy"):
        out["pod_management_policy"] = spec["podManagementPolicy"]
    if spec.get("serviceName"):
        out["service_name"] = spec["serviceName"]
    templates = []
    for t in spec.get("volumeClaimTemplates") or []:
        storage = (((t.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage", "1Gi")
        templates.append({"name": t["metadata"]["name"], "storage": storage})
    if templates:
        out["volume_claim_templates"] = templates
    used = ("spec.replicas", "spec.selector", "spec.template.metadata.labels", "spec.minReadySeconds", "spec.podManagementPolicy",
            "spec.serviceName", "spec.volumeClaimTemplates[].metadata.name", "spec.volumeClaimTemplates[].spec.resources.requests.storage",
            *(f"spec.template.spec.{p}" for p in USED_POD_SPEC))
    return "stateful_sets", out, used


def pdb(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """policy/v1 (or v1beta1) PodDisruptionBudget."""
    meta, spec = doc["metadata"], doc.get("spec") or {}
    out: dict[str, Any] = {"name": meta["name"], "namespace": meta.get("namespace", "default"),
                           "selector": _selector(spec.get("selector")) or {"match_labels": {}}}
    for src, dst in (("minAvailable", "min_available"), ("maxUnavailable", "max_unavailable")):
        if src in spec:
            out[dst] = spec[src]
    return "pod_disruption_budgets", out, ("spec.selector", "spec.minAvailable", "spec.maxUnavailable")


def priority_class(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """scheduling.k8s.io/v1 PriorityClass."""
    out = {"name": doc["metadata"]["name"], "value": doc["value"], "global_default": bool(doc.get("globalDefault", False)),
           "preemption_policy": doc.get("preemptionPolicy", "PreemptLowerPriority")}
    return "priority_classes", out, ("value", "globalDefault", "preemptionPolicy", "description")


def pvc(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """v1 PersistentVolumeClaim (storage classes are WaitForFirstConsumer zonal storage)."""
    meta = doc["metadata"]
    return "persistent_volume_claims", {"name": meta["name"], "namespace": meta.get("namespace", "default")}, ()


def daemonset(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """apps/v1 DaemonSet."""
    out = _workload(doc)
    out.pop("replicas", None)
    used = ("spec.selector", "spec.template.metadata.labels", "spec.minReadySeconds", *(f"spec.template.spec.{p}" for p in USED_POD_SPEC))
    return "daemon_sets", out, used


def job(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """batch/v1 Job (each pod's work takes the config's default ``run_s``; manifests do not say)."""
    out = _workload(doc)
    out.pop("replicas", None)
    spec = doc.get("spec") or {}
    tspec = (spec.get("template") or {}).get("spec") or {}
    out["restart_policy"] = tspec.get("restartPolicy", "Never")
    for src, dst in (("completions", "completions"), ("parallelism", "parallelism"), ("backoffLimit", "backoff_limit"),
                     ("activeDeadlineSeconds", "active_deadline_s")):
        if src in spec:
            out[dst] = spec[src]
    fail: list[int] = []
    ignore: list[int] = []
    for rule in (spec.get("podFailurePolicy") or {}).get("rules") or []:
        codes = rule.get("onExitCodes") or {}
        if codes.get("operator", "In") == "In":
            (fail if rule.get("action") == "FailJob" else ignore if rule.get("action") == "Ignore" else []).extend(codes.get("values") or [])
    if fail:
        out["fail_exit_codes"] = fail
    if ignore:
        out["ignore_exit_codes"] = ignore
    used = ("spec.selector", "spec.template.metadata.labels", "spec.completions", "spec.parallelism", "spec.backoffLimit",
            "spec.activeDeadlineSeconds", "spec.podFailurePolicy.rules[].action", "spec.podFailurePolicy.rules[].onExitCodes",
            *(f"spec.template.spec.{p}" for p in USED_POD_SPEC))
    return "jobs", out, used


def pod(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """v1 Pod (bare: nothing replaces it)."""
    meta, spec = doc["metadata"], doc.get("spec") or {}
    out: dict[str, Any] = {"name": meta["name"], "namespace": meta.get("namespace", "default"), "labels": dict(meta.get("labels") or {})}
    if spec.get("restartPolicy"):
        out["restart_policy"] = spec["restartPolicy"]
    _pod_spec(spec, out, out["namespace"])
    return "pods", out, tuple(f"spec.{p}" for p in USED_POD_SPEC)


def node(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """v1 Node: capacity and allocatable from its status, labels (zone), taints, cordon."""
    meta, spec, status = doc["metadata"], doc.get("spec") or {}, doc.get("status") or {}
    labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
    keep = ("cpu", "memory", "pods", "ephemeral-storage", "nvidia.com/gpu")
    cap = {k: v for k, v in (status.get("capacity") or {}).items() if k in keep or "/" in k}
    out: dict[str, Any] = {"name": meta["name"], "capacity": cap or {"cpu": "4", "memory": "16Gi"}, "labels": labels,
                           "unschedulable": bool(spec.get("unschedulable", False)),
                           "taints": [{"key": t["key"], "value": str(t.get("value", "")), "effect": t["effect"]} for t in spec.get("taints") or []]}
    alloc = {k: v for k, v in (status.get("allocatable") or {}).items() if k in keep or "/" in k}
    if alloc:
        out["allocatable"] = alloc
    zone = labels.get("topology.kubernetes.io/zone") or labels.get("failure-domain.beta.kubernetes.io/zone")
    if zone:
        out["zone"] = zone
    return "nodes", out, ("metadata", "status.capacity", "status.allocatable", "spec.taints", "spec.unschedulable")


def cronjob(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """batch/v1 CronJob: its jobTemplate converted as a Job."""
    spec = doc.get("spec") or {}
    inner = {"metadata": doc["metadata"], "spec": (spec.get("jobTemplate") or {}).get("spec") or {}}
    _, out, used = job(inner)
    out["schedule"] = spec.get("schedule", "")
    for src, dst in (("concurrencyPolicy", "concurrency_policy"), ("startingDeadlineSeconds", "starting_deadline_s"),
                     ("suspend", "suspend"), ("successfulJobsHistoryLimit", "successful_jobs_history_limit"),
                     ("failedJobsHistoryLimit", "failed_jobs_history_limit")):
        if src in spec:
            out[dst] = spec[src]
    used = ("spec.schedule", "spec.concurrencyPolicy", "spec.startingDeadlineSeconds", "spec.suspend", "spec.successfulJobsHistoryLimit",
            "spec.failedJobsHistoryLimit", *(u.replace("spec.", "spec.jobTemplate.spec.", 1) for u in used))
    return "cron_jobs", out, used


def replicaset(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """apps/v1 ReplicaSet without a Deployment."""
    out = _workload(doc)
    used = ("spec.replicas", "spec.selector", "spec.template.metadata.labels", "spec.minReadySeconds",
            *(f"spec.template.spec.{p}" for p in USED_POD_SPEC))
    return "replica_sets", out, used


def _hpa_rules(r: dict[str, Any] | None) -> dict[str, Any] | None:
    if r is None:
        return None
    out: dict[str, Any] = {}
    if "stabilizationWindowSeconds" in r:
        out["stabilization_window_s"] = r["stabilizationWindowSeconds"]
    if "selectPolicy" in r:
        out["select_policy"] = r["selectPolicy"]
    if "policies" in r:
        out["policies"] = [{"type": p["type"], "value": p["value"], "period_s": p["periodSeconds"]} for p in r["policies"]]
    return out


def hpa(doc: dict[str, Any]) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """autoscaling/v2 (or v1) HorizontalPodAutoscaler; only Resource metrics are modelled (others are listed as ignored)."""
    meta, spec = doc["metadata"], doc.get("spec") or {}
    ref = spec["scaleTargetRef"]
    out: dict[str, Any] = {"name": meta["name"], "namespace": meta.get("namespace", "default"), "target_kind": ref["kind"],
                           "target_name": ref["name"], "max_replicas": spec["maxReplicas"]}
    if "minReplicas" in spec:
        out["min_replicas"] = spec["minReplicas"]
    used = ["spec.scaleTargetRef.kind", "spec.scaleTargetRef.name", "spec.scaleTargetRef.apiVersion", "spec.maxReplicas", "spec.minReplicas"]
    metrics = []
    if "targetCPUUtilizationPercentage" in spec:  # autoscaling/v1
        metrics.append({"resource": "cpu", "average_utilization": spec["targetCPUUtilizationPercentage"]})
        used.append("spec.targetCPUUtilizationPercentage")
    for m in spec.get("metrics") or []:
        if m.get("type") != "Resource":
            continue
        target = m["resource"]["target"]
        if target.get("type") == "Utilization":
            metrics.append({"resource": m["resource"]["name"], "average_utilization": target["averageUtilization"]})
        elif target.get("type") == "AverageValue":
            metrics.append({"resource": m["resource"]["name"], "average_value": target["averageValue"]})
    if any(m.get("type") == "Resource" for m in spec.get("metrics") or []):
        used += ["spec.metrics[].type", "spec.metrics[].resource.name", "spec.metrics[].resource.target.type",
                 "spec.metrics[].resource.target.averageUtilization", "spec.metrics[].resource.target.averageValue"]
    if metrics:
        out["metrics"] = metrics
    behavior = spec.get("behavior")
    if behavior is not None:
        out["behavior"] = {"scale_up": _hpa_rules(behavior.get("scaleUp")), "scale_down": _hpa_rules(behavior.get("scaleDown"))}
        used += [f"spec.behavior.{d}.{f}" for d in ("scaleUp", "scaleDown") for f in
                 ("stabilizationWindowSeconds", "selectPolicy", "policies[].type", "policies[].value", "policies[].periodSeconds")]
    return "horizontal_pod_autoscalers", out, tuple(used)


CONVERTERS = {"DaemonSet": daemonset, "Job": job, "Pod": pod, "Node": node, "CronJob": cronjob, "ReplicaSet": replicaset,
              "Deployment": deployment, "StatefulSet": statefulset, "PodDisruptionBudget": pdb,
              "PriorityClass": priority_class, "PersistentVolumeClaim": pvc,
              "HorizontalPodAutoscaler": hpa, **RBAC_CONVERTERS}
