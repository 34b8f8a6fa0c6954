"""Fault injector contract and registry.

A fault is a class registered in ``FAULTS`` with a pydantic ``Args`` model (validated when the
config is loaded) and a ``start()`` that schedules its actions. Faults act on the physical layer
(``infra``), never on Kubernetes components, and record what they did in ``rec.faults``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from clustersim.config.models import SimConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder
from clustersim.registry import Registry
from clustersim.state import ClusterState

__all__ = ["FAULTS", "FaultArgs", "FaultContext", "FaultInjector", "node_names"]

FAULTS: Registry[Any] = Registry("fault")


class FaultArgs(BaseModel):
    """Base of fault args: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class FaultContext:
    """What a fault may touch."""

    env: ClusterEnv
    state: ClusterState
    infra: Infrastructure
    rec: Recorder
    cfg: SimConfig


@runtime_checkable
class FaultInjector(Protocol):
    """A fault: built from (index, args, context), then started once."""

    def start(self) -> None:
        """Schedule the fault's actions."""
        ...


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
