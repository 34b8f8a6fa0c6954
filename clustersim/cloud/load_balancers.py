"""Cloud load balancers (an NLB, a GCP forwarding rule, an Azure LB) for ``type: LoadBalancer`` Services.

EnsureLoadBalancer creates one: it answers ``load_balancer.provision_s`` later, sending to the hosts it
was given. UpdateLoadBalancerHosts changes the backends ``update_hosts_s`` later. The data plane reads
the backends from ``infra.lb_backends`` (the traffic model's load balancer health-checks only those).
"""

from __future__ import annotations

from clustersim.config.cloud import CloudLoadBalancerConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure

__all__ = ["CloudLoadBalancers"]


class CloudLoadBalancers:
    """The cloud's load balancers, by Service key."""

    def __init__(self, env: ClusterEnv, infra: Infrastructure, cfg: CloudLoadBalancerConfig) -> None:
        self.env, self.infra, self.cfg = env, infra, cfg
        self.ready_at: dict[str, float] = {}
        self._version: dict[str, int] = {}
        if infra.lb_backends is None:
            infra.lb_backends = {}

    @property
    def _backends(self) -> dict[str, set[str]]:
        assert self.infra.lb_backends is not None
        return self.infra.lb_backends

    def exists(self, key: str) -> bool:
        """GetLoadBalancer: the LB exists (possibly still provisioning)."""
        return key in self.ready_at

    def ensure(self, key: str, hosts: list[str]) -> float:
        """EnsureLoadBalancer: create it if needed; returns when it answers."""
        if key not in self.ready_at:
            self.ready_at[key] = self.env.now + self.cfg.provision_s
            self._backends[key] = set()
            self._apply(key, hosts, self.cfg.provision_s)
        return self.ready_at[key]

    def update_hosts(self, key: str, hosts: list[str]) -> None:
        """UpdateLoadBalancer with a new node set."""
        if key in self.ready_at:
            self._apply(key, hosts, max(self.cfg.update_hosts_s, self.ready_at[key] - self.env.now))

    def delete(self, key: str) -> None:
        """EnsureLoadBalancerDeleted."""
        self.ready_at.pop(key, None)
        self._version[key] = self._version.get(key, 0) + 1
        self._backends.pop(key, None)

    def _apply(self, key: str, hosts: list[str], after_s: float) -> None:
        version = self._version[key] = self._version.get(key, 0) + 1
        new = set(hosts)

        def done(_e: object) -> None:
            if self._version.get(key) == version and key in self.ready_at:
                self._backends[key] = new
        self.env.timeout(after_s).callbacks.append(done)
