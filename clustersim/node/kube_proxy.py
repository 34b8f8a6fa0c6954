"""kube-proxy: programs each Service's endpoints into the nodes' rules (``infra.ProxyTable``).

Upstream (pkg/proxy, iptables/nftables mode): it watches EndpointSlices and rewrites the rules at most
once per ``--iptables-min-sync-period`` (1 s by default; BoundedFrequencyRunner): a change arriving
long after the last sync is applied at once, changes in quick succession wait for the period. Routing
uses ready endpoints, or, when none is ready, serving terminating ones (ProxyTerminatingEndpoints).
A node cut off from the API server keeps its old rules (``Host.proxy_cut_since``); a powered-off
node routes nothing. One instance stands for the kube-proxy of every node: they see the same watch
events at the same times, so their rules differ only when a node is cut off.
"""

from __future__ import annotations

from clustersim.api.objects import EndpointSlice
from clustersim.apiserver import DELETED, ClusterState
from clustersim.config.models import KubeProxyConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder

__all__ = ["KubeProxy"]


class KubeProxy:
    """Writes EndpointSlice changes into the shared rule table, rate-limited like the sync runner."""

    def __init__(self, env: ClusterEnv, state: ClusterState, infra: Infrastructure, cfg: KubeProxyConfig, rec: Recorder) -> None:
        self.env, self.state, self.infra, self.cfg, self.rec = env, state, infra, cfg, rec

    def start(self) -> None:
        """Watch EndpointSlices."""
        self.state.watch("EndpointSlice", self._on_slice)

    def _on_slice(self, etype: str, eps: EndpointSlice) -> None:
        table = self.infra.proxy
        now, last = self.env.now, table.last_programmed(eps.service)
        at = last if last > now else max(now, last + self.cfg.min_sync_period_s)  # a pending sync takes the newest state
        table.program(eps.service, at, () if etype == DELETED else eps.endpoints)
        if at > last:  # record the programmed ready endpoints when the sync happens
            ns, name = eps.meta.namespace, eps.meta.name

            def record(_e: object) -> None:
                rules = table.view(eps.service, self.env.now)
                self.rec.level("proxy_ready_endpoints", sum(1 for e in rules if e.ready), ns, name)

            self.env.timeout(at - now).callbacks.append(record)
