"""A pod no controller would recreate blocks its node (rules/replicated, with
--skip-nodes-with-custom-controller-pods: only ReplicationController, Job, ReplicaSet and StatefulSet count,
and the controller must exist, with at least --min-replica-count replicas for a ReplicaSet)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Status
from clustersim.cloud.autoscaler.simulator.drainability.rules.common import block

REPLICATED_KINDS = ("ReplicationController", "Job", "ReplicaSet", "StatefulSet")


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Block an unreplicated pod."""
    owner = pod.meta.owner
    if owner is not None and ctx.options.skip_nodes_with_custom_controller_pods and owner.kind in REPLICATED_KINDS:
        replicas = ctx.controllers.get((owner.kind, pod.meta.namespace, owner.name))
        if replicas is None:
            return block("ControllerNotFound", f"controller for {pod.key} is not available")
        if owner.kind == "ReplicaSet" and replicas < ctx.options.min_replica_count:
            return block("MinReplicasReached", f"replication controller for {pod.key} has too few replicas spec: {replicas} "
                                               f"min: {ctx.options.min_replica_count}")
    replicated = owner is not None and (owner.kind in REPLICATED_KINDS or not ctx.options.skip_nodes_with_custom_controller_pods)
    if replicated:
        return UNDEFINED
    return block("NotReplicated", f"{pod.key} is not replicated")
