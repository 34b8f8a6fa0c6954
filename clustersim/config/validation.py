"""Resolve every name in a config against the registries, before anything runs.

Unknown controllers, plugins, faults or workloads, bad plugin or fault args, and references to
nodes, zones or Deployments that do not exist become a ConfigError naming the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

import clustersim.cloud.faults  # noqa: F401  (registers the cloud faults)
import clustersim.controllers  # noqa: F401  (registers controllers)
import clustersim.faults  # noqa: F401
import clustersim.scheduler.plugins  # noqa: F401
import clustersim.workload  # noqa: F401
from clustersim.cloud.validation import check_cloud
from clustersim.config.errors import ConfigError, describe_validation_error
from clustersim.config.models import SimConfig
from clustersim.controllers.base import CONTROLLERS
from clustersim.faults.base import FAULTS
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, FilterPlugin, ScorePlugin
from clustersim.scheduler.profile import (
    KubeSchedulerConfigError,
    extension_points,
    parse_kube_scheduler_configuration,
    profile_to_config,
)
from clustersim.scheduler.scheduler import build_plugin
from clustersim.util.registry import Registry
from clustersim.util.strict_yaml import YAMLInputError
from clustersim.workload.base import WORKLOADS

__all__ = ["check_references", "expand_manifests", "in_manifest", "expand_traces", "expand_scheduler_config_file", "parse_args"]


def parse_args(registry: Registry[Any], name: str, args: dict[str, Any], cfg: SimConfig, source: str, field: str) -> Any:
    """Look ``name`` up and validate its ``args`` (and their references); ConfigError on failure."""
    try:
        cls = registry.get(name)
    except KeyError as e:
        raise ConfigError(source, f"{field}.name", str(e.args[0])) from None
    try:
        parsed = cls.Args.model_validate(args)
    except ValidationError as e:
        loc, msg = describe_validation_error(e)
        raise ConfigError(source, f"{field}.args.{loc}" if loc else f"{field}.args", msg) from None
    problem = parsed.check(cfg)
    if problem:
        where, msg = problem.split(": ", 1)
        raise ConfigError(source, f"{field}.args.{where}", msg)
    return parsed


def _plugin_error(source: str, field: str, e: Exception) -> ConfigError:
    msg = str(e)
    where, _, rest = msg.partition(": ")
    if rest and " " not in where:
        return ConfigError(source, f"{field}.{where}", rest)
    return ConfigError(source, field, msg)


def _check_profiles(cfg: SimConfig, source: str) -> None:
    """Every profile's plugins exist, implement their extension point, and accept their args."""
    for k, pc in enumerate(cfg.scheduler.profiles):
        at = f"scheduler.profiles.{k}"
        for i, name in enumerate(pc.filters or ()):
            if name not in SCHEDULER_PLUGINS:
                raise ConfigError(source, f"{at}.filters.{i}", f"unknown plugin {name!r} (known: {', '.join(SCHEDULER_PLUGINS)})")
            if not isinstance(build_plugin(name), FilterPlugin):
                raise ConfigError(source, f"{at}.filters.{i}", f"{name} is not a filter plugin")
        for i, p in enumerate(pc.scores or ()):
            if p.name not in SCHEDULER_PLUGINS:
                raise ConfigError(source, f"{at}.scores.{i}.name", f"unknown plugin {p.name!r} (known: {', '.join(SCHEDULER_PLUGINS)})")
            try:
                plugin = build_plugin(p.name, p.args)
            except (ValueError, TypeError, KeyError) as e:
                raise _plugin_error(source, f"{at}.scores.{i}.args", e) from None
            if not isinstance(plugin, ScorePlugin):
                raise ConfigError(source, f"{at}.scores.{i}.name", f"{p.name} is not a score plugin")
        for i, name in enumerate(pc.post_filters or ()):
            if name not in SCHEDULER_PLUGINS or "postFilter" not in extension_points(name):
                raise ConfigError(source, f"{at}.post_filters.{i}", f"{name!r} is not a PostFilter plugin (known: DefaultPreemption)")
        for name, args in pc.plugin_args.items():
            if name not in SCHEDULER_PLUGINS:
                raise ConfigError(source, f"{at}.plugin_args.{name}", f"unknown plugin {name!r}")
            try:
                build_plugin(name, args)
            except (ValueError, TypeError, KeyError) as e:
                raise _plugin_error(source, f"{at}.plugin_args.{name}", e) from None


def expand_scheduler_config_file(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Replace ``scheduler.config_file`` by the profiles and settings of that KubeSchedulerConfiguration.

    The resolved config then stands on its own (it is what ``config.yaml`` in the outputs records).
    """
    sched = data.get("scheduler")
    if not isinstance(sched, dict) or not sched.get("config_file"):
        return data
    path = Path(source).parent / str(sched["config_file"])
    ksc = str(path)
    if not path.is_file():
        raise ConfigError(source, "scheduler.config_file", f"{ksc}: no such file")
    try:
        profiles, settings = parse_kube_scheduler_configuration(path)
    except YAMLInputError as e:
        raise ConfigError(e.source, e.field, e.message) from None
    except KubeSchedulerConfigError as e:
        raise ConfigError(ksc, e.field, e.message) from None
    for k, prof in enumerate(profiles):
        for name in {*prof.filters, *(n for n, _ in prof.scores), *prof.post_filters}:
            try:
                build_plugin(name, prof.args.get(name))
            except (ValueError, TypeError, KeyError) as e:
                field = f"profiles[{k}].pluginConfig[{name}].args"
                raise _plugin_error(ksc, field, e) from None
    out = dict(data)
    new = {k: v for k, v in sched.items() if k not in ("config_file", "profiles")}
    new.update(settings)
    new["profiles"] = [profile_to_config(p) for p in profiles]
    out["scheduler"] = new
    return out


def expand_manifests(data: dict[str, Any], source: str, origins: dict[str, Any] | None = None) -> dict[str, Any]:
    """Add the objects of ``manifests`` to the config's lists; record what they leave out.

    ``origins`` (when given) receives ``"<section>.<index>"`` -> the manifest Origin of each added entry,
    so that a later error names the manifest's file, object and field (``in_manifest``).
    """
    paths = data.get("manifests")
    if not paths:
        return data
    from clustersim.manifests import ManifestError, load_manifests

    if not isinstance(paths, list | tuple) or not all(isinstance(p, str) for p in paths):
        raise ConfigError(source, "manifests", "expected a list of file or folder names")
    for i, p in enumerate(paths):
        if not (Path(source).parent / p).exists():
            raise ConfigError(source, f"manifests.{i}", f"no such file or folder {str(Path(source).parent / p)!r}")
    try:
        ms = load_manifests([Path(source).parent / str(p) for p in paths])
    except ManifestError as e:
        raise ConfigError(e.source, e.field, e.message) from None
    out = dict(data)
    for section, entries in ms.entries.items():
        if section == "nodes":
            continue
        before = data.get(section) or []
        if not isinstance(before, list | tuple):
            raise ConfigError(source, section, "expected a list")
        out[section] = [*before, *entries]
        if origins is not None:
            origins.update({f"{section}.{len(before) + i}": o for i, o in enumerate(ms.origins[section])})
    if ms.entries.get("nodes"):
        cluster = dict(out.get("cluster") or {}) if isinstance(out.get("cluster") or {}, dict) else {}
        if origins is not None:
            n0 = len(cluster.get("nodes") or [])
            origins.update({f"cluster.nodes.{n0 + i}": o for i, o in enumerate(ms.origins["nodes"])})
        zones = list(cluster.get("zones") or ["zone-a"])
        for n in ms.entries["nodes"]:
            if n.get("zone") and n["zone"] not in zones:
                zones.append(n["zone"])
        cluster["zones"] = zones
        cluster["nodes"] = [*(cluster.get("nodes") or []), *ms.entries["nodes"]]
        out["cluster"] = cluster
    out["manifests"] = []
    out["simplifications"] = [*(data.get("simplifications") or []), *ms.simplifications()]
    return out


def in_manifest(e: ConfigError, origins: dict[str, Any], source: str) -> ConfigError:
    """``e`` in the terms of the manifest its field came from (file, object, manifest path), when it did."""
    if e.source != source or not origins:
        return e
    parts = e.field.split(".")
    for n in (3, 2):  # "cluster.nodes.4..." or "deployments.2..."
        origin = origins.get(".".join(parts[:n]))
        if origin is not None:
            from clustersim.manifests.paths import manifest_path

            rest = ".".join(parts[n:])
            where = manifest_path(origin.kind, rest) if rest else "metadata.name"
            return ConfigError(origin.where, f"{origin.kind} {origin.name}: {where}", e.message)
    return e


TRACE_ACTORS = {"workloads": ("TraceReplay",), "faults": ("TraceNodeFailures", "TraceNodeEvents")}


def expand_traces(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Resolve trace paths against the config's folder; load ``cluster.nodes_file`` into ``cluster.nodes``."""
    base = Path(source).parent
    out = dict(data)
    for section, names in TRACE_ACTORS.items():
        items = []
        listed = data.get(section)
        for i, item in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(item, dict) and item.get("name") in names and isinstance(item.get("args"), dict) and "path" in item["args"]:
                path = _trace_path(base, str(item["args"]["path"]), source, f"{section}.{i}.args.path")
                item = {**item, "args": {**item["args"], "path": str(path)}}
            items.append(item)
        if items:
            out[section] = items
    cluster = data.get("cluster")
    if isinstance(cluster, dict) and isinstance(cluster.get("nodes_file"), dict):
        from clustersim.traces.schema import TraceError, node_configs, read_nodes

        nf = cluster["nodes_file"]
        path = _trace_path(base, str(nf.get("path", "")), source, "cluster.nodes_file.path")
        try:
            nodes = node_configs(read_nodes(path, str(nf.get("format", "clustersim"))))
        except TraceError as e:
            raise ConfigError(e.source, f"cluster.nodes_file.{e.field}" if e.field else "cluster.nodes_file", e.message) from None
        zones = list(cluster.get("zones") or ["zone-a"])
        for n in nodes:
            if n.get("zone") and n["zone"] not in zones:
                zones.append(n["zone"])
        out["cluster"] = {**{k: v for k, v in cluster.items() if k != "nodes_file"}, "zones": zones,
                          "nodes": [*(cluster.get("nodes") or []), *nodes]}
    return out


def _trace_path(base: Path, path: str, source: str, field: str) -> Path:
    """A trace file: ``data:<dataset>/<file>`` from the dataset cache, else a path relative to the config."""
    from clustersim.data import DataMissing, is_data_ref, resolve

    if not is_data_ref(path):
        return base / path
    try:
        return resolve(path)
    except DataMissing as e:
        raise ConfigError(source, field, str(e)) from None


def check_references(cfg: SimConfig, source: str) -> None:
    """Raise ConfigError for the first unresolvable name or reference."""
    check_cloud(cfg, source)
    for i, name in enumerate(cfg.controller_manager.controllers):
        if name not in CONTROLLERS:
            raise ConfigError(source, f"controller_manager.controllers.{i}", f"unknown controller {name!r} (known: {', '.join(CONTROLLERS)})")
    _check_profiles(cfg, source)
    for i, f in enumerate(cfg.faults):
        parse_args(FAULTS, f.name, f.args, cfg, source, f"faults.{i}")
    for i, w in enumerate(cfg.workloads):
        parse_args(WORKLOADS, w.name, w.args, cfg, source, f"workloads.{i}")
    zones = set(cfg.cluster.zones)
    for i, d in enumerate(cfg.deployments):
        for key, value in d.node_selector.items():
            if key == "topology.kubernetes.io/zone" and value not in zones:
                raise ConfigError(source, f"deployments.{i}.node_selector.{key}", f"unknown zone {value!r}")
