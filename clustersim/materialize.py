"""Turn validated config into API objects: nodes from node pools, Deployments from their specs."""

from __future__ import annotations

from dataclasses import replace

from clustersim.api.ingress import ANNOTATION_DEFAULT_CLASS, ANNOTATION_INGRESS_CLASS, Ingress, IngressClass
from clustersim.api.objects import (
    LABEL_ARCH,
    LABEL_HOSTNAME,
    LABEL_OS,
    LABEL_REGION,
    LABEL_ZONE,
    CronJob,
    DaemonSet,
    Deployment,
    DeploymentSpec,
    DeploymentStrategy,
    Endpoint,
    EndpointSlice,
    HorizontalPodAutoscaler,
    HPAMetric,
    HPAScalingPolicy,
    HPAScalingRules,
    Job,
    JobSpec,
    Node,
    ObjectMeta,
    PersistentVolumeClaim,
    Pod,
    PodDisruptionBudget,
    PodTemplate,
    ReplicaSet,
    ReplicaSetSpec,
    Service,
    StatefulSet,
    StatefulSetSpec,
)
from clustersim.api.quantity import cpu_millis, parse_quantity, to_int_value
from clustersim.api.types import (
    AppBehavior,
    Container,
    HostPort,
    LabelSelector,
    NodeAffinity,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PodAffinity,
    PodAffinityTerm,
    PodSpec,
    Probe,
    ResourceList,
    RestartPolicy,
    Taint,
    TaintEffect,
    Toleration,
    TopologySpreadConstraint,
    Volume,
)
from clustersim.config.external import EndpointSliceConfig
from clustersim.config.ingress import IngressClassConfig, IngressConfig, ingress_spec
from clustersim.config.models import (
    SYSTEM_PRIORITY_CLASSES,
    ContainerConfig,
    CronJobConfig,
    DaemonSetConfig,
    DeploymentConfig,
    HorizontalPodAutoscalerConfig,
    HPAScalingRulesConfig,
    JobConfig,
    LabelSelectorConfig,
    NodeAffinityConfig,
    NodeSelectorTermConfig,
    NodeSpec,
    PersistentVolumeClaimConfig,
    PodAffinityConfig,
    PodAffinityTermConfig,
    PodConfig,
    PodDisruptionBudgetConfig,
    PriorityClassConfig,
    ProbeConfig,
    ServiceConfig,
    SimConfig,
    StatefulSetConfig,
    TopologySpreadConstraintConfig,
)

__all__ = ["cronjob_from_config", "daemonset_from_config", "deployment_from_config", "job_from_config", "nodes_from_config",
           "pdb_from_config", "pod_from_config", "pvc_from_config", "replicaset_from_config", "resolve_priority", "resource_list",
           "service_from_config", "statefulset_from_config"]

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


def _node(spec: NodeSpec, region: str, max_pods: int) -> Node:
    labels = {LABEL_OS: "linux", LABEL_ARCH: "amd64", LABEL_HOSTNAME: spec.name, LABEL_ZONE: spec.zone,
              **({POOL_LABEL: spec.pool} if spec.pool else {}), **spec.labels}
    if region:
        labels[LABEL_REGION] = region
    capacity = resource_list(spec.capacity, max_pods)
    allocatable = resource_list(spec.allocatable, capacity.pods) if spec.allocatable is not None else capacity
    taints = tuple(Taint(t.key, TaintEffect(t.effect), t.value) for t in spec.taints)
    return Node(ObjectMeta(spec.name, "", labels), capacity, allocatable, unschedulable=spec.unschedulable, taints=taints)


def nodes_from_config(cfg: SimConfig) -> list[Node]:
    """Every node: the pools' (zones round-robin) and the individual ones."""
    return [_node(n, cfg.cluster.region, cfg.kubelet.max_pods) for n in cfg.cluster.node_list()]


def _probe(p: ProbeConfig | None) -> Probe | None:
    if p is None:
        return None
    return Probe(p.period_s, p.timeout_s, p.success_threshold, p.failure_threshold, p.initial_delay_s)


def _container(c: ContainerConfig) -> Container:
    b = c.behavior
    return Container(
        c.name, c.image, resource_list(c.requests), _probe(c.readiness_probe), _probe(c.liveness_probe),
        AppBehavior(b.ready_after_s, b.crash_after_s, b.hang_after_s, b.shutdown_s, b.exit_code),
        tuple(HostPort(p.host_port, p.protocol, p.host_ip) for p in c.ports if p.host_port is not None),
    )


def _selector(sel: LabelSelectorConfig) -> LabelSelector:
    return LabelSelector(tuple(sorted(sel.match_labels.items())),
                         tuple(NodeSelectorRequirement(e.key, e.operator, e.values) for e in sel.match_expressions))


def _pod_term(t: PodAffinityTermConfig) -> PodAffinityTerm:
    return PodAffinityTerm(_selector(t.label_selector), t.topology_key, t.namespaces)


def _pod_affinity(aff: PodAffinityConfig | None, anti: PodAffinityConfig | None) -> PodAffinity | None:
    if aff is None and anti is None:
        return None
    a = aff or PodAffinityConfig()
    n = anti or PodAffinityConfig()
    return PodAffinity(tuple(_pod_term(t) for t in a.required), tuple((t.weight, _pod_term(t)) for t in a.preferred),
                       tuple(_pod_term(t) for t in n.required), tuple((t.weight, _pod_term(t)) for t in n.preferred))


def resolve_priority(d: DeploymentConfig, classes: tuple[PriorityClassConfig, ...]) -> tuple[int, str, str]:
    """(priority, class name, preemption policy) as the Priority admission plugin sets them.

    plugin/pkg/admission/priority/admission.go: the named class's value; without a name, the
    globalDefault class's, else 0. ``priority`` in the config is a shortcut that sets the value directly.
    """
    by_name = {c.name: c for c in classes}
    if d.priority_class_name is not None:
        if d.priority_class_name in SYSTEM_PRIORITY_CLASSES:
            return SYSTEM_PRIORITY_CLASSES[d.priority_class_name], d.priority_class_name, "PreemptLowerPriority"
        c = by_name[d.priority_class_name]
        return c.value, c.name, c.preemption_policy
    if d.priority is not None:
        return d.priority, "", "PreemptLowerPriority"
    default = next((c for c in classes if c.global_default), None)
    if default is not None:
        return default.value, default.name, default.preemption_policy
    return 0, "", "PreemptLowerPriority"


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


def deployment_from_config(d: DeploymentConfig, classes: tuple[PriorityClassConfig, ...] = ()) -> Deployment:
    """An apps/v1 Deployment object."""
    labels = tuple(sorted((d.labels or {"app": d.name}).items()))
    priority, class_name, preemption = resolve_priority(d, classes)
    spec = PodSpec(
        containers=tuple(_container(c) for c in d.containers),
        restart_policy=RestartPolicy(d.restart_policy),
        termination_grace_period_s=d.termination_grace_period_s,
        tolerations=tuple(Toleration(t.key, t.operator, t.value, t.effect, t.toleration_seconds) for t in d.tolerations),
        node_selector=tuple(sorted(d.node_selector.items())),
        priority=priority,
        priority_class_name=class_name,
        preemption_policy=preemption,
        scheduler_name=d.scheduler_name,
        affinity=_affinity(d.affinity),
        topology_spread_constraints=tuple(_spread(c, labels) for c in d.topology_spread_constraints),
        pod_affinity=_pod_affinity(d.pod_affinity, d.pod_anti_affinity),
        volumes=tuple(Volume(v.name, v.type, v.path or "", v.claim_name or "", v.medium,
                             None if v.size_limit is None else int(parse_quantity(v.size_limit)), int(parse_quantity(v.usage)),
                             v.usage_after_s) for v in d.volumes),
    )
    strategy = DeploymentStrategy(d.strategy, d.max_surge, d.max_unavailable)
    return Deployment(
        ObjectMeta(d.name, d.namespace, dict(labels)),
        DeploymentSpec(d.replicas, labels, PodTemplate(labels, spec), strategy, d.min_ready_s,
                       d.revision_history_limit, d.progress_deadline_s),
    )


def pdb_from_config(b: PodDisruptionBudgetConfig) -> PodDisruptionBudget:
    """A policy/v1 PodDisruptionBudget object."""
    return PodDisruptionBudget(ObjectMeta(b.name, b.namespace), _selector(b.selector), b.min_available, b.max_unavailable)


def service_from_config(s: ServiceConfig, cluster_ip: str = "") -> Service:
    """A v1 Service object (``cluster_ip`` as the API server allocated it; none for Headless and ExternalName)."""
    return Service(ObjectMeta(s.name, s.namespace), s.type, tuple(sorted(s.selector.items())), s.external_traffic_policy,
                   s.external_name or "", s.publish_not_ready_addresses, s.internal_traffic_policy, s.external_ips, cluster_ip=cluster_ip)


def statefulset_from_config(st: StatefulSetConfig, classes: tuple[PriorityClassConfig, ...] = ()) -> StatefulSet:
    """An apps/v1 StatefulSet object (its pod template built like a Deployment's)."""
    dep = deployment_from_config(st, classes)
    template = dep.spec.template
    return StatefulSet(ObjectMeta(st.name, st.namespace, dict(template.labels)),
                       StatefulSetSpec(st.replicas, template.labels, template, st.pod_management_policy,
                                       tuple(t.name for t in st.volume_claim_templates)))


def pvc_from_config(c: PersistentVolumeClaimConfig) -> PersistentVolumeClaim:
    """A v1 PersistentVolumeClaim object."""
    return PersistentVolumeClaim(ObjectMeta(c.name, c.namespace), c.zone)


def daemonset_from_config(ds: DaemonSetConfig, classes: tuple[PriorityClassConfig, ...] = ()) -> DaemonSet:
    """An apps/v1 DaemonSet object."""
    dep = deployment_from_config(ds, classes)
    return DaemonSet(ObjectMeta(ds.name, ds.namespace, dict(dep.spec.template.labels)), dep.spec.template)


def job_from_config(j: JobConfig, classes: tuple[PriorityClassConfig, ...] = ()) -> Job:
    """A batch/v1 Job; each container works ``run_s`` and exits 0, unless its behaviour crashes it earlier."""
    dep = deployment_from_config(j, classes)
    tmpl = dep.spec.template
    containers = []
    for c in tmpl.spec.containers:
        b = c.behavior
        if b.crash_after_s is None or b.crash_after_s >= j.run_s:
            b = replace(b, crash_after_s=j.run_s, exit_code=0)
        containers.append(replace(c, behavior=b))
    spec = replace(tmpl.spec, containers=tuple(containers), restart_policy=RestartPolicy(j.restart_policy))
    return Job(ObjectMeta(j.name, j.namespace, dict(tmpl.labels)),
               JobSpec(PodTemplate(tmpl.labels, spec), j.completions, j.parallelism, j.backoff_limit, j.active_deadline_s,
                       j.fail_exit_codes, j.ignore_exit_codes))


def pod_from_config(p: PodConfig, classes: tuple[PriorityClassConfig, ...] = ()) -> Pod:
    """A bare v1 Pod (no owner: nothing replaces it)."""
    dep = deployment_from_config(p, classes)
    tmpl = dep.spec.template
    spec = replace(tmpl.spec, restart_policy=RestartPolicy(p.restart_policy))
    return Pod(ObjectMeta(p.name, p.namespace, dict(tmpl.labels)), spec, workload=f"pod/{p.name}")


def cronjob_from_config(c: CronJobConfig, classes: tuple[PriorityClassConfig, ...] = ()) -> CronJob:
    """A batch/v1 CronJob with its Job template built like a Job's."""
    job = job_from_config(c, classes)
    return CronJob(ObjectMeta(c.name, c.namespace), c.schedule, job.spec, c.concurrency_policy, c.starting_deadline_s, c.suspend,
                   c.successful_jobs_history_limit, c.failed_jobs_history_limit)


def replicaset_from_config(r: DeploymentConfig, classes: tuple[PriorityClassConfig, ...] = ()) -> ReplicaSet:
    """A bare apps/v1 ReplicaSet (its pods are the ReplicaSet's own workload)."""
    dep = deployment_from_config(r, classes)
    t = dep.spec.template
    return ReplicaSet(ObjectMeta(r.name, r.namespace, dict(t.labels)), ReplicaSetSpec(r.replicas, t.labels, t, r.min_ready_s))


def _rules(r: HPAScalingRulesConfig | None, up: bool, down_window_s: float) -> HPAScalingRules:
    """``GenerateHPAScaleUpRules`` / ``GenerateHPAScaleDownRules`` (pkg/apis/autoscaling/v2/defaults.go)."""
    if up:
        policies: tuple[HPAScalingPolicy, ...] = (HPAScalingPolicy("Percent", 100, 15), HPAScalingPolicy("Pods", 4, 15))
        window = 0
    else:
        policies, window = (HPAScalingPolicy("Percent", 100, 15),), int(down_window_s)  # maybeInitScaleDownStabilizationWindow
    if r is None:
        return HPAScalingRules(window, "Max", policies)
    if r.policies is not None:
        policies = tuple(HPAScalingPolicy(p.type, p.value, p.period_s) for p in r.policies)
    return HPAScalingRules(window if r.stabilization_window_s is None else r.stabilization_window_s, r.select_policy, policies)


def hpa_from_config(h: HorizontalPodAutoscalerConfig, down_window_s: float) -> HorizontalPodAutoscaler:
    """An HPA with the API's defaults; a nil behavior stays nil (the controller's legacy limits apply)."""
    metrics = tuple(HPAMetric(m.resource, m.average_utilization,
                              None if m.average_value is None else int(parse_quantity(m.average_value) * (1000 if m.resource == "cpu" else 1)))
                    for m in h.metrics)
    up = down = None
    if h.behavior is not None:
        up, down = _rules(h.behavior.scale_up, True, down_window_s), _rules(h.behavior.scale_down, False, down_window_s)
    return HorizontalPodAutoscaler(ObjectMeta(h.name, h.namespace), h.target_kind, h.target_name, h.min_replicas,
                                   h.max_replicas, metrics, up, down)


def endpointslice_from_config(es: EndpointSliceConfig) -> EndpointSlice:
    """A hand-written ``discovery/v1`` EndpointSlice: its endpoints are addresses, not pods."""
    eps = tuple(Endpoint("", e.node_name or "", e.ready and not e.terminating, e.ready if e.serving is None else e.serving,
                         e.terminating, a) for e in es.endpoints for a in e.addresses)
    meta = ObjectMeta(es.name, es.namespace, {"kubernetes.io/service-name": es.service})
    return EndpointSlice(meta, f"{es.namespace}/{es.service}", eps, 1 if eps else 0)


def ingressclass_from_config(c: IngressClassConfig) -> IngressClass:
    """A networking.k8s.io/v1 IngressClass."""
    meta = ObjectMeta(c.name, "", annotations={ANNOTATION_DEFAULT_CLASS: "true"} if c.is_default else {})
    return IngressClass(meta, c.controller)


def ingress_from_config(c: IngressConfig, classes: list[IngressClassConfig]) -> Ingress:
    """A networking.k8s.io/v1 Ingress, after the DefaultIngressClass admission plugin
    (plugin/pkg/admission/network/defaultingressclass): without a class or the legacy annotation it gets
    the default IngressClass, when exactly one is marked default."""
    spec = ingress_spec(c)
    defaults = [k.name for k in classes if k.is_default]
    if spec.ingress_class_name is None and ANNOTATION_INGRESS_CLASS not in c.annotations and len(defaults) == 1:
        spec = replace(spec, ingress_class_name=defaults[0])
    return Ingress(ObjectMeta(c.name, c.namespace, annotations=dict(c.annotations)), spec)
