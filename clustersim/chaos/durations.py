"""Durations and schedules as the chaos tools write them.

- Go durations (Chaos Mesh ``duration``, ``deadline``, ``latency``): a possibly signed sequence of decimal
  numbers with units ``ns``, ``us``/``µs``, ``ms``, ``s``, ``m``, ``h`` (``300ms``, ``2h45m``, ``10m100ns``),
  as ``time.ParseDuration`` reads them.
- Schedules (Chaos Mesh ``Schedule``): robfig/cron's parser with ``SecondOptional | Minute | Hour | Dom |
  Month | Dow | Descriptor`` (api/v1alpha1/schedule_types.go ``StandardCronParser``): five fields, or six
  with seconds first, the ``@hourly``-style descriptors and ``@every <duration>``. ``@every d`` fires
  ``d`` after the previous firing, rounded to whole seconds (robfig ``ConstantDelaySchedule``).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from clustersim.util.cron import CronError, parse_schedule

__all__ = ["CronError", "expand_schedule", "go_duration_s", "seconds"]

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def go_duration_s(text: object) -> float:
    """A Go duration in seconds; ValueError with a short reason otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"expected a duration such as '30s' or '5m', got {text!r}")
    s = text.strip()
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    if s == "0":
        return 0.0
    total, pos = 0.0, 0
    for m in _PART.finditer(s):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(s) or not s:
        raise ValueError(f"invalid duration {text!r} (units ns, us, ms, s, m, h)")
    return sign * total


def seconds(value: object, what: str = "seconds") -> float:
    """A count of seconds written as a number or a numeric string (Litmus env values, Krkn fields)."""
    if isinstance(value, bool):
        raise ValueError(f"expected {what}, got {value!r}")
    if isinstance(value, int | float):
        out = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            out = float(value.strip())
        except ValueError:
            raise ValueError(f"expected {what}, got {value!r}") from None
    else:
        raise ValueError(f"expected {what}, got {value!r}")
    if not math.isfinite(out) or out < 0:
        raise ValueError(f"expected {what} (a finite number >= 0), got {value!r}")
    return out


def _every(expr: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    delay = go_duration_s(expr[len("@every"):].strip())
    if delay < 1:
        delay = 1.0  # robfig: "delays of less than a second are not supported (will round up to 1 second)"
    delay = float(math.floor(delay))  # rounded down to whole seconds (time.Duration(d)/time.Second)
    out, t = [], start.replace(microsecond=0) + dt.timedelta(seconds=delay)
    while t <= end:
        out.append(t)
        t += dt.timedelta(seconds=delay)
    return out


def _cron(expr: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    parts = expr.split()
    secs = [0]
    if len(parts) == 6:  # SecondOptional: seconds first (the field has the minutes' range)
        secs = sorted(parse_schedule(f"{parts[0]} * * * *").minutes)
        expr = " ".join(parts[1:])
    sched = parse_schedule(expr)
    minute = start.replace(second=0, microsecond=0)
    if sched.next_after(minute - dt.timedelta(minutes=1)) != minute:
        minute = sched.next_after(minute)
    out: list[dt.datetime] = []
    while minute <= end and len(out) < 100_000:
        out += [c for c in (minute.replace(second=sec) for sec in secs) if start < c <= end]
        minute = sched.next_after(minute)
    return out


def expand_schedule(expr: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Every firing time in (start, end]; CronError or ValueError with a short reason for a bad schedule."""
    text = expr.strip()
    if text.startswith("@every"):
        return _every(text, start, end)
    return _cron(text, start, end)
