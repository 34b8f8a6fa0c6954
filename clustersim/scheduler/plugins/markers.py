"""Default plugins whose work the simulator does elsewhere, or which have nothing to act on.

They are registered so that profiles and KubeSchedulerConfiguration files name them as upstream does:

- PrioritySort (QueueSort): the scheduling queue orders by priority, then time (queue.py).
- SchedulingGates (PreEnqueue): pods have no schedulingGates in the simulator, so none is held back.
- DefaultBinder (Bind): binding is the scheduler's ``_bind`` (with ``binding_latency_s``).
- VolumeRestrictions, EBSLimits, GCEPDLimits, NodeVolumeLimits, AzureDiskLimits (Filter): upstream's
  PreFilter returns Skip for a pod without the volumes each one checks (in-tree cloud disks, CSI
  attach limits, ReadWriteOncePod); the simulator models none of those, so they always skip. Zonal
  PersistentVolumeClaims are handled by VolumeBinding and VolumeZone (volumes.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, Code, CycleState


@dataclass(frozen=True)
class _Marker:
    name: str = ""


for _name, _points in (("PrioritySort", ("queueSort",)), ("SchedulingGates", ("preEnqueue",)),
                       ("DefaultBinder", ("bind",))):
    _cls = make_dataclass(_name, [("name", str, field(default=_name))], bases=(_Marker,), frozen=True,
                          namespace={"extension_points": _points, "__doc__": f"{_name} (see module docs)."})
    SCHEDULER_PLUGINS.register(_name)(_cls)


@dataclass(frozen=True)
class _VolumeFilter:
    """A volume filter whose PreFilter skips every pod the simulator can create."""

    name: str = ""

    skip_reads = "spec"  # always skips

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """The pod has no volume of the kind this plugin checks."""
        return True

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Every node passes (never called: skip is always true)."""
        return np.ones(len(idx), dtype=bool)

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """Every node passes."""
        return True

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Never rejects."""
        return Code.SUCCESS, []


for _name in ("VolumeRestrictions", "EBSLimits", "GCEPDLimits", "NodeVolumeLimits", "AzureDiskLimits"):
    _cls = make_dataclass(_name, [("name", str, field(default=_name))], bases=(_VolumeFilter,), frozen=True,
                          namespace={"__doc__": f"{_name}: skips (see module docs)."})
    SCHEDULER_PLUGINS.register(_name)(_cls)
