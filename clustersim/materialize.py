"""Turn validated config into API objects: nodes from node pools, Deployments from their specs."""

from __future__ import annotations

from clustersim.api.objects import (
    LABEL_HOSTNAME,
    LABEL_REGION,
    LABEL_ZONE,
    Deployment,
    DeploymentSpec,
    DeploymentStrategy,
    Node,
    ObjectMeta,
    PodTemplate,
)
from clustersim.api.quantity import cpu_millis, to_int_value
from clustersim.api.types import (
    AppBehavior,
    Container,
    LabelSelector,
    NodeAffinity,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodSpec,
    Probe,
    ResourceList,
    RestartPolicy,
    Taint,
    TaintEffect,
    Toleration,
    TopologySpreadConstraint,
)
from clustersim.config.models import (
    ContainerConfig,
    DeploymentConfig,
    NodeAffinityConfig,
    NodePoolConfig,
    NodeSelectorTermConfig,
    ProbeConfig,
    SimConfig,
    TopologySpreadConstraintConfig,
)

__all__ = ["deployment_from_config", "nodes_from_config", "resource_list"]

POOL_LABEL = "clustersim.io/node-pool"


def resource_list(values: dict[str, str | int | float], default_pods: int | None = None) -> ResourceList:
    """Quantities to a ResourceList: cpu in millicores, memory in bytes, the rest as counts."""
    cpu = values.get("cpu")
    mem = values.get("memory")
    pods = values.get("pods")
    scalar = tuple(sorted((k, to_int_value(v)) for k, v in values.items() if k not in ("cpu", "memory", "pods")))
    return ResourceList(
        cpu_millis(cpu) if cpu is not None else None,
        to_int_value(mem) if mem is not None else None,
        to_int_value(pods) if pods is not None else default_pods,
        scalar,
    )


def _node(pool: NodePoolConfig, i: int, zone: str, region: str, max_pods: int) -> Node:
    name = f"{pool.name}-{i}"
    labels = {LABEL_HOSTNAME: name, LABEL_ZONE: zone, POOL_LABEL: pool.name, **pool.labels}
    if region:
        labels[LABEL_REGION] = region
    capacity = resource_list(pool.capacity, max_pods)
    allocatable = resource_list(pool.allocatable, capacity.pods) if pool.allocatable is not None else capacity
    taints = tuple(Taint(t.key, TaintEffect(t.effect), t.value) for t in pool.taints)
    return Node(ObjectMeta(name, "", labels), capacity, allocatable, unschedulable=pool.unschedulable, taints=taints)


def nodes_from_config(cfg: SimConfig) -> list[Node]:
    """Every node of every pool, zones assigned round-robin."""
    out = []
    for pool in cfg.cluster.node_pools:
        zones = pool.zones or cfg.cluster.zones
        for i in range(pool.count):
            out.append(_node(pool, i, zones[i % len(zones)], cfg.cluster.region, cfg.kubelet.max_pods))
    return out


def _probe(p: ProbeConfig | None) -> Probe | None:
    if p is None:
        return None
    return Probe(p.period_s, p.timeout_s, p.success_threshold, p.failure_threshold, p.initial_delay_s)


def _container(c: ContainerConfig) -> Container:
    b = c.behavior
    return Container(
        c.name, c.image, resource_list(c.requests), _probe(c.readiness_probe), _probe(c.liveness_probe),
        AppBehavior(b.ready_after_s, b.crash_after_s, b.hang_after_s, b.shutdown_s, b.exit_code),
    )


def _term(t: NodeSelectorTermConfig) -> NodeSelectorTerm:
    return NodeSelectorTerm(tuple(NodeSelectorRequirement(e.key, e.operator, e.values) for e in t.match_expressions))


def _affinity(a: NodeAffinityConfig | None) -> NodeAffinity | None:
    if a is None:
        return None
    return NodeAffinity(tuple(_term(t) for t in a.required), tuple((t.weight, _term(t)) for t in a.preferred))


def _spread(c: TopologySpreadConstraintConfig, pod_labels: tuple[tuple[str, str], ...]) -> TopologySpreadConstraint:
    sel = c.label_selector
    selector = (LabelSelector(pod_labels) if sel is None else
                LabelSelector(tuple(sorted(sel.match_labels.items())),
                              tuple(NodeSelectorRequirement(e.key, e.operator, e.values) for e in sel.match_expressions)))
    return TopologySpreadConstraint(c.max_skew, c.topology_key, c.when_unsatisfiable, selector, c.min_domains)


def deployment_from_config(d: DeploymentConfig) -> Deployment:
    """An apps/v1 Deployment object."""
    labels = tuple(sorted((d.labels or {"app": d.name}).items()))
    spec = PodSpec(
        containers=tuple(_container(c) for c in d.containers),
        restart_policy=RestartPolicy(d.restart_policy),
        termination_grace_period_s=d.termination_grace_period_s,
        tolerations=tuple(Toleration(t.key, t.operator, t.value, t.effect, t.toleration_seconds) for t in d.tolerations),
        node_selector=tuple(sorted(d.node_selector.items())),
        priority=d.priority,
        affinity=_affinity(d.affinity),
        topology_spread_constraints=tuple(_spread(c, labels) for c in d.topology_spread_constraints),
    )
    strategy = DeploymentStrategy(d.strategy, d.max_surge, d.max_unavailable)
    return Deployment(
        ObjectMeta(d.name, d.namespace, dict(labels)),
        DeploymentSpec(d.replicas, labels, PodTemplate(labels, spec), strategy, d.min_ready_s,
                       d.revision_history_limit, d.progress_deadline_s),
    )
