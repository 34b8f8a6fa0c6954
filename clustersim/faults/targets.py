"""Which nodes (or pods) a fault hits: names, a node label selector, a zone, and a selection mode.

Modes, as chaos tools name them (Chaos Mesh ``mode``/``value``): ``one`` (one at random), ``all``,
``fixed`` (``value`` nodes at random), ``fixed-percent`` (``value`` % of the matching nodes, rounded
down, at least one), ``random-max-percent`` (a random count up to ``value`` %, at least one). Random
picks come from the run's seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from clustersim.actors import ActorArgs, ActorContext, node_names
from clustersim.api.objects import Pod
from clustersim.config.models import SimConfig

__all__ = ["NodeTargetArgs", "node_labels", "pick_nodes", "pick_pods"]


def node_labels(cfg: SimConfig) -> dict[str, dict[str, str]]:
    """Labels of each configured node (pool labels, zone, hostname, pool)."""
    return {n.name: {**n.labels, "kubernetes.io/hostname": n.name, "topology.kubernetes.io/zone": n.zone,
                     **({"clustersim.io/node-pool": n.pool} if n.pool else {})} for n in cfg.cluster.node_list()}


class NodeTargetArgs(ActorArgs):
    """Target selection shared by node faults."""

    nodes: tuple[str, ...] = Field((), description="Node names (then mode applies among them).")
    zone: str | None = Field(None, description="Only nodes of this zone.")
    labels: dict[str, str] = Field(default_factory=dict, description="Only nodes carrying all these labels.")
    mode: Literal["one", "all", "fixed", "fixed-percent", "random-max-percent"] | None = Field(
        None, description="How many of the matching nodes (default: all named nodes, else one).")
    value: float | None = Field(None, gt=0, description="Count (fixed) or percent (fixed-percent, random-max-percent).")

    @model_validator(mode="after")
    def _mode_value(self) -> NodeTargetArgs:
        if self.mode in ("fixed", "fixed-percent", "random-max-percent") and self.value is None:
            raise ValueError(f"value: required with mode {self.mode}")
        if self.mode in ("fixed-percent", "random-max-percent") and self.value is not None and self.value > 100:
            raise ValueError("value: a percentage is at most 100")
        return self

    def matching(self, cfg: SimConfig) -> list[str]:
        """Nodes matching names, zone and labels, in node order."""
        labels = node_labels(cfg)
        names = list(self.nodes) if self.nodes else node_names(cfg)
        return [n for n in names if (self.zone is None or labels[n]["topology.kubernetes.io/zone"] == self.zone)
                and all(labels[n].get(k) == v for k, v in self.labels.items())]

    def check_targets(self, cfg: SimConfig) -> str | None:
        """A dangling name or zone, or an empty or too small selection, as 'field: message'."""
        known = set(node_names(cfg))
        for i, n in enumerate(self.nodes):
            if n not in known:
                return f"nodes.{i}: unknown node {n!r}"
        if self.zone is not None and self.zone not in cfg.cluster.zones:
            return f"zone: unknown zone {self.zone!r} (cluster.zones: {', '.join(cfg.cluster.zones)})"
        pool = self.matching(cfg)
        if not pool:
            return "labels: no node matches the selection"
        if self.mode == "fixed" and self.value is not None and int(self.value) > len(pool):
            return f"value: {int(self.value)} nodes requested but only {len(pool)} match"
        return None


def pick_nodes(args: NodeTargetArgs, cfg: SimConfig, rng: np.random.Generator) -> list[str]:
    """The nodes hit, per the mode (seeded)."""
    pool = args.matching(cfg)
    mode = args.mode or ("all" if args.nodes else "one")
    if mode == "all":
        return pool
    if mode == "one":
        k = 1
    elif mode == "fixed":
        k = int(args.value or 1)
    elif mode == "fixed-percent":
        k = max(1, math.floor(len(pool) * (args.value or 0) / 100))
    else:
        k = int(rng.integers(1, max(1, math.floor(len(pool) * (args.value or 0) / 100)) + 1))
    k = min(k, len(pool))
    picks = rng.choice(len(pool), size=k, replace=False)
    return [pool[int(i)] for i in sorted(picks)]


def pick_pods(ctx: ActorContext, namespace: str, workload: str, count: int | None, stream: str,
              ok: Callable[[Pod], bool] = lambda _p: True) -> list[Pod]:
    """Pods of ``workload`` that are not terminating (and pass ``ok``), in key order; ``count`` of
    them drawn at random from the run's stream ``stream`` (None: all)."""
    pods = sorted((p for p in ctx.state.list("Pod")
                   if p.workload == workload and p.meta.namespace == namespace and not p.terminating and ok(p)),
                  key=lambda p: p.key)
    if count is None or not pods:
        return pods
    picks = ctx.env.rng(stream).choice(len(pods), size=min(count, len(pods)), replace=False)
    return [pods[int(i)] for i in sorted(int(i) for i in picks)]
