"""Checks of the ``cloud:`` section against the rest of the config, before anything runs."""

from __future__ import annotations

from clustersim.cloud.instance_types import catalogue
from clustersim.config.cloud import parse_nodes_flag
from clustersim.config.errors import ConfigError
from clustersim.config.models import SimConfig

__all__ = ["check_cloud"]


def check_cloud(cfg: SimConfig, source: str) -> None:
    """ConfigError for the first pool, zone, instance type or node group reference that does not resolve."""
    cc = cfg.cloud
    if cc is None:
        return
    types = catalogue(cc)
    zones = set(cfg.cluster.zones)
    plain = {n.name for n in cfg.cluster.node_list()}
    for i, p in enumerate(cc.node_pools):
        if p.instance_type not in types:
            raise ConfigError(source, f"cloud.node_pools.{i}.instance_type",
                              f"unknown instance type {p.instance_type!r} for {cc.provider} (known: {', '.join(sorted(types))})")
        for z in p.zones:
            if z not in zones:
                raise ConfigError(source, f"cloud.node_pools.{i}.zones", f"unknown zone {z!r} (cluster.zones: {', '.join(cfg.cluster.zones)})")
        clash = sorted(n for n in plain if n.startswith(f"{p.name}-") and n[len(p.name) + 1:].isdigit())
        if clash:
            raise ConfigError(source, f"cloud.node_pools.{i}.name", f"its node names <name>-<i> collide with cluster node {clash[0]!r}")
    if cc.autoscaler is not None:
        pools = {p.name for p in cc.node_pools}
        for j, spec in enumerate(cc.autoscaler.nodes):
            _, _, name = parse_nodes_flag(spec)
            if name not in pools:
                raise ConfigError(source, f"cloud.autoscaler.nodes.{j}", f"--nodes names node group {name!r}, which is not a cloud pool "
                                                                           f"(pools: {', '.join(sorted(pools)) or 'none'})")
