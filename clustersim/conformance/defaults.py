"""Category C: defaults, timings and small formulas."""

from __future__ import annotations

from typing import Any

from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.config import models as m
from clustersim.conformance.build import _toleration_dict, _tolerations
from clustersim.conformance.registry import (
    CONFIG_PATHS,
    DEFAULTS,
    NOT_MODELLED,
    register,
    register_config_defaults,
    register_defaults,
)
from clustersim.node.kubelet import LEASE_RENEW_FRACTION
from clustersim.node.restart import crash_loop_waits
from clustersim.scheduler.plugins.default_preemption import DefaultPreemption
from clustersim.scheduler.profile import DEFAULT_MULTIPOINT, default_profile
from clustersim.scheduler.queue import backoff_duration
from clustersim.scheduler.scheduler import num_feasible_nodes_to_find
from clustersim.util.backoff import Backoff

# ---- category C: defaults and formulas
_K, _CM, _S, _A = m.KubeletConfig(), m.ControllerManagerConfig(), m.SchedulerConfig(), m.ApiServerConfig()
_P, _D = m.ProbeConfig(), m.DeploymentConfig(name="x", containers=[m.ContainerConfig(name="c", image="i")])

# Every default of a component setting the config models: (component, upstream parameter, config path,
# unit). The value is read from the config model, so the table cannot drift from what runs.
CONFIG_DEFAULTS = [
    ("kube-apiserver", "default-not-ready-toleration-seconds", "apiserver.default_not_ready_toleration_seconds", "s"),
    ("kube-apiserver", "default-unreachable-toleration-seconds", "apiserver.default_unreachable_toleration_seconds", "s"),
    ("kubelet", "nodeStatusUpdateFrequency", "kubelet.node_status_update_frequency_s", "s"),
    ("kubelet", "nodeLeaseDurationSeconds", "kubelet.node_lease_duration_s", "s"),
    ("kubelet", "containerRestartBackoffInitial", "kubelet.container_backoff_initial_s", "s"),
    ("kubelet", "containerRestartBackoffMax", "kubelet.container_backoff_max_s", "s"),
    ("kubelet", "imagePullBackoffInitial", "kubelet.image_backoff_initial_s", "s"),
    ("kubelet", "imagePullBackoffMax", "kubelet.image_backoff_max_s", "s"),
    ("kubelet", "genericPlegRelistPeriod", "kubelet.pleg_relist_period_s", "s"),
    ("kubelet", "genericPlegRelistThreshold", "kubelet.pleg_relist_threshold_s", "s"),
    ("kubelet", "serializeImagePulls", "kubelet.serialize_image_pulls", "bool"),
    ("kubelet", "maxParallelImagePulls", "kubelet.max_parallel_image_pulls", "pulls (null = no limit)"),
    ("kubelet", "maxPods", "kubelet.max_pods", "pods"),
    ("kubelet", "housekeepingPeriod", "kubelet.housekeeping_period_s", "s"),
    ("kubelet", "evictionHard", "kubelet.eviction_hard", "threshold"),
    ("kubelet", "evictionPressureTransitionPeriod", "kubelet.eviction_pressure_transition_period_s", "s"),
    ("kubelet", "evictionMonitoringPeriod", "kubelet.eviction_monitoring_period_s", "s"),
    ("kubelet", "imageGCHighThresholdPercent", "kubelet.image_gc_high_threshold_percent", "percent"),
    ("kubelet", "imageGCLowThresholdPercent", "kubelet.image_gc_low_threshold_percent", "percent"),
    ("kubelet", "imageMinimumGCAge", "kubelet.image_minimum_gc_age_s", "s"),
    ("kubelet", "imageGCPeriod", "kubelet.image_gc_period_s", "s"),
    ("kube-controller-manager", "node-monitor-period", "controller_manager.node_monitor_period_s", "s"),
    ("kube-controller-manager", "node-monitor-grace-period", "controller_manager.node_monitor_grace_period_s", "s"),
    ("kube-controller-manager", "node-startup-grace-period", "controller_manager.node_startup_grace_period_s", "s"),
    ("kube-controller-manager", "node-eviction-rate", "controller_manager.node_eviction_rate", "nodes/s"),
    ("kube-controller-manager", "secondary-node-eviction-rate", "controller_manager.secondary_node_eviction_rate", "nodes/s"),
    ("kube-controller-manager", "large-cluster-size-threshold", "controller_manager.large_cluster_size_threshold", "nodes"),
    ("kube-controller-manager", "unhealthy-zone-threshold", "controller_manager.unhealthy_zone_threshold", "fraction"),
    ("kube-controller-manager", "enable-taint-manager", "controller_manager.enable_taint_manager", "bool"),
    ("kube-controller-manager", "pod-eviction-timeout", "controller_manager.pod_eviction_timeout_s", "s"),
    ("kube-controller-manager", "endpointslice.max-endpoints-per-slice", "controller_manager.endpointslice_max_endpoints_per_slice", "endpoints"),
    ("kube-controller-manager", "endpointslice-updates-batch-period", "controller_manager.endpointslice_updates_batch_period_s", "s"),
    ("kube-controller-manager", "concurrent-replicaset-syncs", "controller_manager.concurrent_replicaset_syncs", "workers"),
    ("kube-controller-manager", "replicaset.burstReplicas", "controller_manager.replicaset_burst_replicas", "pods"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-sync-period", "controller_manager.hpa_sync_period_s", "s"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-tolerance", "controller_manager.hpa_tolerance", "ratio"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-downscale-stabilization", "controller_manager.hpa_downscale_stabilization_s", "s"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-cpu-initialization-period", "controller_manager.hpa_cpu_initialization_period_s", "s"),
    ("kube-controller-manager", "horizontal-pod-autoscaler-initial-readiness-delay", "controller_manager.hpa_initial_readiness_delay_s", "s"),
    ("kube-controller-manager", "terminated-pod-gc-threshold", "controller_manager.terminated_pod_gc_threshold", "pods"),
    ("kube-controller-manager", "leader-elect-lease-duration", "controller_manager.leader_election.lease_duration_s", "s"),
    ("kube-controller-manager", "leader-elect-renew-deadline", "controller_manager.leader_election.renew_deadline_s", "s"),
    ("kube-controller-manager", "leader-elect-retry-period", "controller_manager.leader_election.retry_period_s", "s"),
    ("kube-scheduler", "podInitialBackoffSeconds", "scheduler.pod_initial_backoff_s", "s"),
    ("kube-scheduler", "podMaxBackoffSeconds", "scheduler.pod_max_backoff_s", "s"),
    ("kube-scheduler", "podMaxInUnschedulablePodsDuration", "scheduler.pod_max_in_unschedulable_pods_duration_s", "s"),
    ("kube-scheduler", "percentageOfNodesToScore", "scheduler.percentage_of_nodes_to_score", "percent (0 = adaptive)"),
    ("kube-scheduler", "parallelism", "scheduler.parallelism", "goroutines"),
    ("kube-scheduler", "clientConnection.qps", "scheduler.client_qps", "requests/s"),
    ("kube-scheduler", "clientConnection.burst", "scheduler.client_burst", "requests"),
    ("kube-scheduler", "leaderElection.leaseDuration", "scheduler.leader_election.lease_duration_s", "s"),
    ("kube-scheduler", "leaderElection.renewDeadline", "scheduler.leader_election.renew_deadline_s", "s"),
    ("kube-scheduler", "leaderElection.retryPeriod", "scheduler.leader_election.retry_period_s", "s"),
    ("kube-proxy", "mode", "kube_proxy.mode", "mode"),
    ("kube-proxy", "iptables.minSyncPeriod", "kube_proxy.min_sync_period_s", "s"),
    ("kube-proxy", "iptables.syncPeriod", "kube_proxy.sync_period_s", "s"),
    ("kube-proxy", "proxyutil.FullSyncPeriod", "kube_proxy.full_sync_period_s", "s"),
    ("kube-proxy", "featureGates.MinimizeIPTablesRestore", "kube_proxy.minimize_iptables_restore", "bool"),
    ("metrics-server", "metric-resolution", "metrics_server.resolution_s", "s"),
]
COMPONENT_CONFIGS: dict[str, type] = {
    "apiserver": m.ApiServerConfig, "kubelet": m.KubeletConfig, "controller_manager": m.ControllerManagerConfig,
    "controller_manager.leader_election": m.LeaderElectionConfig, "scheduler": m.SchedulerConfig,
    "scheduler.leader_election": m.LeaderElectionConfig, "kube_proxy": m.KubeProxyConfig, "metrics_server": m.MetricsServerConfig,
}
# component settings of the config that are its structure, not an upstream default
NOT_UPSTREAM = {
    "controller_manager.controllers": "which controllers run (upstream --controllers '*', every default one)",
    "controller_manager.replicas": "instances of the component (a deployment choice)",
    "scheduler.replicas": "instances of the component (a deployment choice)",
    "scheduler.profiles": "the profiles; their plugins and weights are the default_profile_plugins kind",
    "scheduler.config_file": "a KubeSchedulerConfiguration file to read",
    "scheduler.explain_pods": "what the simulator records",
    "controller_manager.noexecute_taint_lag": "a switch for upstream's behaviour before PR #120816, not a setting",
}
# rows another category module registers (conformance/cloud.py): only their config paths here
CONFIG_PATHS.update({"controller_manager.pod_gc_period_s": ("kube-controller-manager", "podgc.gcCheckPeriod"),
                     "controller_manager.pod_gc_orphan_quarantine_s": ("kube-controller-manager", "podgc.quarantineTime")})
register_config_defaults(CONFIG_DEFAULTS, {"apiserver": _A, "kubelet": _K, "controller_manager": _CM, "scheduler": _S,
                                           "kube_proxy": m.KubeProxyConfig(), "metrics_server": m.MetricsServerConfig()})

register_defaults({
    ("kubelet", "nodeLeaseRenewInterval"): (lambda: _K.node_lease_duration_s * LEASE_RENEW_FRACTION, "s"),
    ("pod", "probe.periodSeconds"): (lambda: _P.period_s, "s"),
    ("pod", "probe.timeoutSeconds"): (lambda: _P.timeout_s, "s"),
    ("pod", "probe.successThreshold"): (lambda: _P.success_threshold, "count"),
    ("pod", "probe.failureThreshold"): (lambda: _P.failure_threshold, "count"),
    ("pod", "probe.initialDelaySeconds"): (lambda: _P.initial_delay_s, "s"),
    ("pod", "terminationGracePeriodSeconds"): (lambda: _D.termination_grace_period_s, "s"),
    ("apps/v1", "Deployment.spec.strategy.rollingUpdate.maxUnavailable"): (lambda: _D.max_unavailable, "intOrPercent"),
    ("apps/v1", "Deployment.spec.strategy.rollingUpdate.maxSurge"): (lambda: _D.max_surge, "intOrPercent"),
    ("apps/v1", "Deployment.spec.revisionHistoryLimit"): (lambda: _D.revision_history_limit, "count"),
    ("apps/v1", "Deployment.spec.progressDeadlineSeconds"): (lambda: _D.progress_deadline_s, "s"),
    ("apps/v1", "Deployment.spec.replicas"): (lambda: _D.replicas, "count"),
    ("kube-scheduler", "DefaultPreemptionArgs"): (lambda: {
        "minCandidateNodesPercentage": DefaultPreemption().min_candidate_nodes_percentage,
        "minCandidateNodesAbsolute": DefaultPreemption().min_candidate_nodes_absolute}, "args"),
})

NOT_MODELLED.update({
    "kubelet": {"syncFrequency", "nodeStatusReportFrequency", "podSyncErrorBackoff"},
})



def default_profile_plugins(inp: dict[str, Any]) -> dict[str, Any]:
    """The default profile as the simulator builds it: multiPoint order and score weights."""
    if inp.get("feature_gates", {}).get("DynamicResourceAllocation"):
        raise NotImplementedError("DynamicResourceAllocation is not modelled")
    prof = default_profile(inp.get("profile", "default-scheduler"))
    return {"score_plugin_weights": dict(prof.scores), "multipoint_enabled_order": list(DEFAULT_MULTIPOINT)}


def default_value(inp: dict[str, Any]) -> dict[str, Any]:
    entry = DEFAULTS.get((inp["component"], inp["parameter"]))
    if entry is None:
        raise NotImplementedError(f"default {inp['component']}/{inp['parameter']} is not modelled")
    return {"value": entry[0](), "unit": entry[1]}


def restart_backoff(inp: dict[str, Any]) -> dict[str, Any]:
    """The kubelet's CrashLoopBackOff waits for a container that exits right after each start.

    The n-th back-off restart is the (n+1)-th restart: the first restart is immediate (doBackOff).
    """
    b = Backoff(inp["initial_s"], inp["max_s"])
    waits = crash_loop_waits(b, len(inp["restarts"]) + 1)[1:]
    return {"delay_s": [int(w) if float(w).is_integer() else w for w in waits], "reset_after_stable_s": int(b.reset_after_s)}


def admission(inp: dict[str, Any]) -> dict[str, Any]:
    plugin = DefaultTolerationSeconds()
    return {"pod_tolerations": [_toleration_dict(t) for t in plugin.tolerations(_tolerations(inp["pod_tolerations"]))]}



register({
    "default_value": default_value,
    "default_profile_plugins": default_profile_plugins,
    "num_feasible_nodes_to_find": lambda i: {"num_nodes": num_feasible_nodes_to_find(
        i["num_all_nodes"], i["profile_percentage"] if i["profile_percentage"] is not None else i["global_percentage"])},
    "scheduler_pod_backoff": lambda i: {"backoff_s": [int(backoff_duration(a, i["pod_initial_backoff_s"], i["pod_max_backoff_s"])) for a in i["attempts"]]},
    "container_restart_backoff": restart_backoff,
    "default_toleration_seconds_admission": admission,
})
