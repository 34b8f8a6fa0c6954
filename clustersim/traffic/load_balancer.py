"""A cloud load balancer in front of a LoadBalancer Service's node ports.

It health-checks every node each ``lb_health_check_interval_s``: with ``externalTrafficPolicy:
Cluster`` the check is kube-proxy's healthz (the node is up and reachable from outside); with
``Local``, the Service's healthCheckNodePort, which passes only while the node has a ready local
endpoint in its rules. A node leaves the rotation after ``lb_unhealthy_threshold`` failed checks and
returns after ``lb_healthy_threshold`` passed ones (the cloud's settings; simulator parameters).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from clustersim.config.models import ServiceConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Host, Infrastructure

__all__ = ["LoadBalancer"]


class LoadBalancer:
    """Health state of every node as the load balancer sees it."""

    def __init__(self, env: ClusterEnv, infra: Infrastructure, svc: ServiceConfig) -> None:
        self.env, self.infra, self.svc = env, infra, svc
        self.key = f"{svc.namespace}/{svc.name}"
        self.healthy = {h: svc.external_traffic_policy == "Cluster" for h in infra.hosts}
        self.streak = dict.fromkeys(infra.hosts, 0)  # consecutive results contrary to the current state

    def start(self) -> None:
        """Begin health checking."""
        self.env.process(self.checks())

    def backends(self) -> list[tuple[str, Host]]:
        """The hosts this load balancer sends to: every node, or those a cloud LB was given (none while it is provisioned)."""
        chosen = None if self.infra.lb_backends is None else self.infra.lb_backends.get(self.key, set())
        return [(n, h) for n, h in self.infra.hosts.items() if chosen is None or n in chosen]

    def check(self, host: Host) -> bool:
        """One health check of ``host``."""
        if not host.powered or host.cut_from_clients:
            return False
        if self.svc.external_traffic_policy == "Local":
            view = self.infra.proxy_view(host, self.key, self.env.now)
            return any(e.ready and e.node == host.name for e in view)
        return True

    def checks(self) -> Generator[Any, Any, None]:
        """Check every node each interval and move it in or out of rotation."""
        while True:
            for name, host in self.backends():
                ok = self.check(host)
                if name not in self.healthy:  # a node that joined later starts as a fresh target
                    self.healthy[name], self.streak[name] = self.svc.external_traffic_policy == "Cluster", 0
                if ok == self.healthy[name]:
                    self.streak[name] = 0
                    continue
                self.streak[name] += 1
                need = self.svc.lb_healthy_threshold if ok else self.svc.lb_unhealthy_threshold
                if self.streak[name] >= need:
                    self.healthy[name], self.streak[name] = ok, 0
            yield self.env.timeout(self.svc.lb_health_check_interval_s)

    def in_rotation(self) -> list[Host]:
        """Nodes the load balancer currently sends traffic to."""
        return [h for n, h in self.backends() if self.healthy.get(n)]
