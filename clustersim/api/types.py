"""Value types of the Kubernetes API that the simulator models: resources, taints, probes, pod specs.

These are immutable and shared: every pod of a ReplicaSet points at the same ``PodSpec``.
Field names follow the Kubernetes API, with units in the name (``_s`` seconds, ``cpu_m`` millicores,
memory in bytes).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_MEMORY_REQUEST",
    "DEFAULT_MILLI_CPU_REQUEST",
    "AppBehavior",
    "LabelSelector",
    "TopologySpreadConstraint",
    "NodeAffinity",
    "NodeSelectorRequirement",
    "NodeSelectorTerm",
    "Container",
    "HostPort",
    "PodAffinity",
    "PodAffinityTerm",
    "Volume",
    "PodPhase",
    "PodSpec",
    "Probe",
    "Requests",
    "ResourceList",
    "RestartPolicy",
    "Taint",
    "TaintEffect",
    "Toleration",
    "find_untolerated",
    "tolerates",
]

# pkg/scheduler/util/pod_resources.go: DefaultMilliCPURequest, DefaultMemoryRequest.
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024


class PodPhase(enum.StrEnum):
    """``PodStatus.phase``."""

    PENDING = "Pending"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    UNKNOWN = "Unknown"


class RestartPolicy(enum.StrEnum):
    """``PodSpec.restartPolicy``."""

    ALWAYS = "Always"
    ON_FAILURE = "OnFailure"
    NEVER = "Never"


class TaintEffect(enum.StrEnum):
    """``Taint.effect``."""

    NO_SCHEDULE = "NoSchedule"
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    NO_EXECUTE = "NoExecute"


@dataclass(frozen=True, slots=True)
class ResourceList:
    """A set of resource amounts: CPU in millicores, memory in bytes, the rest as integer counts.

    ``None`` means the key is absent (for container requests, "not requested"), which matters for the
    scheduler's non-zero defaults.
    """

    cpu_m: int | None = None
    memory: int | None = None
    pods: int | None = None
    scalar: tuple[tuple[str, int], ...] = ()

    def get(self, name: str) -> int | None:
        """Amount of resource ``name`` (``cpu`` in millicores), or None when absent."""
        if name == "cpu":
            return self.cpu_m
        if name == "memory":
            return self.memory
        if name == "pods":
            return self.pods
        for key, value in self.scalar:
            if key == name:
                return value
        return None

    def names(self) -> list[str]:
        """Names of the resources present."""
        out = [n for n, v in (("cpu", self.cpu_m), ("memory", self.memory), ("pods", self.pods)) if v is not None]
        return out + [k for k, _ in self.scalar]


@dataclass(frozen=True, slots=True)
class Taint:
    """``v1.Taint``; ``time_added_s`` is set only for NoExecute taints the controllers add."""

    key: str
    effect: TaintEffect
    value: str = ""
    time_added_s: float | None = None


@dataclass(frozen=True, slots=True)
class Toleration:
    """``v1.Toleration``; an empty operator means ``Equal``, ``None`` seconds means forever."""

    key: str = ""
    operator: str = "Equal"
    value: str = ""
    effect: str = ""
    toleration_seconds: int | None = None

    def tolerates(self, taint: Taint) -> bool:
        """``Toleration.ToleratesTaint`` (staging/src/k8s.io/api/core/v1/toleration.go)."""
        if self.effect and self.effect != taint.effect.value:
            return False
        if self.key and self.key != taint.key:
            return False
        if self.operator in ("", "Equal"):
            return self.value == taint.value
        return self.operator == "Exists"


def tolerates(tolerations: tuple[Toleration, ...], taint: Taint) -> bool:
    """True when any toleration tolerates ``taint``."""
    return any(t.tolerates(taint) for t in tolerations)


def find_untolerated(
    taints: tuple[Taint, ...], tolerations: tuple[Toleration, ...], effects: tuple[TaintEffect, ...]
) -> Taint | None:
    """First taint with one of ``effects`` that no toleration tolerates (v1helper.FindMatchingUntoleratedTaint)."""
    for taint in taints:
        if taint.effect in effects and not tolerates(tolerations, taint):
            return taint
    return None


@dataclass(frozen=True, slots=True)
class NodeSelectorRequirement:
    """``v1.NodeSelectorRequirement``: In, NotIn, Exists, DoesNotExist, Gt, Lt."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        """``nodeaffinity`` requirement matching (component-helpers/scheduling/corev1/nodeaffinity)."""
        value = labels.get(self.key)
        op = self.operator
        if op == "In":
            return value is not None and value in self.values
        if op == "NotIn":
            return value is None or value not in self.values
        if op == "Exists":
            return value is not None
        if op == "DoesNotExist":
            return value is None
        if op in ("Gt", "Lt") and value is not None and len(self.values) == 1:
            try:
                a, b = int(value), int(self.values[0])
            except ValueError:
                return False
            return a > b if op == "Gt" else a < b
        return False


@dataclass(frozen=True, slots=True)
class NodeSelectorTerm:
    """``v1.NodeSelectorTerm``: all requirements must match (an empty term matches nothing)."""

    match_expressions: tuple[NodeSelectorRequirement, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        """All expressions match."""
        return bool(self.match_expressions) and all(r.matches(labels) for r in self.match_expressions)


@dataclass(frozen=True, slots=True)
class NodeAffinity:
    """``v1.NodeAffinity``: required terms are ORed; preferred terms add their weight when they match."""

    required: tuple[NodeSelectorTerm, ...] = ()
    preferred: tuple[tuple[int, NodeSelectorTerm], ...] = ()


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """``metav1.LabelSelector``: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), all ANDed."""

    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[NodeSelectorRequirement, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        """Every label and every expression matches."""
        return all(labels.get(k) == v for k, v in self.match_labels) and all(e.matches(labels) for e in self.match_expressions)


@dataclass(frozen=True, slots=True)
class TopologySpreadConstraint:
    """``v1.TopologySpreadConstraint`` (maxSkew, topologyKey, whenUnsatisfiable, labelSelector, minDomains)."""

    max_skew: int
    topology_key: str
    when_unsatisfiable: str = "DoNotSchedule"
    label_selector: LabelSelector = LabelSelector()
    min_domains: int | None = None


@dataclass(frozen=True, slots=True)
class PodAffinityTerm:
    """``v1.PodAffinityTerm``; empty ``namespaces`` means the pod's own namespace."""

    label_selector: LabelSelector
    topology_key: str
    namespaces: tuple[str, ...] = ()

    def matches(self, owner_namespace: str, pod_namespace: str, labels: dict[str, str]) -> bool:
        """Does a pod (namespace, labels) fall under this term of a pod in ``owner_namespace``?"""
        if pod_namespace not in (self.namespaces or (owner_namespace,)):
            return False
        return self.label_selector.matches(labels)


@dataclass(frozen=True, slots=True)
class PodAffinity:
    """Inter-pod affinity and anti-affinity of a pod (``v1.PodAffinity`` plus ``v1.PodAntiAffinity``)."""

    required: tuple[PodAffinityTerm, ...] = ()
    preferred: tuple[tuple[int, PodAffinityTerm], ...] = ()
    anti_required: tuple[PodAffinityTerm, ...] = ()
    anti_preferred: tuple[tuple[int, PodAffinityTerm], ...] = ()


@dataclass(frozen=True, slots=True)
class HostPort:
    """A container port bound on the node (``hostPort``)."""

    port: int
    protocol: str = "TCP"
    host_ip: str = "0.0.0.0"

    def conflicts(self, other: HostPort) -> bool:
        """Same port and protocol, and the same IP or either is the wildcard (HostPortInfo.CheckConflict)."""
        if self.port != other.port or self.protocol != other.protocol:
            return False
        return self.host_ip == other.host_ip or "0.0.0.0" in (self.host_ip, other.host_ip)


@dataclass(frozen=True, slots=True)
class Volume:
    """A pod volume: ``emptyDir``, ``hostPath`` (``path``) or ``persistentVolumeClaim`` (``claim``)."""

    name: str
    kind: str
    path: str = ""
    claim: str = ""
    medium: str = ""  # emptyDir: "" (the node's disk) or "Memory" (tmpfs)
    size_limit: int | None = None  # emptyDir.sizeLimit, bytes
    usage: int = 0  # bytes the app keeps in the emptyDir (not Kubernetes API)
    usage_after_s: float = 0.0  # ... from this long after the container starts


@dataclass(frozen=True, slots=True)
class Probe:
    """``v1.Probe`` timing; defaults from ``pkg/apis/core/v1/defaults.go`` ``SetDefaults_Probe``."""

    period_s: float = 10.0
    timeout_s: float = 1.0
    success_threshold: int = 1
    failure_threshold: int = 3
    initial_delay_s: float = 0.0


@dataclass(frozen=True, slots=True)
class AppBehavior:
    """What the process in a container does; not part of the Kubernetes API.

    Attributes:
        ready_after_s: time after start until the app passes its readiness probe.
        crash_after_s: the app exits with ``exit_code`` this long after each start (None: never).
        hang_after_s: the app stops answering probes this long after each start (None: never).
        shutdown_s: time the app takes to exit after SIGTERM (capped by the grace period).
        exit_code: exit code used when it crashes.
    """

    ready_after_s: float = 0.0
    crash_after_s: float | None = None
    hang_after_s: float | None = None
    shutdown_s: float = 0.0
    exit_code: int = 1


@dataclass(frozen=True, slots=True)
class Container:
    """``v1.Container`` with the fields the simulator uses."""

    name: str
    image: str
    requests: ResourceList = ResourceList()
    readiness_probe: Probe | None = None
    liveness_probe: Probe | None = None
    behavior: AppBehavior = AppBehavior()
    host_ports: tuple[HostPort, ...] = ()
    restart_policy: str | None = None  # an init container with "Always" is a sidecar (KEP-753)


@dataclass(frozen=True, slots=True)
class Requests:
    """A pod's effective requests, computed once per spec (resourcehelper.PodRequests)."""

    cpu_m: int
    memory: int
    scalar: tuple[tuple[str, int], ...]
    nonzero_cpu_m: int
    nonzero_memory: int

    def get(self, name: str) -> int:
        """Requested amount of ``name``; 0 when absent."""
        if name == "cpu":
            return self.cpu_m
        if name == "memory":
            return self.memory
        for key, value in self.scalar:
            if key == name:
                return value
        return 0


def _pod_requests(containers: tuple[Container, ...], init: tuple[Container, ...], overhead: ResourceList,
                  defaults: dict[str, int] | None) -> dict[str, int]:
    """max(sum of containers, max of init containers) + overhead, per resource.

    ``defaults`` is resourcehelper's NonMissingContainerRequests: values for absent keys.
    """

    def reqs(c: Container) -> dict[str, int]:
        out = {name: c.requests.get(name) or 0 for name in c.requests.names()}
        if defaults:
            for name, value in defaults.items():
                if c.requests.get(name) is None:
                    out[name] = value
        return out

    total: dict[str, int] = {}
    for c in containers:
        for name, value in reqs(c).items():
            total[name] = total.get(name, 0) + value
    # resourcehelper.PodRequests with sidecars (KEP-753): restartable init containers run beside the app, so
    # they add to it; a regular init container runs alone beside the sidecars started before it
    sidecars: dict[str, int] = {}
    init_peak: dict[str, int] = {}
    for c in init:
        for name, value in reqs(c).items():
            if c.restart_policy == "Always":
                sidecars[name] = sidecars.get(name, 0) + value
            else:
                init_peak[name] = max(init_peak.get(name, 0), value + sidecars.get(name, 0))
    for name in {*sidecars, *init_peak}:
        total[name] = max(total.get(name, 0) + sidecars.get(name, 0), init_peak.get(name, 0))
    for name in overhead.names():
        total[name] = total.get(name, 0) + (overhead.get(name) or 0)
    return total


@dataclass(frozen=True, slots=True)
class PodSpec:
    """``v1.PodSpec`` with the fields the simulator uses; shared by all pods of one template."""

    containers: tuple[Container, ...]
    init_containers: tuple[Container, ...] = ()
    restart_policy: RestartPolicy = RestartPolicy.ALWAYS
    termination_grace_period_s: float = 30.0
    tolerations: tuple[Toleration, ...] = ()
    node_selector: tuple[tuple[str, str], ...] = ()
    node_name: str = ""
    priority: int = 0
    scheduler_name: str = "default-scheduler"
    overhead: ResourceList = ResourceList()
    affinity: NodeAffinity | None = None
    topology_spread_constraints: tuple[TopologySpreadConstraint, ...] = ()
    pod_affinity: PodAffinity | None = None
    volumes: tuple[Volume, ...] = ()
    preemption_policy: str = "PreemptLowerPriority"
    priority_class_name: str = ""
    requests: Requests = field(init=False, compare=False, repr=False)
    host_ports: tuple[HostPort, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        real = _pod_requests(self.containers, self.init_containers, self.overhead, None)
        nonzero = _pod_requests(
            self.containers,
            self.init_containers,
            self.overhead,
            {"cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST},
        )
        scalar = tuple(sorted((k, v) for k, v in real.items() if k not in ("cpu", "memory", "pods")))
        object.__setattr__(
            self,
            "requests",
            Requests(real.get("cpu", 0), real.get("memory", 0), scalar, nonzero.get("cpu", 0), nonzero.get("memory", 0)),
        )
        ports = tuple(hp for c in (*self.init_containers, *self.containers) for hp in c.host_ports)
        object.__setattr__(self, "host_ports", ports)
