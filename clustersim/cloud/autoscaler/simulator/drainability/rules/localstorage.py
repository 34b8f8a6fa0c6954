"""Pods with local storage (hostPath, or an emptyDir not in memory) block the node unless every such
volume is listed in ``cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes`` (rules/localstorage,
with --skip-nodes-with-local-storage; utils/drain HasBlockingLocalStorage)."""

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Status
from clustersim.cloud.autoscaler.simulator.drainability.rules.common import block
from clustersim.cloud.autoscaler.utils import SAFE_TO_EVICT_LOCAL_VOLUMES


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """Block a pod with local storage."""
    allowed = {v.strip() for v in pod.meta.annotations.get(SAFE_TO_EVICT_LOCAL_VOLUMES, "").split(",") if v.strip()}
    for v in pod.spec.volumes:
        local = v.kind == "hostPath" or (v.kind == "emptyDir" and getattr(v, "medium", "") != "Memory")
        if local and v.name not in allowed:
            return block("LocalStorageRequested", f"pod with local storage present: {pod.meta.name}")
    return UNDEFINED
