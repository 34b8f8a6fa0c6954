"""The ``cloud:`` section: a cloud provider under the cluster (managed clusters: EKS, GKE, AKS).

Node pools are the cloud's node groups (an ASG, a MIG, a VM scale set): an instance type, zones,
min/max/initial size, capacity type and price; their VMs boot after a provisioning delay and register
as Nodes. The cloud-controller-manager and the Cluster Autoscaler read their flags from here; every
default is upstream's (cited per field; ``../shared/oracle/k8s_defaults_2.md`` categories H and I).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from clustersim.config.bounds import MAX_NODES, NodeCount, Period, at_most
from clustersim.config.models import LeaderElectionConfig, Pos, Quantity, Strict, TaintConfig

__all__ = [
    "AutoscalerConfig", "CloudConfig", "CloudControllerManagerConfig", "CloudLoadBalancerConfig", "CloudNodePoolConfig",
    "EXPANDERS", "InstanceTypeConfig", "cloud_node_labels", "cloud_node_names", "parse_nodes_flag", "ProvisioningDelayConfig", "SPOT_NOTICE_S", "TerminationHandlerConfig",
]

NonNeg = Annotated[float, Field(ge=0)]
Price = Annotated[float, Field(ge=0, le=1e6)]  # USD per hour (config/bounds.py: every number has a limit)
Ratio = Annotated[float, Field(ge=0, le=1)]
# the expanders of cluster-autoscaler/expander (grpc is not modelled)
EXPANDERS = ("random", "most-pods", "least-waste", "least-nodes", "priority", "price")
# Spot/preemptible interruption notice: AWS two-minute warning (EC2 Spot instance interruption notices),
# GCE preemption 30 s (ACPI G2 soft off), Azure Spot eviction >= 30 s (Scheduled Events Preempt NotBefore)
SPOT_NOTICE_S = {"aws": 120.0, "gcp": 30.0, "azure": 30.0}


class InstanceTypeConfig(Strict):
    """A machine type: capacity, max pods and list prices (allocatable follows the provider's reservations)."""

    name: str = Field(min_length=1)
    cpu: Quantity = Field(description="vCPUs (capacity).")
    memory: Quantity = Field(description="Memory (capacity), e.g. 16Gi.")
    max_pods: int = Field(110, gt=0, le=1_000_000, description="Pods per node (EKS: from the ENI limits; GKE 110; AKS 250 with CNI overlay).")
    gpu: int = Field(0, ge=0, le=1_000_000, description="nvidia.com/gpu per node.")
    price_per_hour: Price = Field(description="On-demand price per hour (USD).")
    spot_price_per_hour: Price | None = Field(None, description="Spot price per hour (default: on-demand x cloud.spot_price_ratio).")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra labels of nodes of this type.")


class ProvisioningDelayConfig(Strict):
    """Time from VM creation until its Node is Ready: a body ~ Normal(median, sigma) clipped at a floor,
    plus, with probability ``slow_fraction``, an extra exponential delay (slow boots).

    Defaults fitted to calibration rows N1-N2 (``../shared/calibration/README.md``; Azure/AKS-Performance-and-Scale
    ``Perf-Benchmarks/AKS-Perf-Benchmarks.md``, Oct 2024): N1's single node p50 53 s / p90 67 s / p99 79 s set the
    body (sigma = (67 - 53) / 1.2816); N1's p99.9 123 s and N2's p99 250 s for 50 nodes at once (the slowest of
    50 draws) set the tail (P(D > 123) = 1e-3 and P(D > 250) = 1 - 0.99^(1/50)). The same law gives N2's p50 of
    the slowest of 50 at about 77 s (measured 76 s). docs/cloud.md shows the derivation.
    """

    median_s: Pos = Field(53.0, description="Median of the body (N1 p50).")
    sigma_s: NonNeg = Field(10.9, description="Standard deviation of the body ((N1 p90 - p50) / 1.2816).")
    floor_s: NonNeg = Field(20.0, description="No VM is Ready sooner (boot, kubelet start, CNI).")
    slow_fraction: Ratio = Field(0.0024, description="Probability of a slow boot (fitted to N1 p99.9 and N2 p99).")
    slow_mean_s: Pos = Field(79.0, description="Mean extra delay of a slow boot.")


class CloudNodePoolConfig(Strict):
    """A node pool (node group): identical VMs of one instance type over ``zones``; names ``<name>-<i>``."""

    name: str = Field(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    instance_type: str = Field(description="A name from the instance-type catalogue (built in or cloud.instance_types).")
    zones: tuple[str, ...] = Field((), description="Zones its VMs go to, the least used first (default: all cluster zones).")
    min_size: NodeCount = Field(0, description="Node group MinSize (the autoscaler never goes below).")
    max_size: NodeCount = Field(description="Node group MaxSize.")
    initial_size: NodeCount | None = Field(None, description="VMs Ready at t=0 (default: min_size).")
    capacity_type: Literal["on-demand", "spot"] = Field("on-demand", description="Spot VMs are cheaper and can be interrupted.")
    price_per_hour: Price | None = Field(None, description="Price per VM hour (default: the instance type's price for the capacity type).")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra node labels (kubelet --node-labels).")
    taints: tuple[TaintConfig, ...] = Field((), description="Node taints (kubelet --register-with-taints).")
    provisioning_delay: ProvisioningDelayConfig | None = Field(None, description="Override of cloud.provisioning_delay for this pool.")
    max_node_provision_time_s: Pos | None = Field(None, description="Per-group override of the autoscaler's max-node-provision-time.")

    @model_validator(mode="after")
    def _sizes(self) -> CloudNodePoolConfig:
        if self.min_size > self.max_size:
            raise ValueError(f"min_size: {self.min_size} is larger than max_size {self.max_size}")
        if self.initial_size is not None and not self.min_size <= self.initial_size <= self.max_size:
            raise ValueError(f"initial_size: {self.initial_size} is outside [min_size, max_size] = [{self.min_size}, {self.max_size}]")
        return self

    @property
    def start_size(self) -> int:
        """VMs at t=0."""
        return self.min_size if self.initial_size is None else self.initial_size


class CloudControllerManagerConfig(Strict):
    """cloud-controller-manager (k8s.io/cloud-provider, config/v1alpha1/defaults.go)."""

    node_monitor_period_s: Period = Field(5.0, description="--node-monitor-period: the cloud node lifecycle controller's MonitorNodes period.")
    node_sync_period_s: Period = Field(100.0, description="Service controller nodeSyncPeriod (controllers/service/controller.go): load balancer hosts resync.")
    node_init_s: NonNeg = Field(0.0, description="Time the cloud node controller takes to initialize a new Node (cloud API calls; simulator parameter).")
    replicas: int = Field(1, ge=1, description="cloud-controller-manager instances; one leads.")
    leader_election: LeaderElectionConfig = Field(LeaderElectionConfig(), description="Leader election of the cloud-controller-manager.")


class CloudLoadBalancerConfig(Strict):
    """Cloud load balancers for ``type: LoadBalancer`` Services (simulator parameters)."""

    provision_s: NonNeg = Field(60.0, description="EnsureLoadBalancer until the LB answers (NLBs and GCP forwarding rules take about a minute or more).")
    update_hosts_s: NonNeg = Field(5.0, description="UpdateLoadBalancer: time until a changed backend set takes effect.")


class TerminationHandlerConfig(Strict):
    """A node termination handler (aws-node-termination-handler, GKE's graceful node shutdown) acting on spot notices."""

    enabled: bool = Field(False, description="Cordon and drain a node when its VM gets an interruption notice.")
    pod_termination_grace_period_s: float | None = Field(None, ge=0, description="Grace period for evicted pods (None: each pod's own, as the handler's default -1).")


Seconds = Annotated[float, Field(ge=0)]


class AutoscalerConfig(Strict):
    """Cluster Autoscaler flags (cluster-autoscaler/config/flags/flags.go; defaults from FAQ.md's parameter table).

    A Deployment manifest's command line (``manifest``) or ``flags`` set them as the real flags would;
    fields given here explicitly win over both.
    """

    manifest: str | None = Field(None, description="A Cluster Autoscaler Deployment manifest (relative to this config): its --flags configure the autoscaler.")
    flags: tuple[str, ...] = Field((), description="Command-line flags as in the Deployment (e.g. --expander=priority,least-waste, --nodes=1:10:pool).")
    simplifications: tuple[str, ...] = Field((), description="Filled when flags are read: flags accepted but not modelled.")
    scan_interval_s: Period = Field(10.0, description="--scan-interval: how often the cluster is reevaluated.")
    expander: tuple[str, ...] = Field(("least-waste",), min_length=1, description="--expander: strategies applied in turn, a random pick among what is left.")
    priorities: dict[int, tuple[str, ...]] = Field(default_factory=dict, description="The priority expander's ConfigMap cluster-autoscaler-priority-expander: priority -> node group regexes.")
    estimator: Literal["binpacking"] = Field("binpacking", description="--estimator.")
    max_nodes_total: Annotated[int, Field(ge=0), at_most(MAX_NODES, "nodes")] = Field(0, description="--max-nodes-total (0: no limit).")
    cores_total: str = Field("0:320000", pattern=r"^\d+:\d+$", description="--cores-total MIN:MAX cores in the cluster (a scale-up never passes MAX).")
    memory_total: str = Field("0:6400000", pattern=r"^\d+:\d+$", description="--memory-total MIN:MAX GiB in the cluster (a scale-up never passes MAX).")
    nodes: tuple[str, ...] = Field((), description="--nodes MIN:MAX:NAME per node group (overrides the pool's min/max).")
    node_group_auto_discovery: tuple[str, ...] = Field((), description="--node-group-auto-discovery: with it, every pool is discovered; without it and without --nodes, too.")
    balance_similar_node_groups: bool = Field(False, description="--balance-similar-node-groups.")
    max_allocatable_difference_ratio: Ratio = Field(0.05, description="--max-allocatable-difference-ratio for similar groups.")
    memory_difference_ratio: Ratio = Field(0.015, description="--memory-difference-ratio for similar groups.")
    max_node_provision_time_s: Seconds = Field(900.0, description="--max-node-provision-time: a VM not registered by then is removed and its group backs off.")
    max_nodes_per_scaleup: int = Field(1000, ge=1, description="--max-nodes-per-scaleup.")
    new_pod_scale_up_delay_s: Seconds = Field(0.0, description="--new-pod-scale-up-delay: younger pods do not trigger scale-up.")
    expendable_pods_priority_cutoff: int = Field(-10, description="--expendable-pods-priority-cutoff: lower-priority pods neither trigger scale-up nor block scale-down.")
    initial_node_group_backoff_s: Seconds = Field(300.0, description="--initial-node-group-backoff-duration.")
    max_node_group_backoff_s: Seconds = Field(1800.0, description="--max-node-group-backoff-duration.")
    node_group_backoff_reset_s: Seconds = Field(10800.0, description="--node-group-backoff-reset-timeout.")
    max_total_unready_percentage: Annotated[float, Field(ge=0, le=100)] = Field(45.0, description="--max-total-unready-percentage: above it the autoscaler halts.")
    ok_total_unready_count: int = Field(3, ge=0, description="--ok-total-unready-count.")
    scale_down_enabled: bool = Field(True, description="--scale-down-enabled.")
    scale_down_delay_after_add_s: Seconds = Field(600.0, description="--scale-down-delay-after-add.")
    scale_down_delay_after_delete_s: Seconds = Field(0.0, description="--scale-down-delay-after-delete.")
    scale_down_delay_after_failure_s: Seconds = Field(180.0, description="--scale-down-delay-after-failure.")
    scale_down_unneeded_time_s: Seconds = Field(600.0, description="--scale-down-unneeded-time.")
    scale_down_unready_time_s: Seconds = Field(1200.0, description="--scale-down-unready-time.")
    scale_down_unready_enabled: bool = Field(True, description="--scale-down-unready-enabled.")
    scale_down_utilization_threshold: Ratio = Field(0.5, description="--scale-down-utilization-threshold: max(cpu, memory) requests / allocatable.")
    scale_down_gpu_utilization_threshold: Ratio = Field(0.5, description="--scale-down-gpu-utilization-threshold.")
    ignore_daemonsets_utilization: bool = Field(False, description="--ignore-daemonsets-utilization.")
    ignore_mirror_pods_utilization: bool = Field(False, description="--ignore-mirror-pods-utilization.")
    max_graceful_termination_sec: int = Field(600, ge=0, description="--max-graceful-termination-sec: evicted pods get at most this grace period.")
    max_pod_eviction_time_s: Seconds = Field(120.0, description="--max-pod-eviction-time: evictions are retried this long.")
    max_scale_down_parallelism: int = Field(10, ge=1, description="--max-scale-down-parallelism.")
    max_drain_parallelism: int = Field(1, ge=1, description="--max-drain-parallelism.")
    node_delete_delay_after_taint_s: Seconds = Field(5.0, description="--node-delete-delay-after-taint.")
    skip_nodes_with_local_storage: bool = Field(True, description="--skip-nodes-with-local-storage.")
    skip_nodes_with_system_pods: bool = Field(True, description="--skip-nodes-with-system-pods.")
    skip_nodes_with_custom_controller_pods: bool = Field(True, description="--skip-nodes-with-custom-controller-pods.")
    min_replica_count: int = Field(0, ge=0, description="--min-replica-count.")
    daemonset_eviction_for_empty_nodes: bool = Field(False, description="--daemonset-eviction-for-empty-nodes.")
    daemonset_eviction_for_occupied_nodes: bool = Field(True, description="--daemonset-eviction-for-occupied-nodes.")
    cordon_node_before_terminating: bool = Field(True, description="--cordon-node-before-terminating.")
    unremovable_node_recheck_timeout_s: Seconds = Field(300.0, description="--unremovable-node-recheck-timeout.")
    max_cloud_provider_node_deletion_time_s: Seconds = Field(300.0, description="--max-cloud-provider-node-deletion-time: a ToBeDeleted taint younger than this marks a node being deleted.")
    max_binpacking_time_s: Seconds = Field(300.0, description="--max-binpacking-time (read; simulated binpacking takes no simulated time).")
    enforce_node_group_min_size: bool = Field(False, description="--enforce-node-group-min-size.")
    scale_down_non_empty_candidates_count: int = Field(30, ge=0, description="--scale-down-non-empty-candidates-count.")
    scale_down_candidates_pool_ratio: Ratio = Field(0.1, description="--scale-down-candidates-pool-ratio.")
    scale_down_candidates_pool_min_count: int = Field(50, ge=0, description="--scale-down-candidates-pool-min-count.")
    max_node_startup_time_s: Seconds = Field(900.0, description="--max-node-startup-time.")
    max_inactivity_s: Seconds = Field(600.0, description="--max-inactivity (no restart is modelled).")
    max_failing_time_s: Seconds = Field(900.0, description="--max-failing-time (no restart is modelled).")
    replicas: int = Field(1, ge=1, description="cluster-autoscaler instances; one leads (--leader-elect).")
    leader_election: LeaderElectionConfig = Field(LeaderElectionConfig(), description="Leader election of the autoscaler.")
    kube_client_qps: Pos = Field(5.0, description="--kube-client-qps (read; writes are not rate limited in the simulation).")
    kube_client_burst: int = Field(10, ge=1, description="--kube-client-burst.")

    @field_validator("expander", mode="before")
    @classmethod
    def _split(cls, v: Any) -> Any:
        if isinstance(v, str):
            return tuple(s.strip() for s in v.split(","))
        return v

    @field_validator("expander")
    @classmethod
    def _expanders(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for name in v:
            if name not in EXPANDERS:
                raise ValueError(f"unknown expander {name!r} (known: {', '.join(EXPANDERS)})")
        if len(set(v)) != len(v):
            raise ValueError("an expander must not appear more than once")
        return v

    @field_validator("nodes")
    @classmethod
    def _nodes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for spec in v:
            parse_nodes_flag(spec)
        return v

    @model_validator(mode="after")
    def _priority_config(self) -> AutoscalerConfig:
        if "priority" in self.expander and not self.priorities:
            raise ValueError("priorities: the priority expander needs its ConfigMap (priority -> node group regexes)")
        return self


def parse_nodes_flag(spec: str) -> tuple[int, int, str]:
    """``--nodes MIN:MAX:NAME`` (cloudprovider/builder node group specs); ValueError naming the problem."""
    parts = spec.split(":", 2)
    if len(parts) != 3 or not parts[2]:
        raise ValueError(f"--nodes {spec!r}: expected MIN:MAX:NAME")
    try:
        lo, hi = int(parts[0]), int(parts[1])
    except ValueError:
        raise ValueError(f"--nodes {spec!r}: MIN and MAX must be integers") from None
    if lo < 0 or hi < lo:
        raise ValueError(f"--nodes {spec!r}: need 0 <= MIN <= MAX")
    return lo, hi, parts[2]


class CloudConfig(Strict):
    """A cloud provider under the cluster: node pools, the cloud-controller-manager, the Cluster Autoscaler."""

    provider: Literal["aws", "gcp", "azure"] = Field("aws", description="Which cloud: names, the allocatable reservations, the spot notice.")
    instance_types: tuple[InstanceTypeConfig, ...] = Field((), description="Machine types added to (or replacing by name) the built-in catalogue.")
    node_pools: tuple[CloudNodePoolConfig, ...] = Field((), description="Node groups of cloud VMs.")
    adopt_cluster_nodes: bool = Field(True, description="cluster.nodes / cluster.node_pools are VMs of this cloud too (outside any node group). "
                                                        "False: the cloud does not know them, and the cloud node lifecycle controller deletes them once NotReady, as upstream does.")
    provisioning_delay: ProvisioningDelayConfig = Field(ProvisioningDelayConfig(), description="VM created until its Node is Ready (fitted to calibration N1-N2).")
    instance_termination_s: NonNeg = Field(30.0, description="Terminating VM: shutting-down until it no longer exists (EC2/GCE take tens of seconds; simulator parameter).")
    instance_stop_s: NonNeg = Field(30.0, description="Stopping VM: until it is reported stopped (simulator parameter).")
    instance_start_s: NonNeg = Field(40.0, description="A stopped VM started again: until the host is powered (boot; simulator parameter).")
    group_replaces_terminated: bool | None = Field(None, description="A node group relaunches a VM that disappears without its target shrinking (default: aws and gcp yes, as ASGs and MIGs do; azure no, a scale set shrinks).")
    group_replace_delay_s: NonNeg = Field(10.0, description="Until the node group notices a VM is gone and launches its replacement (simulator parameter).")
    spot_price_ratio: Ratio = Field(0.3, description="Spot price as a fraction of on-demand when an instance type gives none (typical 60-90 % discounts).")
    spot_interruption_notice_s: NonNeg | None = Field(None, description="Notice before a spot VM is reclaimed (default per provider: aws 120 s, gcp 30 s, azure 30 s).")
    controller_manager: CloudControllerManagerConfig = Field(CloudControllerManagerConfig(), description="cloud-controller-manager.")
    load_balancer: CloudLoadBalancerConfig = Field(CloudLoadBalancerConfig(), description="Cloud load balancers for LoadBalancer Services.")
    termination_handler: TerminationHandlerConfig = Field(TerminationHandlerConfig(), description="Node termination handler for spot notices.")
    autoscaler: AutoscalerConfig | None = Field(None, description="The Cluster Autoscaler (absent: none runs).")

    @model_validator(mode="after")
    def _unique(self) -> CloudConfig:
        names = [p.name for p in self.node_pools]
        for i, n in enumerate(names):
            if names.index(n) != i:
                raise ValueError(f"node_pools.{i}.name: duplicate pool {n!r}")
        types = [t.name for t in self.instance_types]
        for i, n in enumerate(types):
            if types.index(n) != i:
                raise ValueError(f"instance_types.{i}.name: duplicate instance type {n!r}")
        return self

    @property
    def notice_s(self) -> float:
        """The spot interruption notice in seconds."""
        return SPOT_NOTICE_S[self.provider] if self.spot_interruption_notice_s is None else self.spot_interruption_notice_s


def cloud_node_names(cfg: Any) -> dict[str, tuple[str, str]]:
    """Name -> (pool, zone) of the VMs the pools start with (``<pool>-<i>``, zones least-used first)."""
    out: dict[str, tuple[str, str]] = {}
    if cfg.cloud is None:
        return out
    for p in cfg.cloud.node_pools:
        zones = p.zones or cfg.cluster.zones
        for i in range(p.start_size):
            out[f"{p.name}-{i}"] = (p.name, zones[i % len(zones)])
    return out


def cloud_node_labels(cfg: Any) -> dict[str, dict[str, str]]:
    """Labels the pools' VMs at t=0 register with (hostname, zone, pool and the pool's own labels)."""
    if cfg.cloud is None:
        return {}
    pools = {p.name: p for p in cfg.cloud.node_pools}
    return {name: {**pools[pool].labels, "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": zone,
                   "clustersim.io/node-pool": pool} for name, (pool, zone) in cloud_node_names(cfg).items()}
