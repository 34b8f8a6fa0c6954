"""Fault injector contract and registry.

A fault is a class registered in ``FAULTS`` with a pydantic ``Args`` model (validated when the
config is loaded) and a ``start()`` that schedules its actions. Faults act on the physical layer
(``infra``), never on Kubernetes components, and record what they did in ``rec.faults``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from clustersim.actors import check_at, check_deployment, node_names, node_zones
from clustersim.util.registry import Registry

__all__ = ["FAULTS", "FaultInjector", "check_at", "check_deployment", "node_names", "node_zones"]

FAULTS: Registry[Any] = Registry("fault")


@runtime_checkable
class FaultInjector(Protocol):
    """A fault: built from (index, args, context), then started once."""

    def start(self) -> None:
        """Schedule the fault's actions."""
        ...
