"""Resolve every name in a config against the registries, before anything runs.

Unknown controllers, plugins, faults or workloads, bad plugin or fault args, and references to
nodes, zones or Deployments that do not exist become a ConfigError naming the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

import clustersim.controllers  # noqa: F401  (registers controllers)
import clustersim.faults  # noqa: F401
import clustersim.scheduler.plugins  # noqa: F401
import clustersim.workload  # noqa: F401
from clustersim.config.load import ConfigError
from clustersim.config.models import SimConfig
from clustersim.controllers.base import CONTROLLERS
from clustersim.faults.base import FAULTS
from clustersim.registry import Registry
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, FilterPlugin, ScorePlugin
from clustersim.scheduler.scheduler import build_plugin
from clustersim.workload.base import WORKLOADS

__all__ = ["check_references", "parse_args"]


def parse_args(registry: Registry[Any], name: str, args: dict[str, Any], cfg: SimConfig, source: str, field: str) -> Any:
    """Look ``name`` up and validate its ``args`` (and their references); ConfigError on failure."""
    try:
        cls = registry.get(name)
    except KeyError as e:
        raise ConfigError(source, f"{field}.name", str(e.args[0])) from None
    try:
        parsed = cls.Args.model_validate(args)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
        if not loc and ": " in msg:
            loc, msg = msg.split(": ", 1)
        raise ConfigError(source, f"{field}.args.{loc}" if loc else f"{field}.args", msg) from None
    problem = parsed.check(cfg)
    if problem:
        where, msg = problem.split(": ", 1)
        raise ConfigError(source, f"{field}.args.{where}", msg)
    return parsed


def check_references(cfg: SimConfig, source: str) -> None:
    """Raise ConfigError for the first unresolvable name or reference."""
    for i, name in enumerate(cfg.controller_manager.controllers):
        if name not in CONTROLLERS:
            raise ConfigError(source, f"controller_manager.controllers.{i}", f"unknown controller {name!r} (known: {', '.join(CONTROLLERS)})")
    for i, name in enumerate(cfg.scheduler.filters):
        if name not in SCHEDULER_PLUGINS:
            raise ConfigError(source, f"scheduler.filters.{i}", f"unknown plugin {name!r} (known: {', '.join(SCHEDULER_PLUGINS)})")
        if not isinstance(build_plugin(name), FilterPlugin):
            raise ConfigError(source, f"scheduler.filters.{i}", f"{name} is not a filter plugin")
    for i, p in enumerate(cfg.scheduler.scores):
        if p.name not in SCHEDULER_PLUGINS:
            raise ConfigError(source, f"scheduler.scores.{i}.name", f"unknown plugin {p.name!r} (known: {', '.join(SCHEDULER_PLUGINS)})")
        try:
            plugin = build_plugin(p.name, p.args)
        except (ValueError, TypeError, KeyError) as e:
            msg = str(e)
            where, _, rest = msg.partition(": ")
            field = f"scheduler.scores.{i}.args" + (f".{where}" if rest and " " not in where else "")
            raise ConfigError(source, field, rest if rest and " " not in where else msg) from None
        if not isinstance(plugin, ScorePlugin):
            raise ConfigError(source, f"scheduler.scores.{i}.name", f"{p.name} is not a score plugin")
    for i, f in enumerate(cfg.faults):
        parse_args(FAULTS, f.name, f.args, cfg, source, f"faults.{i}")
    for i, w in enumerate(cfg.workloads):
        parse_args(WORKLOADS, w.name, w.args, cfg, source, f"workloads.{i}")
    zones = set(cfg.cluster.zones)
    for i, d in enumerate(cfg.deployments):
        for key, value in d.node_selector.items():
            if key == "topology.kubernetes.io/zone" and value not in zones:
                raise ConfigError(source, f"deployments.{i}.node_selector.{key}", f"unknown zone {value!r}")
