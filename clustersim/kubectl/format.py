"""kubectl's text conventions: tab-aligned columns, human durations, quantities and timestamps."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Sequence
from typing import Any

import yaml

__all__ = ["block", "cpu", "dump", "human_duration", "memory", "rfc1123z", "rfc3339", "table", "tabwrite"]

# printers.GetNewTabWriter: tabwriter.NewWriter(out, minwidth 6, tabwidth 4, padding 3, ' ', 0)
MIN_WIDTH, PADDING = 6, 3


def tabwrite(rows: Sequence[Sequence[str]], terminated: bool = False) -> str:
    """Align cells like Go's text/tabwriter as kubectl configures it.

    Cells end with a tab; with ``terminated`` the last cell of each row does too (``kubectl top``), so it
    is padded as well, else it is printed as is (``kubectl get``).
    """
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    aligned = ncols if terminated else ncols - 1
    widths = [max(MIN_WIDTH, max((len(r[i]) for r in rows if i < len(r)), default=0) + PADDING) for i in range(aligned)]
    lines = []
    for r in rows:
        cells = [c.ljust(widths[i]) if i < aligned else c for i, c in enumerate(r)]
        lines.append("".join(cells).rstrip() if not terminated else "".join(cells))
    return "\n".join(lines) + "\n"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A ``kubectl get`` table; kubectl prints ``No resources found`` for none."""
    if not rows:
        return ""
    return tabwrite([list(header), *[list(r) for r in rows]])


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration`` (k8s.io/apimachinery/pkg/util/duration): about 2-3 significant figures."""
    if math.isnan(seconds):
        return "<unknown>"
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y{dy}d" if dy else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def cpu(millicores: float) -> str:
    """A CPU quantity as Kubernetes prints it: ``250m``, ``2``."""
    m = int(round(millicores))
    return str(m // 1000) if m % 1000 == 0 else f"{m}m"


def memory(nbytes: float) -> str:
    """A memory quantity in its canonical binary form: ``256Mi``, ``2Gi``, else bytes."""
    b = int(round(nbytes))
    if b == 0:
        return "0"
    for suffix, size in (("Ei", 1 << 60), ("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if b % size == 0:
            return f"{b // size}{suffix}"
    return str(b)


def _at(clock_start: datetime.datetime, t: float) -> datetime.datetime:
    return clock_start + datetime.timedelta(seconds=float(t))


def rfc3339(clock_start: datetime.datetime, t: float) -> str:
    """An API timestamp (``metav1.Time``: RFC 3339, seconds) for simulated time ``t``."""
    return _at(clock_start, t).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc1123z(clock_start: datetime.datetime, t: float) -> str:
    """``kubectl describe``'s time format (``time.RFC1123Z``)."""
    return _at(clock_start, t).strftime("%a, %d %b %Y %H:%M:%S %z")


def block(fields: Sequence[tuple[str, object]]) -> list[str]:
    """A ``kubectl describe`` block: ``Label:`` then values aligned two spaces past the longest label
    (describe's tabwriter pads with 2); an empty label continues the previous field."""
    width = max(len(label) + 1 for label, _ in fields if label) + 2
    return [(f"{label + ':':<{width}}" if label else " " * width) + str(value) for label, value in fields]


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(doc: Any, output: str) -> str:
    """``-o json`` (4-space indent, as kubectl) or ``-o yaml`` (no anchors)."""
    if output == "json":
        return json.dumps(doc, indent=4) + "\n"
    return yaml.dump(doc, Dumper=_NoAliases, sort_keys=False, default_flow_style=False)
