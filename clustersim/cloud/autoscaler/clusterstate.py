"""What the autoscaler knows about each node group between loops: cluster-autoscaler ``clusterstate/``
(readiness, upcoming and unregistered nodes, scale-up requests and their timeouts) and
``utils/backoff`` (exponential node group backoff).

Per group: registered Nodes are Ready, NotStarted (registered less than --max-node-startup-time ago and
never Ready, or still carrying the cloud-provider uninitialized taint) or Unready; VMs without a Node are
unregistered (long unregistered after --max-node-provision-time). Upcoming nodes are the target size
minus the Ready, Unready and long-unregistered ones. A scale-up request expects its nodes by
now + max-node-provision-time; when it expires with nodes still upcoming the group backs off (5 min,
doubling up to 30 min, reset after 3 h without failure) and a ScaleUpTimedOut event is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clustersim.api.objects import ConditionStatus, Node
from clustersim.cloud.pools import uninitialized
from clustersim.cloud.provider import NodeGroup
from clustersim.config.cloud import AutoscalerConfig

__all__ = ["Backoff", "ClusterStateRegistry", "Readiness", "ScaleUpRequest"]


@dataclass(slots=True)
class _BackoffInfo:
    duration: float
    until: float
    last_failed: float


class Backoff:
    """``exponentialBackoff`` keyed by node group id."""

    def __init__(self, initial_s: float, max_s: float, reset_s: float) -> None:
        self.initial_s, self.max_s, self.reset_s = initial_s, max_s, reset_s
        self.info: dict[str, _BackoffInfo] = {}

    def backoff(self, group: str, now: float) -> float:
        """Back the group off after a failure; returns when it may scale up again."""
        duration = self.initial_s
        info = self.info.get(group)
        if info is not None:
            duration = info.duration
            if info.last_failed + self.reset_s > now:
                if info.until < now:  # concurrent failures do not compound the duration
                    duration = min(2 * duration, self.max_s)
            else:
                duration = self.initial_s
        self.info[group] = _BackoffInfo(duration, now + duration, now)
        return now + duration

    def backed_off(self, group: str, now: float) -> bool:
        """``IsBackedOff``."""
        info = self.info.get(group)
        return info is not None and info.until > now


@dataclass(slots=True)
class ScaleUpRequest:
    """A scale-up in flight."""

    group: str
    time: float
    expected_add_time: float
    increase: int


@dataclass(slots=True)
class Readiness:
    """Nodes of a group by state."""

    ready: list[str] = field(default_factory=list)
    unready: list[str] = field(default_factory=list)
    not_started: list[str] = field(default_factory=list)
    unregistered: list[str] = field(default_factory=list)
    long_unregistered: list[str] = field(default_factory=list)


class ClusterStateRegistry:
    """Readiness, upcoming nodes, scale-up requests and backoff of the managed node groups."""

    def __init__(self, cfg: AutoscalerConfig, provision_time: dict[str, float]) -> None:
        self.cfg = cfg
        self.provision_time = provision_time  # per group, --max-node-provision-time or the pool's override
        self.backoff = Backoff(cfg.initial_node_group_backoff_s, cfg.max_node_group_backoff_s, cfg.node_group_backoff_reset_s)
        self.requests: dict[str, ScaleUpRequest] = {}
        self.readiness: dict[str, Readiness] = {}
        self.targets: dict[str, int] = {}
        self.unregistered_since: dict[str, float] = {}  # VM name -> first seen without a Node
        self.total = Readiness()
        self._key: object = None  # (cloud generation, Node version, groups) of the last count
        self._valid_until = float("-inf")  # the last count holds until a node's startup or provision time runs out

    def _node_state(self, node: Node, now: float) -> str:
        if node.ready is ConditionStatus.TRUE and not uninitialized(node):
            return "ready"
        if not node.ever_ready or uninitialized(node):
            if node.meta.creation_s + self.cfg.max_node_startup_time_s > now:
                return "not_started"
        return "unready"

    def update(self, groups: list[NodeGroup], nodes: dict[str, Node], now: float, key: object = None) -> None:
        """UpdateNodes: recount every group from its VMs and the registered Nodes.

        ``key`` (the cloud's generation and the Node informer's version) names what the count depends on
        besides the time: with the same key, before any node's startup or provision time runs out, the
        count would come out the same, and the last one is kept."""
        if key is not None and key == self._key and now < self._valid_until:
            return
        self._key = key
        valid = float("inf")
        self.readiness, self.total = {}, Readiness()
        seen: set[str] = set()
        for g in groups:
            gid = g.id()
            r = Readiness()
            self.targets[gid] = g.target_size()
            for inst in g.nodes():
                if inst.state == "deleting":
                    continue
                node = nodes.get(inst.node_name)
                seen.add(inst.node_name)
                if node is None:
                    since = self.unregistered_since.setdefault(inst.node_name, now)
                    deadline = since + self.provision_time.get(gid, self.cfg.max_node_provision_time_s)
                    long = deadline < now
                    if not long:
                        valid = min(valid, deadline)
                    (r.long_unregistered if long else r.unregistered).append(inst.node_name)
                    continue
                self.unregistered_since.pop(inst.node_name, None)
                state = self._node_state(node, now)
                if state == "not_started":
                    valid = min(valid, node.meta.creation_s + self.cfg.max_node_startup_time_s)
                getattr(r, state).append(inst.node_name)
            self.readiness[gid] = r
            for part in ("ready", "unready", "not_started"):
                getattr(self.total, part).extend(getattr(r, part))
        for name in list(self.unregistered_since):
            if name not in seen:
                del self.unregistered_since[name]
        self._valid_until = valid

    def upcoming(self, gid: str) -> int:
        """Nodes asked for and not there yet (GetUpcomingNodes)."""
        r = self.readiness.get(gid)
        if r is None:
            return 0
        return max(0, self.targets.get(gid, 0) - (len(r.ready) + len(r.unready) + len(r.long_unregistered)))

    def cluster_healthy(self, nodes: int) -> bool:
        """IsClusterHealthy: not too many Unready nodes (more than the ok count and the percentage)."""
        unready = len(self.total.unready)
        return not (unready > self.cfg.ok_total_unready_count and unready > self.cfg.max_total_unready_percentage / 100 * max(nodes, 1))

    def group_healthy(self, gid: str) -> bool:
        """IsNodeGroupHealthy, with the cluster's thresholds applied to the group."""
        r = self.readiness.get(gid, Readiness())
        unready = len(r.unready)
        total = len(r.ready) + len(r.unready) + len(r.not_started)
        return not (unready > self.cfg.ok_total_unready_count and unready > self.cfg.max_total_unready_percentage / 100 * total)

    def safe_to_scale_up(self, gid: str, now: float) -> str | None:
        """Why the group cannot scale up now (None: it can)."""
        if self.backoff.backed_off(gid, now):
            return "in backoff after failed scale-up"
        if not self.group_healthy(gid):
            return "not ready for scale-up"
        return None

    def register_scale_up(self, gid: str, increase: int, now: float) -> None:
        """RegisterScaleUp: the nodes are expected by now + max-node-provision-time."""
        wait = self.provision_time.get(gid, self.cfg.max_node_provision_time_s)
        req = self.requests.get(gid)
        if req is None:
            self.requests[gid] = ScaleUpRequest(gid, now, now + wait, increase)
        else:
            req.increase += increase
            req.expected_add_time = now + wait

    def expire_requests(self, now: float) -> list[ScaleUpRequest]:
        """updateScaleRequests: finished requests go; timed-out ones back their group off (returned)."""
        timed_out = []
        for gid, req in list(self.requests.items()):
            if self.upcoming(gid) == 0:
                del self.requests[gid]
            elif req.expected_add_time < now:
                self.backoff.backoff(gid, now)
                timed_out.append(req)
                del self.requests[gid]
        return timed_out

    def register_failed_scale_up(self, gid: str, now: float) -> None:
        """A cloud error on IncreaseSize backs the group off at once."""
        self.requests.pop(gid, None)
        self.backoff.backoff(gid, now)
