"""A pod whose PodDisruptionBudget allows no more disruption blocks the node (rules/pdb)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Status
from clustersim.cloud.autoscaler.simulator.drainability.rules.common import block


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Block a pod its PDB protects."""
    for budget in ctx.matching_pdbs(pod):
        if ctx.allowed(budget) < 1:
            return block("NotEnoughPdb", f"not enough pod disruption budget to move {pod.key}")
    return UNDEFINED
