"""RuntimeOutage: the node's container runtime stops (``down``) or its relists hang (``pleg-stall``).

The kubelet keeps running and renewing its Lease, so the node is not unreachable: it reports
Ready=False with a reason (``pkg/kubelet/nodestatus/setters.go`` ReadyCondition from the runtime's
errors): "container runtime is down" at its next runtime status check (every 5 s,
``updateRuntimeUp``), and "PLEG is not healthy" once no relist has finished for
``genericPlegRelistThreshold`` (3 min). The node lifecycle controller then taints it
``node.kubernetes.io/not-ready``; pods tolerate that 300 s by default, are evicted, and their
replacements start elsewhere. Running containers keep running and serving (the shims outlive the
runtime daemon), but nothing can be started, restarted or stopped until the runtime is back, so
evicted pods stay Terminating until then. Chaos tools' equivalents: stopping containerd
(Litmus ``docker-service-kill`` / ``containerd-service-kill``, Krkn ``node_scenarios``' service kill).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clustersim.faults.base import FAULTS
from clustersim.faults.node_faults import NodeFault, NodeFaultArgs

__all__ = ["RuntimeOutage"]


class RuntimeOutageArgs(NodeFaultArgs):
    """RuntimeOutage: targets, timing and what fails."""

    kind: Literal["down", "pleg-stall"] = Field("down", description="down: the runtime daemon is stopped; "
                                                "pleg-stall: it answers status calls but relists hang (PLEG not healthy only).")


@FAULTS.register("RuntimeOutage")
class RuntimeOutage(NodeFault):
    """The container runtime of the target nodes fails for ``duration_s``."""

    Args = RuntimeOutageArgs  # type: ignore[assignment]
    NAME = "RuntimeOutage"

    def action(self) -> str:
        """runtime-down or pleg-stall."""
        return "runtime-down" if self.args.kind == "down" else "pleg-stall"  # type: ignore[attr-defined]
