"""The scheduling framework's contract, after ``kube-scheduler/framework/interface.go``.

Plugins work on a set of candidate nodes at once (``idx``, indexes into the ``NodeTable``), so hot
filters and scores are numpy expressions; a plugin that cannot be vectorised loops inside. The
per-node answer is the same as upstream's ``Filter(ctx, state, pod, nodeInfo)``; ``reasons`` gives
the rejection reasons for one node, called only on the failure path.
"""

from __future__ import annotations

import enum
from typing import Any, Protocol, runtime_checkable

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.util.registry import Registry

__all__ = [
    "MAX_NODE_SCORE", "SCHEDULER_PLUGINS", "Code", "CycleState", "FilterPlugin", "PerNodeFilter", "ScorePlugin",
    "default_normalize_score", "reject_unknown_args",
]

MAX_NODE_SCORE = 100  # framework.MaxNodeScore
SCHEDULER_PLUGINS: Registry[Any] = Registry("scheduler plugin")


class Code(enum.Enum):
    """Status codes of ``framework.Status``."""

    SUCCESS = "Success"
    ERROR = "Error"
    UNSCHEDULABLE = "Unschedulable"
    UNSCHEDULABLE_AND_UNRESOLVABLE = "UnschedulableAndUnresolvable"
    SKIP = "Skip"


class CycleState(dict[str, Any]):
    """Per-cycle scratch space shared by the plugins (``framework.CycleState``)."""


@runtime_checkable
class FilterPlugin(Protocol):
    """Rejects nodes that cannot run the pod."""

    name: str

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Boolean mask over ``idx``: True where the pod fits."""
        ...

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Status code and reasons why node ``i`` was rejected."""
        ...

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """PreFilter returning Skip: the filter would pass every node, so it is not run."""
        ...

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for the single node ``i`` (used for incremental updates)."""
        ...


class PerNodeFilter:
    """Base of filters that cannot be vectorised: ``filter``, ``filter_one`` and ``reasons`` all come
    from one per-node ``verdict`` (None: the node passes), so the three can never disagree."""

    def verdict(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, str] | None:
        """Why node ``i`` is rejected (status code and upstream reason), or None."""
        raise NotImplementedError

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Node by node over ``idx``."""
        return np.fromiter((self.verdict(state, pod, nodes, int(i)) is None for i in idx), dtype=bool, count=len(idx))

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for one node with a fresh PreFilter state."""
        return self.verdict(CycleState(), pod, nodes, i) is None

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """The rejection reason for node ``i``."""
        v = self.verdict(state, pod, nodes, i)
        return (Code.SUCCESS, []) if v is None else (v[0], [v[1]])


@runtime_checkable
class ScorePlugin(Protocol):
    """Ranks feasible nodes from 0 to MAX_NODE_SCORE after normalisation."""

    name: str

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Raw int64 scores over ``idx``."""
        ...

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """NormalizeScore (identity for plugins without ScoreExtensions)."""
        ...

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """PreScore returning Skip: every node would get the same score, so it cannot change the choice."""
        ...


def reject_unknown_args(args: dict[str, Any], allowed: set[str], prefix: str = "") -> None:
    """ValueError ``'<prefix><key>: unknown arg'`` for the first key not in ``allowed``."""
    unknown = set(args) - allowed
    if unknown:
        raise ValueError(f"{prefix}{sorted(unknown)[0]}: unknown arg")


def default_normalize_score(max_priority: int, reverse: bool, scores: np.ndarray) -> np.ndarray:
    """``helper.DefaultNormalizeScore`` (pkg/scheduler/framework/plugins/helper/normalize_score.go)."""
    scores = np.asarray(scores, dtype=np.int64)
    top = int(scores.max()) if len(scores) else 0
    if top == 0:
        return np.full_like(scores, max_priority) if reverse else scores.copy()
    out = max_priority * scores // top
    return max_priority - out if reverse else out
