"""The size of a run (nodes, pods, simulated time) and the limits beyond which it cannot finish.

``clustersim validate`` prints the size so a user sees what they asked for; ``check_size`` refuses a
config over the limits of ``config/bounds.py``, naming the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.config.bounds import MAX_EVENTS_PER_RUN, MAX_NODES, MAX_PODS
from clustersim.config.errors import ConfigError
from clustersim.config.models import SimConfig

__all__ = ["RunSize", "check_events", "check_size", "run_size"]


@dataclass(frozen=True, slots=True)
class RunSize:
    """What one run simulates: nodes, pods its workloads want at the start, simulated seconds."""

    nodes: int
    pods: int
    duration_s: float

    def describe(self) -> str:
        """``12 nodes, 24 pods, 900 s simulated``."""
        return f"{self.nodes:,} nodes, {self.pods:,} pods, {_duration(self.duration_s)} simulated"


def _duration(s: float) -> str:
    if s < 3600:
        return f"{s:g} s"
    if s < 86_400:
        return f"{s:g} s ({s / 3600:.3g} h)"
    return f"{s:g} s ({s / 86_400:.3g} d)"


def run_size(cfg: SimConfig) -> RunSize:
    """Nodes and the pods the config's workloads want at t=0 (DaemonSets on every node; Jobs at their parallelism)."""
    nodes = sum(p.count for p in cfg.cluster.node_pools) + len(cfg.cluster.nodes)
    if cfg.cloud is not None:
        nodes += sum(p.start_size for p in cfg.cloud.node_pools)
    pods = sum(d.replicas for d in (*cfg.deployments, *cfg.stateful_sets, *cfg.replica_sets))
    pods += len(cfg.pods) + nodes * len(cfg.daemon_sets)
    pods += sum(j.parallelism if j.completions is None else min(j.parallelism, j.completions) for j in cfg.jobs)
    return RunSize(nodes, pods, cfg.duration_s)


def check_size(cfg: SimConfig, source: str) -> RunSize:
    """The run's size; ConfigError when it has more nodes or pods than the simulator takes."""
    size = run_size(cfg)
    if size.nodes > MAX_NODES:
        raise ConfigError(source, "cluster", f"{size.nodes:,} nodes, more than the limit of {MAX_NODES:,} (10x the 5,000 Kubernetes supports)")
    if cfg.cloud is not None:
        most = size.nodes + sum(p.max_size - p.start_size for p in cfg.cloud.node_pools)
        if most > MAX_NODES:
            raise ConfigError(source, "cloud.node_pools", f"up to {most:,} nodes with every pool at max_size, more than the limit of {MAX_NODES:,}")
    if size.pods > MAX_PODS:
        raise ConfigError(source, "deployments", f"{size.pods:,} pods at the start, more than the limit of {MAX_PODS:,} "
                                                 "(10x the 150,000 Kubernetes supports)")
    return size


def check_events(count: float, field: str, what: str, limit: int = MAX_EVENTS_PER_RUN) -> str | None:
    """'field: ...' when a workload or fault would make more than ``limit`` ``what`` in one run."""
    if count > limit:
        return f"{field}: about {count:,.0f} {what} in this run, more than the limit of {limit:,}"
    return None
