"""The add-ons of one run: their objects (``workloads.py``), the Services' ClusterIPs, and CoreDNS's
kubernetes plugin, wired to the store through their own Client as every component is."""

from __future__ import annotations

from collections.abc import Callable

from clustersim.addons.coredns import CoreDNS
from clustersim.addons.ingress_nginx import IngressNginx
from clustersim.addons.workloads import COREDNS, KUBE_DNS, KUBE_SYSTEM, addon_workloads, coredns_enabled, ingress_enabled, ingress_service
from clustersim.apiserver import ClusterState
from clustersim.client import Client, Gate
from clustersim.config.ingress import IngressClassConfig
from clustersim.config.models import DaemonSetConfig, DeploymentConfig, ServiceConfig, SimConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder
from clustersim.networking.ipam import ServiceAllocator

__all__ = ["Addons"]


class Addons:
    """What the add-ons add to a run, and CoreDNS's process."""

    def __init__(self, env: ClusterEnv, state: ClusterState, infra: Infrastructure, cfg: SimConfig, rec: Recorder,
                 connect: Callable[[str, str, Gate], Client] | None = None) -> None:
        """``connect(namespace, service_account, gate)`` gives an add-on its client as its ServiceAccount (as its
        pods' projected token does); without it the add-ons use an unauthenticated client (tests of the store only)."""
        self.cfg, self.work = cfg, addon_workloads(cfg)
        client = connect or (lambda _ns, _sa, gate: Client(state, gate))
        # (add-on, ServiceAccount namespace, name) of the add-ons that run: their RBAC is bootstrapped (sim.py)
        self.accounts: list[tuple[str, str, str]] = []
        net = cfg.networking
        infra.dns.domain, infra.dns.service = net.cluster_domain, f"{KUBE_SYSTEM}/{KUBE_DNS}"
        self.dns_ip = net.dns_service_ip()
        self.allocator = ServiceAllocator(net.service_cluster_ip_range, (self.dns_ip,))
        self.cluster_ips: dict[str, str] = {}
        self.coredns: CoreDNS | None = None
        if coredns_enabled(cfg):
            gate = Gate(env)
            infra.control_plane_gates.append(gate)  # its informer loses the API server with the control plane
            self.accounts.append(("coredns", KUBE_SYSTEM, COREDNS))  # kubeadm's / coredns.yaml.sed's ServiceAccount
            self.coredns = CoreDNS(client(KUBE_SYSTEM, COREDNS, gate), infra.dns, self.cluster_ips)
        self.ingress: IngressNginx | None = None
        if ingress_enabled(cfg):
            gate = Gate(env)
            infra.control_plane_gates.append(gate)
            infra.ingress.service = ingress_service(cfg)
            ns = cfg.addons.ingress_nginx.namespace
            self.accounts.append(("ingress-nginx", ns, "ingress-nginx"))  # deploy.yaml's ServiceAccount
            self.ingress = IngressNginx(env, client(ns, "ingress-nginx", gate), infra.ingress, cfg.addons.ingress_nginx, rec)

    def start(self) -> None:
        """Start CoreDNS's informer and the ingress controller's sync loop."""
        if self.coredns is not None:
            self.coredns.start()
        if self.ingress is not None:
            self.ingress.start()

    def ingress_classes(self) -> list[IngressClassConfig]:
        """Every IngressClass of the run (the add-on's first)."""
        return [*self.work.ingress_classes, *self.cfg.ingress_classes]

    def services(self) -> list[ServiceConfig]:
        """Every Service of the run (the add-ons' first)."""
        return [*self.work.services, *self.cfg.services]

    def deployments(self) -> list[DeploymentConfig]:
        """Every Deployment of the run (the add-ons' first)."""
        return [*self.work.deployments, *self.cfg.deployments]

    def daemon_sets(self) -> list[DaemonSetConfig]:
        """Every DaemonSet of the run (the add-ons' first)."""
        return [*self.work.daemon_sets, *self.cfg.daemon_sets]

    def cluster_ip(self, svc: ServiceConfig) -> str:
        """Allocate the Service's ClusterIP (kube-dns gets the DNS address; Headless and ExternalName none)."""
        key = f"{svc.namespace}/{svc.name}"
        if svc.type in ("Headless", "ExternalName"):
            return ""
        ip = self.allocator.cluster_ip(self.dns_ip if key == f"{KUBE_SYSTEM}/{KUBE_DNS}" else None)
        self.cluster_ips[key] = ip
        return ip
