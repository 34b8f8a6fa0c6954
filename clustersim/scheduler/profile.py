"""Scheduler profiles: kube-scheduler's default plugin set, research policies, and
``KubeSchedulerConfiguration`` (v1) files as users write them.

Upstream: pkg/scheduler/apis/config/v1/default_plugins.go (getDefaultPlugins, mergePlugins) and
pkg/scheduler/framework/runtime/framework.go (expandMultiPointPlugins). A profile resolves to ordered
filter plugins, weighted score plugins, post-filter plugins and per-plugin args.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clustersim.scheduler.framework import SCHEDULER_PLUGINS, FilterPlugin, ScorePlugin
from clustersim.util.strict_yaml import load_yaml

__all__ = [
    "DEFAULT_MULTIPOINT", "DEFAULT_SCORE_WEIGHTS", "POLICIES", "KubeSchedulerConfigError", "Profile", "default_profile",
    "extension_points", "parse_kube_scheduler_configuration", "policy_profile", "profile_to_config", "profiles_from_config",
]

# getDefaultPlugins (DynamicResourceAllocation off): every default plugin is enabled under multiPoint.
DEFAULT_MULTIPOINT: tuple[str, ...] = (
    "SchedulingGates", "PrioritySort", "NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts",
    "NodeResourcesFit", "VolumeRestrictions", "EBSLimits", "GCEPDLimits", "NodeVolumeLimits", "AzureDiskLimits",
    "VolumeBinding", "VolumeZone", "PodTopologySpread", "InterPodAffinity", "DefaultPreemption",
    "NodeResourcesBalancedAllocation", "ImageLocality", "DefaultBinder",
)
DEFAULT_SCORE_WEIGHTS: dict[str, int] = {
    "TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1, "PodTopologySpread": 2, "InterPodAffinity": 2,
    "NodeResourcesBalancedAllocation": 1, "ImageLocality": 1,
}
EXTENSION_POINTS = ("preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score", "reserve",
                    "permit", "preBind", "bind", "postBind")


@dataclass(frozen=True)
class Profile:
    """A resolved scheduling profile."""

    scheduler_name: str = "default-scheduler"
    filters: tuple[str, ...] = ()
    scores: tuple[tuple[str, int], ...] = ()
    post_filters: tuple[str, ...] = ()
    args: dict[str, dict[str, Any]] = field(default_factory=dict)
    percentage_of_nodes_to_score: int | None = None


def extension_points(name: str) -> set[str]:
    """The extension points the registered plugin ``name`` implements."""
    plugin = SCHEDULER_PLUGINS.get(name)
    points = set(getattr(plugin, "extension_points", ()))
    if isinstance(plugin, type):
        proto_filter = all(hasattr(plugin, m) for m in ("filter", "reasons", "skip", "filter_one"))
        proto_score = all(hasattr(plugin, m) for m in ("score", "normalize", "skip_score"))
    else:
        proto_filter, proto_score = isinstance(plugin, FilterPlugin), isinstance(plugin, ScorePlugin)
    if proto_filter:
        points |= {"preFilter", "filter"}
    if proto_score:
        points |= {"preScore", "score"}
    if hasattr(plugin, "post_filter"):
        points.add("postFilter")
    return points


def _expand(multipoint: list[tuple[str, int]], point: str, enabled: list[tuple[str, int]], disabled: set[str]) -> list[tuple[str, int]]:
    """expandMultiPointPlugins for one extension point: explicit overrides, multipoint, explicit others."""
    explicit = {n for n, _ in enabled}
    if "*" in disabled:
        return list(enabled)
    mp = [(n, w) for n, w in multipoint if point in extension_points(n) and n not in disabled and n not in explicit]
    mp_names = {n for n, _ in multipoint}
    overrides = [(n, w) for n, w in enabled if n in mp_names]
    others = [(n, w) for n, w in enabled if n not in mp_names]
    return overrides + mp + others


def default_profile(scheduler_name: str = "default-scheduler") -> Profile:
    """kube-scheduler's default profile."""
    mp = [(n, DEFAULT_SCORE_WEIGHTS.get(n, 0)) for n in DEFAULT_MULTIPOINT]
    return _resolve(scheduler_name, mp, {}, {}, None)


def _resolve(name: str, mp: list[tuple[str, int]], enabled: dict[str, list[tuple[str, int]]], disabled: dict[str, set[str]],
             percentage: int | None, args: dict[str, dict[str, Any]] | None = None) -> Profile:
    filters = [n for n, _ in _expand(mp, "filter", enabled.get("filter", []), disabled.get("filter", set()))]
    scores = [(n, w or 1) for n, w in _expand(mp, "score", enabled.get("score", []), disabled.get("score", set()))]
    post = [n for n, _ in _expand(mp, "postFilter", enabled.get("postFilter", []), disabled.get("postFilter", set()))]
    return Profile(name, tuple(filters), tuple(scores), tuple(post), dict(args or {}), percentage)


def _policy_random(name: str) -> Profile:
    return Profile(name, default_profile().filters, (), (), {}, 100)


def _policy_first_fit(name: str) -> Profile:
    return Profile(name, default_profile().filters, (("FirstFit", 1),), (), {}, 100)


def _policy_best_fit(name: str) -> Profile:
    args = {"NodeResourcesFit": {"scoringStrategy": {"type": "MostAllocated"}}}
    return Profile(name, default_profile().filters, (("NodeResourcesFit", 1),), (), args, 100)


def _policy_spread(name: str) -> Profile:
    return Profile(name, default_profile().filters, (("NodeResourcesFit", 1),), (), {}, 100)


# Research baselines: every feasible node is examined (percentageOfNodesToScore 100), the default
# filters apply, and only the choice differs. Ties break at random from the run's seed.
POLICIES: dict[str, Callable[[str], Profile]] = {
    "default": default_profile,
    "random": _policy_random,           # uniform among feasible nodes
    "first-fit": _policy_first_fit,     # the feasible node that comes first in node order
    "best-fit": _policy_best_fit,       # bin-packing: the most requested node that fits (MostAllocated)
    "spread": _policy_spread,           # the least requested node (LeastAllocated alone)
}


def policy_profile(policy: str, scheduler_name: str = "default-scheduler") -> Profile:
    """The profile of a built-in policy."""
    return POLICIES[policy](scheduler_name)


def profiles_from_config(cfg: Any) -> list[Profile]:
    """Resolve the config's ``scheduler.profiles`` (ProfileConfig) into Profiles."""
    out = []
    for pc in cfg.profiles:
        base = policy_profile(pc.policy, pc.scheduler_name)
        args = dict(base.args)
        scores = base.scores
        if pc.scores is not None:
            scores = tuple((s.name, s.weight) for s in pc.scores)
            for s in pc.scores:
                if s.args:
                    args[s.name] = dict(s.args)
        args.update({k: dict(v) for k, v in pc.plugin_args.items()})
        out.append(Profile(
            scheduler_name=pc.scheduler_name,
            filters=tuple(pc.filters) if pc.filters is not None else base.filters,
            scores=scores,
            post_filters=tuple(pc.post_filters) if pc.post_filters is not None else base.post_filters,
            args=args,
            percentage_of_nodes_to_score=pc.percentage_of_nodes_to_score if pc.percentage_of_nodes_to_score is not None
            else base.percentage_of_nodes_to_score,
        ))
    return out


def profile_to_config(p: Profile) -> dict[str, Any]:
    """A resolved profile as a ``scheduler.profiles`` entry (explicit plugin lists)."""
    return {"scheduler_name": p.scheduler_name, "filters": list(p.filters),
            "scores": [{"name": n, "weight": w} for n, w in p.scores], "post_filters": list(p.post_filters),
            "plugin_args": {k: dict(v) for k, v in p.args.items()}, "percentage_of_nodes_to_score": p.percentage_of_nodes_to_score}


class KubeSchedulerConfigError(ValueError):
    """A field of a KubeSchedulerConfiguration that is wrong or unsupported: ``field``, ``message``."""

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


_TOP_KEYS = {"apiVersion", "kind", "profiles", "percentageOfNodesToScore", "podInitialBackoffSeconds", "podMaxBackoffSeconds",
             "parallelism", "clientConnection", "leaderElection", "extenders", "delayCacheUntilActive", "featureGates"}
_UNSUPPORTED_TOP = {"extenders": "scheduler extenders are not modelled"}


def _plugin_list(items: Any, where: str) -> list[tuple[str, int]]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise KubeSchedulerConfigError(where, "must be a list")
    out = []
    for i, p in enumerate(items):
        if not isinstance(p, dict) or "name" not in p:
            raise KubeSchedulerConfigError(f"{where}[{i}]", "must be a mapping with a name")
        extra = set(p) - {"name", "weight"}
        if extra:
            raise KubeSchedulerConfigError(f"{where}[{i}].{sorted(extra)[0]}", "unknown field")
        name, weight = p["name"], p.get("weight", 0)
        if name != "*" and name not in SCHEDULER_PLUGINS:
            raise KubeSchedulerConfigError(f"{where}[{i}].name", f"unknown or unsupported plugin {name!r}")
        if not isinstance(weight, int) or weight < 0:
            raise KubeSchedulerConfigError(f"{where}[{i}].weight", "must be a non-negative integer")
        out.append((name, weight))
    return out


def _profile(data: Any, where: str, defaults_pct: int | None) -> Profile:
    if not isinstance(data, dict):
        raise KubeSchedulerConfigError(where, "must be a mapping")
    extra = set(data) - {"schedulerName", "plugins", "pluginConfig", "percentageOfNodesToScore"}
    if extra:
        raise KubeSchedulerConfigError(f"{where}.{sorted(extra)[0]}", "unknown field")
    name = data.get("schedulerName", "default-scheduler")
    plugins = data.get("plugins") or {}
    if not isinstance(plugins, dict):
        raise KubeSchedulerConfigError(f"{where}.plugins", "must be a mapping")
    enabled: dict[str, list[tuple[str, int]]] = {}
    disabled: dict[str, set[str]] = {}
    for point, spec in plugins.items():
        if point != "multiPoint" and point not in EXTENSION_POINTS:
            raise KubeSchedulerConfigError(f"{where}.plugins.{point}", "unknown extension point")
        spec = spec or {}
        extra = set(spec) - {"enabled", "disabled"}
        if extra:
            raise KubeSchedulerConfigError(f"{where}.plugins.{point}.{sorted(extra)[0]}", "unknown field")
        en = _plugin_list(spec.get("enabled"), f"{where}.plugins.{point}.enabled")
        dis = {n for n, _ in _plugin_list(spec.get("disabled"), f"{where}.plugins.{point}.disabled")}
        for i, (n, _) in enumerate(en):
            if point != "multiPoint" and point not in extension_points(n) and point in ("filter", "score", "postFilter"):
                raise KubeSchedulerConfigError(f"{where}.plugins.{point}.enabled[{i}].name", f"{n} does not implement {point}")
        enabled[point], disabled[point] = en, dis
    # mergePluginSet on multiPoint: defaults minus disabled, re-configured in place, custom appended
    mp_dis = disabled.get("multiPoint", set())
    custom = {n: (i, w) for i, (n, w) in enumerate(enabled.get("multiPoint", []))}
    mp: list[tuple[str, int]] = []
    replaced = set()
    if "*" not in mp_dis:
        for n in DEFAULT_MULTIPOINT:
            if n in mp_dis:
                continue
            w = DEFAULT_SCORE_WEIGHTS.get(n, 0)
            if n in custom:
                w = custom[n][1] or w
                replaced.add(n)
            mp.append((n, w))
    mp += [(n, w) for n, w in enabled.get("multiPoint", []) if n not in replaced]
    for point in ("preFilter", "preScore"):  # must agree with filter/score: we run them together
        for n in disabled.get(point, set()) - {"*"}:
            partner = "filter" if point == "preFilter" else "score"
            if n not in disabled.get(partner, set()) and "*" not in disabled.get(partner, set()):
                raise KubeSchedulerConfigError(f"{where}.plugins.{point}.disabled",
                                               f"disabling {n} at {point} but not at {partner} is not supported")
    args: dict[str, dict[str, Any]] = {}
    for i, pc in enumerate(data.get("pluginConfig") or []):
        if not isinstance(pc, dict) or "name" not in pc:
            raise KubeSchedulerConfigError(f"{where}.pluginConfig[{i}]", "must be a mapping with a name")
        extra = set(pc) - {"name", "args"}
        if extra:
            raise KubeSchedulerConfigError(f"{where}.pluginConfig[{i}].{sorted(extra)[0]}", "unknown field")
        if pc["name"] not in SCHEDULER_PLUGINS:
            raise KubeSchedulerConfigError(f"{where}.pluginConfig[{i}].name", f"unknown or unsupported plugin {pc['name']!r}")
        a = dict(pc.get("args") or {})
        a.pop("apiVersion", None)
        a.pop("kind", None)
        args[pc["name"]] = a
    pct = data.get("percentageOfNodesToScore", defaults_pct)
    if pct is not None and (not isinstance(pct, int) or not 0 <= pct <= 100):
        raise KubeSchedulerConfigError(f"{where}.percentageOfNodesToScore", "must be an integer in [0, 100]")
    return _resolve(name, mp, enabled, disabled, pct, args)


def parse_kube_scheduler_configuration(path: str | Path) -> tuple[list[Profile], dict[str, Any]]:
    """Profiles and top-level settings (backoffs, parallelism, client QPS) of a v1 KubeSchedulerConfiguration.

    Raises:
        KubeSchedulerConfigError: naming the field (``profiles[1].plugins.score.enabled[0].name``).
        YAMLInputError: unreadable file or not strict YAML.
    """
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise KubeSchedulerConfigError("", "top level must be a mapping")
    if data.get("apiVersion") != "kubescheduler.config.k8s.io/v1":
        raise KubeSchedulerConfigError("apiVersion", f"expected kubescheduler.config.k8s.io/v1, got {data.get('apiVersion')!r}")
    if data.get("kind") != "KubeSchedulerConfiguration":
        raise KubeSchedulerConfigError("kind", f"expected KubeSchedulerConfiguration, got {data.get('kind')!r}")
    extra = set(data) - _TOP_KEYS
    if extra:
        raise KubeSchedulerConfigError(sorted(extra)[0], "unknown field")
    for key, why in _UNSUPPORTED_TOP.items():
        if data.get(key):
            raise KubeSchedulerConfigError(key, f"unsupported: {why}")
    top_pct = data.get("percentageOfNodesToScore")
    profiles = [_profile(p, f"profiles[{i}]", None) for i, p in enumerate(data.get("profiles") or [{}])]
    names = [p.scheduler_name for p in profiles]
    for i, n in enumerate(names):
        if names.index(n) != i:
            raise KubeSchedulerConfigError(f"profiles[{i}].schedulerName", f"duplicate profile {n!r}")
    settings: dict[str, Any] = {}
    mapping = {"podInitialBackoffSeconds": "pod_initial_backoff_s", "podMaxBackoffSeconds": "pod_max_backoff_s",
               "parallelism": "parallelism", "percentageOfNodesToScore": "percentage_of_nodes_to_score"}
    for k, v in mapping.items():
        if k in data and data[k] is not None:
            settings[v] = data[k]
    if top_pct is None:
        settings.pop("percentage_of_nodes_to_score", None)
    cc = data.get("clientConnection") or {}
    extra = set(cc) - {"qps", "burst", "kubeconfig", "acceptContentTypes", "contentType"}
    if extra:
        raise KubeSchedulerConfigError(f"clientConnection.{sorted(extra)[0]}", "unknown field")
    if "qps" in cc:
        settings["client_qps"] = cc["qps"]
    if "burst" in cc:
        settings["client_burst"] = cc["burst"]
    return profiles, settings
