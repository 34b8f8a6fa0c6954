"""API objects held by the store: Node, Lease, Pod, ReplicaSet, Deployment.

Objects are mutable (the store bumps ``resource_version`` on every write) and slotted, because a
large run holds hundreds of thousands of pods. Specs shared between pods are immutable.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

from clustersim.api.types import LabelSelector, PodPhase, PodSpec, ResourceList, Taint

__all__ = [
    "ConditionStatus",
    "CronJob",
    "DaemonSet",
    "Deployment",
    "Endpoint",
    "HPAMetric",
    "HPAScalingPolicy",
    "HPAScalingRules",
    "HorizontalPodAutoscaler",
    "Job",
    "JobSpec",
    "JobStatus",
    "EndpointSlice",
    "PodDisruptionBudget",
    "Service",
    "PodDisruptionBudgetStatus",
    "DeploymentSpec",
    "DeploymentStatus",
    "DeploymentStrategy",
    "Lease",
    "Node",
    "ObjectMeta",
    "OwnerRef",
    "Pod",
    "PodStatus",
    "PodTemplate",
    "ReplicaSet",
    "ReplicaSetSpec",
    "ReplicaSetStatus",
    "LABEL_HOSTNAME",
    "LABEL_ZONE",
    "LABEL_REGION",
    "TAINT_NOT_READY",
    "TAINT_UNREACHABLE",
    "TAINT_UNSCHEDULABLE",
    "TAINT_OUT_OF_SERVICE",
    "TAINT_MEMORY_PRESSURE",
    "TAINT_DISK_PRESSURE",
]

LABEL_ZONE = "topology.kubernetes.io/zone"
LABEL_REGION = "topology.kubernetes.io/region"
LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_OS = "kubernetes.io/os"  # set by the kubelet at registration (k8s.io/api/core/v1 well_known_labels.go)
LABEL_ARCH = "kubernetes.io/arch"
# staging/src/k8s.io/api/core/v1/well_known_taints.go
TAINT_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
TAINT_OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"
TAINT_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure"
TAINT_DISK_PRESSURE = "node.kubernetes.io/disk-pressure"


class ConditionStatus(enum.StrEnum):
    """``v1.ConditionStatus``."""

    TRUE = "True"
    FALSE = "False"
    UNKNOWN = "Unknown"



class _Keyed:
    """A stored object: its store key is ``meta.key`` (``namespace/name``, or the name if cluster-scoped)."""

    __slots__ = ()
    meta: ObjectMeta

    @property
    def key(self) -> str:
        """The store key."""
        return self.meta.key

@dataclass(frozen=True, slots=True)
class OwnerRef:
    """The controller ``ownerReference`` of an object."""

    kind: str
    name: str
    uid: str


@dataclass(slots=True, eq=False)
class ObjectMeta:
    """``metav1.ObjectMeta``: times are simulated seconds."""

    name: str
    namespace: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    owner: OwnerRef | None = None
    uid: str = ""
    resource_version: int = 0
    generation: int = 1
    creation_s: float = 0.0
    deletion_s: float | None = None
    deletion_grace_s: float | None = None
    key: str = field(init=False, default="")

    def __post_init__(self) -> None:
        # ``namespace/name``, or ``name`` for cluster-scoped objects; names never change
        self.key = f"{self.namespace}/{self.name}" if self.namespace else self.name


@dataclass(slots=True, eq=False)
class PodStatus:
    """``v1.PodStatus`` reduced to what controllers read."""

    phase: PodPhase = PodPhase.PENDING
    scheduled: bool = False
    ready: bool = False
    ready_transition_s: float | None = None  # lastTransitionTime of the Ready condition (None: no condition yet)
    restart_count: int = 0
    reason: str = ""
    start_s: float | None = None
    nominated_node_name: str = ""  # set by preemption: the node the pod waits for
    unschedulable: bool = False  # PodScheduled=False with reason Unschedulable (set by the scheduler)
    disruption_target: str = ""  # reason of a DisruptionTarget=True condition (e.g. DeletionByPodGC)

    @property
    def ready_since_s(self) -> float | None:
        """When the pod became Ready: the Ready condition's lastTransitionTime while it is True."""
        return self.ready_transition_s if self.ready else None

    @ready_since_s.setter
    def ready_since_s(self, value: float | None) -> None:
        if value is not None:
            self.ready_transition_s = value


@dataclass(slots=True, eq=False)
class Pod:
    """``v1.Pod``; ``node_name`` is ``spec.nodeName`` (set by binding), ``workload`` names the top owner."""

    meta: ObjectMeta
    spec: PodSpec
    node_name: str = ""
    status: PodStatus = field(default_factory=PodStatus)
    workload: str = ""
    key: str = field(init=False, default="")  # ``namespace/name``: read on every watch event, so stored

    KIND = "Pod"

    def __post_init__(self) -> None:
        self.key = self.meta.key

    @property
    def terminating(self) -> bool:
        """Has a deletion timestamp."""
        return self.meta.deletion_s is not None

    @property
    def terminal(self) -> bool:
        """Succeeded or Failed."""
        return self.status.phase in (PodPhase.SUCCEEDED, PodPhase.FAILED)


@dataclass(slots=True, eq=False)
class Node(_Keyed):
    """``v1.Node``: capacity and allocatable, labels, taints, the Ready condition and cordon."""

    meta: ObjectMeta
    capacity: ResourceList
    allocatable: ResourceList
    unschedulable: bool = False
    taints: tuple[Taint, ...] = ()
    ready: ConditionStatus = ConditionStatus.TRUE
    ready_transition_s: float = 0.0
    ready_reason: str = ""  # the Ready condition's reason and message when the kubelet reports False
    ready_message: str = ""
    ever_ready: bool = True
    heartbeat_s: float = 0.0  # lastHeartbeatTime of the kubelet's last status post
    images: tuple[tuple[tuple[str, ...], int], ...] = ()  # status.images: (names, sizeBytes)
    memory_pressure: bool = False  # the MemoryPressure condition (the kubelet's eviction manager)
    disk_pressure: bool = False  # the DiskPressure condition
    provider_id: str = ""  # spec.providerID: the cloud's ID of the node's VM ('' outside a cloud)

    KIND = "Node"

    @property
    def zone(self) -> str:
        """Zone key as ``nodetopology.GetZoneKey`` builds it (region and zone), '' when unlabelled."""
        labels = self.meta.labels
        region, zone = labels.get(LABEL_REGION, ""), labels.get(LABEL_ZONE, "")
        if not region and not zone:
            return ""
        return f"{region}:\x00:{zone}" if region else zone


@dataclass(slots=True, eq=False)
class Lease(_Keyed):
    """``coordination/v1`` Lease of a node, stored as its renewal schedule.

    The kubelet renews every ``period_s`` from ``first_renew_s`` until ``stopped_s``; ``renew_time``
    gives the ``spec.renewTime`` that stepping every renewal would have produced, without an event
    per renewal.
    """

    meta: ObjectMeta
    duration_s: float
    period_s: float
    first_renew_s: float
    stopped_s: float | None = None
    earlier_renew_s: float | None = None  # last renewal of the schedule before a restart

    KIND = "Lease"

    def restart(self, now: float) -> None:
        """The kubelet renews again from ``now`` on, every period; earlier renewals are kept."""
        self.earlier_renew_s = self.renew_time(now)
        self.first_renew_s, self.stopped_s = now, None

    def renew_time(self, t: float) -> float | None:
        """Latest renewal at or before ``t`` (None before the first)."""
        end = t if self.stopped_s is None else min(t, self.stopped_s)
        if end < self.first_renew_s:
            return self.earlier_renew_s
        return self.first_renew_s + math.floor((end - self.first_renew_s) / self.period_s + 1e-9) * self.period_s


@dataclass(frozen=True, slots=True)
class PodTemplate:
    """``v1.PodTemplateSpec``: labels plus a shared spec."""

    labels: tuple[tuple[str, str], ...]
    spec: PodSpec


@dataclass(slots=True, eq=False)
class ReplicaSetSpec:
    """``apps/v1`` ReplicaSetSpec."""

    replicas: int
    selector: tuple[tuple[str, str], ...]
    template: PodTemplate
    min_ready_s: float = 0.0


@dataclass(slots=True, eq=False)
class ReplicaSetStatus:
    """``apps/v1`` ReplicaSetStatus."""

    replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    observed_generation: int = 0


@dataclass(slots=True, eq=False)
class ReplicaSet(_Keyed):
    """``apps/v1`` ReplicaSet."""

    meta: ObjectMeta
    spec: ReplicaSetSpec
    status: ReplicaSetStatus = field(default_factory=ReplicaSetStatus)

    KIND = "ReplicaSet"


@dataclass(frozen=True, slots=True)
class DeploymentStrategy:
    """``apps/v1`` DeploymentStrategy; surge and unavailability are ints or ``"NN%"`` strings."""

    type: str = "RollingUpdate"
    max_surge: int | str | None = "25%"
    max_unavailable: int | str | None = "25%"


@dataclass(slots=True, eq=False)
class DeploymentSpec:
    """``apps/v1`` DeploymentSpec; defaults from ``pkg/apis/apps/v1/defaults.go``."""

    replicas: int
    selector: tuple[tuple[str, str], ...]
    template: PodTemplate
    strategy: DeploymentStrategy = DeploymentStrategy()
    min_ready_s: float = 0.0
    revision_history_limit: int = 10
    progress_deadline_s: float | None = 600.0
    paused: bool = False


@dataclass(slots=True, eq=False)
class DeploymentStatus:
    """``apps/v1`` DeploymentStatus; conditions map type to (status, reason, last_update_s)."""

    replicas: int = 0
    updated_replicas: int = 0
    ready_replicas: int = 0
    available_replicas: int = 0
    unavailable_replicas: int = 0
    observed_generation: int = 0
    conditions: dict[str, tuple[str, str, float]] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class Deployment(_Keyed):
    """``apps/v1`` Deployment."""

    meta: ObjectMeta
    spec: DeploymentSpec
    status: DeploymentStatus = field(default_factory=DeploymentStatus)

    KIND = "Deployment"


@dataclass(slots=True, eq=False)
class PodDisruptionBudgetStatus:
    """``policy/v1`` PodDisruptionBudgetStatus (kept by the disruption controller)."""

    expected_pods: int = 0
    current_healthy: int = 0
    desired_healthy: int = 0
    disruptions_allowed: int = 0
    observed_generation: int = 0


@dataclass(slots=True, eq=False)
class PodDisruptionBudget(_Keyed):
    """``policy/v1`` PodDisruptionBudget: exactly one of ``min_available`` and ``max_unavailable`` (int or 'N%')."""

    meta: ObjectMeta
    selector: LabelSelector
    min_available: int | str | None = None
    max_unavailable: int | str | None = None
    status: PodDisruptionBudgetStatus = field(default_factory=PodDisruptionBudgetStatus)

    KIND = "PodDisruptionBudget"


@dataclass(slots=True, eq=False)
class Service(_Keyed):
    """``v1`` Service: type, selector, external traffic policy (and a LoadBalancer's health checking)."""

    meta: ObjectMeta
    type: str
    selector: tuple[tuple[str, str], ...] = ()
    external_traffic_policy: str = "Cluster"
    external_name: str = ""
    publish_not_ready_addresses: bool = False
    internal_traffic_policy: str = "Cluster"
    external_ips: tuple[str, ...] = ()
    load_balancer_ingress: tuple[str, ...] = ()  # status.loadBalancer.ingress (set by the cloud's service controller)
    cluster_ip: str = ""

    KIND = "Service"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint of an EndpointSlice (``discovery/v1``) with its conditions."""

    pod: str  # pod key ('' for an address written by hand into a selector-less Service's slice)
    node: str
    ready: bool
    serving: bool
    terminating: bool
    address: str = ""  # a manual endpoint's address (pod endpoints are identified by ``pod``)


@dataclass(slots=True, eq=False)
class EndpointSlice(_Keyed):
    """The endpoints of one Service (the simulator keeps one object per Service; ``slices`` counts the
    ``discovery/v1`` EndpointSlices they would fill at maxEndpointsPerSlice)."""

    meta: ObjectMeta
    service: str
    endpoints: tuple[Endpoint, ...] = ()
    slices: int = 0

    KIND = "EndpointSlice"


@dataclass(slots=True, eq=False)
class PersistentVolumeClaim(_Keyed):
    """``v1`` PersistentVolumeClaim with WaitForFirstConsumer zonal storage: ``zone`` is where its
    volume lives once bound (None until the first pod using it is scheduled)."""

    meta: ObjectMeta
    zone: str | None = None

    KIND = "PersistentVolumeClaim"


@dataclass(slots=True, eq=False)
class StatefulSetSpec:
    """``apps/v1`` StatefulSetSpec (what the simulator uses)."""

    replicas: int
    selector: tuple[tuple[str, str], ...]
    template: PodTemplate
    pod_management_policy: str = "OrderedReady"
    claim_templates: tuple[str, ...] = ()


@dataclass(slots=True, eq=False)
class StatefulSetStatus:
    """``apps/v1`` StatefulSetStatus."""

    replicas: int = 0
    ready_replicas: int = 0


@dataclass(slots=True, eq=False)
class StatefulSet(_Keyed):
    """``apps/v1`` StatefulSet."""

    meta: ObjectMeta
    spec: StatefulSetSpec
    status: StatefulSetStatus = field(default_factory=StatefulSetStatus)

    KIND = "StatefulSet"


@dataclass(slots=True, eq=False)
class DaemonSet(_Keyed):
    """``apps/v1`` DaemonSet: a pod template for every eligible node."""

    meta: ObjectMeta
    template: PodTemplate
    desired: int = 0  # status.desiredNumberScheduled

    KIND = "DaemonSet"


@dataclass(slots=True, eq=False)
class JobSpec:
    """``batch/v1`` JobSpec (what the simulator uses)."""

    template: PodTemplate
    completions: int | None = 1
    parallelism: int = 1
    backoff_limit: int = 6
    active_deadline_s: float | None = None
    fail_exit_codes: tuple[int, ...] = ()
    ignore_exit_codes: tuple[int, ...] = ()


@dataclass(slots=True, eq=False)
class JobStatus:
    """``batch/v1`` JobStatus; ``condition`` is Complete or Failed once finished."""

    active: int = 0
    succeeded: int = 0
    failed: int = 0
    start_s: float | None = None
    completion_s: float | None = None
    condition: str = ""
    reason: str = ""


@dataclass(slots=True, eq=False)
class Job(_Keyed):
    """``batch/v1`` Job."""

    meta: ObjectMeta
    spec: JobSpec
    status: JobStatus = field(default_factory=JobStatus)

    KIND = "Job"


@dataclass(slots=True, eq=False)
class CronJob(_Keyed):
    """``batch/v1`` CronJob: a schedule and a Job template."""

    meta: ObjectMeta
    schedule: str
    job: JobSpec
    concurrency_policy: str = "Allow"
    starting_deadline_s: float | None = None
    suspend: bool = False
    successful_jobs_history_limit: int = 3
    failed_jobs_history_limit: int = 1
    last_schedule_s: float | None = None

    KIND = "CronJob"


@dataclass(frozen=True, slots=True)
class HPAScalingPolicy:
    """``autoscaling/v2`` HPAScalingPolicy: change at most ``value`` pods or percent per ``period_s``."""

    type: str  # "Pods" or "Percent"
    value: int
    period_s: int


@dataclass(frozen=True, slots=True)
class HPAScalingRules:
    """``autoscaling/v2`` HPAScalingRules (one direction)."""

    stabilization_window_s: int
    select_policy: str  # "Max", "Min" or "Disabled"
    policies: tuple[HPAScalingPolicy, ...]


@dataclass(frozen=True, slots=True)
class HPAMetric:
    """A Resource metric target: ``averageUtilization`` (percent of requests) or ``averageValue`` (milli-units)."""

    resource: str  # "cpu" or "memory"
    utilization: int | None = None
    average_value_m: int | None = None


@dataclass(slots=True, eq=False)
class HorizontalPodAutoscaler(_Keyed):
    """``autoscaling/v2`` HorizontalPodAutoscaler over a Deployment or StatefulSet.

    ``behavior`` None is the API's nil behavior: the controller then uses its legacy limits
    (``normalizeDesiredReplicas``), not the v2 defaults.
    """

    meta: ObjectMeta
    target_kind: str
    target_name: str
    min_replicas: int
    max_replicas: int
    metrics: tuple[HPAMetric, ...]
    scale_up: HPAScalingRules | None = None
    scale_down: HPAScalingRules | None = None
    current_replicas: int = 0
    desired_replicas: int = 0
    current_metrics: tuple[int | None, ...] = ()  # per metric: utilization % or average value
    last_scale_s: float | None = None

    KIND = "HorizontalPodAutoscaler"
