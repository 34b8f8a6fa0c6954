"""The add-ons' objects as config entries: CoreDNS's Deployment and the kube-dns Service, the
NodeLocal DNSCache DaemonSet. They are created at t = 0 like the user's workloads, scheduled, run,
killed and recovered like them. Objects a manifest already defines (``coredns.yaml.sed`` creates
``kube-system/coredns`` and ``kube-system/kube-dns``) are adopted instead of duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clustersim.config.ingress import IngressClassConfig
from clustersim.config.models import (
    BehaviorConfig,
    ContainerConfig,
    DaemonSetConfig,
    DeploymentConfig,
    LabelSelectorConfig,
    NodeSelectorRequirementConfig,
    PodAffinityConfig,
    ProbeConfig,
    ServiceConfig,
    SimConfig,
    TolerationConfig,
    WeightedPodAffinityTermConfig,
)

__all__ = ["COREDNS", "KUBE_DNS", "NODE_LOCAL_DNS", "AddonWorkloads", "addon_workloads", "coredns_enabled", "ingress_enabled",
           "ingress_service", "node_local_enabled"]

KUBE_SYSTEM = "kube-system"
COREDNS, KUBE_DNS, NODE_LOCAL_DNS = "coredns", "kube-dns", "node-local-dns"
IMAGE_SIZES_MIB = {"coredns": 16.0, "k8s-dns-node-cache": 40.0, "ingress-nginx": 110.0}  # compressed sizes of the upstream images, about
INGRESS_LABELS = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx",
                  "app.kubernetes.io/component": "controller"}  # deploy.yaml's selector


@dataclass
class AddonWorkloads:
    """What the add-ons add to a run."""

    deployments: list[DeploymentConfig] = field(default_factory=list)
    daemon_sets: list[DaemonSetConfig] = field(default_factory=list)
    services: list[ServiceConfig] = field(default_factory=list)
    ingress_classes: list[IngressClassConfig] = field(default_factory=list)
    image_sizes_mib: dict[str, float] = field(default_factory=dict)


def _resolves_names(cfg: SimConfig) -> bool:
    """Does any client in the run look a name up?"""
    for svc in cfg.services:
        if svc.type == "ExternalName":
            return True
        t = svc.traffic
        if t is not None and t.source == "in-cluster" and t.resolve == "dns":
            return True
    return any(getattr(e, "traffic", None) is not None for e in getattr(cfg, "external_services", ()))


def coredns_enabled(cfg: SimConfig) -> bool:
    """CoreDNS runs: always, never, or (auto) when names are resolved or a manifest deploys it. A run that
    starts from a snapshot gets CoreDNS only if the snapshot has it (else its clients connect by ClusterIP)."""
    mode = cfg.addons.coredns.enabled
    if mode != "auto":
        return bool(mode)
    adopted = any(d.namespace == KUBE_SYSTEM and d.name == COREDNS for d in cfg.deployments)
    if getattr(cfg, "snapshot", None) is not None:
        return adopted
    return adopted or _resolves_names(cfg)


def node_local_enabled(cfg: SimConfig) -> bool:
    """NodeLocal DNSCache runs (only together with CoreDNS)."""
    return cfg.addons.node_local_dns.enabled and coredns_enabled(cfg)


def _coredns(cfg: SimConfig) -> DeploymentConfig:
    c = cfg.addons.coredns
    spread = WeightedPodAffinityTermConfig(
        weight=100, topology_key="kubernetes.io/hostname",
        label_selector=LabelSelectorConfig(match_expressions=(NodeSelectorRequirementConfig(key="k8s-app", operator="In", values=("kube-dns",)),)))
    container = ContainerConfig(
        name="coredns", image=c.image, requests={"cpu": c.cpu, "memory": c.memory},
        readiness_probe=ProbeConfig(), liveness_probe=ProbeConfig(initial_delay_s=60, timeout_s=5, failure_threshold=5),
        behavior=BehaviorConfig(ready_after_s=c.ready_after_s, shutdown_s=c.lameduck_s))
    return DeploymentConfig(name=COREDNS, namespace=KUBE_SYSTEM, replicas=c.replicas, labels={"k8s-app": "kube-dns"},
                            max_unavailable=1, priority_class_name="system-cluster-critical",
                            tolerations=(TolerationConfig(key="CriticalAddonsOnly", operator="Exists"),),
                            node_selector={"kubernetes.io/os": "linux", **c.node_selector}, pod_anti_affinity=PodAffinityConfig(preferred=(spread,)),
                            containers=(container,))


def _node_local(cfg: SimConfig) -> DaemonSetConfig:
    n = cfg.addons.node_local_dns
    container = ContainerConfig(name="node-cache", image=n.image, requests={"cpu": n.cpu, "memory": n.memory},
                                liveness_probe=ProbeConfig(initial_delay_s=60, timeout_s=5), behavior=BehaviorConfig(ready_after_s=1.0))
    tolerate = (TolerationConfig(key="CriticalAddonsOnly", operator="Exists"), TolerationConfig(operator="Exists", effect="NoExecute"),
                TolerationConfig(operator="Exists", effect="NoSchedule"))
    return DaemonSetConfig(name=NODE_LOCAL_DNS, namespace=KUBE_SYSTEM, labels={"k8s-app": NODE_LOCAL_DNS},
                           priority_class_name="system-node-critical", tolerations=tolerate, max_unavailable="10%",
                           containers=(container,))


def ingress_enabled(cfg: SimConfig) -> bool:
    """The ingress controller runs: always, never, or (auto) when there are Ingresses or ingress clients, or a manifest deploys it."""
    c = cfg.addons.ingress_nginx
    if c.enabled != "auto":
        return bool(c.enabled)
    adopted = any(d.namespace == c.namespace and d.name == c.name for d in cfg.deployments)
    return adopted or bool(cfg.ingresses) or bool(cfg.ingress_traffic)


def ingress_service(cfg: SimConfig) -> str:
    """The key of the controller's LoadBalancer Service."""
    c = cfg.addons.ingress_nginx
    return f"{c.namespace}/{c.name}"


def _ingress_controller(cfg: SimConfig) -> DeploymentConfig:
    c = cfg.addons.ingress_nginx
    probe = ProbeConfig(initial_delay_s=10, period_s=10, failure_threshold=3)  # /healthz on 10254 (deploy.yaml)
    container = ContainerConfig(name="controller", image=c.image, requests={"cpu": c.cpu, "memory": c.memory},
                                readiness_probe=probe, liveness_probe=ProbeConfig(initial_delay_s=10, period_s=10, failure_threshold=5),
                                behavior=BehaviorConfig(ready_after_s=1.0, shutdown_s=5.0))
    return DeploymentConfig(name=c.name, namespace=c.namespace, replicas=c.replicas, labels=dict(INGRESS_LABELS),
                            node_selector={"kubernetes.io/os": "linux"}, termination_grace_period_s=300, containers=(container,))


def _ingress_objects(cfg: SimConfig, out: AddonWorkloads) -> None:
    c = cfg.addons.ingress_nginx
    if not any(d.namespace == c.namespace and d.name == c.name for d in cfg.deployments):
        out.deployments.append(_ingress_controller(cfg))
        out.image_sizes_mib[c.image] = IMAGE_SIZES_MIB["ingress-nginx"]
    if not any(s.namespace == c.namespace and s.name == c.name for s in cfg.services):
        out.services.append(ServiceConfig(name=c.name, namespace=c.namespace, type="LoadBalancer", selector=dict(INGRESS_LABELS),
                                          external_traffic_policy=c.external_traffic_policy))
    if not any(k.name == c.class_name for k in cfg.ingress_classes):
        out.ingress_classes.append(IngressClassConfig(name=c.class_name, controller=c.controller, is_default=c.default_class))


def addon_workloads(cfg: SimConfig) -> AddonWorkloads:
    """The add-on objects this run creates (none that the config already has)."""
    out = AddonWorkloads()
    if ingress_enabled(cfg):
        _ingress_objects(cfg, out)
    if not coredns_enabled(cfg):
        return out
    have_deps = {(d.namespace, d.name) for d in cfg.deployments}
    have_svcs = {(s.namespace, s.name) for s in cfg.services}
    if (KUBE_SYSTEM, COREDNS) not in have_deps:
        out.deployments.append(_coredns(cfg))
        out.image_sizes_mib[cfg.addons.coredns.image] = IMAGE_SIZES_MIB["coredns"]
    if (KUBE_SYSTEM, KUBE_DNS) not in have_svcs:
        out.services.append(ServiceConfig(name=KUBE_DNS, namespace=KUBE_SYSTEM, selector={"k8s-app": "kube-dns"}))
    if node_local_enabled(cfg) and not any(d.namespace == KUBE_SYSTEM and d.name == NODE_LOCAL_DNS for d in cfg.daemon_sets):
        out.daemon_sets.append(_node_local(cfg))
        out.image_sizes_mib[cfg.addons.node_local_dns.image] = IMAGE_SIZES_MIB["k8s-dns-node-cache"]
    return out
