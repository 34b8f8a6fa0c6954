"""kube-proxy: programs each Service's endpoints into the nodes' rules (``infra.ProxyTable``).

Upstream (``pkg/proxy``): it watches EndpointSlices and rewrites its rules in ``syncProxyRules``, run by
a ``BoundedFrequencyRunner``: at most once per ``--iptables-min-sync-period`` (1 s; a change arriving
long after the last sync runs one at once, changes in quick succession wait for the period), never two
at once, and at least every ``--iptables-sync-period`` (30 s). A change is in place when the sync that
picked it up ends, so the network programming latency is the wait for the runner plus the sync's
duration, and a sync's duration depends on the rules it writes (``config/timing.py``
KubeProxyTimingConfig, fitted to rows K1-K4):

- iptables: a full sync restores every Service's and endpoint's rules; with MinimizeIPTablesRestore
  (GA in v1.28) the other syncs restore only the ``KUBE-SERVICES`` chain and the changed Services'
  chains, and a full one runs only every ``FullSyncPeriod`` (1 h; v1.26 did one every sync period),
  so big clusters see a long full sync in their tail latency (K1);
- nftables and ipvs write only what changed (nftables transactions, ipvs real servers), so their syncs
  stay about flat with the number of Services (K4).

Routing uses ready endpoints, or, when none is ready, serving terminating ones
(ProxyTerminatingEndpoints). A Service's EndpointSlices are merged (several when written by hand for a
Service without selector). A node cut off from the API server keeps its old rules
(``Host.proxy_cut_since``); a powered-off node routes nothing. One instance stands for the kube-proxy
of every node: they see the same watch events at the same times, so their rules differ only when a
node is cut off. Each change's latency, from the EndpointSlice write until its rules are in place, is
kept for the run summary. Simplified: first-packet (datapath) latency is not modelled; the per-node
CPU cost of syncs is not either.
"""

from __future__ import annotations

import math

from clustersim.api.objects import EndpointSlice, ObjectMeta
from clustersim.apiserver import DELETED, ClusterState
from clustersim.config.models import KubeProxyConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder

__all__ = ["KubeProxy"]


class KubeProxy:
    """Writes EndpointSlice changes into the shared rule table through a bounded-frequency sync runner."""

    def __init__(self, env: ClusterEnv, state: ClusterState, infra: Infrastructure, cfg: KubeProxyConfig, rec: Recorder) -> None:
        self.env, self.state, self.infra, self.cfg, self.rec = env, state, infra, cfg, rec
        self.endpoints: dict[str, int] = {}  # service -> endpoints in the rules
        self.total_endpoints = 0
        self.pending: dict[str, EndpointSlice | None] = {}  # service -> its newest slice (None: deleted)
        self.changed_at: list[float] = []  # write times of the changes the next sync picks up
        self.last_start = -math.inf
        self.busy_until = -math.inf
        self.last_full = -math.inf
        self.timer_at = math.inf
        self.latencies: list[float] = []  # network programming latency of every change, s
        self.syncs = 0
        self.slices: dict[str, dict[str, EndpointSlice]] = {}  # Service -> its slices by key

    def start(self) -> None:
        """Watch EndpointSlices; the periodic full resync (iptables)."""
        self.state.watch("EndpointSlice", self._on_slice)
        if self.cfg.mode == "iptables":
            self.env.process(self._resync_loop())

    def _resync_loop(self):  # type: ignore[no-untyped-def]
        """``syncPeriod``: a sync at least this often (a full one in iptables mode)."""
        period = self.cfg.sync_period_s
        while True:
            yield self.env.timeout(period)
            if self.env.now - self.last_start >= period - 1e-9 and self.timer_at == math.inf:
                self._arm(self.env.now)

    def _merged(self, etype: str, eps: EndpointSlice) -> EndpointSlice | None:
        """The Service's endpoints over all its slices (EndpointSliceCache merges them: a Service without
        selector may have several written by hand); None once it has none."""
        slices = self.slices.setdefault(eps.service, {})
        if etype == DELETED:
            slices.pop(eps.key, None)
        else:
            slices[eps.key] = eps
        if len(slices) <= 1:
            return next(iter(slices.values()), None)
        ns, _, name = eps.service.partition("/")
        merged = tuple(e for key in sorted(slices) for e in slices[key].endpoints)
        return EndpointSlice(ObjectMeta(name, ns), eps.service, merged, len(slices))

    def _on_slice(self, etype: str, eps: EndpointSlice) -> None:
        self.pending[eps.service] = self._merged(etype, eps)
        self.changed_at.append(self.env.now - self.state.watch_latency_s)
        self._arm(self.env.now)

    def _arm(self, now: float) -> None:
        """Run the next sync as soon as the runner allows: after the min-sync period and the running sync."""
        at = max(now, self.last_start + self.cfg.min_sync_period_s, self.busy_until)
        if at < self.timer_at:
            self.timer_at = at
            self.env.timeout(at - now).callbacks.append(lambda _e, t=at: self._sync(t))  # type: ignore[misc]

    def _sync(self, tick: float) -> None:
        """``syncProxyRules``: every pending change takes effect when this sync ends."""
        if tick != self.timer_at:
            return
        self.timer_at = math.inf
        now = self.env.now
        changed = self.pending
        self.pending = {}
        for svc, eps in changed.items():
            n = len(eps.endpoints) if eps is not None else 0
            self.total_endpoints += n - self.endpoints.get(svc, 0)
            if eps is None:
                self.endpoints.pop(svc, None)
            else:
                self.endpoints[svc] = n
        full = self.cfg.mode == "iptables" and (not self.cfg.minimize_iptables_restore or now - self.last_full >= self.cfg.full_sync_period_s)
        done = now + self.duration_s(full, changed)
        table = self.infra.proxy
        for svc, eps in changed.items():
            table.program(svc, done, () if eps is None else eps.endpoints)
        self.latencies.extend(done - t for t in self.changed_at)
        self.changed_at = []
        self.last_start, self.busy_until, self.syncs = now, done, self.syncs + 1
        if full:
            self.last_full = now
        if changed:
            self.env.timeout(done - now).callbacks.append(lambda _e: self._record(changed))
        if self.pending:  # arrived while this ran (cannot happen in one step, kept for safety)
            self._arm(now)

    def duration_s(self, full: bool, changed: dict[str, EndpointSlice | None]) -> float:
        """How long a sync takes, from the rules it writes (mode, Services, endpoints, what changed)."""
        t = self.cfg.timing
        services = len(self.endpoints)
        changed_rules = sum(t.rules_per_service + t.rules_per_endpoint * self.endpoints.get(svc, 0) for svc in changed)
        if self.cfg.mode == "iptables":
            if full:
                rules = t.rules_per_service * services + t.rules_per_endpoint * self.total_endpoints
            else:
                rules = t.services_chain_rules_per_service * services + changed_rules
            return t.base_s + rules / t.iptables_rules_per_s
        d = t.base_s + changed_rules / t.incremental_rules_per_s
        if self.cfg.mode == "ipvs":
            d += t.ipvs_scan_per_service_s * services
        return d

    def _record(self, changed: dict[str, EndpointSlice | None]) -> None:
        """The programmed ready endpoints of the Services a sync changed, when it ends."""
        now = self.env.now
        for svc, eps in changed.items():
            if eps is None:
                continue
            rules = self.infra.proxy.view(svc, now)
            self.rec.level("proxy_ready_endpoints", sum(1 for e in rules if e.ready), eps.meta.namespace, eps.meta.name)
