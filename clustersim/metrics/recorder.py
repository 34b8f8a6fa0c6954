"""The recorder: components append flat rows while the simulation runs. No pandas here.

Three row kinds:
- events, like ``kubectl get events``, with Kubernetes' own reasons (Scheduled, Pulling, ...);
- level series: a value per (metric, labels), stored only when it changes, so the series are exact
  step functions rather than samples;
- one lifecycle record per pod (created, scheduled, started, ready, deleted times).
"""

from __future__ import annotations

from typing import Any

import simpy

__all__ = ["POD_FIELDS", "Recorder"]

POD_FIELDS = (
    "uid", "namespace", "name", "workload", "node", "created_s", "scheduled_s",
    "started_s", "ready_s", "deletion_s", "deleted_s", "restarts",
)
_IDX = {name: i for i, name in enumerate(POD_FIELDS)}


class Recorder:
    """Append-only store of a run's events, levels and pod records."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.events: list[tuple[Any, ...]] = []
        self.series: list[tuple[Any, ...]] = []
        self.faults: list[dict[str, Any]] = []
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
        row[0], row[1], row[2], row[3], row[4], row[11] = uid, namespace, name, workload, "", 0
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

    def pod_rows(self) -> list[list[Any]]:
        """All pod records."""
        return list(self._pods.values())
