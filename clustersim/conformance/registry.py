"""The conformance runner's registries: one adapter per case kind, and the simulator's defaults.

An adapter feeds a case's ``input`` to the code the simulation itself runs and returns a dict
comparable with the case's ``expected``. Each category module registers its kinds here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

__all__ = ["ADAPTERS", "Adapter", "CONFIG_PATHS", "DEFAULTS", "NOT_MODELLED", "TOLERANCES", "UNORDERED", "register",
           "register_config_defaults", "register_defaults", "register_tolerances", "register_unordered"]

Adapter = Callable[[dict[str, Any]], dict[str, Any]]

ADAPTERS: dict[str, Adapter] = {}

# (component, parameter) -> (the simulator default, its unit)
DEFAULTS: dict[tuple[str, str], tuple[Callable[[], Any], str]] = {}

# config path (``kubelet.max_pods``) -> the (component, parameter) row that reads it
CONFIG_PATHS: dict[str, tuple[str, str]] = {}

# Defaults of components the simulator does not model (yet): these cases fail, honestly.
NOT_MODELLED: dict[str, set[str]] = {}

# kind -> expected keys whose lists compare as unordered (the cases' notes say "compare as a set")
UNORDERED: dict[str, set[str]] = {}

# kind -> expected key -> relative tolerance of a float (upstream's assert.InEpsilon; 0 stays exact)
TOLERANCES: dict[str, dict[str, float]] = {}


def register(adapters: dict[str, Adapter]) -> None:
    """Add adapters; a kind registered twice is a bug."""
    for kind, fn in adapters.items():
        if kind in ADAPTERS:
            raise ValueError(f"conformance kind {kind!r} registered twice")
        ADAPTERS[kind] = fn


def register_defaults(defaults: dict[tuple[str, str], tuple[Callable[[], Any], str]]) -> None:
    """Add rows to the defaults table; a parameter registered twice is a bug."""
    for key, value in defaults.items():
        if key in DEFAULTS:
            raise ValueError(f"default {key} registered twice")
        DEFAULTS[key] = value


def register_unordered(keys: dict[str, set[str]]) -> None:
    """Declare expected keys whose lists the runner compares without regard to order."""
    for kind, names in keys.items():
        UNORDERED.setdefault(kind, set()).update(names)


def register_config_defaults(rows: list[tuple[str, str, str, str]], roots: dict[str, Any]) -> None:
    """Rows ``(component, parameter, config path, unit)`` whose value is the config's own default.

    ``roots`` maps the first part of a path (``kubelet``) to a default instance of its model.
    """
    for component, parameter, path, unit in rows:
        root, _, rest = path.partition(".")
        register_defaults({(component, parameter): (functools.partial(_read, roots[root], tuple(rest.split("."))), unit)})
        CONFIG_PATHS[path] = (component, parameter)


def _read(obj: Any, attrs: tuple[str, ...]) -> Any:
    """The value at ``attrs`` under ``obj``; whole seconds as integers, as upstream's tables print them."""
    for a in attrs:
        obj = getattr(obj, a)
    value = dict(obj) if isinstance(obj, dict) else obj
    return int(value) if isinstance(value, float) and value.is_integer() else value


def register_tolerances(tolerances: dict[str, dict[str, float]]) -> None:
    """Declare expected float keys the runner compares with a relative tolerance."""
    for kind, keys in tolerances.items():
        TOLERANCES.setdefault(kind, {}).update(keys)
