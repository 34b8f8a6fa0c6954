"""The Cluster Autoscaler's command line: cluster-autoscaler ``config/flags/flags.go``.

A Deployment manifest's container command and args (``--expander=least-waste``, ``--nodes=1:10:pool``,
``--scan-interval=30s``, ``--balance-similar-node-groups``) become ``cloud.autoscaler`` fields when the
config loads; flags the simulator does not model (logging, cloud credentials, ...) are accepted and
listed among the run's simplifications; a flag the Cluster Autoscaler does not have is an error, as it
would be for the binary. Durations are Go durations. Fields set in the config itself win.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clustersim.config.errors import ConfigError
from clustersim.util.durations import parse_go_duration

__all__ = ["FLAGS", "KNOWN_FLAGS", "expand_autoscaler", "flag_default", "parse_flags", "read_manifest_flags"]

# flag -> (AutoscalerConfig field, value kind, unit of its default in the defaults table)
FLAGS: dict[str, tuple[str, str, str]] = {
    "scan-interval": ("scan_interval_s", "duration", "s"),
    "expander": ("expander", "list", "name"),
    "estimator": ("estimator", "str", "name"),
    "max-nodes-total": ("max_nodes_total", "int", "nodes (0 = no limit)"),
    "cores-total": ("cores_total", "str", "min:max cores"),
    "memory-total": ("memory_total", "str", "min:max GiB"),
    "nodes": ("nodes", "repeat", "MIN:MAX:NAME"),
    "node-group-auto-discovery": ("node_group_auto_discovery", "repeat", "spec"),
    "balance-similar-node-groups": ("balance_similar_node_groups", "bool", "bool"),
    "max-allocatable-difference-ratio": ("max_allocatable_difference_ratio", "float", "ratio"),
    "memory-difference-ratio": ("memory_difference_ratio", "float", "ratio"),
    "max-node-provision-time": ("max_node_provision_time_s", "duration", "s"),
    "max-nodes-per-scaleup": ("max_nodes_per_scaleup", "int", "nodes"),
    "new-pod-scale-up-delay": ("new_pod_scale_up_delay_s", "duration", "s"),
    "expendable-pods-priority-cutoff": ("expendable_pods_priority_cutoff", "int", "priority"),
    "initial-node-group-backoff-duration": ("initial_node_group_backoff_s", "duration", "s"),
    "max-node-group-backoff-duration": ("max_node_group_backoff_s", "duration", "s"),
    "node-group-backoff-reset-timeout": ("node_group_backoff_reset_s", "duration", "s"),
    "max-total-unready-percentage": ("max_total_unready_percentage", "float", "percent"),
    "ok-total-unready-count": ("ok_total_unready_count", "int", "nodes"),
    "scale-down-enabled": ("scale_down_enabled", "bool", "bool"),
    "scale-down-delay-after-add": ("scale_down_delay_after_add_s", "duration", "s"),
    "scale-down-delay-after-delete": ("scale_down_delay_after_delete_s", "duration", "s"),
    "scale-down-delay-after-failure": ("scale_down_delay_after_failure_s", "duration", "s"),
    "scale-down-unneeded-time": ("scale_down_unneeded_time_s", "duration", "s"),
    "scale-down-unready-time": ("scale_down_unready_time_s", "duration", "s"),
    "scale-down-unready-enabled": ("scale_down_unready_enabled", "bool", "bool"),
    "scale-down-utilization-threshold": ("scale_down_utilization_threshold", "float", "ratio"),
    "scale-down-gpu-utilization-threshold": ("scale_down_gpu_utilization_threshold", "float", "ratio"),
    "ignore-daemonsets-utilization": ("ignore_daemonsets_utilization", "bool", "bool"),
    "ignore-mirror-pods-utilization": ("ignore_mirror_pods_utilization", "bool", "bool"),
    "max-graceful-termination-sec": ("max_graceful_termination_sec", "int", "s"),
    "max-pod-eviction-time": ("max_pod_eviction_time_s", "duration", "s"),
    "max-scale-down-parallelism": ("max_scale_down_parallelism", "int", "nodes"),
    "max-drain-parallelism": ("max_drain_parallelism", "int", "nodes"),
    "node-delete-delay-after-taint": ("node_delete_delay_after_taint_s", "duration", "s"),
    "skip-nodes-with-local-storage": ("skip_nodes_with_local_storage", "bool", "bool"),
    "skip-nodes-with-system-pods": ("skip_nodes_with_system_pods", "bool", "bool"),
    "skip-nodes-with-custom-controller-pods": ("skip_nodes_with_custom_controller_pods", "bool", "bool"),
    "min-replica-count": ("min_replica_count", "int", "count"),
    "daemonset-eviction-for-empty-nodes": ("daemonset_eviction_for_empty_nodes", "bool", "bool"),
    "daemonset-eviction-for-occupied-nodes": ("daemonset_eviction_for_occupied_nodes", "bool", "bool"),
    "cordon-node-before-terminating": ("cordon_node_before_terminating", "bool", "bool"),
    "unremovable-node-recheck-timeout": ("unremovable_node_recheck_timeout_s", "duration", "s"),
    "max-binpacking-time": ("max_binpacking_time_s", "duration", "s"),
    "enforce-node-group-min-size": ("enforce_node_group_min_size", "bool", "bool"),
    "scale-down-non-empty-candidates-count": ("scale_down_non_empty_candidates_count", "int", "nodes"),
    "scale-down-candidates-pool-ratio": ("scale_down_candidates_pool_ratio", "float", "ratio"),
    "scale-down-candidates-pool-min-count": ("scale_down_candidates_pool_min_count", "int", "nodes"),
    "max-node-startup-time": ("max_node_startup_time_s", "duration", "s"),
    "max-inactivity": ("max_inactivity_s", "duration", "s"),
    "max-failing-time": ("max_failing_time_s", "duration", "s"),
    "kube-client-qps": ("kube_client_qps", "float", "qps"),
    "kube-client-burst": ("kube_client_burst", "int", "requests"),
}
# every other flag of the parameter table in FAQ.md (accepted, not modelled)
_OTHER = """add-dir-header address allowed-scheduler-names alsologtostderr async-node-groups aws-use-static-instance-list
balancing-ignore-label balancing-label blocking-system-pod-distruption-timeout bulk-mig-instances-listing-enabled bypassed-scheduler-names
capacity-buffer-controller-enabled capacity-buffer-pod-dry-run-enabled capacity-buffer-pod-injection-enabled capacity-quotas-enabled
check-capacity-batch-processing check-capacity-processor-instance check-capacity-provisioning-request-batch-timebox
check-capacity-provisioning-request-max-batch-size cloud-config cloud-provider cloud-provider-gce-l7lb-src-cidrs cloud-provider-gce-lb-src-cidrs
cluster-name cluster-snapshot-parallelism clusterapi-cloud-config-authoritative debugging-snapshot-enabled drain-priority-config
dynamic-node-delete-delay-after-taint-enabled emit-per-nodegroup-metrics enable-csi-node-aware-scheduling enable-dynamic-resource-allocation
enable-proactive-scaleup enable-provisioning-requests fastpath-binpacking-enabled feature-gates force-delete-failed-nodes
force-delete-unregistered-nodes force-ds frequent-loops-enabled gce-concurrent-refreshes gce-mig-instances-min-refresh-wait-time gpu-total
grpc-expander-cert grpc-expander-url ignore-taint kube-api-content-type kubeconfig kubernetes leader-elect leader-elect-lease-duration
leader-elect-renew-deadline leader-elect-resource-lock leader-elect-resource-name leader-elect-resource-namespace leader-elect-retry-period
log-backtrace-at log-dir log-file log-file-max-size log-flush-frequency log-json-info-buffer-size log-json-split-stream
log-text-info-buffer-size log-text-split-stream logging-format logtostderr max-bulk-soft-taint-count max-bulk-soft-taint-time
max-free-difference-ratio max-node-skip-eval-time-tracker-enabled max-nodegroup-binpacking-duration namespace node-deletion-batcher-interval
node-deletion-candidate-ttl node-deletion-delay-timeout node-info-cache-expire-time node-removal-latency-tracking-enabled one-output
parallel-scale-up pod-injection-limit predicate-parallelism profiling provisioning-request-initial-backoff-time
provisioning-request-max-backoff-cache-size provisioning-request-max-backoff-time record-duplicated-events regional
scale-down-delay-type-local scale-down-simulation-timeout scale-from-unschedulable scale-up-from-zero scheduler-config-file skip-headers
skip-log-headers startup-taint startup-taint-prefix status-config-map-name status-taint stderrthreshold user-agent v vmodule
write-status-configmap max-empty-bulk-delete"""
KNOWN_FLAGS = frozenset(FLAGS) | frozenset(_OTHER.split())


class FlagError(ValueError):
    """A flag the binary would refuse, or a value it could not parse."""


def _value(flag: str, kind: str, raw: str | None) -> Any:
    if kind == "bool":
        if raw is None:
            return True
        if raw.lower() not in ("true", "false", "1", "0", "t", "f"):
            raise FlagError(f"--{flag}: invalid boolean {raw!r}")
        return raw.lower() in ("true", "1", "t")
    if raw is None:
        raise FlagError(f"--{flag}: needs a value")
    try:
        if kind == "duration":
            return parse_go_duration(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as e:
        raise FlagError(f"--{flag}: {e}") from None
    if kind == "list":
        return [s.strip() for s in raw.split(",") if s.strip()]
    return raw


def parse_flags(flags: list[str]) -> tuple[dict[str, Any], list[str]]:
    """(field values, flags accepted but not modelled); FlagError on an unknown flag or a bad value."""
    out: dict[str, Any] = {}
    ignored: list[str] = []
    i = 0
    while i < len(flags):
        item = flags[i]
        i += 1
        if not item.startswith("-"):
            continue  # the binary's path, or a positional argument
        name, eq, raw = item.lstrip("-").partition("=")
        value: str | None = raw if eq else None
        if name not in KNOWN_FLAGS:
            raise FlagError(f"--{name}: flag provided but not defined (not a cluster-autoscaler flag)")
        spec = FLAGS.get(name)
        if value is None and (spec is None or spec[1] != "bool") and i < len(flags) and not flags[i].startswith("-"):
            value = flags[i]  # "--flag value"
            i += 1
        if spec is None:
            ignored.append(f"cluster-autoscaler flag --{name} is accepted but not modelled")
            continue
        field, kind, _ = spec
        parsed = _value(name, kind, value)
        if kind == "repeat":
            out.setdefault(field, []).append(parsed)
        else:
            out[field] = parsed
    return out, ignored


def read_manifest_flags(path: Path) -> list[str]:
    """The command and args of the cluster-autoscaler container of the manifest's Deployment."""
    from clustersim.util.strict_yaml import load_yaml_documents

    for doc in load_yaml_documents(path):
        if not isinstance(doc, dict) or doc.get("kind") != "Deployment":
            continue
        spec = ((doc.get("spec") or {}).get("template") or {}).get("spec") or {}
        for c in spec.get("containers") or []:
            line = [str(x) for x in (c.get("command") or [])] + [str(x) for x in (c.get("args") or [])]
            if any("cluster-autoscaler" in x for x in [str(c.get("image", "")), *line[:1]]):
                return line
    raise FlagError("no Deployment with a cluster-autoscaler container")


def expand_autoscaler(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Resolve ``cloud.autoscaler.manifest`` and ``flags`` into fields (the config's own fields win)."""
    cloud = data.get("cloud")
    if not isinstance(cloud, dict):
        return data
    ca = cloud.get("autoscaler")
    if not isinstance(ca, dict) or not (ca.get("manifest") or ca.get("flags")):
        return data
    flags: list[str] = []
    where = source
    if ca.get("manifest"):
        path = Path(source).parent / str(ca["manifest"])
        where = str(path)
        try:
            flags += read_manifest_flags(path)
        except OSError as e:
            raise ConfigError(source, "cloud.autoscaler.manifest", f"{path}: {e.strerror or 'cannot read file'}") from None
        except FlagError as e:
            raise ConfigError(where, "spec.template.spec.containers", str(e)) from None
        except Exception as e:  # the strict reader's one-line errors
            raise ConfigError(getattr(e, "source", where), getattr(e, "field", "") or "yaml", getattr(e, "message", str(e))) from None
    extra = [str(f) for f in ca.get("flags") or []]
    try:
        fields, ignored = parse_flags(flags)
    except FlagError as e:
        raise ConfigError(where, "command", str(e)) from None
    try:
        more, ignored2 = parse_flags(extra)
    except FlagError as e:
        raise ConfigError(source, "cloud.autoscaler.flags", str(e)) from None
    for k, v in more.items():
        fields[k] = fields.get(k, []) + v if isinstance(v, list) and k in ("nodes", "node_group_auto_discovery") else v
    resolved = {k: v for k, v in fields.items()}
    resolved.update({k: v for k, v in ca.items() if k not in ("manifest", "flags", "simplifications")})
    resolved["simplifications"] = [*(ca.get("simplifications") or []), *ignored, *ignored2]
    out = dict(data)
    out["cloud"] = {**cloud, "autoscaler": resolved}
    out["simplifications"] = [*(data.get("simplifications") or []), *ignored, *ignored2]
    return out


def flag_default(flag: str) -> tuple[Any, str] | None:
    """The default of a modelled flag in upstream's units (durations in seconds), or None."""
    from clustersim.config.cloud import AutoscalerConfig

    spec = FLAGS.get(flag)
    if spec is None:
        return None
    field, kind, unit = spec
    value = getattr(AutoscalerConfig(), field)
    if kind == "list":
        value = ",".join(value)
    return value, unit
