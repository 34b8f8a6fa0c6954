"""Load a YAML config, apply ``--set`` overrides, validate once, and name the file and field on error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clustersim.config.errors import ConfigError, describe_validation_error
from clustersim.config.models import SimConfig
from clustersim.util.strict_yaml import YAMLInputError, load_yaml, parse_yaml

__all__ = ["ConfigError", "load_config", "parse_overrides", "read_yaml", "validate_dict"]


def parse_overrides(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """``["a.b=1", "c=x"]`` to ``{"a.b": 1, "c": "x"}``; values are parsed as YAML scalars."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ConfigError("--set", item, "expected dotted.key=value")
        try:
            out[key] = parse_yaml(raw, "--set") if raw else ""
        except YAMLInputError as e:
            raise ConfigError("--set", key, f"cannot parse value {raw!r}: {e.message}") from None
    return out


def _apply(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ConfigError("--set", dotted, f"no list item {part!r}")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise ConfigError("--set", dotted, f"{'.'.join(parts[:i])} is not a mapping")


def validate_dict(data: Any, source: str) -> SimConfig:
    """Validate a parsed config (pydantic, then names and references); raise ConfigError."""
    if not isinstance(data, dict):
        raise ConfigError(source, "", "top level must be a mapping")
    from clustersim.cloud.autoscaler.flags import expand_autoscaler
    from clustersim.config.size import check_size
    from clustersim.config.validation import (  # late: the registries import config
        check_references,
        expand_manifests,
        expand_scheduler_config_file,
        expand_traces,
        in_manifest,
    )
    from clustersim.snapshot.expand import expand_snapshot

    origins: dict[str, Any] = {}
    data = expand_manifests(expand_scheduler_config_file(data, source), source, origins)
    data = expand_snapshot(expand_traces(data, source), source)
    data = expand_autoscaler(data, source)
    try:
        try:
            cfg = SimConfig.model_validate(data)
        except ValidationError as e:
            raise ConfigError(source, *describe_validation_error(e)) from None
        check_references(cfg, source)
        check_size(cfg, source)
    except ConfigError as e:
        raise in_manifest(e, origins, source) from None
    return cfg


def read_yaml(path: str | Path) -> Any:
    """One YAML document through the strict reader (None when empty); ConfigError naming the file and line."""
    try:
        return load_yaml(path)
    except YAMLInputError as e:
        raise ConfigError(e.source, e.field, e.message) from None


def load_config(path: str | Path, overrides: dict[str, Any] | None = None) -> SimConfig:
    """Read YAML (the strict reader, ``util/strict_yaml.py``), apply dotted overrides, validate.

    Args:
        path: the config file.
        overrides: ``{"controller_manager.node_monitor_grace_period_s": 40}``.

    Raises:
        ConfigError: unreadable file, bad YAML, unknown key, bad value or dangling reference.
    """
    source = str(path)
    data = read_yaml(path)
    if data is None:
        data = {}
    for key, value in (overrides or {}).items():
        if isinstance(data, dict):
            _apply(data, key, value)
    return validate_dict(data, source)
