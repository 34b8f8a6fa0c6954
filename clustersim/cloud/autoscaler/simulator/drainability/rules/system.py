"""kube-system pods without a PodDisruptionBudget block their node (rules/system, with
--skip-nodes-with-system-pods)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Status
from clustersim.cloud.autoscaler.simulator.drainability.rules.common import block


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Block an unprotected kube-system pod."""
    if pod.meta.namespace == "kube-system" and not ctx.matching_pdbs(pod):
        return block("UnmovableKubeSystemPod", f"non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: {pod.meta.name}")
    return UNDEFINED
