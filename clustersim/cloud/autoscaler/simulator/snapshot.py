"""The autoscaler's cluster snapshot (``simulator/clustersnapshot``) and the scheduler's filters run on it
(``simulator/clustersnapshot/predicate``), as upstream vendors the scheduler framework.

The snapshot is a ``NodeTable`` (the scheduler's own column store) kept from the autoscaler's Node and
Pod watches. Simulations ``fork`` it, place pods, add template nodes or take nodes out, and ``revert``
every change in reverse order. Filters are the default profile's, built from the scheduler's plugin
registry: PreFilter skips, then each Filter over the candidate nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from clustersim.api.objects import Node, Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, CycleState, FilterPlugin
from clustersim.scheduler.profile import default_profile

__all__ = ["ClusterSnapshot", "default_filters"]


def default_filters() -> list[FilterPlugin]:
    """The Filter plugins of kube-scheduler's default profile."""
    return [SCHEDULER_PLUGINS.get(name)() for name in default_profile().filters]


class ClusterSnapshot:
    """Nodes and bound pods as the scheduler's filters see them, with fork and revert."""

    def __init__(self, filters: list[FilterPlugin] | None = None) -> None:
        self.table = NodeTable()
        self.filters = filters if filters is not None else default_filters()
        self.nodes: dict[str, Node] = {}  # live Node objects (and template copies while forked)
        self._undo: list[list[Callable[[], Any]]] = []

    # ---- kept from the watches
    def upsert_node(self, node: Node) -> int:
        """A node was added or changed."""
        self.nodes[node.meta.name] = node
        return self.table.upsert_node(node)

    def remove_node(self, name: str) -> None:
        """A node was deleted."""
        self.nodes.pop(name, None)
        self.table.remove_node(name)

    def add_pod(self, pod: Pod, node: str) -> None:
        """A pod was bound to ``node``."""
        self.table.add_pod(pod, node)

    def remove_pod(self, pod: Pod) -> None:
        """A bound pod was deleted."""
        self.table.remove_pod(pod)

    # ---- simulation
    @property
    def forked(self) -> bool:
        """Changes are being recorded for a revert."""
        return bool(self._undo)

    def fork(self) -> None:
        """Start recording (forks nest)."""
        self._undo.append([])

    def revert(self) -> None:
        """Undo every change since the matching ``fork``."""
        for undo in reversed(self._undo.pop()):
            undo()

    def _record(self, undo: Callable[[], Any]) -> None:
        if self._undo:
            self._undo[-1].append(undo)

    def place(self, pod: Pod, i: int) -> None:
        """Put ``pod`` on node index ``i`` (moving it if it was elsewhere)."""
        table = self.table
        old = table.assigned.get(pod.meta.uid)
        if old is not None:
            table.remove_pod(pod)
            self._record(lambda: table.add_pod_at(pod, old[0]))
        table.add_pod_at(pod, i)
        self._record(lambda: table.remove_pod(pod))

    def unplace(self, pod: Pod) -> None:
        """Take ``pod`` off its node."""
        table = self.table
        old = table.assigned.get(pod.meta.uid)
        if old is not None:
            table.remove_pod(pod)
            self._record(lambda: table.add_pod_at(pod, old[0]))

    def add_node(self, node: Node) -> int:
        """Add a (template) node; reusing a name reuses its index."""
        i = self.upsert_node(node)
        name = node.meta.name
        self._record(lambda: self.remove_node(name))
        return i

    def hide_node(self, name: str) -> None:
        """Take a node and its pods out (as RemoveNodeInfo does in a forked snapshot)."""
        node = self.nodes.get(name)
        i = self.table.index.get(name)
        if node is None or i is None:
            return
        for pod in list(self.table.pods_on[i].values()):
            self.unplace(pod)
        self.remove_node(name)
        self._record(lambda: self.upsert_node(node))

    # ---- filters
    def feasible(self, pod: Pod, idx: np.ndarray) -> np.ndarray:
        """The node indexes of ``idx`` every filter passes, in order."""
        table, state = self.table, CycleState()
        for f in self.filters:
            if len(idx) == 0:
                break
            if f.skip(pod, table):
                continue
            idx = idx[f.filter(state, pod, table, idx)]
        return idx

    def reasons(self, pod: Pod, i: int) -> list[str]:
        """The first failing filter's reasons for node ``i`` (empty when the pod fits)."""
        table, state, one = self.table, CycleState(), np.array([i], dtype=np.int64)
        for f in self.filters:
            if f.skip(pod, table):
                continue
            if not f.filter(state, pod, table, one)[0]:
                return f.reasons(state, pod, table, i)[1] or [f.name]
        return []

    def fits(self, pod: Pod, i: int) -> bool:
        """Every filter passes node ``i`` (CheckPredicates), through each plugin's single-node form."""
        table = self.table
        for f in self.filters:
            if not f.skip(pod, table) and not f.filter_one(pod, table, i):
                return False
        return True

    def first_fit(self, pod: Pod, idx: np.ndarray) -> int | None:
        """The first node of ``idx`` the pod fits (FitsAnyNodeMatching), or None."""
        ok = self.feasible(pod, idx)
        return int(ok[0]) if len(ok) else None

    def indexes(self, names: list[str]) -> np.ndarray:
        """Node indexes of present nodes among ``names``, in that order."""
        index, present = self.table.index, self.table.present
        return np.array([index[n] for n in names if n in index and present[index[n]]], dtype=np.int64)
