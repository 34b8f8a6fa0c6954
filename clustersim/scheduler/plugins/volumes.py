"""VolumeBinding and VolumeZone for zonal PersistentVolumeClaims
(pkg/scheduler/framework/plugins/volumebinding, volumezone).

Claims use WaitForFirstConsumer storage: an unbound claim is provisioned in the zone of the node the
pod is bound to (VolumeBinding's PreBind, done by the scheduler at binding); a bound claim pins its
pods to its zone. Filter: a missing claim is UnschedulableAndUnresolvable (``persistentvolumeclaim
"x" not found``); a node outside a bound claim's zone is rejected by VolumeZone (``node(s) had no
available volume zone``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import LABEL_ZONE, Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, Code, CycleState

REASON_ZONE = "node(s) had no available volume zone"


def _claims(pod: Pod) -> list[str]:
    return [f"{pod.meta.namespace}/{v.claim}" for v in pod.spec.volumes if v.kind == "persistentVolumeClaim"]


@SCHEDULER_PLUGINS.register("VolumeZone")
@dataclass(frozen=True)
class VolumeZone:
    """Filter: nodes in the zones of the pod's bound claims."""

    name: str = "VolumeZone"
    per_node_static = False  # claims get bound over time

    def _zones(self, pod: Pod, nodes: NodeTable) -> set[str]:
        return {z for c in _claims(pod) if (z := nodes.claim_zones.get(c)) is not None}

    skip_reads = "cluster"  # skip reads the spec and the claims' zones (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No bound zonal claim."""
        return not pod.spec.volumes or not self._zones(pod, nodes)

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """The node is in every bound claim's zone."""
        zones = self._zones(pod, nodes)
        return len(zones) <= 1 and nodes.labels[i].get(LABEL_ZONE) in zones

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Vector over the candidates."""
        zones = self._zones(pod, nodes)
        if len(zones) > 1:
            return np.zeros(len(idx), dtype=bool)
        (zone,) = zones
        ids, values = nodes.domains(LABEL_ZONE)
        if zone not in values:
            return np.zeros(len(idx), dtype=bool)
        return ids[idx] == values.index(zone)

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Wrong zone."""
        return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, [REASON_ZONE]


@SCHEDULER_PLUGINS.register("VolumeBinding")
@dataclass(frozen=True)
class VolumeBinding:
    """Filter: every claim exists (unbound ones are provisioned at binding, in the chosen node's zone)."""

    name: str = "VolumeBinding"

    def _missing(self, pod: Pod, nodes: NodeTable) -> list[str]:
        return [c for c in _claims(pod) if c not in nodes.claim_zones]

    skip_reads = "cluster"  # skip reads the spec and which claims exist (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No claims, or all of them exist."""
        return not pod.spec.volumes or not self._missing(pod, nodes)

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """Fails everywhere while a claim is missing."""
        return not self._missing(pod, nodes)

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """All or nothing."""
        return np.full(len(idx), not self._missing(pod, nodes), dtype=bool)

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Which claim is missing."""
        name = self._missing(pod, nodes)[0].split("/", 1)[1]
        return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, [f'persistentvolumeclaim "{name}" not found']
