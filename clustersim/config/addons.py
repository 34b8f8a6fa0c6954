"""Cluster add-ons the simulator deploys as ordinary workloads: CoreDNS, NodeLocal DNSCache, ingress-nginx."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clustersim.config.base import NonNeg, Pos, Quantity, Strict
from clustersim.config.bounds import PerSecond

__all__ = ["AddonsConfig", "CoreDNSConfig", "IngressNginxConfig", "NodeLocalDNSConfig"]


class CoreDNSConfig(Strict):
    """CoreDNS, the cluster DNS: a Deployment ``kube-system/coredns`` behind the ClusterIP Service
    ``kube-system/kube-dns``, as kubeadm installs it (cmd/kubeadm/app/phases/addons/dns/manifests.go)."""

    enabled: Literal["auto"] | bool = Field("auto", description="auto: deployed whenever a client in the run resolves names (in-cluster clients, ExternalName Services, external services); a run from a snapshot only if the snapshot has it; true: always; false: never (in-cluster clients then use ClusterIPs).")
    replicas: int = Field(2, ge=0, le=1000, description="kubeadm's CoreDNS replicas.")
    cpu: Quantity = Field("100m", description="CPU request (kubeadm manifest).")
    memory: Quantity = Field("70Mi", description="Memory request (kubeadm manifest; the limit of 170Mi is not modelled).")
    image: str = Field("registry.k8s.io/coredns/coredns:v1.11.3", description="Image (its pull is modelled like any image).")
    ready_after_s: NonNeg = Field(1.0, description="Start to ready: the ready plugin passes once the kubernetes plugin has synced (simulator parameter).")
    lameduck_s: NonNeg = Field(5.0, description="health { lameduck 5s }: a stopping pod keeps answering this long.")
    record_ttl_s: Pos = Field(30.0, description="TTL of cluster records: `ttl 30` in kubeadm's Corefile (the kubernetes plugin's own default is 5 s).")
    cache_ttl_s: Pos = Field(30.0, description="`cache 30`: the longest a forwarded (non-cluster) answer is cached (plugin/cache maximum TTL; kubeadm disables the cache for the cluster domain, answered from the informer).")
    cache_min_ttl_s: NonNeg = Field(5.0, description="The cache plugin's minimum TTL (MinimalDefaultTTL, 5 s).")
    node_selector: dict[str, str] = Field(default_factory=dict, description="Extra nodeSelector of the CoreDNS pods (kubernetes.io/os: linux always).")
    max_qps_per_pod: PerSecond | None = Field(None, description="Queries per second one pod answers; above it queries are dropped and clients time out (None: no limit; simulator parameter).")


class NodeLocalDNSConfig(Strict):
    """NodeLocal DNSCache: a DaemonSet ``kube-system/node-local-dns`` caching on every node
    (cluster/addons/dns/nodelocaldns/nodelocaldns.yaml); pods' resolv.conf points at it."""

    enabled: bool = Field(False, description="Deploy it; then each pod's lookups go to its node's cache, which forwards misses to kube-dns over TCP.")
    local_ip: str = Field("169.254.20.10", description="The link-local address it listens on (kubelet --cluster-dns).")
    cpu: Quantity = Field("25m", description="CPU request (nodelocaldns.yaml).")
    memory: Quantity = Field("5Mi", description="Memory request (nodelocaldns.yaml).")
    image: str = Field("registry.k8s.io/dns/k8s-dns-node-cache:1.23.1", description="Image.")
    success_ttl_s: Pos = Field(30.0, description="cache { success 9984 30 }: longest a positive answer is kept.")
    denial_ttl_s: Pos = Field(5.0, description="cache { denial 9984 5 }: longest a negative answer is kept.")


class IngressNginxConfig(Strict):
    """The ingress-nginx controller as its cloud deploy.yaml installs it (kubernetes/ingress-nginx
    deploy/static/provider/cloud): a Deployment behind a LoadBalancer Service with
    externalTrafficPolicy Local, and the IngressClass ``nginx``. Objects a manifest defines are adopted."""

    enabled: Literal["auto"] | bool = Field("auto", description="auto: deployed when the config has Ingresses or ingress clients; true: always; false: never.")
    namespace: str = Field("ingress-nginx", description="Namespace of its Deployment and Service.")
    name: str = Field("ingress-nginx-controller", description="Name of its Deployment and LoadBalancer Service.")
    replicas: int = Field(1, ge=0, le=1000, description="Controller pods (deploy.yaml leaves replicas unset: 1).")
    class_name: str = Field("nginx", description="--ingress-class: the IngressClass (and kubernetes.io/ingress.class annotation) it serves.")
    controller: str = Field("k8s.io/ingress-nginx", description="--controller-class: spec.controller of the IngressClasses it serves.")
    default_class: bool = Field(True, description="The IngressClass the add-on creates is the default one (Ingresses without a class get it at admission); deploy.yaml's is not.")
    watch_ingress_without_class: bool = Field(False, description="--watch-ingress-without-class.")
    sync_rate_limit: PerSecond = Field(0.3, description="--sync-rate-limit: syncs per second at most (one per 3.3 s).")
    reload_s: NonNeg = Field(1.0, description="Time from a reload to the new configuration serving (simulator parameter).")
    initial_sync_s: NonNeg = Field(1.0, description="The first sync waits this long before the endpoints go in (syncIngress: 'Initial sync, sleeping for 1 second').")
    backends_sync_s: Pos = Field(1.0, description="BACKENDS_SYNC_INTERVAL (balancer.lua): the Lua workers read new endpoints this often.")
    cpu: Quantity = Field("100m", description="CPU request (deploy.yaml).")
    memory: Quantity = Field("90Mi", description="Memory request (deploy.yaml).")
    image: str = Field("registry.k8s.io/ingress-nginx/controller:v1.15.1", description="Image.")
    external_traffic_policy: Literal["Cluster", "Local"] = Field("Local", description="Of its LoadBalancer Service (deploy.yaml: Local).")


class AddonsConfig(Strict):
    """Add-ons deployed in kube-system."""

    coredns: CoreDNSConfig = Field(CoreDNSConfig(), description="CoreDNS (the cluster DNS).")
    node_local_dns: NodeLocalDNSConfig = Field(NodeLocalDNSConfig(), description="NodeLocal DNSCache.")
    ingress_nginx: IngressNginxConfig = Field(IngressNginxConfig(), description="The ingress-nginx controller.")
