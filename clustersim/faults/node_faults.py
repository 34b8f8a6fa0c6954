"""Node faults, named as chaos tools name them: NodeCrash, NodeReboot, KubeletStop, NetworkPartition,
ZoneOutage, and NodeFailures (stochastic, from time-to-failure and time-to-repair distributions).

Each acts on the physical layer (``infra.Host``) and lets Kubernetes react:
- NodeCrash / NodeReboot: power off (containers die, the Lease stops); power on after ``duration_s``
  (NodeReboot: after ``down_s``, default 60 s), when the kubelet relists and restarts its pods.
- KubeletStop: the kubelet process stops; containers keep running and keep answering requests while
  the node goes NotReady and its pods are evicted, so replacements run beside them (duplicates) until
  the kubelet returns and kills the pods it finds deleted.
- NetworkPartition: the node is cut off from the control plane (and, optionally, from clients and from
  other nodes); pods keep running and serve whoever can reach them.
- ZoneOutage: every node of a zone, as a crash or a partition.
Timing: ``at_s``, optional ``duration_s`` (recovery), ``every_s`` with ``repeat`` for recurring faults.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clustersim.actors import ActorContext, check_at
from clustersim.config.bounds import MAX_NODE_FAULTS
from clustersim.config.models import SimConfig
from clustersim.config.size import check_events
from clustersim.faults.base import FAULTS
from clustersim.faults.injections import Injections
from clustersim.faults.targets import NodeTargetArgs, pick_nodes
from clustersim.faults.timing import Distribution
from clustersim.infra import Host

__all__ = ["NODE_FAULTS", "KubeletStop", "NetworkPartition", "NodeFailures", "NodeReboot", "ZoneOutage", "apply_action"]

Action = Literal["crash", "reboot", "kubelet-stop", "partition", "partition-all"]
NODE_FAULTS = {"NodeCrash", "NodeReboot", "KubeletStop", "NetworkPartition", "ZoneOutage", "NodeFailures", "TraceNodeFailures",
               "RuntimeOutage"}


def apply_action(host: Host, action: str, on: bool, clients: bool = False, nodes: bool = False) -> bool:
    """Start (``on``) or end the action on a host; False when it does not apply (already in that state)."""
    if action in ("crash", "reboot"):
        if on == (not host.powered):
            return False
        host.power_off() if on else host.power_on()
    elif action in ("runtime-down", "pleg-stall"):
        return host.set_runtime(action.removeprefix("runtime-") if on else "ok")
    elif action == "kubelet-stop":
        if on == (not host.kubelet_running):
            return False
        host.stop_kubelet() if on else host.start_kubelet()
    else:
        if on and host.cut_from_control_plane:
            return False
        if on:
            full = action == "partition-all"
            host.partition(control_plane=True, clients=clients or full, nodes=nodes or full)
        else:
            host.heal()
    return True


class NodeFaultArgs(NodeTargetArgs, Injections):
    """Targets and timing of a node fault."""

    def check(self, cfg: SimConfig) -> str | None:
        """Targets exist, the first injection is inside the run, and the node failures are countable."""
        targets = len(self.matching(cfg)) if self.mode in (None, "all") else 1
        return (self.check_targets(cfg) or self.check_times(cfg)
                or check_events(self.injection_count(cfg.duration_s) * targets, "every_s", "node failures", MAX_NODE_FAULTS))


class NodeFault:
    """Base: at each injection time, pick targets, apply the action, schedule the recovery."""

    Args = NodeFaultArgs
    NAME = ""
    ACTION = "crash"

    def __init__(self, index: int, args: NodeFaultArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx
        self.rng = ctx.env.rng(f"fault/{index}/{self.NAME}")

    def action(self) -> str:
        """What happens to a target."""
        return self.ACTION

    def recovery_s(self) -> float | None:
        """How long a target stays failed."""
        return self.args.duration_s

    def start(self) -> None:
        """Schedule every injection."""
        env = self.ctx.env
        for t in self.args.injection_times(self.ctx.cfg.duration_s):
            env.timeout(t).callbacks.append(lambda _e: self.inject())

    def inject(self) -> None:
        """Hit the targets now."""
        for name in pick_nodes(self.args, self.ctx.cfg, self.rng, self.ctx.state):
            self.hit(name, self.recovery_s())

    def hit(self, name: str, recover_after: float | None) -> None:
        """Apply the action to one node and schedule its end."""
        ctx = self.ctx
        host = ctx.infra.hosts[name]
        action = self.action()
        if not apply_action(host, action, True, getattr(self.args, "from_clients", False), getattr(self.args, "from_nodes", False)):
            return
        row = {"fault": self.NAME, "index": self.index, "target": name, "t_inject": ctx.env.now, "t_recover": None}
        ctx.rec.faults.append(row)
        ctx.rec.event("Node", "", name, "FaultInjected", f"{self.NAME}: {action}", name, "Warning")
        if recover_after is not None:
            def recover(_e: object) -> None:
                if apply_action(host, action, False):
                    row["t_recover"] = ctx.env.now
                    ctx.rec.event("Node", "", name, "FaultRecovered", f"{self.NAME}: {action} ended", name)
            ctx.env.timeout(recover_after).callbacks.append(recover)


@FAULTS.register("NodeReboot")
class NodeReboot(NodeFault):
    """Power-cycle: off, and on again after ``down_s``."""

    class Args(NodeFaultArgs):
        """NodeReboot: how long the node is down."""

        down_s: float = Field(60.0, gt=0, description="Time from power-off to power-on.")

    NAME = "NodeReboot"
    ACTION = "reboot"

    def recovery_s(self) -> float | None:
        """Always back after ``down_s``."""
        return self.args.down_s  # type: ignore[attr-defined, no-any-return]


@FAULTS.register("KubeletStop")
class KubeletStop(NodeFault):
    """The kubelet stops; its containers keep running."""

    NAME = "KubeletStop"
    ACTION = "kubelet-stop"


class PartitionArgs(NodeFaultArgs):
    """NetworkPartition: what else the node is cut from."""

    from_clients: bool = Field(False, description="Also cut off from clients (outside and other nodes' clients).")
    from_nodes: bool = Field(False, description="Also cut off from other nodes (their clients and kube-proxies).")


@FAULTS.register("NetworkPartition")
class NetworkPartition(NodeFault):
    """Nodes cut off from the control plane (and optionally from clients and each other)."""

    Args = PartitionArgs  # type: ignore[assignment]
    NAME = "NetworkPartition"
    ACTION = "partition"


class ZoneOutageArgs(NodeFaultArgs):
    """ZoneOutage: a zone and what happens to it."""

    zone: str | None = Field(description="The zone that fails.")
    kind: Literal["crash", "partition", "partition-all"] = Field("crash", description="Power loss, or a network partition.")

    @model_validator(mode="after")
    def _zone(self) -> ZoneOutageArgs:
        if self.zone is None:
            raise ValueError("zone: required")
        return self

    def check(self, cfg: SimConfig) -> str | None:
        """As any node fault; on a managed cluster a zone with no node yet is fine when a cloud pool can put VMs there."""
        problem = super().check(cfg)
        if problem is not None and problem.startswith("labels:") and cfg.cloud is not None and self.zone in cfg.cluster.zones \
                and any(not p.zones or self.zone in p.zones for p in cfg.cloud.node_pools):
            return self.check_times(cfg)
        return problem


@FAULTS.register("ZoneOutage")
class ZoneOutage(NodeFault):
    """Every node of a zone at once."""

    Args = ZoneOutageArgs  # type: ignore[assignment]
    NAME = "ZoneOutage"

    def action(self) -> str:
        """Crash or partition."""
        return self.args.kind  # type: ignore[attr-defined, no-any-return]

    def inject(self) -> None:
        """All nodes of the zone, the cloud VMs running there now included; while it lasts, the zone's new
        VMs never come up (the cloud reads ``infra.zones_down``)."""
        zone = self.args.zone
        assert zone is not None
        names = self.args.matching(self.ctx.cfg)
        known = set(names)
        names += [n for n, h in self.ctx.infra.hosts.items() if h.zone == zone and n not in known and not h.retired]
        infra = self.ctx.infra
        infra.zones_down.add(zone)
        for name in names:
            self.hit(name, self.recovery_s())
        recovery = self.recovery_s()
        if recovery is not None:
            self.ctx.env.timeout(recovery).callbacks.append(lambda _e: infra.zones_down.discard(zone))


class NodeFailuresArgs(NodeTargetArgs):
    """NodeFailures: independent failure/repair cycles per node (or per group of nodes)."""

    time_to_failure: Distribution = Field(description="Up time before each failure (e.g. exponential with mean = MTBF).")
    time_to_repair: Distribution = Field(description="Down time of each failure (e.g. exponential with mean = MTTR).")
    action: Action = Field("crash", description="What a failure is.")
    group_by: str | None = Field(None, description="Node label whose value groups nodes that fail together (e.g. a rack or zone label).")
    start_s: float = Field(0.0, ge=0, description="Failures start after this time.")

    def check(self, cfg: SimConfig) -> str | None:
        """Targets exist, and the failures expected in the run are countable."""
        cycle = self.time_to_failure.expected() + self.time_to_repair.expected()
        n = len(self.matching(cfg)) * max(cfg.duration_s - self.start_s, 0.0) / cycle
        return self.check_targets(cfg) or check_at(cfg, self.start_s) or check_events(n, "time_to_failure", "node failures", MAX_NODE_FAULTS)


@FAULTS.register("NodeFailures")
class NodeFailures(NodeFault):
    """Stochastic failures: every target alternates up ~ time_to_failure and down ~ time_to_repair."""

    Args = NodeFailuresArgs  # type: ignore[assignment]
    NAME = "NodeFailures"

    def action(self) -> str:
        """The configured action."""
        return self.args.action  # type: ignore[attr-defined, no-any-return]

    def start(self) -> None:
        """One renewal process per node (or per group), each with its own random stream."""
        a: NodeFailuresArgs = self.args  # type: ignore[assignment]
        nodes = a.matching(self.ctx.cfg) if a.mode is None else pick_nodes(a, self.ctx.cfg, self.rng)
        groups: dict[str, list[str]] = {}
        if a.group_by:
            from clustersim.faults.targets import node_labels

            labels = node_labels(self.ctx.cfg)
            for n in nodes:
                groups.setdefault(labels[n].get(a.group_by, n), []).append(n)
        else:
            groups = {n: [n] for n in nodes}
        for key, members in sorted(groups.items()):
            rng = self.ctx.env.rng(f"fault/{self.index}/NodeFailures/{key}")
            self.ctx.env.process(self._cycle(members, rng))

    def _cycle(self, members: list[str], rng: object):  # type: ignore[no-untyped-def]
        a: NodeFailuresArgs = self.args  # type: ignore[assignment]
        env = self.ctx.env
        yield env.timeout(a.start_s + a.time_to_failure.draw(rng))  # type: ignore[arg-type]
        while True:
            down = a.time_to_repair.draw(rng)  # type: ignore[arg-type]
            for n in members:
                self.hit(n, down)
            yield env.timeout(down + a.time_to_failure.draw(rng))  # type: ignore[arg-type]
