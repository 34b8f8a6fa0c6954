"""The recorder: components append flat rows while the simulation runs. No pandas here.

Row kinds:
- events, like ``kubectl get events``, with Kubernetes' own reasons (Scheduled, Pulling, ...);
- level series: a value per (metric, labels), stored only when it changes, so the series are exact
  step functions rather than samples;
- one lifecycle record per pod (created, scheduled, started, ready, deleted times, requests);
- object status changes as kube-state-metrics sees them: each pod's phase, readiness, restarts and
  reason, each node's existence, Ready condition, cordon, taints and allocatable (one row per change);
- resource usage samples, as metrics-server serves them (only in runs with a usage model).

Rows go into ``metrics.tables`` tables: compressed Parquet chunks in memory, or streamed to the
run's output folder, so a long run does not hold its history as Python objects. A pod's record is
kept as a list while the pod exists and becomes a row when it is deleted; a mark that arrives later
(a cut-off kubelet still running a deleted pod's containers) is kept aside and applied when the
frame is built, so the records are the same as if they had all been kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import simpy

from clustersim.metrics import tables
from clustersim.metrics.tables import Table

__all__ = ["EVENT_SCHEMA", "NODE_STATUS_SCHEMA", "POD_FIELDS", "POD_SCHEMA", "POD_STATUS_SCHEMA", "Recorder", "SERIES_SCHEMA",
           "USAGE_SCHEMA"]

POD_FIELDS = (
    "uid", "namespace", "name", "workload", "node", "created_s", "scheduled_s",
    "started_s", "ready_s", "deletion_s", "deleted_s", "restarts", "request_cpu_m", "request_memory_bytes",
)
_IDX = {name: i for i, name in enumerate(POD_FIELDS)}
_FIRST_WINS = (_IDX["started_s"], _IDX["ready_s"])
_S, _F, _I, _B = pa.string(), pa.float64(), pa.int64(), pa.bool_()
EVENT_SCHEMA = pa.schema([("t", _F), ("kind", _S), ("namespace", _S), ("name", _S), ("reason", _S), ("message", _S),
                          ("node", _S), ("type", _S)])
SERIES_SCHEMA = pa.schema([("t", _F), ("metric", _S), ("namespace", _S), ("name", _S), ("zone", _S), ("value", _F)])
# pod records carry their creation order (``seq``): rows arrive in deletion order, the frame is in creation order
POD_SCHEMA = pa.schema([*((f, _S) for f in POD_FIELDS[:5]), *((f, _F) for f in POD_FIELDS[5:11]),
                        *((f, _I) for f in POD_FIELDS[11:]), ("seq", _I)])
POD_STATUS_SCHEMA = pa.schema([("t", _F), ("uid", _S), ("phase", _S), ("ready", _B), ("restarts", _I), ("reason", _S)])
NODE_STATUS_SCHEMA = pa.schema([("t", _F), ("node", _S), ("zone", _S), ("exists", _B), ("ready", _S), ("unschedulable", _B),
                                ("taints", _S), ("memory_pressure", _B), ("allocatable_cpu_m", _I),
                                ("allocatable_memory_bytes", _I), ("allocatable_pods", _I)])
USAGE_SCHEMA = pa.schema([("t", _F), ("namespace", _S), ("pod", _S), ("node", _S), ("cpu_m", _I), ("memory_bytes", _I)])

SchemaFor = Callable[[str, pa.Schema], pa.Schema]


class Recorder:
    """Append-only store of a run's events, levels and pod records.

    ``out``: stream the tables to Parquet files in this folder (``<name>.parquet``, completed when
    the run's result is built); None keeps them in memory. ``schema_for`` may add metadata to a
    table's schema (``metrics.frames`` adds pandas' dtypes).
    """

    def __init__(self, env: simpy.Environment, out: Path | None = None, schema_for: SchemaFor | None = None) -> None:
        self.env = env
        self.out = out
        self._schema_for = schema_for
        self.tables: dict[str, Table] = {}
        self._events = self.table("events", EVENT_SCHEMA)
        self._series = self.table("timeseries", SERIES_SCHEMA)
        self._event_rows, self._series_rows = self._events.rows, self._series.rows  # the tables keep these lists
        # finished pod records, in deletion order; the pods frame is assembled from them (``metrics.frames``)
        self._pod_rows = self.table("pod_records", POD_SCHEMA, hidden=True)
        self._pod_states = self.table("pod_status", POD_STATUS_SCHEMA)
        self._node_states = self.table("node_status", NODE_STATUS_SCHEMA)
        self._usage = self.table("usage", USAGE_SCHEMA)
        self.faults: list[dict[str, Any]] = []
        self._levels: dict[tuple[str, str, str, str], float] = {}
        self._pods: dict[str, list[Any]] = {}
        self._seq = 0
        self._done = _UidSet()  # pods whose record became a row (a later mark is kept aside)
        self.late: dict[str, list[tuple[int, Any]]] = {}  # uid -> (field index, value) marks after the row was written

    def table(self, name: str, schema: pa.Schema, hidden: bool = False) -> Table:
        """A new output table ``name``: streamed to ``<out>/<name>.parquet`` when the run has a folder
        (``hidden``: to ``<out>/.<name>.parquet``, a part that a frame is assembled from)."""
        if name in self.tables:
            raise ValueError(f"table {name} already exists")
        if self._schema_for is not None:
            schema = self._schema_for(name, schema)
        path = self.out / (f".{name}.parquet" if hidden else f"{name}.parquet") if self.out is not None else None
        t = self.tables[name] = Table(name, schema, path)
        return t

    def event(self, kind: str, namespace: str, name: str, reason: str, message: str,
              node: str = "", type_: str = "Normal") -> None:
        """A Kubernetes Event on object ``kind`` ``namespace/name``."""
        rows = self._event_rows  # Table.add, inline: a row per event is the recorder's hottest path
        rows.append((self.env.now, kind, namespace, name, reason, message, node, type_))
        if len(rows) >= tables.CHUNK_ROWS:
            self._events.flush()

    def level(self, metric: str, value: float, namespace: str = "", name: str = "", zone: str = "") -> None:
        """Set the level of ``metric`` for these labels; a row is stored only on change."""
        key = (metric, namespace, name, zone)
        if self._levels.get(key) != value:
            self._levels[key] = value
            rows = self._series_rows
            rows.append((self.env.now, metric, namespace, name, zone, float(value)))
            if len(rows) >= tables.CHUNK_ROWS:
                self._series.flush()

    def add(self, metric: str, delta: float, namespace: str = "", name: str = "", zone: str = "") -> None:
        """Change the level of ``metric`` by ``delta`` (a gauge that counts things)."""
        key = (metric, namespace, name, zone)
        value = self._levels.get(key, 0.0) + delta
        self._levels[key] = value
        rows = self._series_rows
        rows.append((self.env.now, metric, namespace, name, zone, value))
        if len(rows) >= tables.CHUNK_ROWS:
            self._series.flush()

    def pod(self, uid: str, namespace: str, name: str, workload: str) -> None:
        """Open the lifecycle record of a new pod."""
        self._pods[uid] = [uid, namespace, name, workload, "", self.env.now, None, None, None, None, None, 0, 0, 0, self._seq]
        self._seq += 1

    def pod_mark(self, uid: str, field: str, value: Any = None) -> None:
        """Set a field of a pod's record (times default to now; first ready/started time wins).

        Marking ``deleted_s`` completes the record: it becomes a row of the pods table.
        """
        i = _IDX[field]
        v = self.env.now if value is None else value
        row = self._pods.get(uid)
        if row is None:
            if uid in self._done:
                self.late.setdefault(uid, []).append((i, v))
            return
        if i in _FIRST_WINS and row[i] is not None:
            return
        row[i] = v
        if field == "deleted_s":
            del self._pods[uid]
            self._done.add(uid)
            self._pod_rows.add(tuple(row))

    def pod_restarted(self, uid: str) -> None:
        """Count a container restart of the pod."""
        row = self._pods.get(uid)
        if row is not None:
            row[11] += 1
        elif uid in self._done:
            self.late.setdefault(uid, []).append((11, 1))

    def pod_state(self, uid: str, phase: str, ready: bool, restarts: int, reason: str) -> None:
        """A pod's status as kube-state-metrics sees it changed."""
        self._pod_states.add((self.env.now, uid, phase, ready, restarts, reason))

    def node_state(self, node: str, zone: str, state: tuple[Any, ...]) -> None:
        """A node's status changed: (exists, ready, unschedulable, taints, memory_pressure, allocatable cpu_m, memory, pods)."""
        self._node_states.add((self.env.now, node, zone, *state))

    def pod_usage(self, namespace: str, pod: str, node: str, cpu_m: int, memory: int) -> None:
        """One usage sample of a pod (metrics-server's PodMetrics, containers summed)."""
        self._usage.add((self.env.now, namespace, pod, node, cpu_m, memory))

    def pod_rows(self) -> list[tuple[Any, ...]]:
        """The records of the pods that still exist (in creation order)."""
        return [tuple(r) for r in self._pods.values()]

    def close(self) -> None:
        """Complete every table (streamed files are renamed into place)."""
        for t in self.tables.values():
            t.close()


class _UidSet:
    """Membership of uids: a byte per object number for the store's ``uid-N`` uids, a set for others."""

    __slots__ = ("_bits", "_other")

    def __init__(self) -> None:
        self._bits = bytearray()
        self._other: set[str] = set()

    @staticmethod
    def _number(uid: str) -> int:
        return int(uid[4:]) if uid.startswith("uid-") and uid[4:].isdigit() else -1

    def add(self, uid: str) -> None:
        n = self._number(uid)
        if n < 0:
            self._other.add(uid)
            return
        if n >= len(self._bits):
            self._bits.extend(bytes(max(n + 1 - len(self._bits), len(self._bits))))
        self._bits[n] = 1

    def __contains__(self, uid: str) -> bool:
        n = self._number(uid)
        if n < 0:
            return uid in self._other
        return n < len(self._bits) and self._bits[n] == 1
