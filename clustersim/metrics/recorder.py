"""The recorder: components append flat rows while the simulation runs. No pandas here.

Row kinds:
- events, like ``kubectl get events``, with Kubernetes' own reasons (Scheduled, Pulling, ...);
- level series: a value per (metric, labels), stored only when it changes, so the series are exact
  step functions rather than samples;
- one lifecycle record per pod (created, scheduled, started, ready, deleted times, requests);
- object status changes as kube-state-metrics sees them: each pod's phase, readiness, restarts and
  reason, each node's existence, Ready condition, cordon, taints and allocatable (one row per change);
- resource usage samples, as metrics-server serves them (only in runs with a usage model).
"""

from __future__ import annotations

from typing import Any

import simpy

__all__ = ["POD_FIELDS", "Recorder"]

POD_FIELDS = (
    "uid", "namespace", "name", "workload", "node", "created_s", "scheduled_s",
    "started_s", "ready_s", "deletion_s", "deleted_s", "restarts", "request_cpu_m", "request_memory_bytes",
)
_IDX = {name: i for i, name in enumerate(POD_FIELDS)}


class Recorder:
    """Append-only store of a run's events, levels and pod records."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.events: list[tuple[Any, ...]] = []
        self.series: list[tuple[Any, ...]] = []
        self.faults: list[dict[str, Any]] = []
        self.pod_states: list[tuple[Any, ...]] = []  # (t, uid, phase, ready, restarts, reason)
        # (t, node, zone, exists, ready, unschedulable, taints, memory_pressure, allocatable cpu_m, memory, pods)
        self.node_states: list[tuple[Any, ...]] = []
        self.usage: list[tuple[Any, ...]] = []  # (t, namespace, pod, node, cpu_m, memory_bytes)
        self._levels: dict[tuple[str, str, str, str], float] = {}
        self._pods: dict[str, list[Any]] = {}

    def event(self, kind: str, namespace: str, name: str, reason: str, message: str,
              node: str = "", type_: str = "Normal") -> None:
        """A Kubernetes Event on object ``kind`` ``namespace/name``."""
        self.events.append((self.env.now, kind, namespace, name, reason, message, node, type_))

    def level(self, metric: str, value: float, namespace: str = "", name: str = "", zone: str = "") -> None:
        """Set the level of ``metric`` for these labels; a row is stored only on change."""
        key = (metric, namespace, name, zone)
        if self._levels.get(key) != value:
            self._levels[key] = value
            self.series.append((self.env.now, metric, namespace, name, zone, float(value)))

    def add(self, metric: str, delta: float, namespace: str = "", name: str = "", zone: str = "") -> None:
        """Change the level of ``metric`` by ``delta`` (a gauge that counts things)."""
        key = (metric, namespace, name, zone)
        value = self._levels.get(key, 0.0) + delta
        self._levels[key] = value
        self.series.append((self.env.now, metric, namespace, name, zone, value))

    def pod(self, uid: str, namespace: str, name: str, workload: str) -> None:
        """Open the lifecycle record of a new pod."""
        row: list[Any] = [None] * len(POD_FIELDS)
        row[0], row[1], row[2], row[3], row[4], row[11], row[12], row[13] = uid, namespace, name, workload, "", 0, 0, 0
        row[5] = self.env.now
        self._pods[uid] = row

    def pod_mark(self, uid: str, field: str, value: Any = None) -> None:
        """Set a field of a pod's record (times default to now; first ready/started time wins)."""
        row = self._pods.get(uid)
        if row is None:
            return
        i = _IDX[field]
        if field in ("started_s", "ready_s") and row[i] is not None:
            return
        row[i] = self.env.now if value is None else value

    def pod_restarted(self, uid: str) -> None:
        """Count a container restart of the pod."""
        row = self._pods.get(uid)
        if row is not None:
            row[11] += 1

    def pod_state(self, uid: str, phase: str, ready: bool, restarts: int, reason: str) -> None:
        """A pod's status as kube-state-metrics sees it changed."""
        self.pod_states.append((self.env.now, uid, phase, ready, restarts, reason))

    def node_state(self, node: str, zone: str, state: tuple[Any, ...]) -> None:
        """A node's status changed: (exists, ready, unschedulable, taints, memory_pressure, allocatable cpu_m, memory, pods)."""
        self.node_states.append((self.env.now, node, zone, *state))

    def pod_usage(self, namespace: str, pod: str, node: str, cpu_m: int, memory: int) -> None:
        """One usage sample of a pod (metrics-server's PodMetrics, containers summed)."""
        self.usage.append((self.env.now, namespace, pod, node, cpu_m, memory))

    def pod_rows(self) -> list[list[Any]]:
        """All pod records."""
        return list(self._pods.values())
