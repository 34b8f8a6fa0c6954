"""Cloud faults, named as chaos tools name them (docs/faults.md maps Chaos Mesh AWSChaos/GCPChaos/AzureChaos
and Litmus ec2-terminate, ec2-stop, ec2-restart, gcp-vm-instance-stop onto them):

- ``InstanceTermination``: the VM is deleted (ec2-terminate, GCP node-stop with deletion, Azure vm-delete);
- ``InstanceStop``: the VM is stopped, and started again after ``duration_s`` (ec2-stop, gcp-vm-instance-stop,
  Azure vm-stop);
- ``InstanceRestart``: a reboot or reset; the host is down ``down_s`` and the VM stays running (ec2-restart,
  GCP node-reset, Azure vm-restart);
- ``SpotInterruption``: the provider's notice (aws 120 s, gcp 30 s, azure 30 s), then the VM is reclaimed; with
  ``cloud.termination_handler.enabled`` the node is cordoned and drained on the notice.

Targets are VMs that exist at injection time: by node name, instance or provider ID, pool, zone, labels or
capacity type, then ``mode``/``value`` as the node faults (Chaos Mesh modes). Timing as every fault:
``at_s``, ``every_s``/``repeat`` or ``times_s``. Each hit is a row of the faults frame (target: the node).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clustersim.actors import ActorContext
from clustersim.cloud.instances import Instance, InstanceState
from clustersim.cloud.simulated import SimulatedCloud
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.injections import Injections
from clustersim.faults.pod_targets import check_mode_value
from clustersim.faults.targets import node_labels, pick_from

__all__ = ["CLOUD_FAULTS", "InstanceFault", "InstanceRestart", "InstanceStop", "InstanceTermination", "SpotInterruption"]

CLOUD_FAULTS = ("InstanceTermination", "InstanceStop", "InstanceRestart", "SpotInterruption")
Mode = Literal["one", "all", "fixed", "fixed-percent", "random-max-percent"]


class InstanceTargetArgs(Injections):
    """Which VMs a cloud fault hits."""

    nodes: tuple[str, ...] = Field((), description="Node names (of VMs the config starts with).")
    instances: tuple[str, ...] = Field((), description="Instance IDs or spec.providerIDs (AWSChaos ec2Instance, GCPChaos instance).")
    pool: str | None = Field(None, description="Only VMs of this node pool.")
    zone: str | None = Field(None, description="Only VMs in this zone.")
    labels: dict[str, str] = Field(default_factory=dict, description="Only VMs whose Node carries all these labels.")
    capacity_type: Literal["on-demand", "spot"] | None = Field(None, description="Only on-demand or only spot VMs.")
    mode: Mode | None = Field(None, description="How many of the matching VMs (default: all named ones, else one).")
    value: float | None = Field(None, gt=0, le=1_000_000, description="Count (fixed) or percent (fixed-percent, random-max-percent).")

    @model_validator(mode="after")
    def _mode_value(self) -> InstanceTargetArgs:
        check_mode_value(self.mode, self.value)
        return self

    def check(self, cfg: SimConfig) -> str | None:
        """The cloud exists and the names, pool and zone resolve."""
        if cfg.cloud is None:
            return "pool: cloud faults need a cloud: section (a managed cluster)"
        pools = {p.name for p in cfg.cloud.node_pools}
        if self.pool is not None and self.pool not in pools:
            return f"pool: unknown node pool {self.pool!r} (cloud.node_pools: {', '.join(sorted(pools)) or 'none'})"
        if self.zone is not None and self.zone not in cfg.cluster.zones:
            return f"zone: unknown zone {self.zone!r} (cluster.zones: {', '.join(cfg.cluster.zones)})"
        known = set(node_labels(cfg))
        for i, n in enumerate(self.nodes):
            if n not in known:
                return f"nodes.{i}: unknown node {n!r}"
        if self.capacity_type == "spot" and not any(p.capacity_type == "spot" for p in cfg.cloud.node_pools):
            return "capacity_type: no cloud pool has spot VMs"
        return self.check_times(cfg)

    def matches(self, inst: Instance, node_labels_now: dict[str, str] | None) -> bool:
        """``inst`` passes every given filter."""
        if self.nodes and inst.name not in self.nodes:
            return False
        if self.instances and inst.id not in self.instances and inst.provider_id not in self.instances:
            return False
        if self.pool is not None and inst.pool != self.pool:
            return False
        if self.zone is not None and inst.zone != self.zone:
            return False
        if self.capacity_type is not None and inst.capacity_type != self.capacity_type:
            return False
        labels = node_labels_now or {}
        return all(labels.get(k) == v for k, v in self.labels.items())


class InstanceFault:
    """Base: at each injection, pick VMs in one of ``STATES`` and act on each."""

    Args = InstanceTargetArgs
    NAME = ""
    STATES: tuple[InstanceState, ...] = (InstanceState.RUNNING,)

    def __init__(self, index: int, args: InstanceTargetArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx
        self.rng = ctx.env.rng(f"fault/{index}/{self.NAME}")

    @property
    def cloud(self) -> SimulatedCloud:
        """The run's cloud."""
        assert self.ctx.cloud is not None, "cloud faults need a cloud: section"
        return self.ctx.cloud  # type: ignore[no-any-return]

    def start(self) -> None:
        """Schedule every injection."""
        for t in self.args.injection_times(self.ctx.cfg.duration_s):
            self.ctx.env.timeout(t).callbacks.append(lambda _e: self.inject())

    def targets(self) -> list[Instance]:
        """Matching VMs now, in launch order, then the mode's seeded pick."""
        pool = []
        for inst in sorted(self.cloud.by_node.values(), key=lambda i: (i.launched_s, i.id)):
            if inst.state not in self.STATES:
                continue
            node = self.ctx.state.get("Node", inst.name)
            if self.args.matches(inst, node.meta.labels if node is not None else None):
                pool.append(inst)
        mode = self.args.mode or ("all" if self.args.nodes or self.args.instances else "one")
        return pick_from(pool, mode, self.args.value, self.rng)

    def inject(self) -> None:
        """Hit the targets now."""
        for inst in self.targets():
            row = {"fault": self.NAME, "index": self.index, "target": inst.name, "t_inject": self.ctx.env.now, "t_recover": None}
            if self.hit(inst, row):
                self.ctx.rec.faults.append(row)
                self.ctx.rec.event("Node", "", inst.name, "FaultInjected", f"{self.NAME}: {inst.id}", inst.name, "Warning")

    def hit(self, inst: Instance, row: dict[str, object]) -> bool:
        """Act on one VM; False when it does not apply."""
        raise NotImplementedError


@FAULTS.register("InstanceTermination")
class InstanceTermination(InstanceFault):
    """The VM is deleted (it does not come back; its node group may replace it)."""

    NAME = "InstanceTermination"
    STATES = (InstanceState.PENDING, InstanceState.RUNNING, InstanceState.STOPPING, InstanceState.STOPPED)

    def hit(self, inst: Instance, row: dict[str, object]) -> bool:
        """Terminate it."""
        self.cloud.terminate(inst, self.NAME)
        return True


@FAULTS.register("InstanceStop")
class InstanceStop(InstanceFault):
    """The VM is stopped; started again after ``duration_s`` (None: stays stopped)."""

    NAME = "InstanceStop"

    def hit(self, inst: Instance, row: dict[str, object]) -> bool:
        """Stop it, and schedule the start."""
        if not self.cloud.stop(inst):
            return False
        if self.args.duration_s is not None:
            def restart(_e: object) -> None:
                if self.cloud.start(inst):
                    row["t_recover"] = self.ctx.env.now
            self.ctx.env.timeout(self.args.duration_s).callbacks.append(restart)
        return True


class RestartArgs(InstanceTargetArgs):
    """InstanceRestart: how long the machine is down."""

    down_s: float = Field(60.0, gt=0, description="Reboot until the host is up again (the VM stays running in the cloud API).")


@FAULTS.register("InstanceRestart")
class InstanceRestart(InstanceFault):
    """A reboot (ec2-restart) or reset (GCP node-reset)."""

    Args = RestartArgs
    NAME = "InstanceRestart"

    def hit(self, inst: Instance, row: dict[str, object]) -> bool:
        """Power-cycle its host."""
        down = self.args.down_s  # type: ignore[attr-defined]
        if not self.cloud.reboot(inst, down):
            return False
        row["t_recover"] = self.ctx.env.now + down
        return True


class SpotArgs(InstanceTargetArgs):
    """SpotInterruption: spot VMs only; the provider's notice unless given."""

    capacity_type: Literal["on-demand", "spot"] | None = Field("spot", description="Spot VMs (the default and the only sensible choice).")
    notice_s: float | None = Field(None, ge=0, description="Notice before reclaim (default: cloud.spot_interruption_notice_s, per provider).")

    def check(self, cfg: SimConfig) -> str | None:
        """Spot pools exist."""
        if cfg.cloud is not None and not any(p.capacity_type == "spot" for p in cfg.cloud.node_pools):
            return "capacity_type: no cloud pool has spot VMs"
        return super().check(cfg)


@FAULTS.register("SpotInterruption")
class SpotInterruption(InstanceFault):
    """The cloud reclaims spot VMs after a notice."""

    Args = SpotArgs
    NAME = "SpotInterruption"

    def hit(self, inst: Instance, row: dict[str, object]) -> bool:
        """Give the notice (the termination follows)."""
        return self.cloud.interrupt(inst, self.args.notice_s)  # type: ignore[attr-defined]

