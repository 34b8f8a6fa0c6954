"""Bounds at the edge: every number a config, experiment or args model takes is finite and in range.

The base ``Bounded`` (under ``config.models.Strict``, ``actors.ActorArgs`` and the experiment models)
applies three rules to every field, so a new section gets them without asking:

- ``true``/``false`` is not a number: a bool given to a field that takes numbers and no bool is refused
  (pydantic would read ``replicas: true`` as 1);
- floats are finite (``.inf``, ``1e400``, ``.nan`` are refused; ``allow_inf_nan=False``);
- integers fit in 64 bits, and a field whose name ends in ``_s`` or ``_seconds`` (the house unit
  convention) is at most ``MAX_SECONDS``.

The annotated types below add what a rule by name cannot know: periods of loops (at least
``MIN_PERIOD_S``, or a run would never end), counts that size a run (``Replicas``, ``NodeCount``), and
the run's length. ``docs/input-limits.md`` lists every limit; each message names the limit.
"""

from __future__ import annotations

import functools
import inspect
import typing
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = [
    "Bounded", "MAX_CPU_CORES", "MAX_EVENTS_PER_RUN", "MAX_INJECTIONS", "MAX_INT", "MAX_NODES", "MAX_NODE_FAULTS", "MAX_PODS",
    "MAX_QUANTITY", "MAX_RATE_PER_S", "MAX_RUN_S", "MAX_SECONDS", "MIN_PERIOD_S", "NodeCount", "PerSecond", "Period",
    "PosSeconds", "Quantity", "Replicas", "Resources", "RunSeconds", "Seconds", "at_most", "check_quantity",
    "field_kind", "number",
]

# Kubernetes supports clusters of 5,000 nodes and 150,000 pods (kubernetes.io/docs/setup/best-practices/cluster-large);
# the simulator takes ten times that, and no more: beyond it a run cannot finish on one machine.
MAX_NODES = 50_000
MAX_PODS = 1_500_000
MAX_SECONDS = 1e9  # any duration: about 31.7 years (the API's int32 seconds fields stop at 2^31-1, 68 years)
MAX_RUN_S = 366 * 86_400.0  # simulated time of one run: a year (a month-long trace fits twelve times)
MIN_PERIOD_S = 0.1  # a loop (a period, an interval, a back-off) repeats at most ten times a simulated second
MAX_RATE_PER_S = 1e9  # Poisson rates (requests per second)
MAX_EVENTS_PER_RUN = 10_000_000  # pod completions: each is a chain of API writes and events
MAX_INJECTIONS = 100_000  # fault injections per run (each is scheduled when the run starts)
MAX_NODE_FAULTS = 10_000  # node failure episodes per run: each gets a critical path in the summary (about 20 ms each)
MAX_INT = 2**63 - 1
MAX_CPU_CORES = 1_000_000  # cpu quantities ("1M"); the largest machines have a few hundred cores
MAX_QUANTITY = 2**49  # any other quantity in base units ("512Ti"): the scheduler's scores multiply it by 100 in int64


def check_quantity(value: Any, resource: str | None = None) -> Any:
    """A Kubernetes quantity that is well formed, not negative and within the limit for its resource."""
    from clustersim.api.quantity import QuantityError, parse_quantity

    try:
        q = parse_quantity(value)
    except QuantityError as e:
        raise ValueError(str(e)) from None
    if q < 0:
        raise ValueError(f"negative quantity {value!r}")
    if resource == "cpu" and q > MAX_CPU_CORES:
        raise ValueError(f"{value!r} is more than the limit of {MAX_CPU_CORES:,} cores")
    if resource != "cpu" and q > MAX_QUANTITY:
        raise ValueError(f"{value!r} is more than the limit of 512Ti (2^49)")
    return value


def _cpu_bound(v: dict[str, Any]) -> dict[str, Any]:
    if "cpu" in v:
        try:
            check_quantity(v["cpu"], "cpu")
        except ValueError as e:
            raise ValueError(f"cpu: {e}") from None
    return v


def number(x: float) -> str:
    """``1,500,000`` for whole numbers, ``2.5e-07`` otherwise."""
    if isinstance(x, int) and abs(x) >= 10**300:  # beyond a float's range: its digits counted, not converted
        return f"{'-' if x < 0 else ''}a {len(str(abs(x)))}-digit number"
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e18 else f"{x:g}"


def at_most(limit: float, what: str) -> AfterValidator:
    """A validator refusing values above ``limit`` with a message naming it (``what``: the unit or reason)."""

    def check(v: Any) -> Any:
        if v is not None and v > limit:
            raise ValueError(f"{number(v)} is more than the limit of {number(limit)} {what}")
        return v

    check.limit = limit  # type: ignore[attr-defined]  # shown by the config reference
    return AfterValidator(check)


Seconds = Annotated[float, Field(ge=0, le=MAX_SECONDS)]
PosSeconds = Annotated[float, Field(gt=0, le=MAX_SECONDS)]
Period = Annotated[float, Field(ge=MIN_PERIOD_S, le=MAX_SECONDS)]
RunSeconds = Annotated[float, Field(gt=0), at_most(MAX_RUN_S, "s of simulated time (366 days)")]
PerSecond = Annotated[float, Field(gt=0, le=MAX_RATE_PER_S)]
Replicas = Annotated[int, Field(ge=0), at_most(MAX_PODS, "pods (10x the 150,000 Kubernetes supports)")]
NodeCount = Annotated[int, Field(ge=0), at_most(MAX_NODES, "nodes (10x the 5,000 Kubernetes supports)")]

Quantity = Annotated[str | int | float, AfterValidator(check_quantity)]
Resources = Annotated[dict[str, Quantity], AfterValidator(_cpu_bound)]

_SECONDS_SUFFIXES = ("_s", "_seconds")


def _leaves(annotation: Any) -> set[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaves(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return {type(a) for a in typing.get_args(annotation)}
    if origin is None:
        return {annotation}
    out: set[Any] = set()
    for arg in typing.get_args(annotation):
        out |= _leaves(arg)
    return out


@functools.cache
def field_kind(model: type[BaseModel], name: str) -> tuple[bool, bool]:
    """(numbers but no bool: refuse bools; a duration by name) for a field of ``model``."""
    field = model.model_fields.get(name)
    if field is None:
        return False, False
    leaves = _leaves(field.annotation)
    nested = any(inspect.isclass(t) and issubclass(t, BaseModel) for t in leaves)
    numeric = bool(leaves & {int, float})
    no_bool = numeric and not nested and bool not in leaves and Any not in leaves and object not in leaves
    return no_bool, numeric and name.endswith(_SECONDS_SUFFIXES)


def _bool_at(v: Any, depth: int = 0) -> str | None:
    """Where a bool is inside ``v``: "" for ``v`` itself, ``"cpu"`` or ``"2"`` for an item; None when there is none."""
    if isinstance(v, bool):
        return ""
    items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list | tuple) else ()
    for k, x in items if depth < 3 else ():
        inner = _bool_at(x, depth + 1)
        if inner is not None:
            return f"{k}.{inner}" if inner else str(k)
    return None


def _numbers(v: Any) -> list[int | float]:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return [v]
    if isinstance(v, dict):
        return [x for x in v.values() if isinstance(x, int | float) and not isinstance(x, bool)]
    if isinstance(v, list | tuple):
        return [x for x in v if isinstance(x, int | float) and not isinstance(x, bool)]
    return []


class Bounded(BaseModel):
    """Base of every input model: no bools for numbers, finite floats, 64-bit integers, bounded seconds."""

    model_config = ConfigDict(allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_numbers(cls, v: Any, info: ValidationInfo) -> Any:
        if info.field_name is not None and field_kind(cls, info.field_name)[0]:
            at = _bool_at(v)
            if at is not None:
                raise ValueError(f"{at}: true/false is not a number" if at else "true/false is not a number")
        return v

    @field_validator("*", mode="after")
    @classmethod
    def _in_range(cls, v: Any, info: ValidationInfo) -> Any:
        if info.field_name is None:
            return v
        seconds = field_kind(cls, info.field_name)[1]
        for x in _numbers(v):
            if isinstance(x, int) and not -MAX_INT - 1 <= x <= MAX_INT:
                raise ValueError(f"{x} does not fit in 64 bits")
            if seconds and x > MAX_SECONDS:
                raise ValueError(f"{x:,} s is more than the limit of {MAX_SECONDS:,.0f} s (about 31 years)")
        return v

