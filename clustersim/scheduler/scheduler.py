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
from clustersim.scheduler.queue import QueuedPod, SchedulingQueue
from clustersim.state import ADDED, DELETED, ClusterState

__all__ = ["Scheduler", "build_plugin", "failed_scheduling_message", "num_feasible_nodes_to_find"]

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
        feasible, total, failed = self.find_feasible(state, pod)
        if len(feasible) == 0:
            self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "FailedScheduling",
                           failed_scheduling_message(total, self.diagnose(state, pod, failed)), "", "Warning")
            self.queue.add_unschedulable(info, cycle)
            return None
        i = int(feasible[0]) if len(feasible) == 1 else self.select_host(state, pod, feasible)
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

    def find_feasible(self, state: CycleState, pod: Pod) -> tuple[np.ndarray, int, np.ndarray]:
        """Feasible node indexes (at most numFeasibleNodesToFind, from the rotating start index).

        Returns (feasible, number of nodes, the rejected nodes that were examined). Each filter runs
        over all candidates as one vector operation; a node's verdict is the same as running the
        filters node by node.
        """
        nodes = self.nodes
        cand = nodes.candidates()
        n = len(cand)
        if n == 0:
            return cand, 0, cand
        mask: np.ndarray | None = None
        for plugin in self.filters:
            if plugin.skip(pod, nodes):
                continue
            ok = plugin.filter(state, pod, nodes, cand)
            mask = ok if mask is None else mask & ok
        start = self.next_start % n
        want = num_feasible_nodes_to_find(n, self.cfg.percentage_of_nodes_to_score)
        if mask is None:
            order = np.arange(n)
            pos = np.concatenate((order[start:], order[:start]))[:want]
        else:
            hits = np.flatnonzero(mask)
            pos = np.concatenate((hits[hits >= start], hits[hits < start]))[:want]
        if len(pos) >= want and want < n:
            processed = int((pos[-1] - start) % n) + 1
        else:
            processed = n
        self.next_start = (start + processed) % n
        if mask is None or len(pos):
            return cand[pos], n, cand[:0]
        examined = (np.arange(n) - start) % n < processed
        return cand[pos], n, cand[examined & ~mask]

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
