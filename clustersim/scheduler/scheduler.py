"""The scheduler component: watch pods and nodes, run scheduling cycles, bind.

Upstream ``pkg/scheduler/schedule_one.go``: pop a pod, filter nodes starting at a rotating index
until ``numFeasibleNodesToFind`` feasible nodes are found, score them (skipped when only one is
feasible), pick the highest total (ties at random, from the run's seed), assume and bind. A pod
that fits nowhere gets a FailedScheduling event with upstream's message and goes back to the queue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from typing import Any

import numpy as np

from clustersim.api.objects import Node, Pod
from clustersim.config.models import SchedulerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, CycleState, FilterPlugin, ScorePlugin
from clustersim.scheduler.plugins.node_resources_fit import NodeResourcesFit
from clustersim.scheduler.queue import QueuedPod, SchedulingQueue
from clustersim.state import ADDED, DELETED, ClusterState

__all__ = ["Scheduler", "build_plugin", "failed_scheduling_message", "num_feasible_nodes_to_find"]

_EMPTY = np.zeros(0, dtype=np.int64)
MAX_SHAPES = 64  # request shapes whose per-node results are kept
MAX_INCREMENTAL_CHANGES = 512  # beyond this many changed rows, recompute the vectors instead
MAX_LOG = 1 << 16
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
SCHEDULER_NAME = "default-scheduler"


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int) -> int:
    """``numFeasibleNodesToFind`` (schedule_one.go); ``percentage`` 0 means adaptive."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    pct = percentage
    if pct == 0:
        pct = max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - num_all_nodes // 125)
    num = num_all_nodes * pct // 100
    return max(num, MIN_FEASIBLE_NODES_TO_FIND)


def failed_scheduling_message(total: int, reasons: Counter[str]) -> str:
    """``0/N nodes are available: <count> <reason>, ...`` with reasons sorted as upstream."""
    parts = sorted(f"{count} {reason}" for reason, count in reasons.items())
    return f"0/{total} nodes are available: {', '.join(parts)}."


def build_plugin(name: str, args: dict[str, Any] | None = None) -> Any:
    """Instantiate a registered plugin with its args."""
    cls = SCHEDULER_PLUGINS.get(name)
    if args and hasattr(cls, "from_args"):
        return cls.from_args(args)
    if args:
        raise ValueError(f"plugin {name} takes no args")
    return cls()


class Scheduler:
    """One scheduler with one profile."""

    def __init__(self, env: ClusterEnv, state: ClusterState, rec: Recorder, cfg: SchedulerConfig) -> None:
        self.env, self.state, self.rec, self.cfg = env, state, rec, cfg
        self.nodes = NodeTable()
        self.queue = SchedulingQueue(env, cfg.pod_initial_backoff_s, cfg.pod_max_backoff_s,
                                     cfg.pod_max_in_unschedulable_pods_duration_s)
        self.filters: list[FilterPlugin] = [build_plugin(n) for n in cfg.filters]
        self.scores: list[tuple[ScorePlugin, int]] = [(build_plugin(p.name, p.args), p.weight) for p in cfg.scores]
        for f in self.filters:
            if not isinstance(f, FilterPlugin):
                raise TypeError(f"{f.name} is not a filter plugin")
        for s, _ in self.scores:
            if not isinstance(s, ScorePlugin):
                raise TypeError(f"{s.name} is not a score plugin")
        self.rng = env.stream("scheduler")
        self.next_start = 0
        self.decisions = 0
        self._queued = -1
        self._shapes: dict[tuple[int, int], tuple[int, int, np.ndarray, np.ndarray]] = {}
        self._spec_keys: dict[int, tuple[object, int | None]] = {}  # id(spec) -> (spec, interned shape id)
        self._shape_ids: dict[tuple[object, ...], int] = {}
        self._want: dict[int, int] = {}
        self._fit_score = next((p for p, _ in self.scores if isinstance(p, NodeResourcesFit)), None)

    def start(self) -> None:
        """Watch pods and nodes; start the scheduling loop."""
        self.state.watch("Node", self._on_node)
        self.state.watch("Pod", self._on_pod)
        self.env.process(self.schedule_loop())

    # ---- informers
    def _on_node(self, etype: str, node: Node) -> None:
        if etype == DELETED:
            self.nodes.remove_node(node.meta.name)
            return
        self.nodes.upsert_node(node)
        self.queue.move_all_to_active_or_backoff()

    def _on_pod(self, etype: str, pod: Pod) -> None:
        if etype == DELETED:
            self.queue.delete(pod)
            if self.nodes.remove_pod(pod):
                self.queue.move_all_to_active_or_backoff()
            self._level()
            return
        if pod.node_name:
            if pod.meta.uid not in self.nodes.assigned:
                self.queue.delete(pod)
                self.nodes.add_pod(pod, pod.node_name)
        elif etype == ADDED and pod.spec.scheduler_name == SCHEDULER_NAME and not pod.terminating:
            self.queue.add(pod)
            self._level()

    def _level(self) -> None:
        n = len(self.queue)
        if n != self._queued:
            self._queued = n
            self.rec.level("pods_unscheduled", n)

    # ---- scheduling
    def schedule_loop(self) -> Generator[Any, Any, None]:
        """Pop and schedule pods, forever."""
        cost = self.cfg.pod_scheduling_s
        while True:
            info = self.queue.pop()
            if info is None:
                yield self.queue.wait()
                continue
            if cost > 0:
                yield self.env.timeout(cost)
            self.schedule_one(info)

    def schedule_one(self, info: QueuedPod) -> str | None:
        """One scheduling cycle; returns the chosen node or None."""
        pod = info.pod
        cycle = self.queue.scheduling_cycle
        if self.state.get("Pod", pod.key) is not pod or pod.node_name or pod.terminating:
            self.queue.done(info)
            self._level()
            return None
        self.decisions += 1
        state = CycleState()
        reused = self._reusable(pod)
        if reused is not None:
            mask, scores = reused
            feasible, total, failed = self._window(mask)
            cand = self.nodes.candidates()
            if len(feasible) > 1:
                sub = scores[feasible]
                best = (sub == sub.max()).nonzero()[0]
                i = int(cand[feasible[best[0] if len(best) == 1 else best[self.rng.integers(len(best))]]])
            elif len(feasible) == 1:
                i = int(cand[feasible[0]])
            else:
                failed = cand[failed]
        else:
            feasible, total, failed = self.find_feasible(state, pod)
            if len(feasible):
                i = int(feasible[0]) if len(feasible) == 1 else self.select_host(state, pod, feasible)
        if len(feasible) == 0:
            self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "FailedScheduling",
                           failed_scheduling_message(total, self.diagnose(state, pod, failed)), "", "Warning")
            self.queue.add_unschedulable(info, cycle)
            return None
        node = self.nodes.names[i]
        self.nodes.add_pod(pod, node)  # assume
        self.queue.done(info)
        if self.cfg.binding_latency_s > 0:
            self.env.timeout(self.cfg.binding_latency_s).callbacks.append(lambda _e: self._bind(pod, node))
        else:
            self._bind(pod, node)
        return node

    def _bind(self, pod: Pod, node: str) -> None:
        if self.state.get("Pod", pod.key) is not pod or pod.terminating:
            self.nodes.remove_pod(pod)
            return
        self.state.bind(pod, node)
        self.rec.pod_mark(pod.meta.uid, "scheduled_s")
        self.rec.pod_mark(pod.meta.uid, "node", node)
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "Scheduled",
                       f"Successfully assigned {pod.key} to {node}", node)
        self._level()

    def _reusable(self, pod: Pod) -> tuple[np.ndarray, np.ndarray] | None:
        """Feasibility and scores over the candidates, kept per pod shape and updated incrementally.

        Every filter's verdict for a node depends only on that node's row and the pod; so does
        NodeResourcesFit's score. When that score is the only one not skipped, the results for pods of
        the same shape (requests, tolerations, nodeName, nodeSelector, active filters) are kept, and
        only rows changed since (mostly the node the last such pod went to) are recomputed, with the
        same formulas in exact integers. The choice is the one the full vector path makes (a test
        checks this).
        """
        fit_score = self._fit_score
        if fit_score is None:
            return None
        nodes = self.nodes
        for plugin, _ in self.scores:
            if plugin is not fit_score and not plugin.skip_score(pod, nodes):
                return None
        spec = pod.spec
        cached = self._spec_keys.get(id(spec))
        if cached is None or cached[0] is not spec:
            shape = fit_score.shape_key(pod)
            part = None if shape is None else (shape, spec.tolerations, spec.node_name, spec.node_selector)
            shape_id = None if part is None else self._shape_ids.setdefault(part, len(self._shape_ids))
            cached = self._spec_keys[id(spec)] = (spec, shape_id)
        if cached[1] is None:
            return None
        active = []
        bits = 0
        for k, f in enumerate(self.filters):
            if not f.skip(pod, nodes):
                if not getattr(f, "per_node_static", True):
                    return None  # its verdict depends on other pods: no reuse
                active.append(f)
                bits |= 1 << k
        key = (cached[1], bits)
        cand = nodes.candidates()
        entry = self._shapes.get(key)
        log = nodes.changes
        if entry is None or entry[0] != nodes.epoch or len(log) - entry[1] > MAX_INCREMENTAL_CHANGES:
            state = CycleState()
            mask = np.ones(len(cand), dtype=bool)
            for f in active:
                mask &= f.filter(state, pod, nodes, cand)
            scores = np.asarray(fit_score.score(state, pod, nodes, cand), dtype=np.float64)
            if len(self._shapes) >= MAX_SHAPES:
                self._shapes.pop(next(iter(self._shapes)))
        else:
            _, pos, mask, scores = entry
            where = nodes.positions()
            for i in set(log[pos:]):
                j = where[i]
                if j >= 0:
                    mask[j] = all(f.filter_one(pod, nodes, i) for f in active)
                    scores[j] = fit_score.score_one(pod, nodes, i)
        self._shapes[key] = (nodes.epoch, len(log), mask, scores)
        if len(log) > 4 * MAX_LOG:
            nodes.compact_changes()
        return mask, scores

    def _window(self, mask: np.ndarray | None) -> tuple[np.ndarray, int, np.ndarray]:
        """Positions (into the candidates) of the feasible nodes to score, from the rotating start.

        Returns (feasible positions, number of nodes, positions of the rejected nodes examined).
        Upstream stops filtering once ``numFeasibleNodesToFind`` nodes passed and moves
        ``nextStartNodeIndex`` past the nodes it examined.
        """
        n = len(self.nodes.candidates())
        if n == 0:
            return np.zeros(0, dtype=np.int64), 0, np.zeros(0, dtype=np.int64)
        start = self.next_start % n
        want = self._want.get(n)
        if want is None:
            want = self._want[n] = num_feasible_nodes_to_find(n, self.cfg.percentage_of_nodes_to_score)
        if mask is None:
            order = np.arange(n)
            pos = np.concatenate((order[start:], order[:start]))[:want]
        else:
            hits = mask.nonzero()[0]
            k = int(hits.searchsorted(start))
            pos = hits[k:k + want]
            if len(pos) < want and k > 0:
                pos = np.concatenate((pos, hits[: min(k, want - len(pos))]))
        if len(pos) >= want and want < n:
            processed = (int(pos[-1]) - start) % n + 1
        else:
            processed = n
        self.next_start = (start + processed) % n
        if mask is None or len(pos):
            return pos, n, _EMPTY
        examined = (np.arange(n) - start) % n < processed
        return pos, n, np.flatnonzero(examined & ~mask)

    def find_feasible(self, state: CycleState, pod: Pod) -> tuple[np.ndarray, int, np.ndarray]:
        """Feasible node indexes (at most numFeasibleNodesToFind, from the rotating start index).

        Returns (feasible, number of nodes, the rejected nodes that were examined). Each filter runs
        over all candidates as one vector operation; a node's verdict is the same as running the
        filters node by node.
        """
        nodes = self.nodes
        cand = nodes.candidates()
        mask: np.ndarray | None = None
        for plugin in self.filters:
            if plugin.skip(pod, nodes):
                continue
            ok = plugin.filter(state, pod, nodes, cand)
            mask = ok if mask is None else mask & ok
        pos, n, failed = self._window(mask)
        return cand[pos], n, cand[failed]

    def diagnose(self, state: CycleState, pod: Pod, failed: np.ndarray) -> Counter[str]:
        """Reason histogram over the rejected nodes: the first failing filter of each, as upstream."""
        reasons: Counter[str] = Counter()
        for i in failed:
            one = np.array([i])
            for plugin in self.filters:
                if not plugin.skip(pod, self.nodes) and not plugin.filter(state, pod, self.nodes, one)[0]:
                    reasons.update(plugin.reasons(state, pod, self.nodes, int(i))[1])
                    break
        return reasons

    def select_host(self, state: CycleState, pod: Pod, feasible: np.ndarray) -> int:
        """Weighted sum of normalised scores; a random node among the best (selectHost)."""
        total: np.ndarray | None = None
        for plugin, weight in self.scores:
            if plugin.skip_score(pod, self.nodes):
                continue
            s = plugin.score(state, pod, self.nodes, feasible)
            if not getattr(plugin, "normalize_is_identity", False):
                s = plugin.normalize(state, pod, s)
            if weight != 1:
                s = s * weight
            total = s if total is None else total + s
        if total is None:
            total = np.zeros(len(feasible), dtype=np.int64)
        best = np.flatnonzero(total == total.max())
        if len(best) == 1:
            return int(feasible[best[0]])
        return int(feasible[best[self.rng.integers(len(best))]])
