"""The configuration schema: a tree of frozen pydantic models that reject unknown keys.

Every default is Kubernetes' own where the parameter is a Kubernetes one; the source is named in the
field description, which is also what ``docs/config-reference.md`` shows.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from clustersim.config.addons import AddonsConfig
from clustersim.config.auth import (
    AuthConfig,
    ClusterRoleBindingConfig,
    ClusterRoleConfig,
    NamespaceConfig,
    RoleBindingConfig,
    RoleConfig,
    ServiceAccountConfig,
    UserConfig,
)
from clustersim.config.base import NonNeg, Pos, Strict
from clustersim.config.bounds import (
    MAX_PODS,
    MAX_QUANTITY,
    NodeCount,
    Period,
    PerSecond,
    Quantity,
    Replicas,
    Resources,
    RunSeconds,
    at_most,
    check_quantity,
)
from clustersim.config.external import EndpointSliceConfig, ExternalServiceConfig
from clustersim.config.ingress import IngressClassConfig, IngressConfig, IngressTrafficConfig
from clustersim.config.networking import NetworkingConfig
from clustersim.config.timing import ImagePullTimingConfig, KubeProxyTimingConfig, PodStartupConfig, ProxyMode
from clustersim.config.traffic import TrafficConfig

__all__ = [
    "ApiServerConfig", "ClusterConfig", "ContainerConfig", "ControllerManagerConfig", "DeploymentConfig",
    "FaultConfig", "ImagesConfig", "KubeletConfig", "NodePoolConfig", "PluginConfig", "ProbeConfig",
    "SchedulerConfig", "SimConfig", "TaintConfig", "TolerationConfig", "WorkloadConfig",
]


# pkg/apis/scheduling/types.go: SystemClusterCritical / SystemNodeCritical
SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical": 2_000_000_000, "system-node-critical": 2_000_001_000}
MiB = Annotated[float, Field(gt=0, le=MAX_QUANTITY / 2**20)]
IntOrPercent = int | str | None


class ApiServerConfig(Strict):
    """kube-apiserver: watch delivery and admission."""

    watch_latency_s: NonNeg = Field(0.05, description="Delay between a write and its watch notification (simulator parameter).")
    default_not_ready_toleration_seconds: int = Field(300, ge=0, description="DefaultTolerationSeconds admission, --default-not-ready-toleration-seconds (plugin/pkg/admission/defaulttolerationseconds).")
    default_unreachable_toleration_seconds: int = Field(300, ge=0, description="DefaultTolerationSeconds admission, --default-unreachable-toleration-seconds.")


class KubeletConfig(Strict):
    """kubelet and container runtime timings."""

    node_status_update_frequency_s: Period = Field(10.0, description="nodeStatusUpdateFrequency (pkg/kubelet/apis/config/v1beta1/defaults.go).")
    node_lease_duration_s: Period = Field(40.0, description="nodeLeaseDurationSeconds; the lease is renewed every 0.25 x this (pkg/kubelet/kubelet.go nodeLeaseRenewIntervalFraction).")
    container_backoff_initial_s: Period = Field(10.0, description="CrashLoopBackOff initial delay (pkg/kubelet/kubelet.go containerBackOffPeriod).")
    container_backoff_max_s: Period = Field(300.0, description="CrashLoopBackOff cap (MaxContainerBackOff); an entry resets after 2 x this without a restart.")
    image_backoff_initial_s: Period = Field(10.0, description="ImagePullBackOff initial delay (pkg/kubelet/kubelet.go imageBackOffPeriod).")
    image_backoff_max_s: Period = Field(300.0, description="ImagePullBackOff cap (MaxImageBackOff).")
    serialize_image_pulls: bool = Field(True, description="serializeImagePulls: one image pull at a time per node.")
    max_parallel_image_pulls: Annotated[int, Field(ge=1, le=10_000)] | None = Field(None, description="maxParallelImagePulls (pkg/kubelet/apis/config/v1beta1): with serialize_image_pulls false, at most this many pulls at once per node (None: no limit).")
    max_pods: Annotated[int, Field(gt=0), at_most(MAX_PODS, "pods")] = Field(110, description="maxPods: node allocatable pods when a pool does not set it.")
    pleg_relist_period_s: Period = Field(1.0, description="genericPlegRelistPeriod: a container exit is noticed at the next relist.")
    pleg_relist_threshold_s: Pos = Field(180.0, description="genericPlegRelistThreshold (pkg/kubelet/kubelet.go): with no relist finished for this long, PLEG is not healthy and the node reports Ready=False.")
    image_pull: ImagePullTimingConfig = Field(ImagePullTimingConfig(), description="How long image pulls take (a model fitted to rows P1-P2).")
    pod_startup: PodStartupConfig = Field(PodStartupConfig(), description="Sandbox and container start time, growing with the node's pods (fitted to rows S1-S5).")
    container_start_s: NonNeg | None = Field(None, description="A fixed sandbox and container start time instead of the pod_startup distribution (simulator parameter).")
    housekeeping_period_s: Period = Field(2.0, description="housekeepingPeriod (pkg/kubelet/kubelet.go): after a kubelet restart, containers of pods deleted meanwhile are killed at the first housekeeping.")
    eviction_hard: dict[str, str] = Field({"memory.available": "100Mi", "nodefs.available": "10%", "nodefs.inodesFree": "5%", "imagefs.available": "15%"},
                                          description="evictionHard (pkg/kubelet/eviction/defaults_linux.go); memory.available and imagefs.available are observed, nodefs signals have no usage model.")
    eviction_monitoring_period_s: Period = Field(10.0, description="evictionMonitoringPeriod: how often the eviction manager synchronizes under pressure.")
    eviction_pressure_transition_period_s: NonNeg = Field(300.0, description="evictionPressureTransitionPeriod: a pressure condition stays this long after its last threshold crossing.")
    image_gc_high_threshold_percent: int = Field(85, ge=0, le=100, description="imageGCHighThresholdPercent: image GC runs when the image filesystem is this full.")
    image_gc_low_threshold_percent: int = Field(80, ge=0, le=100, description="imageGCLowThresholdPercent: image GC frees space down to this.")
    image_minimum_gc_age_s: NonNeg = Field(120.0, description="imageMinimumGCAge: younger unused images are kept.")
    image_gc_period_s: Period = Field(300.0, description="ImageGCPeriod (pkg/kubelet/kubelet.go): how often image GC checks the image filesystem.")

    @field_validator("eviction_hard")
    @classmethod
    def _thresholds(cls, v: dict[str, str]) -> dict[str, str]:
        known = {"memory.available", "nodefs.available", "nodefs.inodesFree", "imagefs.available", "imagefs.inodesFree", "pid.available"}
        for signal, value in v.items():
            if signal not in known:
                raise ValueError(f"unknown eviction signal {signal!r} (known: {', '.join(sorted(known))})")
            if isinstance(value, str) and value.endswith("%"):
                if not 0 <= float(value[:-1]) <= 100:
                    raise ValueError(f"{signal}: percentage {value!r} is not between 0% and 100%")
            else:
                check_quantity(value)
        return v

    @model_validator(mode="after")
    def _gc_thresholds(self) -> KubeletConfig:
        if self.image_gc_low_threshold_percent > self.image_gc_high_threshold_percent:
            raise ValueError("image_gc_low_threshold_percent: must not exceed image_gc_high_threshold_percent")
        # pkg/kubelet/apis/config/validation: maxParallelImagePulls > 1 needs serializeImagePulls false
        if self.serialize_image_pulls and self.max_parallel_image_pulls is not None and self.max_parallel_image_pulls > 1:
            raise ValueError("max_parallel_image_pulls: more than 1 needs serialize_image_pulls: false")
        return self


class LeaderElectionConfig(Strict):
    """Leader election of a replicated control-plane component (--leader-elect-* flags; componentbaseconfig defaults)."""

    lease_duration_s: Period = Field(15.0, description="--leader-elect-lease-duration: a standby takes over this long after the last renewal.")
    renew_deadline_s: Period = Field(10.0, description="--leader-elect-renew-deadline: a leader that cannot renew for this long stops leading.")
    retry_period_s: Period = Field(2.0, description="--leader-elect-retry-period: renewals and acquisition attempts happen this often.")

    @model_validator(mode="after")
    def _order(self) -> LeaderElectionConfig:
        if not self.retry_period_s < self.renew_deadline_s < self.lease_duration_s:
            raise ValueError("renew_deadline_s: need retry_period_s < renew_deadline_s < lease_duration_s")
        return self


class ControllerManagerConfig(Strict):
    """kube-controller-manager: which controllers run and their flags."""

    controllers: tuple[str, ...] = Field(("Deployment", "ReplicaSet", "NodeLifecycle", "TaintEviction", "PodGC", "Disruption", "EndpointSlice", "StatefulSet", "DaemonSet", "Job",
                                                           "CronJob", "HorizontalPodAutoscaler", "ClusterRoleAggregation"), description="Controllers to run, by name.")
    node_monitor_period_s: Period = Field(5.0, description="--node-monitor-period (pkg/controller/apis/config/v1alpha1/defaults.go).")
    replicas: int = Field(1, ge=1, description="kube-controller-manager instances; one leads, the others stand by.")
    leader_election: LeaderElectionConfig = Field(LeaderElectionConfig(), description="Leader election of the controller-manager.")
    endpointslice_max_endpoints_per_slice: int = Field(100, ge=1, le=1000, description="--max-endpoints-per-slice (pkg/controller/endpointslice/config/v1alpha1/defaults.go).")
    endpointslice_updates_batch_period_s: NonNeg = Field(0.0, description="--endpointslice-updates-batch-period: pod changes within this window are written in one update (0: none).")
    node_monitor_grace_period_s: Pos = Field(50.0, description="--node-monitor-grace-period: 50 s since v1.32, 40 s before (kubernetes/kubernetes#126287).")
    node_startup_grace_period_s: Pos = Field(60.0, description="--node-startup-grace-period.")
    node_eviction_rate: Annotated[float, Field(ge=0, le=1e6)] = Field(0.1, description="--node-eviction-rate, nodes/s tainted per healthy zone.")
    secondary_node_eviction_rate: Annotated[float, Field(ge=0, le=1e6)] = Field(0.01, description="--secondary-node-eviction-rate, for partially disrupted zones larger than the threshold.")
    large_cluster_size_threshold: int = Field(50, ge=0, description="--large-cluster-size-threshold (nodes in a zone).")
    enable_taint_manager: bool = Field(True, description="--enable-taint-manager (removed in v1.27): false is the legacy path, where the node lifecycle controller deletes a NotReady node's pods (all but DaemonSet pods, tolerations ignored) pod_eviction_timeout_s after its last heartbeat, rate-limited per zone.")
    pod_eviction_timeout_s: Pos = Field(300.0, description="--pod-eviction-timeout (pkg/controller/nodelifecycle/config/v1alpha1/defaults.go PodEvictionTimeout; legacy path only).")
    noexecute_taint_lag: bool = Field(False, description="Upstream before PR #120816 (kubernetes#120815): the NoExecute taint is queued from the Ready condition observed at the start of a pass, so a node found unreachable is tainted one --node-monitor-period later.")
    unhealthy_zone_threshold: Annotated[float, Field(gt=0, le=1)] = Field(0.55, description="--unhealthy-zone-threshold: fraction of NotReady nodes (at least 3) that makes a zone unhealthy.")
    concurrent_replicaset_syncs: int = Field(5, ge=1, description="--concurrent-replicaset-syncs: ReplicaSets synced at once (pkg/controller/replicaset/config/v1alpha1/defaults.go); with replicaset_sync_s > 0 a burst of syncs queues.")
    replicaset_sync_s: NonNeg = Field(0.0, description="Time one ReplicaSet sync takes, its API round trips included (simulator parameter; 0: instantaneous).")
    hpa_sync_period_s: Period = Field(15.0, description="--horizontal-pod-autoscaler-sync-period (pkg/controller/podautoscaler/config/v1alpha1/defaults.go).")
    hpa_tolerance: Annotated[float, Field(ge=0, lt=1)] = Field(0.1, description="--horizontal-pod-autoscaler-tolerance: no scaling while |1 - usage/target| is at most this.")
    hpa_downscale_stabilization_s: NonNeg = Field(300.0, description="--horizontal-pod-autoscaler-downscale-stabilization: the highest recommendation of this window wins.")
    hpa_cpu_initialization_period_s: NonNeg = Field(300.0, description="--horizontal-pod-autoscaler-cpu-initialization-period: CPU samples of pods this young count only once they postdate readiness by a window.")
    hpa_initial_readiness_delay_s: NonNeg = Field(30.0, description="--horizontal-pod-autoscaler-initial-readiness-delay: after it, an unready pod that was ready before still counts.")
    terminated_pod_gc_threshold: int = Field(12500, ge=0, description="--terminated-pod-gc-threshold (0 disables).")
    pod_gc_period_s: Period = Field(20.0, description="PodGC check period (pkg/controller/podgc/gc_controller.go gcCheckPeriod).")
    pod_gc_orphan_quarantine_s: NonNeg = Field(40.0, description="Time a node must be missing before PodGC deletes its pods (quarantineTime).")
    replicaset_burst_replicas: int = Field(500, gt=0, description="Pods a ReplicaSet creates or deletes per sync (pkg/controller/replicaset BurstReplicas).")


class PluginConfig(Strict):
    """A scheduler score plugin with its weight and args."""

    name: str
    weight: int = Field(1, ge=1, le=100)
    args: dict[str, Any] = Field(default_factory=dict)


class ProfileConfig(Strict):
    """A scheduling profile: a built-in policy, optionally with its plugin lists replaced."""

    scheduler_name: str = Field("default-scheduler", description="Pods choose a profile by spec.schedulerName.")
    policy: Literal["default", "random", "first-fit", "best-fit", "spread"] = Field(
        "default", description="default: kube-scheduler's default profile; the others are research baselines (docs/scheduler.md).")
    filters: tuple[str, ...] | None = Field(None, description="Filter plugins in order (default: the policy's).")
    scores: tuple[PluginConfig, ...] | None = Field(None, description="Score plugins with weights and args (default: the policy's).")
    post_filters: tuple[str, ...] | None = Field(None, description="PostFilter plugins, e.g. DefaultPreemption (default: the policy's).")
    plugin_args: dict[str, dict[str, Any]] = Field(default_factory=dict, description="pluginConfig: args per plugin name, upstream field names.")
    percentage_of_nodes_to_score: Annotated[int, Field(ge=0, le=100)] | None = Field(None, description="Overrides the scheduler-wide value for this profile.")


class SchedulerConfig(Strict):
    """kube-scheduler: profiles, the scheduling queue, and throughput."""

    profiles: tuple[ProfileConfig, ...] = Field((ProfileConfig(),), min_length=1, description="Scheduling profiles (default: kube-scheduler's default profile).")
    config_file: str | None = Field(None, description="A KubeSchedulerConfiguration (v1) file, relative to this config; its profiles and settings replace these.")
    pod_initial_backoff_s: Period = Field(1.0, description="podInitialBackoffSeconds (pkg/scheduler/apis/config/v1/defaults.go).")
    pod_max_backoff_s: Period = Field(10.0, description="podMaxBackoffSeconds.")
    pod_max_in_unschedulable_pods_duration_s: Period = Field(300.0, description="DefaultPodMaxInUnschedulablePodsDuration: unschedulable pods are retried at least this often.")
    percentage_of_nodes_to_score: Annotated[int, Field(ge=0, le=100)] = Field(0, description="percentageOfNodesToScore, 0 = adaptive (schedule_one.go numFeasibleNodesToFind).")
    parallelism: int = Field(16, ge=1, description="parallelism (defaults.go): goroutines filtering and scoring nodes; divides node_eval_s.")
    client_qps: PerSecond = Field(50.0, description="clientConnection.qps (defaults.go): API requests per second (bindings, preemption deletes).")
    client_burst: int = Field(100, ge=1, description="clientConnection.burst (defaults.go).")
    pod_scheduling_s: NonNeg = Field(0.0, description="Simulated fixed time of one scheduling cycle (simulator parameter; 1/pod_scheduling_s caps pods/s).")
    node_eval_s: NonNeg = Field(0.0, description="Simulated time to filter and score one node; a cycle adds node_eval_s * ceil(nodes examined / parallelism) (simulator parameter).")
    binding_latency_s: NonNeg = Field(0.0, description="Delay between choosing a node and the binding being stored (simulator parameter).")
    replicas: int = Field(1, ge=1, description="kube-scheduler instances; one leads, the others stand by.")
    leader_election: LeaderElectionConfig = Field(LeaderElectionConfig(), description="Leader election of the scheduler.")
    explain_pods: tuple[str, ...] = Field((), description="Pod name patterns (fnmatch) whose scheduling cycles are recorded per node and plugin in the explanations frame.")

    @model_validator(mode="after")
    def _unique_profiles(self) -> SchedulerConfig:
        names = [p.scheduler_name for p in self.profiles]
        for i, n in enumerate(names):
            if names.index(n) != i:
                raise ValueError(f"profiles.{i}.scheduler_name: duplicate profile {n!r}")
        return self


class TaintConfig(Strict):
    """A node taint."""

    key: str
    value: str = ""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]


class TolerationConfig(Strict):
    """A pod toleration (``v1.Toleration``)."""

    key: str = ""
    operator: Literal["Equal", "Exists"] = "Equal"
    value: str = ""
    effect: Literal["", "NoSchedule", "PreferNoSchedule", "NoExecute"] = ""
    toleration_seconds: int | None = None


class NodePoolConfig(Strict):
    """Identical nodes, spread round-robin over ``zones``; names are ``<name>-<i>``."""

    name: str = Field(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", description="Pool name; nodes are <name>-0, <name>-1, ...")
    count: NodeCount = Field(description="Number of nodes.")
    zones: tuple[str, ...] = Field((), description="Zones to spread over (default: all cluster zones).")
    capacity: Resources = Field(default_factory=lambda: {"cpu": "4", "memory": "16Gi"},  # type: ignore[arg-type]
                                description="cpu, memory, pods (default kubelet.max_pods) and extended resources.")
    allocatable: Resources | None = Field(None, description="Default: capacity.")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra node labels.")
    taints: tuple[TaintConfig, ...] = Field((), description="Node taints.")
    unschedulable: bool = Field(False, description="Cordoned (spec.unschedulable): no new pods are scheduled there.")


class NodesFileConfig(Strict):
    """A node list file (see docs/traces.md): the clustersim schema or Alibaba's openb node list."""

    path: str = Field(description="CSV or Parquet, relative to the config.")
    format: Literal["clustersim", "openb"] = "clustersim"


class NodeConfig(Strict):
    """One node, exactly (the form Node manifests and traces give)."""

    name: str = Field(pattern=r"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    zone: str | None = Field(None, description="Its zone (default: the first cluster zone).")
    capacity: Resources = Field(default_factory=lambda: {"cpu": "4", "memory": "16Gi"})  # type: ignore[arg-type]
    allocatable: Resources | None = Field(None, description="Default: capacity.")
    labels: dict[str, str] = Field(default_factory=dict)
    taints: tuple[TaintConfig, ...] = ()
    unschedulable: bool = False


@dataclasses.dataclass(frozen=True)
class NodeSpec:
    """A node the config creates, whichever form described it."""

    name: str
    zone: str
    pool: str
    labels: dict[str, str]
    capacity: dict[str, Any]
    allocatable: dict[str, Any] | None
    taints: tuple[TaintConfig, ...]
    unschedulable: bool


# ClusterConfig.node_list per config object: id -> (the config, its nodes); the config is held, so its id stays its own
_NODE_LISTS: dict[int, tuple[ClusterConfig, tuple[NodeSpec, ...]]] = {}
_NODE_LISTS_KEPT = 8


class ClusterConfig(Strict):
    """The nodes: pools of identical nodes (compact) and individual nodes (exact)."""

    region: str = Field("", description="Value of topology.kubernetes.io/region on every node.")
    zones: tuple[str, ...] = Field(("zone-a",), min_length=1, description="Zone names (topology.kubernetes.io/zone).")
    node_pools: tuple[NodePoolConfig, ...] = Field((), description="Groups of identical nodes.")
    nodes: tuple[NodeConfig, ...] = Field((), description="Individual nodes (from Node manifests or a trace).")
    nodes_file: NodesFileConfig | None = Field(None, description="A trace's node list; its nodes are added to `nodes` when the config loads.")

    def node_list(self) -> list[NodeSpec]:
        """Every node: pool nodes ``<pool>-<i>`` (zones round-robin), then the individual ones.

        Built once per config object (validation, the builder and every fault's targeting ask for
        it); the specs, and the dicts in them, are shared: read them, never modify them.
        """
        hit = _NODE_LISTS.get(id(self))
        if hit is None or hit[0] is not self:
            if len(_NODE_LISTS) >= _NODE_LISTS_KEPT:
                del _NODE_LISTS[next(iter(_NODE_LISTS))]
            hit = _NODE_LISTS[id(self)] = (self, self._build_node_list())
        return list(hit[1])

    def _build_node_list(self) -> tuple[NodeSpec, ...]:
        out = []
        for pool in self.node_pools:
            zones = pool.zones or self.zones
            labels, capacity = dict(pool.labels), dict(pool.capacity)  # one copy per pool, shared by its nodes
            allocatable = dict(pool.allocatable) if pool.allocatable is not None else None
            for i in range(pool.count):
                out.append(NodeSpec(f"{pool.name}-{i}", zones[i % len(zones)], pool.name, labels, capacity,
                                    allocatable, pool.taints, pool.unschedulable))
        for n in self.nodes:
            out.append(NodeSpec(n.name, n.zone or self.zones[0], "", dict(n.labels), dict(n.capacity),
                                dict(n.allocatable) if n.allocatable is not None else None, n.taints, n.unschedulable))
        return tuple(out)

    @model_validator(mode="after")
    def _zones_known(self) -> ClusterConfig:
        names = [n.name for n in self.node_list()]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise ValueError(f"nodes: duplicate node name {dup!r}")
        for i, n in enumerate(self.nodes):
            if n.zone is not None and n.zone not in self.zones:
                raise ValueError(f"nodes.{i}.zone: unknown zone {n.zone!r} (cluster.zones: {', '.join(self.zones)})")
        known = set(self.zones)
        for i, pool in enumerate(self.node_pools):
            for zone in pool.zones:
                if zone not in known:
                    raise ValueError(f"node_pools.{i}.zones: unknown zone {zone!r} (cluster.zones: {', '.join(self.zones)})")
        names = [p.name for p in self.node_pools]
        if len(set(names)) != len(names):
            raise ValueError("node_pools: pool names must be unique")
        return self


class RegistryConfig(Strict):
    """An image registry (or its CDN) that every node pulling from it shares."""

    bandwidth_mib_s: MiB = Field(description="Egress shared by all pulls from this registry, MiB/s (simulator parameter).")


class ImagesConfig(Strict):
    """Image sizes and layers feeding the pull model, registries, and images whose pulls fail."""

    default_size_mib: MiB = Field(100.0, description="Size of an image not listed in sizes_mib or layers_mib.")
    sizes_mib: dict[str, MiB] = Field(default_factory=dict)
    layers_mib: dict[str, Annotated[tuple[MiB, ...], Field(min_length=1, max_length=1000)]] = Field(
        default_factory=dict, description="Layer sizes of an image (default: kubelet.image_pull's layering by size).")
    registries: dict[str, RegistryConfig] = Field(default_factory=dict, description="Registries by host (an image's registry is its name's first part when that has a dot or colon, else docker.io).")
    registry_bandwidth_mib_s: MiB = Field(1000.0, description="Bandwidth of a registry not listed in registries (simulator parameter: the least consistent with P1, where 10 nodes pulled at 800 MB/s together).")
    failing: tuple[str, ...] = Field((), description="Images whose pulls fail (ErrImagePull, then ImagePullBackOff).")
    preloaded: tuple[str, ...] = Field((), description="Images already on every node at t=0.")


class NodeSelectorRequirementConfig(Strict):
    """``v1.NodeSelectorRequirement``."""

    key: str
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
    values: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _values_fit_operator(self) -> NodeSelectorRequirementConfig:
        # pkg/apis/core/validation: In/NotIn need values, Exists/DoesNotExist none, Gt/Lt exactly one integer
        if self.operator in ("In", "NotIn") and not self.values:
            raise ValueError("values: must be non-empty for In and NotIn")
        if self.operator in ("Exists", "DoesNotExist") and self.values:
            raise ValueError("values: must be empty for Exists and DoesNotExist")
        if self.operator in ("Gt", "Lt") and (len(self.values) != 1 or not self.values[0].lstrip("-").isdigit()):
            raise ValueError("values: Gt and Lt need exactly one integer")
        return self


class NodeSelectorTermConfig(Strict):
    """``v1.NodeSelectorTerm``: all expressions must match."""

    match_expressions: tuple[NodeSelectorRequirementConfig, ...] = Field(min_length=1)


class PreferredTermConfig(NodeSelectorTermConfig):
    """``v1.PreferredSchedulingTerm``."""

    weight: int = Field(ge=1, le=100)


class NodeAffinityConfig(Strict):
    """``v1.NodeAffinity``: required terms are ORed; preferred terms add their weight to the score."""

    required: tuple[NodeSelectorTermConfig, ...] = Field((), description="requiredDuringSchedulingIgnoredDuringExecution terms.")
    preferred: tuple[PreferredTermConfig, ...] = Field((), description="preferredDuringSchedulingIgnoredDuringExecution terms (scored only when NodeAffinity is a score plugin).")


class LabelSelectorConfig(Strict):
    """``metav1.LabelSelector``."""

    match_labels: dict[str, str] = Field(default_factory=dict)
    match_expressions: tuple[NodeSelectorRequirementConfig, ...] = ()


class TopologySpreadConstraintConfig(Strict):
    """``v1.TopologySpreadConstraint``; the selector defaults to the Deployment's pod labels."""

    max_skew: int = Field(ge=1)
    topology_key: str
    when_unsatisfiable: Literal["DoNotSchedule", "ScheduleAnyway"] = "DoNotSchedule"
    label_selector: LabelSelectorConfig | None = None
    min_domains: int | None = Field(None, ge=1)


class PodAffinityTermConfig(Strict):
    """``v1.PodAffinityTerm``: pods matching the selector, in the namespaces, in the node's topology domain."""

    label_selector: LabelSelectorConfig = Field(description="Pods this term is about (a required field here; upstream's null selector matches nothing).")
    topology_key: str = Field(min_length=1)
    namespaces: tuple[str, ...] = Field((), description="Namespaces to look in (default: the pod's own).")


class WeightedPodAffinityTermConfig(PodAffinityTermConfig):
    """``v1.WeightedPodAffinityTerm``."""

    weight: int = Field(ge=1, le=100)


class PodAffinityConfig(Strict):
    """``v1.PodAffinity`` or ``v1.PodAntiAffinity``."""

    required: tuple[PodAffinityTermConfig, ...] = Field((), description="requiredDuringSchedulingIgnoredDuringExecution terms (all must hold).")
    preferred: tuple[WeightedPodAffinityTermConfig, ...] = Field((), description="preferredDuringSchedulingIgnoredDuringExecution terms.")


class PriorityClassConfig(Strict):
    """``scheduling.k8s.io/v1`` PriorityClass."""

    name: str
    value: int = Field(le=1_000_000_000, description="User classes go up to 1e9 (pkg/apis/scheduling HighestUserDefinablePriority).")
    global_default: bool = False
    preemption_policy: Literal["PreemptLowerPriority", "Never"] = "PreemptLowerPriority"


class PodDisruptionBudgetConfig(Strict):
    """``policy/v1`` PodDisruptionBudget: exactly one of min_available and max_unavailable."""

    name: str
    namespace: str = "default"
    selector: LabelSelectorConfig
    min_available: IntOrPercent | None = None
    max_unavailable: IntOrPercent | None = None

    @model_validator(mode="after")
    def _one_budget(self) -> PodDisruptionBudgetConfig:
        if (self.min_available is None) == (self.max_unavailable is None):
            raise ValueError("min_available: give exactly one of min_available and max_unavailable")
        for field in ("min_available", "max_unavailable"):
            v = getattr(self, field)
            if isinstance(v, str) and not (v.endswith("%") and v[:-1].isdigit()):
                raise ValueError(f"{field}: must be an integer or a percentage like '50%'")
            if isinstance(v, int) and v < 0:
                raise ValueError(f"{field}: must not be negative")
            if isinstance(v, str) and int(v[:-1]) > 100:  # pkg/apis/policy/validation: IsNotMoreThan100Percent
                raise ValueError(f"{field}: must not be greater than 100%, got {v!r}")
        return self


class ContainerPortConfig(Strict):
    """``v1.ContainerPort``; a host port is checked by the NodePorts filter."""

    container_port: int = Field(ge=1, le=65535)
    host_port: int | None = Field(None, ge=1, le=65535)
    host_ip: str = "0.0.0.0"
    protocol: Literal["TCP", "UDP", "SCTP"] = "TCP"


class ProbeConfig(Strict):
    """``v1.Probe`` timing; defaults from pkg/apis/core/v1/defaults.go SetDefaults_Probe."""

    initial_delay_s: NonNeg = 0.0
    period_s: Period = 10.0
    timeout_s: Period = 1.0
    success_threshold: int = Field(1, ge=1)
    failure_threshold: int = Field(3, ge=1)


class BehaviorConfig(Strict):
    """What the app in a container does (not Kubernetes API)."""

    ready_after_s: NonNeg = Field(0.0, description="App passes readiness this long after start.")
    crash_after_s: Pos | None = Field(None, description="App exits this long after each start.")
    hang_after_s: Pos | None = Field(None, description="App stops answering probes this long after each start.")
    shutdown_s: NonNeg = Field(0.0, description="Time to exit after SIGTERM.")
    exit_code: int = 1


class ContainerConfig(Strict):
    """A container of a pod template."""

    name: str
    image: str
    requests: Resources = Field(default_factory=dict)
    readiness_probe: ProbeConfig | None = None
    liveness_probe: ProbeConfig | None = None
    ports: tuple[ContainerPortConfig, ...] = ()
    behavior: BehaviorConfig = BehaviorConfig()


class VolumeConfig(Strict):
    """A pod volume: ``emptyDir`` (dies with the pod), ``hostPath`` (stays on its node), or a
    ``persistentVolumeClaim`` (a zonal PersistentVolume, bound in the zone of the first node that uses it)."""

    name: str
    type: Literal["emptyDir", "hostPath", "persistentVolumeClaim"]
    path: str | None = Field(None, description="hostPath: the directory on the node.")
    claim_name: str | None = Field(None, description="persistentVolumeClaim: a claim of `persistent_volume_claims`.")
    medium: Literal["", "Memory"] = Field("", description="emptyDir.medium: Memory is a tmpfs whose contents count as the pod's memory.")
    size_limit: Quantity | None = Field(None, description="emptyDir.sizeLimit: a disk-backed emptyDir using more gets its pod evicted (a tmpfs is capped at it).")
    usage: Quantity = Field(0, description="emptyDir: data the app keeps in the volume (simulator parameter; manifests do not say).")
    usage_after_s: NonNeg = Field(0.0, description="emptyDir: the volume holds `usage` from this long after the container starts (simulator parameter).")

    @model_validator(mode="after")
    def _fields(self) -> VolumeConfig:
        if self.type != "emptyDir" and (self.medium or self.size_limit is not None or self.usage):
            raise ValueError("medium: medium, size_limit and usage apply to emptyDir volumes only")
        if self.type == "hostPath" and not self.path:
            raise ValueError("path: required for a hostPath volume")
        if self.type == "persistentVolumeClaim" and not self.claim_name:
            raise ValueError("claim_name: required for a persistentVolumeClaim volume")
        return self


class VolumeClaimTemplateConfig(Strict):
    """A StatefulSet volumeClaimTemplate: each pod gets its own claim ``<name>-<pod>``."""

    name: str
    storage: Quantity = "1Gi"


class PersistentVolumeClaimConfig(Strict):
    """A PersistentVolumeClaim with WaitForFirstConsumer zonal storage (optionally pre-bound to a zone)."""

    name: str
    namespace: str = "default"
    zone: str | None = Field(None, description="Already bound to a volume in this zone (default: bound when first used).")


class DeploymentConfig(Strict):
    """An ``apps/v1`` Deployment created at t=0; defaults from pkg/apis/apps/v1/defaults.go."""

    name: str = Field(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    namespace: str = "default"
    replicas: Replicas = 1
    labels: dict[str, str] = Field(default_factory=dict, description="Pod labels and selector (default app=<name>).")
    strategy: Literal["RollingUpdate", "Recreate"] = "RollingUpdate"
    max_surge: IntOrPercent = "25%"
    max_unavailable: IntOrPercent = "25%"
    min_ready_s: NonNeg = 0.0
    revision_history_limit: int = Field(10, ge=0)
    progress_deadline_s: Pos | None = 600.0
    restart_policy: Literal["Always"] = "Always"
    termination_grace_period_s: NonNeg = 30.0
    priority: int | None = Field(None, description="spec.priority directly (a shortcut; normally from priority_class_name).")
    priority_class_name: str | None = Field(None, description="A PriorityClass of `priority_classes` or a system class.")
    scheduler_name: str = Field("default-scheduler", description="spec.schedulerName: the profile that schedules the pods.")
    tolerations: tuple[TolerationConfig, ...] = ()
    node_selector: dict[str, str] = Field(default_factory=dict)
    affinity: NodeAffinityConfig | None = Field(None, description="Node affinity of the pods.")
    pod_affinity: PodAffinityConfig | None = Field(None, description="Inter-pod affinity (InterPodAffinity plugin).")
    pod_anti_affinity: PodAffinityConfig | None = Field(None, description="Inter-pod anti-affinity.")
    volumes: tuple[VolumeConfig, ...] = Field((), description="Pod volumes (data loss is counted for emptyDir and hostPath).")
    topology_spread_constraints: tuple[TopologySpreadConstraintConfig, ...] = Field(
        (), description="Pod topology spread: DoNotSchedule constraints filter, ScheduleAnyway constraints score.")
    containers: tuple[ContainerConfig, ...] = Field(min_length=1)

    @field_validator("max_surge", "max_unavailable")
    @classmethod
    def _int_or_percent(cls, v: IntOrPercent) -> IntOrPercent:
        if isinstance(v, str) and not (v.endswith("%") and v[:-1].isdigit()):
            raise ValueError(f"must be an integer or a percentage like '25%', got {v!r}")
        if isinstance(v, int) and v < 0:
            raise ValueError("must not be negative")
        return v

    @model_validator(mode="after")
    def _rolling_update(self) -> DeploymentConfig:
        # pkg/apis/apps/validation ValidateRollingUpdateDeployment: maxUnavailable at most 100 %, not both 0
        def value(v: IntOrPercent) -> int:
            return int(v[:-1]) if isinstance(v, str) else int(v or 0)

        if isinstance(self.max_unavailable, str) and value(self.max_unavailable) > 100:
            raise ValueError(f"max_unavailable: must not be greater than 100%, got {self.max_unavailable!r}")
        if self.strategy == "RollingUpdate" and value(self.max_unavailable) == 0 and value(self.max_surge) == 0:
            raise ValueError("max_unavailable: may not be 0 when max_surge is 0")
        return self


class ServiceConfig(Strict):
    """A ``v1`` Service: selecting pods by labels (the EndpointSlice controller follows them), or without a
    selector (its endpoints are the EndpointSlices written by hand in ``endpoint_slices``)."""

    name: str = Field(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    namespace: str = "default"
    type: Literal["ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "Headless"] = "ClusterIP"
    selector: dict[str, str] = Field(default_factory=dict, description="Pod labels (none for ExternalName; empty: a Service without selector).")
    external_name: str | None = Field(None, description="ExternalName: the DNS name CoreDNS answers with a CNAME.")
    external_traffic_policy: Literal["Cluster", "Local"] = Field("Cluster", description="NodePort/LoadBalancer/externalIPs: Local sends outside traffic only to endpoints on the receiving node.")
    internal_traffic_policy: Literal["Cluster", "Local"] = Field("Cluster", description="Local sends in-cluster traffic only to endpoints on the client's node (none there: the request fails).")
    publish_not_ready_addresses: bool = Field(False, description="Endpoints are ready whether or not their pods are (podToEndpoint).")
    external_ips: tuple[str, ...] = Field((), description="externalIPs: outside clients reach the Service at these addresses, through kube-proxy on the nodes they route to.")
    external_ip_nodes: tuple[str, ...] = Field((), description="Nodes the external IPs are routed to (the network's choice; default: every node).")
    lb_health_check_interval_s: Period = Field(10.0, description="LoadBalancer: health check interval (cloud LB setting, simulator parameter).")
    lb_unhealthy_threshold: int = Field(3, ge=1, description="LoadBalancer: failed checks before a node is taken out.")
    lb_healthy_threshold: int = Field(2, ge=1, description="LoadBalancer: passed checks before a node is put back.")
    traffic: TrafficConfig | None = Field(None, description="Clients of this Service.")

    @model_validator(mode="after")
    def _type_fields(self) -> ServiceConfig:
        if self.type == "ExternalName":
            if not self.external_name:
                raise ValueError("external_name: required for an ExternalName Service")
            if self.selector:
                raise ValueError("selector: an ExternalName Service has no selector")
        t = self.traffic
        if t is not None and t.source == "external" and self.type not in ("NodePort", "LoadBalancer") and not self.external_ips:
            raise ValueError("traffic.source: outside clients need a NodePort or LoadBalancer Service, or externalIPs")
        if t is not None and self.type == "ExternalName" and (t.source == "external" or t.resolve == "cluster_ip"):
            raise ValueError("traffic: an ExternalName Service has no ClusterIP: only in-cluster clients reach it, by resolving its name")
        if self.external_ip_nodes and not self.external_ips:
            raise ValueError("external_ip_nodes: give external_ips too")
        return self


class KubeProxyConfig(Strict):
    """kube-proxy on every node."""

    mode: ProxyMode = Field("iptables", description="--proxy-mode: iptables (the default on Linux), ipvs or nftables; decides what a sync costs.")
    min_sync_period_s: NonNeg = Field(1.0, description="--iptables-min-sync-period (pkg/proxy/apis/config/v1alpha1/defaults.go): rules are rewritten at most this often.")
    sync_period_s: Period = Field(30.0, description="--iptables-sync-period: a sync at least this often (BoundedFrequencyRunner maxInterval).")
    full_sync_period_s: Period = Field(3600.0, description="pkg/proxy/util FullSyncPeriod: iptables restores every rule at most this long after the last full restore (v1.26 did it every sync period).")
    minimize_iptables_restore: bool = Field(True, description="Feature gate MinimizeIPTablesRestore (GA in v1.28): partial iptables-restore of what changed; false rewrites every rule at every sync.")
    timing: KubeProxyTimingConfig = Field(KubeProxyTimingConfig(), description="What a sync costs (a model fitted to rows K1-K4).")
    traffic_tick_s: Period = Field(1.0, description="Requests are drawn and routed in steps of this length (simulator parameter).")


class StatefulSetConfig(DeploymentConfig):
    """An ``apps/v1`` StatefulSet: stable pod names ``<name>-<ordinal>``, at most one pod per identity,
    a claim per pod from each volumeClaimTemplate. The Deployment-only fields (strategy, max_surge,
    max_unavailable, progress_deadline_s, revision_history_limit) are accepted and ignored."""

    pod_management_policy: Literal["OrderedReady", "Parallel"] = Field("OrderedReady", description="OrderedReady: create one pod at a time, in order, each after the previous is Ready.")
    volume_claim_templates: tuple[VolumeClaimTemplateConfig, ...] = Field((), description="A PersistentVolumeClaim per pod and template.")
    service_name: str | None = Field(None, description="The governing headless Service (informational).")


class PodConfig(DeploymentConfig):
    """A bare ``v1`` Pod created at t=0 (no controller: nothing replaces it). Deployment-only fields are ignored."""

    restart_policy: Literal["Always", "OnFailure", "Never"] = "Always"  # type: ignore[assignment]


class DaemonSetConfig(DeploymentConfig):
    """An ``apps/v1`` DaemonSet: one pod on every eligible node. ``replicas`` and the rollout fields are ignored."""


class JobConfig(DeploymentConfig):
    """A ``batch/v1`` Job: pods run ``run_s`` and exit 0 (or fail per their behaviour) until ``completions`` succeed."""

    restart_policy: Literal["OnFailure", "Never"] = "Never"  # type: ignore[assignment]
    completions: Replicas | None = Field(1, description="Successful pods needed (None: work queue, done when one succeeds and none run).")
    parallelism: Replicas = 1
    backoff_limit: int = Field(6, ge=0, description="backoffLimit: failed pods (Never) or container restarts (OnFailure) before the Job fails.")
    active_deadline_s: float | None = Field(None, gt=0, description="activeDeadlineSeconds: the Job fails after this long.")
    run_s: float = Field(30.0, gt=0, description="How long each pod's work takes (simulator parameter; manifests do not say).")
    fail_exit_codes: tuple[int, ...] = Field((), description="podFailurePolicy: exit codes that fail the Job at once (action FailJob).")
    ignore_exit_codes: tuple[int, ...] = Field((), description="podFailurePolicy: exit codes that do not count against backoffLimit (action Ignore).")


class CronJobConfig(JobConfig):
    """A ``batch/v1`` CronJob: a Job from this template at each time of ``schedule`` (t=0 is ``clock_start``)."""

    schedule: str = Field(description="Cron schedule (5 fields or @hourly/@daily/...), in the cluster's time zone (UTC).")
    concurrency_policy: Literal["Allow", "Forbid", "Replace"] = "Allow"
    starting_deadline_s: float | None = Field(None, ge=0, description="startingDeadlineSeconds: a start later than this after its time is missed.")
    suspend: bool = False
    successful_jobs_history_limit: int = Field(3, ge=0)
    failed_jobs_history_limit: int = Field(1, ge=0)

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, v: str) -> str:
        from clustersim.util.cron import CronError, parse_schedule

        try:
            parse_schedule(v)
        except CronError as e:
            raise ValueError(f"invalid schedule {v!r}: {e}") from None
        return v


class HPAScalingPolicyConfig(Strict):
    """``autoscaling/v2`` HPAScalingPolicy."""

    type: Literal["Pods", "Percent"]
    value: int = Field(gt=0)
    period_s: int = Field(gt=0, le=1800, description="periodSeconds: the window the change is counted over.")


class HPAScalingRulesConfig(Strict):
    """``autoscaling/v2`` HPAScalingRules; unset fields take the API defaults (pkg/apis/autoscaling/v2/defaults.go)."""

    stabilization_window_s: int | None = Field(None, ge=0, le=3600, description="stabilizationWindowSeconds (scale up 0; scale down the controller's --horizontal-pod-autoscaler-downscale-stabilization).")
    select_policy: Literal["Max", "Min", "Disabled"] = "Max"
    policies: tuple[HPAScalingPolicyConfig, ...] | None = Field(None, description="Default: up 100 % or 4 pods per 15 s (the larger); down 100 % per 15 s.")


class HPABehaviorConfig(Strict):
    """``spec.behavior``; when absent the controller uses its legacy limits (scale up to max(2 x current, 4))."""

    scale_up: HPAScalingRulesConfig | None = None
    scale_down: HPAScalingRulesConfig | None = None


class HPAMetricConfig(Strict):
    """A Resource metric: a target utilization (percent of requests) or a target average value per pod."""

    resource: Literal["cpu", "memory"] = "cpu"
    average_utilization: int | None = Field(None, gt=0, description="target.averageUtilization, percent of the pods' requests.")
    average_value: Quantity | None = Field(None, description="target.averageValue per pod (e.g. 500m, 1Gi).")

    @model_validator(mode="after")
    def _one_target(self) -> HPAMetricConfig:
        if (self.average_utilization is None) == (self.average_value is None):
            raise ValueError("average_utilization: give exactly one of average_utilization and average_value")
        return self


class HorizontalPodAutoscalerConfig(Strict):
    """An ``autoscaling/v2`` HorizontalPodAutoscaler; defaults from pkg/apis/autoscaling/v2/defaults.go."""

    name: str = Field(pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    namespace: str = "default"
    target_kind: Literal["Deployment", "StatefulSet"] = Field("Deployment", description="scaleTargetRef.kind.")
    target_name: str = Field(description="scaleTargetRef.name.")
    min_replicas: Annotated[int, Field(ge=1), at_most(MAX_PODS, "pods")] = 1
    max_replicas: Annotated[int, Field(ge=1), at_most(MAX_PODS, "pods")]
    metrics: tuple[HPAMetricConfig, ...] = Field((HPAMetricConfig(average_utilization=80),), description="Default: CPU at 80 % of requests.")
    behavior: HPABehaviorConfig | None = None

    @model_validator(mode="after")
    def _bounds(self) -> HorizontalPodAutoscalerConfig:
        if self.min_replicas > self.max_replicas:
            raise ValueError("max_replicas: must be at least min_replicas")
        return self


class MetricsServerConfig(Strict):
    """metrics-server: scrapes each kubelet's resource usage and serves the metrics.k8s.io API."""

    resolution_s: Period = Field(15.0, description="--metric-resolution as its release manifest sets it (kubernetes-sigs/metrics-server components.yaml); a pod has a metric from its second scrape.")


class FaultConfig(Strict):
    """A fault injector by name, with its args (see the fault catalogue)."""

    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class WorkloadConfig(Strict):
    """A workload generator by name, with its args."""

    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class SimConfig(Strict):
    """One simulation run."""

    seed: int = Field(1, ge=0, description="Seed of the run's SeedSequence; every random draw derives from it.")
    duration_s: RunSeconds = Field(900.0, description="Simulated time to run (at most 366 days).")
    apiserver: ApiServerConfig = Field(ApiServerConfig(), description="API server: watch latency and admission.")
    kubelet: KubeletConfig = Field(KubeletConfig(), description="Every node's kubelet and container runtime.")
    controller_manager: ControllerManagerConfig = Field(ControllerManagerConfig(), description="Controllers and their flags.")
    scheduler: SchedulerConfig = Field(SchedulerConfig(), description="The scheduler profile and queue.")
    cluster: ClusterConfig = Field(description="Zones and node pools.")
    images: ImagesConfig = Field(ImagesConfig(), description="Image sizes and registry failures.")
    deployments: tuple[DeploymentConfig, ...] = Field((), description="Deployments created at t=0.")
    workloads: tuple[WorkloadConfig, ...] = Field((), description="Workload generators (PodChurn, DeploymentUpdate).")
    faults: tuple[FaultConfig, ...] = Field((), description="Fault injectors (NodeCrash, ContainerCrash).")
    priority_classes: tuple[PriorityClassConfig, ...] = Field((), description="PriorityClasses (system-cluster-critical and system-node-critical always exist).")
    pod_disruption_budgets: tuple[PodDisruptionBudgetConfig, ...] = Field((), description="PodDisruptionBudgets (respected by preemption and the eviction API).")
    services: tuple[ServiceConfig, ...] = Field((), description="Services, their EndpointSlices, and the clients sending them requests.")
    stateful_sets: tuple[StatefulSetConfig, ...] = Field((), description="StatefulSets created at t=0.")
    daemon_sets: tuple[DaemonSetConfig, ...] = Field((), description="DaemonSets created at t=0.")
    jobs: tuple[JobConfig, ...] = Field((), description="Jobs created at t=0.")
    cron_jobs: tuple[CronJobConfig, ...] = Field((), description="CronJobs created at t=0.")
    replica_sets: tuple[DeploymentConfig, ...] = Field((), description="Bare ReplicaSets (no Deployment); the rollout fields are ignored.")
    clock_start: datetime.datetime = Field(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), description="Wall-clock time at t=0 (for cron schedules).")
    pods: tuple[PodConfig, ...] = Field((), description="Bare pods created at t=0.")
    manifests: tuple[str, ...] = Field((), description="Kubernetes manifest files or folders (relative to this config); their objects are added to the lists above.")
    simplifications: tuple[str, ...] = Field((), description="Filled when manifests are loaded: kinds and fields the run does not account for (reported in the summary).")
    persistent_volume_claims: tuple[PersistentVolumeClaimConfig, ...] = Field((), description="Claims referenced by pod volumes.")
    kube_proxy: KubeProxyConfig = Field(KubeProxyConfig(), description="kube-proxy and the traffic model.")
    horizontal_pod_autoscalers: tuple[HorizontalPodAutoscalerConfig, ...] = Field((), description="HorizontalPodAutoscalers (Resource metrics; usage from CpuLoad workloads).")
    metrics_server: MetricsServerConfig = Field(MetricsServerConfig(), description="metrics-server (feeds the HorizontalPodAutoscalers).")
    cloud: CloudConfig | None = Field(None, description="A cloud provider under the cluster: node pools, cloud-controller-manager, Cluster Autoscaler (docs/cloud.md).")
    snapshot: SnapshotConfig | None = Field(None, description="Start from a cluster as it is: a snapshot's objects at t=0 (config/snapshot.py).")
    auth: AuthConfig = Field(AuthConfig(), description="Authentication and authorization of every API request, and the components' credentials.")
    users: tuple[UserConfig, ...] = Field((), description="People and tools of the cluster: user names, groups, credential expiry.")
    namespaces: tuple[NamespaceConfig, ...] = Field((), description="Namespaces created at t=0 (default, kube-system, kube-public and kube-node-lease always exist).")
    service_accounts: tuple[ServiceAccountConfig, ...] = Field((), description="ServiceAccounts created at t=0.")
    roles: tuple[RoleConfig, ...] = Field((), description="RBAC Roles created at t=0.")
    cluster_roles: tuple[ClusterRoleConfig, ...] = Field((), description="RBAC ClusterRoles created at t=0, next to the default ones.")
    role_bindings: tuple[RoleBindingConfig, ...] = Field((), description="RBAC RoleBindings created at t=0.")
    cluster_role_bindings: tuple[ClusterRoleBindingConfig, ...] = Field((), description="RBAC ClusterRoleBindings created at t=0, next to the default ones.")

    networking: NetworkingConfig = Field(NetworkingConfig(), description="Service address ranges, the cluster domain, the nodes' resolv.conf and the pods' resolver.")
    addons: AddonsConfig = Field(AddonsConfig(), description="CoreDNS and NodeLocal DNSCache.")
    external_services: tuple[ExternalServiceConfig, ...] = Field((), description="Dependencies outside the cluster, by DNS name (ExternalName targets, manual endpoint addresses).")
    endpoint_slices: tuple[EndpointSliceConfig, ...] = Field((), description="EndpointSlices written by hand, for Services without selector (from EndpointSlice and Endpoints manifests).")
    ingresses: tuple[IngressConfig, ...] = Field((), description="networking.k8s.io/v1 Ingresses (served by the ingress controller of their class).")
    ingress_classes: tuple[IngressClassConfig, ...] = Field((), description="IngressClasses (the ingress-nginx add-on creates `nginx` if none is named so).")
    ingress_traffic: tuple[IngressTrafficConfig, ...] = Field((), description="Outside clients of the ingress controller, with their mix of hosts and paths.")

    @model_validator(mode="after")
    def _some_nodes(self) -> SimConfig:
        c = self.cluster
        if not c.node_pools and not c.nodes and c.nodes_file is None and not (self.cloud and self.cloud.node_pools):
            raise ValueError("cluster.node_pools: give node_pools or nodes (at least one node), or cloud.node_pools")
        return self

    def workload_lists(self) -> dict[str, tuple[DeploymentConfig, ...]]:
        """Every list of pod-creating objects, by its field name."""
        return {"deployments": self.deployments, "stateful_sets": self.stateful_sets, "daemon_sets": self.daemon_sets,
                "jobs": self.jobs, "cron_jobs": self.cron_jobs, "replica_sets": self.replica_sets, "pods": self.pods}

    @model_validator(mode="after")
    def _unique_deployments(self) -> SimConfig:
        classes = {c.name: c for c in self.priority_classes}
        if sum(c.global_default for c in self.priority_classes) > 1:
            raise ValueError("priority_classes: at most one PriorityClass can be global_default")
        profiles = [p.scheduler_name for p in self.scheduler.profiles]
        for kind, items in self.workload_lists().items():
            seen: set[tuple[str, str]] = set()
            for i, d in enumerate(items):
                if d.priority_class_name is not None:
                    if d.priority is not None:
                        raise ValueError(f"{kind}.{i}.priority: give priority or priority_class_name, not both")
                    if d.priority_class_name not in classes and d.priority_class_name not in SYSTEM_PRIORITY_CLASSES:
                        raise ValueError(f"{kind}.{i}.priority_class_name: unknown PriorityClass {d.priority_class_name!r}")
                if self.scheduler.config_file is None and d.scheduler_name not in profiles:
                    raise ValueError(f"{kind}.{i}.scheduler_name: no scheduler profile {d.scheduler_name!r} (profiles: {', '.join(profiles)})")
                if (d.namespace, d.name) in seen:
                    raise ValueError(f"{kind}.{i}.name: {d.namespace}/{d.name} is defined twice")
                seen.add((d.namespace, d.name))
        for kind, keys in (("priority_classes", [("", c.name) for c in self.priority_classes]),
                           ("pod_disruption_budgets", [(b.namespace, b.name) for b in self.pod_disruption_budgets]),
                           ("persistent_volume_claims", [(c.namespace, c.name) for c in self.persistent_volume_claims]),
                           ("horizontal_pod_autoscalers", [(h.namespace, h.name) for h in self.horizontal_pod_autoscalers])):
            known: set[tuple[str, str]] = set()
            for i, key in enumerate(keys):
                if key in known:
                    raise ValueError(f"{kind}.{i}.name: {'/'.join(k for k in key if k)} is defined twice")
                known.add(key)
        claims = {(c.namespace, c.name) for c in self.persistent_volume_claims}
        for kind, items in (("deployments", self.deployments), ("stateful_sets", self.stateful_sets)):
            for i, d in enumerate(items):
                for j, v in enumerate(d.volumes):
                    if v.type == "persistentVolumeClaim" and (d.namespace, v.claim_name) not in claims:
                        raise ValueError(f"{kind}.{i}.volumes.{j}.claim_name: unknown PersistentVolumeClaim {v.claim_name!r}")
        targets = {("Deployment", d.namespace, d.name) for d in self.deployments}
        targets |= {("StatefulSet", d.namespace, d.name) for d in self.stateful_sets}
        for i, h in enumerate(self.horizontal_pod_autoscalers):
            if (h.target_kind, h.namespace, h.target_name) not in targets:
                raise ValueError(f"horizontal_pod_autoscalers.{i}.target_name: no {h.target_kind} {h.namespace}/{h.target_name}")
        for i, c in enumerate(self.persistent_volume_claims):
            if c.zone is not None and c.zone not in self.cluster.zones:
                raise ValueError(f"persistent_volume_claims.{i}.zone: unknown zone {c.zone!r}")
        workloads = {(d.namespace, d.name) for d in self.deployments}
        for i, st in enumerate(self.stateful_sets):
            if (st.namespace, st.name) in workloads:
                raise ValueError(f"stateful_sets.{i}.name: {st.namespace}/{st.name} is also a Deployment")
            workloads.add((st.namespace, st.name))
        services: set[tuple[str, str]] = set()
        known_nodes = {n.name for n in self.cluster.node_list()}
        for i, svc in enumerate(self.services):
            if (svc.namespace, svc.name) in services:
                raise ValueError(f"services.{i}.name: duplicate Service {svc.namespace}/{svc.name}")
            services.add((svc.namespace, svc.name))
            for j, n in enumerate(svc.traffic.client_nodes if svc.traffic else ()):
                if n not in known_nodes:
                    raise ValueError(f"services.{i}.traffic.client_nodes.{j}: unknown node {n!r}")
            for j, n in enumerate(svc.external_ip_nodes):
                if n not in known_nodes:
                    raise ValueError(f"services.{i}.external_ip_nodes.{j}: unknown node {n!r}")
        self._check_networking(known_nodes)
        return self

    def _check_networking(self, known_nodes: set[str]) -> None:
        """External services, manual EndpointSlices and the Service address range."""
        names: set[str] = set()
        for i, ext in enumerate(self.external_services):
            key = ext.name.rstrip(".").lower()
            if key in names:
                raise ValueError(f"external_services.{i}.name: duplicate external service {ext.name!r}")
            names.add(key)
            t = ext.traffic
            if t is not None and (t.source != "in-cluster" or t.resolve != "dns"):
                raise ValueError(f"external_services.{i}.traffic.source: only in-cluster clients call it, by resolving its name")
            for j, n in enumerate(t.client_nodes if t else ()):
                if n not in known_nodes:
                    raise ValueError(f"external_services.{i}.traffic.client_nodes.{j}: unknown node {n!r}")
        slices: set[tuple[str, str]] = set()
        for i, es in enumerate(self.endpoint_slices):
            if (es.namespace, es.name) in slices:
                raise ValueError(f"endpoint_slices.{i}.name: duplicate EndpointSlice {es.namespace}/{es.name}")
            slices.add((es.namespace, es.name))  # a slice of no Service is allowed, as upstream: nothing routes to it
        seen_ing: set[tuple[str, str]] = set()
        for i, ing in enumerate(self.ingresses):
            if (ing.namespace, ing.name) in seen_ing:
                raise ValueError(f"ingresses.{i}.name: duplicate Ingress {ing.namespace}/{ing.name}")
            seen_ing.add((ing.namespace, ing.name))
        classes = [c.name for c in self.ingress_classes]
        for i, c in enumerate(classes):
            if classes.index(c) != i:
                raise ValueError(f"ingress_classes.{i}.name: duplicate IngressClass {c!r}")
        if self.ingress_traffic and self.addons.ingress_nginx.enabled is False:
            raise ValueError("ingress_traffic: ingress clients need the ingress controller (addons.ingress_nginx.enabled)")
        size = self.networking.service_ips().num_addresses - 2
        if len(self.services) + 1 > size:
            raise ValueError(f"networking.service_cluster_ip_range: {len(self.services)} Services and kube-dns do not fit its {size} addresses")

from clustersim.config.cloud import CloudConfig  # noqa: E402  (cloud.py builds on the models above)
from clustersim.config.snapshot import SnapshotConfig  # noqa: E402  (its models build on the ones above)

SimConfig.model_rebuild()
