"""DefaultPreemption (PostFilter): its args; the victim search is in ``scheduler/preemption.py`` and
the API side (nominate, delete victims) in the scheduler.

Defaults from pkg/scheduler/apis/config/v1/defaults.go SetDefaults_DefaultPreemptionArgs:
minCandidateNodesPercentage 10, minCandidateNodesAbsolute 100; validation from
validation_pluginargs.go ValidateDefaultPreemptionArgs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clustersim.scheduler.framework import SCHEDULER_PLUGINS, reject_unknown_args

DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE = 10
DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE = 100


@SCHEDULER_PLUGINS.register("DefaultPreemption")
@dataclass(frozen=True)
class DefaultPreemption:
    """PostFilter: preempt lower-priority pods."""

    min_candidate_nodes_percentage: int = DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE
    min_candidate_nodes_absolute: int = DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE
    name: str = "DefaultPreemption"
    extension_points = ("postFilter",)
    post_filter = True

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> DefaultPreemption:
        """``DefaultPreemptionArgs``."""
        reject_unknown_args(args, {"minCandidateNodesPercentage", "minCandidateNodesAbsolute"})
        pct = args.get("minCandidateNodesPercentage", DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE)
        absolute = args.get("minCandidateNodesAbsolute", DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE)
        if not isinstance(pct, int) or not 0 <= pct <= 100:
            raise ValueError(f"minCandidateNodesPercentage: Invalid value: {pct}: not in valid range [0, 100]")
        if not isinstance(absolute, int) or absolute < 0:
            raise ValueError(f"minCandidateNodesAbsolute: Invalid value: {absolute}: not in valid range [0, inf)")
        if pct == 0 and absolute == 0:
            raise ValueError("minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute")
        return cls(pct, absolute)
