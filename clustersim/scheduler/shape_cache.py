"""Feasibility and scores per pod shape, kept up to date row by row: the scheduling cycle's fast lane.

Most pods a cluster schedules are copies of a few templates. When every active filter's verdict for
a node depends only on that node's row and the pod (NodeResourcesFit, TaintToleration, NodeAffinity,
... but not PodTopologySpread's DoNotSchedule or InterPodAffinity's required terms), the verdicts and
the per-node static scores (NodeResourcesFit, BalancedAllocation, ...) computed for one pod hold for
the next pod of the same shape, except on the nodes whose row changed since: the cache's change log
names them, and only they are recomputed, with the plugins' per-row forms (``filter_rows``/
``score_rows``, or ``filter_one``/``score_one``). Active scores that depend on other pods are left to
the scheduler, which computes them over the window each cycle. The result is what the full path
would compute, so the scheduler's choice is the same (tests check this).

A shape is the pod's requests, tolerations, nodeName, nodeSelector, node affinity, host ports and
images, under one profile with one set of plugins active. Which plugins are active (their
PreFilter/PreScore skips) is worked out once per pod spec object: again only when
``NodeTable.skip_epoch`` moves, for plugins that declare ``skip_reads = "cluster"``; never again for
``skip_reads = "spec"``; every cycle for plugins that declare neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from clustersim.api.objects import Pod
from clustersim.api.types import PodSpec
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import CycleState
from clustersim.scheduler.plugins.resource_allocation import RowsUpdate, fused_rows

if TYPE_CHECKING:
    from clustersim.scheduler.scheduler import Framework

__all__ = ["ShapeCache", "ShapeEntry"]

MAX_SHAPES = 64  # shapes whose per-node results are kept
MAX_PLANS = 4096  # pod specs whose plan is kept
MAX_INCREMENTAL_CHANGES = 512  # beyond this many changed rows, recompute the vectors instead
MAX_LOG = 1 << 18  # change-log length at which it is dropped (every shape is then recomputed once)

RowFn = Callable[[Pod, NodeTable, list[int]], list[Any]]  # a plugin's filter_rows or score_rows


@dataclass(slots=True)
class ShapeEntry:
    """One shape's results over the candidate nodes (positions into ``NodeTable.candidates()``)."""

    epoch: int
    seen: int  # change-log length when last brought up to date
    eff: np.ndarray  # per position: the weighted sum of the active scores, or -1 where a filter rejects
    vals: list[int]  # the same numbers as a list: single positions are read far more cheaply there
    n_rejected: int  # how many positions hold -1
    update: RowsUpdate  # recomputes rows in place (see resource_allocation.fused_rows)


@dataclass(slots=True)
class _Plan:
    """What one pod spec asks of one framework: which plugins its PreFilter/PreScore leave active."""

    spec: PodSpec
    fw: Framework
    owner: object
    namespace: str
    shape_id: int | None  # None: never reusable
    spec_fbits: int  # filters and scores active whatever the cluster (skip_reads "spec")
    spec_sbits: int
    cluster: tuple[tuple[str, int, Any, bool, bool], ...]  # ("f"/"s", position, plugin, reusable, keyed), skip_reads "cluster"
    each: tuple[tuple[str, int, Any, bool, bool], ...]  # the same for plugins asked every cycle
    spec_dbits: int
    skip_epoch: int = -1
    fbits: int = 0  # spec bits plus the cluster ones, valid at skip_epoch
    sbits: int = 0
    dbits: int = 0  # active scores that are not per-node static: computed over the window each cycle
    extra: tuple[object, ...] = ()  # reuse keys of the active keyed "cluster" plugins, valid at skip_epoch
    blocked: bool = False  # an active filter is not per-node static: nothing can be reused


class ShapeCache:
    """Per-shape result vectors of one scheduler's frameworks over its ``NodeTable``."""

    def __init__(self, nodes: NodeTable) -> None:
        self.nodes = nodes
        self._plans: dict[int, _Plan] = {}  # id(spec) -> plan (the plan holds the spec, so the id is not reused)
        self._shape_ids: dict[tuple[object, ...], int] = {}
        self._entries: dict[tuple[object, ...], ShapeEntry] = {}
        self._where: list[int] = []  # node index -> candidate position (-1: absent), for _where_epoch
        self._where_epoch = -1

    def _plan(self, fw: Framework, pod: Pod) -> _Plan:
        if len(self._shape_ids) >= 4 * MAX_PLANS:  # many one-off specs (a trace replay): start over
            self._shape_ids.clear()
            self._entries.clear()
            self._plans.clear()
        spec, nodes = pod.spec, self.nodes
        fit = fw.fit
        shape = None if fit is None else fit.shape_key(pod)
        shape_id = None
        if shape is not None:
            part = (fw.name, shape, spec.tolerations, spec.node_name, spec.node_selector, spec.affinity, spec.host_ports,
                    tuple(c.image for c in (*spec.init_containers, *spec.containers)))
            shape_id = self._shape_ids.setdefault(part, len(self._shape_ids))
        fbits = sbits = dbits = 0
        cluster: list[tuple[str, int, Any, bool, bool]] = []
        each: list[tuple[str, int, Any, bool, bool]] = []
        for k, (f, static) in enumerate(fw.filter_info):
            reads = getattr(f, "skip_reads", None)
            if reads == "cluster":
                cluster.append(("f", k, f, static, False))
            elif reads != "spec":
                each.append(("f", k, f, static, False))
            elif not f.skip(pod, nodes):
                fbits |= 1 << k
                shape_id = shape_id if static else None
        for k, (p, _, static, keyed) in enumerate(fw.score_info):
            reads = getattr(p, "skip_reads", None)
            if reads == "cluster":  # a keyed plugin's reuse_key then reads only what skip_epoch covers too
                cluster.append(("s", k, p, static, keyed))
            elif keyed or reads != "spec":
                each.append(("s", k, p, static, keyed))
            elif not p.skip_score(pod, nodes):
                if static:
                    sbits |= 1 << k
                else:
                    dbits |= 1 << k
        if len(self._plans) >= MAX_PLANS:
            self._plans.clear()
        plan = self._plans[id(spec)] = _Plan(spec, fw, pod.meta.owner, pod.meta.namespace, shape_id, fbits, sbits,
                                             tuple(cluster), tuple(each), dbits)
        return plan

    def _ask(self, asks: tuple[tuple[str, int, Any, bool, bool], ...], pod: Pod, bits: tuple[int, int, int],
             extra: tuple[object, ...]) -> tuple[int, int, int, tuple[object, ...], bool]:
        """Run the skips of ``asks``: the active filter, static score and other score bits and reuse keys
        added, and whether an active filter is not per-node static (then nothing can be reused)."""
        nodes, blocked = self.nodes, False
        fbits, sbits, dbits = bits
        for point, k, plugin, static, keyed in asks:
            if point == "f":
                if not plugin.skip(pod, nodes):
                    blocked = blocked or not static
                    fbits |= 1 << k
            elif not plugin.skip_score(pod, nodes):
                if static:
                    sbits |= 1 << k
                else:
                    dbits |= 1 << k
                if keyed:
                    extra += plugin.reuse_key(pod, nodes)
        return fbits, sbits, dbits, extra, blocked

    def _refresh(self, plan: _Plan, pod: Pod) -> None:
        """Ask the ``skip_reads = "cluster"`` plugins again (the facts they read moved)."""
        plan.fbits, plan.sbits, plan.dbits, plan.extra, plan.blocked = self._ask(
            plan.cluster, pod, (plan.spec_fbits, plan.spec_sbits, plan.spec_dbits), ())
        plan.skip_epoch = self.nodes.skip_epoch

    def lookup(self, fw: Framework, pod: Pod) -> tuple[ShapeEntry, int] | None:
        """The pod's shape entry, brought up to date, and the bits (positions in ``fw.scores``) of the
        active scores that are not per-node static, which the caller computes over the window; None
        when an active filter is not per-node static or the pod's requests cannot be keyed."""
        meta = pod.meta
        plan = self._plans.get(id(pod.spec))
        if plan is None or plan.spec is not pod.spec or plan.fw is not fw or plan.namespace != meta.namespace \
                or (plan.owner is not meta.owner and plan.owner != meta.owner):
            plan = self._plan(fw, pod)
        if plan.shape_id is None:
            return None
        nodes = self.nodes
        if plan.skip_epoch != nodes.skip_epoch:
            self._refresh(plan, pod)
        if plan.blocked:
            return None  # an active filter's verdict depends on other pods
        fbits, sbits, dbits, extra = plan.fbits, plan.sbits, plan.dbits, plan.extra
        if plan.each:
            fbits, sbits, dbits, extra, blocked = self._ask(plan.each, pod, (fbits, sbits, dbits), extra)
            if blocked:
                return None  # an active filter's verdict depends on other pods
        key = (plan.shape_id, fbits, sbits, extra)
        entry = self._entries.get(key)
        log = nodes.changes
        if entry is None or entry.epoch != nodes.epoch or len(log) - entry.seen > MAX_INCREMENTAL_CHANGES:
            entry = self._compute(fw, pod, fbits, sbits)
            if entry is None:
                return None
            if key not in self._entries and len(self._entries) >= MAX_SHAPES:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = entry
        elif entry.seen < len(log):
            # recompute the rows changed since (a row listed twice is recomputed twice, harmlessly)
            changed = log[entry.seen:]
            if self._where_epoch != nodes.epoch:
                self._where = nodes.positions().tolist()
                self._where_epoch = nodes.epoch
            delta = entry.update(changed if len(changed) <= 64 else list(set(changed)), self._where)
            if delta is None:  # a score came out negative
                del self._entries[key]
                return None
            entry.n_rejected += delta
            entry.seen = len(log)
        if len(log) > MAX_LOG:
            nodes.compact_changes()
        return entry, dbits

    def _compute(self, fw: Framework, pod: Pod, fbits: int, sbits: int) -> ShapeEntry | None:
        """The full vectors over every candidate, with the same plugin calls as the full path."""
        nodes = self.nodes
        cand = nodes.candidates()
        state = CycleState()
        mask = np.ones(len(cand), dtype=bool)
        filters = [f for k, (f, _) in enumerate(fw.filter_info) if fbits >> k & 1]
        for f in filters:
            mask &= f.filter(state, pod, nodes, cand)
        scores = np.zeros(len(cand), dtype=np.int64)
        active = [(p, w) for k, (p, w, _, _) in enumerate(fw.score_info) if sbits >> k & 1]
        for p, w in active:
            scores += np.asarray(p.score(state, pod, nodes, cand), dtype=np.int64) * w
        if len(scores) and int(scores.min()) < 0:
            return None  # a negative score would read as the rejected mark
        eff = np.where(mask, scores, -1)
        values = _generic_values(filters, active, pod, nodes)
        vals = eff.tolist()
        fused = fused_rows(filters, active, pod, nodes, eff, vals, lambda i: values([i])[0])
        return ShapeEntry(nodes.epoch, len(nodes.changes), eff, vals, len(cand) - int(np.count_nonzero(mask)),
                          fused or _generic_update(values, eff, vals))


def _generic_values(filters: list[Any], scores: list[tuple[Any, int]], pod: Pod, nodes: NodeTable) -> Callable[[list[int]], list[int]]:
    """Rows through each plugin's per-row form: -1 where a filter rejects, else the weighted score sum
    (a negative sum comes out below -1, so the caller can tell)."""
    filter_fns = [_rows_form(f, "filter") for f in filters]
    score_fns = [(_rows_form(p, "score"), w) for p, w in scores]

    def values(rows: list[int]) -> list[int]:
        out = [0] * len(rows)
        for fn, weight in score_fns:
            for n, s in enumerate(fn(pod, nodes, rows)):
                out[n] += s * weight
        out = [min(v, -2) if v < 0 else v for v in out]
        for fn in filter_fns:
            for n, ok in enumerate(fn(pod, nodes, rows)):
                if not ok:
                    out[n] = -1
        return out

    return values


def _generic_update(values: Callable[[list[int]], list[int]], eff: np.ndarray, vals: list[int]) -> RowsUpdate:
    """``fused_rows``' contract over any per-node static plugins, through their per-row forms."""
    def update(rows: list[int], where: list[int]) -> int | None:
        rows = [i for i in rows if where[i] >= 0]
        delta = 0
        for i, new in zip(rows, values(rows), strict=True):
            if new < -1:
                return None
            j = where[i]
            old = vals[j]
            if new != old:
                vals[j] = eff[j] = new
                delta += -1 if old < 0 else (new < 0)
        return delta

    return update


def _rows_form(plugin: Any, point: str) -> RowFn:
    """A plugin's ``filter_rows``/``score_rows`` (``point`` is filter or score), or one built from its
    ``filter_one``/``score_one``."""
    rows = getattr(plugin, f"{point}_rows", None)
    if rows is not None:
        return rows  # type: ignore[no-any-return]
    one = getattr(plugin, f"{point}_one")
    return lambda pod, nodes, idx: [one(pod, nodes, i) for i in idx]
