"""Workload generator registry; generators share the ActorContext shape (env, state, infra, rec, cfg)."""

from __future__ import annotations

from typing import Any

from clustersim.util.registry import Registry

__all__ = ["WORKLOADS"]

WORKLOADS: Registry[Any] = Registry("workload")
