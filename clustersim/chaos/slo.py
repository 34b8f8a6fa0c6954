"""Krkn SLOs on a run: the alert expressions that the run's metrics can answer, and the resiliency score.

An SLO fails when its expression returns any sample during the window (an alert that fires), as
Prometheus alerting reads an expression; one that returns nothing passes (krkn/prometheus/collector.py:
"absence of data indicates the condition did not trigger"). The score is krkn/resiliency/score.py's:
``int((total - lost) / total x 100)`` over the evaluated SLOs' weights (critical 3, warning and others 1,
or the SLO's own ``weight``); SLOs the run cannot answer are left out of the score, as Krkn leaves out
those not in its results, and listed.

Expressions are parsed by ``promql-parser``; evaluated: instant vector selectors with label matchers
(=, !=, =~, !~), ``sum``/``min``/``max``/``avg``/``count`` with ``by``/``without``, arithmetic and
comparisons with numbers (``bool`` too), ``and``/``or``/``unless`` by labels. The metrics, from the run's
kube-state view:

| metric | labels | from |
|---|---|---|
| kube_deployment_spec_replicas, kube_deployment_status_replicas_{ready,available,updated} | namespace, deployment | the replica counts |
| kube_node_status_condition | node, condition="Ready", status="true"/"false" | node_ready |
| kube_pod_status_phase | phase="Pending"/"Running" (one series: the count) | pods_pending, pods_running |
| kube_endpoint_address_available | namespace, endpoint | service_ready_endpoints |
| up | job (a Service's name), namespace | 1 while the Service has a ready endpoint |
| clustersim_request_success_ratio | namespace, service | per traffic step |

Range functions (``rate``, ``avg_over_time``, ...), offsets and metrics the simulator has no counterpart
for (etcd, API server latency, container CPU) are not evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from clustersim.chaos.model import SLO
from clustersim.metrics.summary import Series, Step

__all__ = ["SLOResult", "evaluate_slos", "resiliency_score"]

Vector = dict[tuple[tuple[str, str], ...], float]


class NotEvaluated(Exception):
    """The run cannot answer the expression (a reason)."""


class SLOResult:
    """One SLO on one run: passed, failed, or not evaluated (with the reason)."""

    __slots__ = ("slo", "passed", "reason")

    def __init__(self, slo: SLO, passed: bool | None, reason: str = "") -> None:
        self.slo, self.passed, self.reason = slo, passed, reason


def _families(ts: pd.DataFrame, requests: pd.DataFrame) -> dict[str, list[tuple[dict[str, str], Step]]]:
    series = Series(ts)
    fam: dict[str, list[tuple[dict[str, str], Step]]] = {}
    keys = ts[["metric", "namespace", "name"]].drop_duplicates() if not ts.empty else pd.DataFrame(columns=["metric", "namespace", "name"])
    for metric, ns, name in keys.itertuples(index=False):
        step = series.get(str(metric), str(ns), str(name))
        m = str(metric)
        dep = {"desired_replicas": "kube_deployment_spec_replicas", "ready_replicas": "kube_deployment_status_replicas_ready",
               "available_replicas": "kube_deployment_status_replicas_available", "updated_replicas": "kube_deployment_status_replicas_updated"}
        if m in dep:
            fam.setdefault(dep[m], []).append(({"namespace": str(ns), "deployment": str(name)}, step))
        elif m == "node_ready":
            fam.setdefault("kube_node_status_condition", []).append(({"node": str(name), "condition": "Ready", "status": "true"}, step))
            fam["kube_node_status_condition"].append(({"node": str(name), "condition": "Ready", "status": "false"},
                                                      Step(step.t, 1.0 - step.v)))
        elif m in ("pods_pending", "pods_running"):
            fam.setdefault("kube_pod_status_phase", []).append(({"phase": m.split("_")[1].capitalize()}, step))
        elif m == "service_ready_endpoints":
            fam.setdefault("kube_endpoint_address_available", []).append(({"namespace": str(ns), "endpoint": str(name)}, step))
            fam.setdefault("up", []).append(({"namespace": str(ns), "job": str(name), "service": str(name)},
                                             Step(step.t, (step.v >= 1).astype(float))))
    if not requests.empty:
        for (ns, svc), df in requests.groupby(["namespace", "service"]):
            ok = 1.0 - df["failed"].to_numpy(float) / np.maximum(df["requests"].to_numpy(float), 1)
            fam.setdefault("clustersim_request_success_ratio", []).append(({"namespace": str(ns), "service": str(svc)},
                                                                          Step(df["t"].to_numpy(float), ok)))
    return fam


class _Eval:
    def __init__(self, families: dict[str, list[tuple[dict[str, str], Step]]], grid: np.ndarray) -> None:
        self.families, self.grid = families, grid

    def eval(self, node: Any) -> np.ndarray | list[tuple[dict[str, str], np.ndarray]]:
        """A number (one value per grid time) or a vector (labels, values per grid time; NaN where absent)."""
        import promql_parser as pp

        if isinstance(node, pp.NumberLiteral):
            return np.full(len(self.grid), float(node.val))
        if isinstance(node, pp.ParenExpr):
            return self.eval(node.expr)
        if isinstance(node, pp.VectorSelector):
            return self._select(node)
        if isinstance(node, pp.AggregateExpr):
            return self._aggregate(node)
        if isinstance(node, pp.BinaryExpr):
            return self._binary(node)
        if isinstance(node, pp.UnaryExpr):
            inner = self.eval(node.expr)
            return -inner if isinstance(inner, np.ndarray) else [(lab, -v) for lab, v in inner]
        raise NotEvaluated(f"{type(node).__name__} is not evaluated (range functions and calls are not)")

    def _select(self, node: Any) -> list[tuple[dict[str, str], np.ndarray]]:
        if node.offset is not None or node.at is not None:
            raise NotEvaluated("offset and @ are not evaluated")
        name = node.name
        if name is None or name not in self.families:
            raise NotEvaluated(f"the run has no metric {name}")
        out = []
        for labels, step in self.families[name]:
            if all(_match(m, labels.get(m.name, "")) for m in node.matchers.matchers if m.name != "__name__"):
                out.append(({**labels, "__name__": name}, step.at(self.grid)))
        return out

    def _aggregate(self, node: Any) -> list[tuple[dict[str, str], np.ndarray]]:
        op = str(node.op).lower().split(".")[-1]
        funcs: dict[str, Callable[[np.ndarray], np.ndarray]] = {
            "sum": lambda a: np.nansum(a, axis=0), "min": lambda a: np.nanmin(a, axis=0), "max": lambda a: np.nanmax(a, axis=0),
            "avg": lambda a: np.nanmean(a, axis=0), "count": lambda a: np.sum(~np.isnan(a), axis=0).astype(float)}
        if op not in funcs:
            raise NotEvaluated(f"aggregation {op} is not evaluated")
        inner = self.eval(node.expr)
        if isinstance(inner, np.ndarray):
            raise NotEvaluated("aggregation of a number")
        mod = node.modifier
        groups: dict[tuple[tuple[str, str], ...], list[np.ndarray]] = {}
        for labels, v in inner:
            if mod is None:
                key: tuple[tuple[str, str], ...] = ()
            else:
                names = set(mod.labels) if hasattr(mod, "labels") else set()
                without = "without" in str(mod).lower()
                key = tuple(sorted((k, x) for k, x in labels.items() if k != "__name__" and ((k not in names) if without else (k in names))))
            groups.setdefault(key, []).append(v)
        out = []
        for key, vals in groups.items():
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    out.append((dict(key), funcs[op](np.vstack(vals))))
        return out

    def _binary(self, node: Any) -> np.ndarray | list[tuple[dict[str, str], np.ndarray]]:
        op = str(node.op)
        lhs, rhs = self.eval(node.lhs), self.eval(node.rhs)
        is_bool = node.modifier is not None and bool(getattr(node.modifier, "return_bool", False))
        if op in ("and", "or", "unless"):
            return _set_op(op, lhs, rhs)
        fn = _OPS.get(op)
        if fn is None:
            raise NotEvaluated(f"operator {op} is not evaluated")
        if isinstance(lhs, np.ndarray) and isinstance(rhs, np.ndarray):
            return fn(lhs, rhs).astype(float)
        if isinstance(lhs, np.ndarray) or isinstance(rhs, np.ndarray):
            vec, num, left = (rhs, lhs, False) if isinstance(lhs, np.ndarray) else (lhs, rhs, True)
            assert isinstance(vec, list) and isinstance(num, np.ndarray)
            out = []
            for labels, v in vec:
                res = fn(v, num) if left else fn(num, v)
                if op in _CMP:
                    res = res.astype(float) if is_bool else np.where(res, v, np.nan)
                out.append(({k: x for k, x in labels.items() if k != "__name__"}, res.astype(float)))
            return out
        raise NotEvaluated("vector-vector arithmetic and comparisons are not evaluated")


_CMP = {"==", "!=", ">", "<", ">=", "<="}
_OPS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "==": np.equal, "!=": np.not_equal, ">": np.greater, "<": np.less, ">=": np.greater_equal, "<=": np.less_equal,
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": lambda a, b: np.divide(a, b, out=np.full_like(a, np.nan), where=b != 0)}


def _set_op(op: str, lhs: Any, rhs: Any) -> list[tuple[dict[str, str], np.ndarray]]:
    if isinstance(lhs, np.ndarray) or isinstance(rhs, np.ndarray):
        raise NotEvaluated(f"{op} needs vectors")
    right = {tuple(sorted(k for k in lab.items() if k[0] != "__name__")): v for lab, v in rhs}
    out = []
    for lab, v in lhs:
        key = tuple(sorted(k for k in lab.items() if k[0] != "__name__"))
        other = right.get(key)
        present = ~np.isnan(other) if other is not None else np.zeros(len(v), bool)
        out.append((lab, np.where(present, v, np.nan) if op == "and" else np.where(present, np.nan, v) if op == "unless" else v))
    if op == "or":
        seen = {tuple(sorted(k for k in lab.items() if k[0] != "__name__")) for lab, _ in lhs}
        out += [(lab, v) for lab, v in rhs if tuple(sorted(k for k in lab.items() if k[0] != "__name__")) not in seen]
    return out


def _match(m: Any, value: str) -> bool:
    op = str(m.op).split(".")[-1]
    if op == "Equal":
        return value == m.value
    if op == "NotEqual":
        return value != m.value
    if op in ("Re", "NotRe"):
        hit = re.fullmatch(m.value, value) is not None
        return hit if op == "Re" else not hit
    raise NotEvaluated(f"matcher {op}")


def evaluate_slos(slos: list[SLO], ts: pd.DataFrame, requests: pd.DataFrame, start_s: float, end_s: float) -> list[SLOResult]:
    """Each SLO over [start_s, end_s] of one run."""
    import promql_parser as pp

    fam = _families(ts, requests)
    change_times = [np.asarray(step.t) for items in fam.values() for _, step in items]
    grid = np.unique(np.concatenate([np.array([start_s]), *[t[(t >= start_s) & (t <= end_s)] for t in change_times]]))
    ev = _Eval(fam, grid)
    out = []
    for slo in slos:
        try:
            res = ev.eval(pp.parse(slo.expr))
        except NotEvaluated as e:
            out.append(SLOResult(slo, None, str(e)))
            continue
        except (ValueError, TypeError, RuntimeError) as e:
            out.append(SLOResult(slo, None, f"cannot parse: {e}"))
            continue
        if isinstance(res, np.ndarray):
            fired = bool(np.any(res[~np.isnan(res)] > 0))
        else:
            fired = any(bool(np.any(~np.isnan(v))) for _, v in res)
        out.append(SLOResult(slo, not fired))
    return out


def resiliency_score(results: list[SLOResult]) -> tuple[float | None, dict[str, Any]]:
    """Krkn's score over the evaluated SLOs, and its breakdown (None when nothing was evaluated)."""
    done = [r for r in results if r.passed is not None]
    total = sum(r.slo.weight for r in done)
    lost = sum(r.slo.weight for r in done if not r.passed)
    score = None if total == 0 else float(int((total - lost) / total * 100))
    return score, {"total_points": total, "points_lost": lost, "passed": sum(1 for r in done if r.passed),
                   "failed": sum(1 for r in done if not r.passed), "not_evaluated": len(results) - len(done)}
