"""Which pods stop a node from being removed: cluster-autoscaler ``simulator/drainability``.

Each rule (``rules/``, one per pod kind, in upstream's order) says Skip (the pod is ignored), Drain (it
is evicted), Block (the node cannot be removed) or nothing (the next rule decides); a pod no rule
decides is evicted and must find a place elsewhere.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from clustersim.api.objects import Pod, PodDisruptionBudget
from clustersim.config.cloud import AutoscalerConfig

__all__ = ["DrainContext", "Outcome", "Status"]


class Outcome(enum.Enum):
    """``drainability.OutcomeType``."""

    UNDEFINED = "Undefined"
    DRAIN = "DrainOk"
    BLOCK = "BlockDrain"
    SKIP = "SkipDrain"


@dataclass(frozen=True, slots=True)
class Status:
    """A rule's verdict; ``reason`` is upstream's BlockingPodReason for a Block."""

    outcome: Outcome
    reason: str = ""
    message: str = ""


UNDEFINED = Status(Outcome.UNDEFINED)


@dataclass(slots=True)
class DrainContext:
    """What the rules read: the time, the options, the PDBs with the disruptions left in this pass,
    and which controllers exist (a pod whose controller is gone is not replicated)."""

    now: float
    options: AutoscalerConfig
    pdbs: list[PodDisruptionBudget] = field(default_factory=list)
    remaining: dict[str, int] = field(default_factory=dict)  # PDB key -> disruptions left in this pass
    controllers: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (kind, namespace, name) -> replicas

    def matching_pdbs(self, pod: Pod) -> list[PodDisruptionBudget]:
        """PDBs selecting the pod (``RemainingPdbTracker.MatchingPdbs``)."""
        return [b for b in self.pdbs if b.meta.namespace == pod.meta.namespace and b.selector.matches(pod.meta.labels)]

    def allowed(self, pdb: PodDisruptionBudget) -> int:
        """Disruptions the PDB still allows in this pass."""
        return self.remaining.get(pdb.key, pdb.status.disruptions_allowed)

    def remove_pods(self, pods: list[Pod]) -> None:
        """Count the pods as disrupted (``RemainingPdbTracker.RemovePods``)."""
        for pod in pods:
            for pdb in self.matching_pdbs(pod):
                self.remaining[pdb.key] = self.allowed(pdb) - 1
