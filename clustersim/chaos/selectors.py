"""Selectors of the chaos formats to the fault catalogue's pod targets (``faults.pod_targets.PodTargetArgs``).

- ``parse_label_selector``: a Kubernetes label selector string (``app=web,tier!=db,env in (a,b),!legacy``),
  as ``labels.Parse`` reads it: Litmus ``applabel``, Chaos Toolkit ``label_selector``, Krkn ``label_selector``.
- ``chaos_mesh_pods``: Chaos Mesh's ``selector`` (``PodSelectorSpec``) plus ``mode``/``value``; an empty
  ``namespaces`` defaults to the chaos object's own namespace (api/v1alpha1/common_webhook.go).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from clustersim.chaos.model import ChaosError

__all__ = ["chaos_mesh_mode", "chaos_mesh_pods", "parse_label_selector"]

_SET = re.compile(r"^\s*([A-Za-z0-9./_-]+)\s+(in|notin)\s*\(([^)]*)\)\s*$")
MODES = ("one", "all", "fixed", "fixed-percent", "random-max-percent")


def _split(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def parse_label_selector(text: str) -> dict[str, Any]:
    """``labels`` and ``expressions`` of a selector string; ValueError with a short reason."""
    labels: dict[str, str] = {}
    exprs: list[dict[str, Any]] = []
    for part in _split(text or ""):
        m = _SET.match(part)
        if m:
            values = [v.strip() for v in m.group(3).split(",") if v.strip()]
            exprs.append({"key": m.group(1), "operator": "In" if m.group(2) == "in" else "NotIn", "values": values})
        elif "!=" in part:
            k, v = (x.strip() for x in part.split("!=", 1))
            exprs.append({"key": k, "operator": "NotIn", "values": [v]})
        elif "=" in part:
            k, v = (x.strip() for x in part.replace("==", "=").split("=", 1))
            if not k:
                raise ValueError(f"invalid label selector {text!r}")
            labels[k] = v
        elif part.startswith("!"):
            exprs.append({"key": part[1:].strip(), "operator": "DoesNotExist"})
        elif re.fullmatch(r"[A-Za-z0-9./_-]+", part):
            exprs.append({"key": part, "operator": "Exists"})
        else:
            raise ValueError(f"invalid label selector {text!r}")
    out: dict[str, Any] = {}
    if labels:
        out["labels"] = labels
    if exprs:
        out["expressions"] = exprs
    return out


Fail = Callable[[str, str], ChaosError]


def chaos_mesh_mode(spec: dict[str, Any], fail: Fail, field: str = "spec") -> dict[str, Any]:
    """``mode`` and ``value`` (a string in the CRD) as PodTargetArgs fields."""
    mode = spec.get("mode")
    if mode not in MODES:
        raise fail(f"{field}.mode", f"must be one of {', '.join(MODES)}, got {mode!r}")
    out: dict[str, Any] = {"mode": mode}
    if mode in ("fixed", "fixed-percent", "random-max-percent"):
        raw = spec.get("value")
        try:
            value = int(str(raw))
        except ValueError:
            raise fail(f"{field}.value", f"an integer is required with mode {mode}, got {raw!r}") from None
        if value <= 0 or (mode != "fixed" and value > 100):
            raise fail(f"{field}.value", f"must be in 1..{'100' if mode != 'fixed' else 'n'}, got {value}")
        out["value"] = value
    return out


def chaos_mesh_pods(spec: dict[str, Any], namespace: str, fail: Fail, field: str = "spec") -> dict[str, Any]:
    """A ``PodSelector`` (selector, mode, value) as PodTargetArgs fields."""
    sel = spec.get("selector") or {}
    if not isinstance(sel, dict):
        raise fail(f"{field}.selector", "must be a mapping")
    out: dict[str, Any] = chaos_mesh_mode(spec, fail, field)
    pods = sel.get("pods") or {}
    if pods:
        out["pods"] = [f"{ns}/{n}" for ns, names in sorted(pods.items()) for n in names or []]
    else:
        out["namespaces"] = list(sel.get("namespaces") or [namespace])
    for src, dst in (("labelSelectors", "labels"), ("annotationSelectors", "annotations"), ("nodeSelectors", "node_labels")):
        if sel.get(src):
            out[dst] = {str(k): str(v) for k, v in sel[src].items()}
    if sel.get("expressionSelectors"):
        out["expressions"] = [{"key": e["key"], "operator": e["operator"], "values": list(e.get("values") or [])}
                              for e in sel["expressionSelectors"]]
    if sel.get("nodes"):
        out["nodes"] = list(sel["nodes"])
    phases = [str(p) for p in sel.get("podPhaseSelectors") or []]
    if phases:
        keep = [p for p in phases if not p.startswith("!")]
        drop = [p[1:] for p in phases if p.startswith("!")]
        if keep:
            out["phases"] = keep
        if drop:
            out["not_phases"] = drop
    return out
