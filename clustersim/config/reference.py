"""Generate the configuration reference (Markdown) from the pydantic models and the registries.

``docs/config-reference.md`` is this function's output; a test fails when they differ, so the
reference cannot drift from the code.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from clustersim.config.bounds import MAX_SECONDS, field_kind
from clustersim.config.models import SimConfig

__all__ = ["reference_markdown"]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin in (tuple, list):
        return f"list[{_type_name(args[0])}]" if args else "list"
    if origin is dict:
        return f"map[{_type_name(args[0])}, {_type_name(args[1])}]"
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return annotation.__name__
        return {"NoneType": "null", "str": "string", "int": "int", "float": "float", "bool": "bool"}.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e8 else f"{x:g}"


def _range(model: type[BaseModel], name: str, field: Any) -> str:
    """`` >= 0.1, <= 1e+09`` from the field's bounds (config/bounds.py), or ""."""
    marks = {"Ge": ">=", "Gt": ">", "Le": "<=", "Lt": "<"}
    parts = []
    for m in field.metadata:
        for mark, sign in marks.items():
            if type(m).__name__ == mark:
                parts.append(f"{sign} {_num(getattr(m, mark.lower()))}")
        limit = getattr(getattr(m, "func", None), "limit", None)
        if limit is not None:
            parts.append(f"<= {_num(limit)}")
    if field_kind(model, name)[1] and not any(p.startswith("<") for p in parts):
        parts.append(f"<= {MAX_SECONDS:g}")  # every *_s field (config/bounds.py)
    return f" ({', '.join(parts)})" if parts else ""


def _default(field: Any) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.default_factory() if field.default_factory is not None else field.default
    if isinstance(value, BaseModel):
        return "(defaults)"
    if isinstance(value, tuple):
        value = [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
    return f"`{value!r}`".replace("|", "\\|")


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out.extend(_nested(arg))
    return out


def _model_section(model: type[BaseModel], title: str) -> list[str]:
    lines = [f"### {title}", "", (model.__doc__ or "").strip().split("\n")[0], "",
             "| field | type | default | description |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        desc = (field.description or "").replace("|", "\\|")
        kind = (_type_name(field.annotation) + _range(model, name, field)).replace("|", "\\|")
        lines.append(f"| `{name}` | {kind} | {_default(field)} | {desc} |")
    return lines + [""]


def _models(root: type[BaseModel]) -> list[str]:
    """Sections for ``root`` and every model reachable from its fields, breadth first."""
    lines: list[str] = []
    seen: set[type[BaseModel]] = set()
    queue: list[type[BaseModel]] = [root]
    while queue:
        model = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        lines += _model_section(model, model.__name__)
        for field in model.model_fields.values():
            queue.extend(m for m in _nested(field.annotation) if m not in seen)
    return lines


def reference_markdown() -> str:
    """The whole reference: every config model, then the args of every fault and workload."""
    from clustersim.config.validation import CONTROLLERS, WORKLOADS
    from clustersim.faults.base import FAULTS
    from clustersim.scheduler.framework import SCHEDULER_PLUGINS

    lines = ["# Configuration reference", "",
             "Generated from the pydantic models by `clustersim config-reference`; do not edit by hand.",
             "Unknown keys are errors. Times are seconds of simulated time, quantities follow Kubernetes",
             "(`250m`, `2Gi`, `1e3`).", "", "## Models", ""]
    lines += _models(SimConfig)
    lines += ["## Registered names", "",
              f"- controllers: {', '.join(f'`{n}`' for n in CONTROLLERS)}",
              f"- scheduler plugins: {', '.join(f'`{n}`' for n in SCHEDULER_PLUGINS)}",
              f"- faults: {', '.join(f'`{n}`' for n in FAULTS)}",
              f"- workloads: {', '.join(f'`{n}`' for n in WORKLOADS)}", "",
              "## Fault args", ""]
    for name in FAULTS:
        lines += _model_section(FAULTS.get(name).Args, f"{name}")
    lines += ["## Workload args", ""]
    for name in WORKLOADS:
        lines += _model_section(WORKLOADS.get(name).Args, f"{name}")
    from clustersim.sweep.metrics import AGGREGATE_METRICS, DEPLOYMENT_KEYS, FAULT_KEYS
    from clustersim.sweep.spec import ExperimentSpec

    lines += ["## Experiment files", "", "`clustersim sweep EXPERIMENT.yaml` reads these (see docs/experiments.md).", ""]
    lines += _models(ExperimentSpec)
    lines += ["### Run metrics", "", "Names usable in `metrics`:", ""]
    lines += [f"- `{k}`: {v}" for k, v in AGGREGATE_METRICS.items()]
    lines += [f"- `<deployment>.<key>` for key in {', '.join(f'`{k}`' for k in DEPLOYMENT_KEYS)} "
              "(`<deployment>` is the name, or `namespace/name` outside `default`)",
              f"- `fault<i>.<key>` for the i-th fault of the config, key in {', '.join(f'`{k}`' for k in FAULT_KEYS)}", ""]
    return "\n".join(lines).rstrip() + "\n"
