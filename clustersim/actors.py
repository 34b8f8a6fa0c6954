"""What acts on a run from outside the control plane (faults and workloads): their shared context,
their args base, and reference checks on the config."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from clustersim.config.models import SimConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder
from clustersim.state import ClusterState

__all__ = ["ActorArgs", "ActorContext", "check_at", "check_deployment", "node_names", "node_zones"]


class ActorArgs(BaseModel):
    """Base of fault and workload args: unknown keys are errors; ``check`` resolves references."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def check(self, cfg: SimConfig) -> str | None:
        """A dangling reference as 'field: message', or None."""
        return None


@dataclass(frozen=True, slots=True)
class ActorContext:
    """What a fault may touch."""

    env: ClusterEnv
    state: ClusterState
    infra: Infrastructure
    rec: Recorder
    cfg: SimConfig


def check_at(cfg: SimConfig, at_s: float) -> str | None:
    """'at_s: ...' when the time is not inside the run."""
    if at_s >= cfg.duration_s:
        return f"at_s: {at_s} is not before the end of the run ({cfg.duration_s})"
    return None


def check_deployment(cfg: SimConfig, namespace: str, name: str) -> str | None:
    """'deployment: ...' when no configured Deployment has this name."""
    if not any(d.name == name and d.namespace == namespace for d in cfg.deployments):
        return f"deployment: unknown Deployment {namespace}/{name}"
    return None


def node_names(cfg: SimConfig) -> list[str]:
    """Names of the nodes the config creates, as the builder names them."""
    return [f"{pool.name}-{i}" for pool in cfg.cluster.node_pools for i in range(pool.count)]


def node_zones(cfg: SimConfig) -> dict[str, str]:
    """Zone of each configured node (round-robin over the pool's zones)."""
    out = {}
    for pool in cfg.cluster.node_pools:
        zones = pool.zones or cfg.cluster.zones
        for i in range(pool.count):
            out[f"{pool.name}-{i}"] = zones[i % len(zones)]
    return out
