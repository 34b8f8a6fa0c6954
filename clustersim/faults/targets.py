"""Which nodes (or pods) a fault hits: names, a node label selector, a zone, and a selection mode.

Modes, as chaos tools name them (Chaos Mesh ``mode``/``value``): ``one`` (one at random), ``all``,
``fixed`` (``value`` nodes at random), ``fixed-percent`` (``value`` % of the matching nodes, rounded
down, at least one), ``random-max-percent`` (a random count up to ``value`` %, at least one). Random
picks come from the run's seed.
"""

from __future__ import annotations

import math
from typing import Any, Literal, TypeVar

import numpy as np
from pydantic import Field, model_validator

from clustersim.actors import ActorArgs
from clustersim.apiserver import ClusterState
from clustersim.config.models import ClusterConfig, SimConfig
from clustersim.faults.pod_targets import PodTargetArgs, check_mode_value, select_pods

__all__ = ["NodeTargetArgs", "node_labels", "pick_from", "pick_nodes"]

T = TypeVar("T")


# per cluster config object: id -> (the config, node name -> labels); the config is held, so its id stays its own
_LABELS: dict[tuple[int, int], tuple[ClusterConfig, Any, dict[str, dict[str, str]]]] = {}
_LABELS_KEPT = 8


def node_labels(cfg: SimConfig) -> dict[str, dict[str, str]]:
    """Labels of each configured node (pool labels, zone, hostname, pool), cloud pools' VMs at t=0 included.

    Built once per cluster config: every fault's targeting reads it (read it, never modify it).
    """
    from clustersim.config.cloud import cloud_node_labels

    cluster, cloud = cfg.cluster, cfg.cloud
    hit = _LABELS.get((id(cluster), id(cloud)))
    if hit is None or hit[0] is not cluster or hit[1] is not cloud:
        if len(_LABELS) >= _LABELS_KEPT:
            del _LABELS[next(iter(_LABELS))]
        labels = {n.name: {**n.labels, "kubernetes.io/hostname": n.name, "topology.kubernetes.io/zone": n.zone,
                           **({"clustersim.io/node-pool": n.pool} if n.pool else {})} for n in cluster.node_list()}
        labels.update(cloud_node_labels(cfg))  # cloud pools' VMs at t=0
        hit = _LABELS[(id(cluster), id(cloud))] = (cluster, cloud, labels)
    return hit[2]


class NodeTargetArgs(ActorArgs):
    """Target selection shared by node faults."""

    nodes: tuple[str, ...] = Field((), description="Node names (then mode applies among them).")
    zone: str | None = Field(None, description="Only nodes of this zone.")
    labels: dict[str, str] = Field(default_factory=dict, description="Only nodes carrying all these labels.")
    mode: Literal["one", "all", "fixed", "fixed-percent", "random-max-percent"] | None = Field(
        None, description="How many of the matching nodes (default: all named nodes, else one).")
    value: float | None = Field(None, gt=0, le=1_000_000, description="Count (fixed) or percent (fixed-percent, random-max-percent).")
    on_nodes_of: PodTargetArgs | None = Field(None, description="Only nodes running pods this selector matches at injection time.")

    @model_validator(mode="after")
    def _mode_value(self) -> NodeTargetArgs:
        check_mode_value(self.mode, self.value)
        return self

    def matching(self, cfg: SimConfig) -> list[str]:
        """Nodes matching names, zone and labels, in node order."""
        labels = node_labels(cfg)
        names = list(self.nodes) if self.nodes else list(labels)
        if self.zone is None and not self.labels:
            return names
        return [n for n in names if (self.zone is None or labels[n]["topology.kubernetes.io/zone"] == self.zone)
                and all(labels[n].get(k) == v for k, v in self.labels.items())]

    def check_targets(self, cfg: SimConfig) -> str | None:
        """A dangling name or zone, or an empty or too small selection, as 'field: message'."""
        known = node_labels(cfg)
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


def pick_nodes(args: NodeTargetArgs, cfg: SimConfig, rng: np.random.Generator, state: ClusterState | None = None) -> list[str]:
    """The nodes hit, per the mode (seeded); ``on_nodes_of`` is read from ``state`` now."""
    pool = args.matching(cfg)
    if args.on_nodes_of is not None and state is not None:
        hosting = {p.node_name for p in select_pods(args.on_nodes_of, state) if p.node_name}
        pool = [n for n in pool if n in hosting]
        if not pool:
            return []
    return pick_from(pool, args.mode or ("all" if args.nodes else "one"), args.value, rng)


def pick_from(pool: list[T], mode: str, value: float | None, rng: np.random.Generator) -> list[T]:
    """``mode``/``value`` (Chaos Mesh) among ``pool``, drawn from ``rng``, in pool order."""
    if mode == "all" or not pool:
        return pool
    if mode == "one":
        k = 1
    elif mode == "fixed":
        k = int(value or 1)
    elif mode == "fixed-percent":
        k = max(1, math.floor(len(pool) * (value or 0) / 100))
    else:
        k = int(rng.integers(1, max(1, math.floor(len(pool) * (value or 0) / 100)) + 1))
    k = min(k, len(pool))
    picks = rng.choice(len(pool), size=k, replace=False)
    return [pool[int(i)] for i in sorted(picks)]
