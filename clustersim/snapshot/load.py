"""Load a cluster snapshot into config entries: the manifest sections (nodes, Deployments, Services, ...) and
the ``snapshot`` section (pods with their node and status, ReplicaSets with their Deployment, node conditions).

Structural problems (unreadable files, a document that is not a mapping, an unknown kind without
``lenient``, an object without a name) are a ``SnapshotError`` naming file, document and field. An object
the simulator cannot represent (a pod without containers, a bad value) is skipped and listed, naming
file, document and field, so one odd object does not refuse a whole cluster's dump.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from clustersim.config.snapshot import SnapshotNodeConfig, SnapshotPodConfig, SnapshotReplicaSetConfig
from clustersim.manifests.load import ManifestError, ManifestSet, add_document
from clustersim.snapshot.convert import node_status, pod_entry, replica_set_entry
from clustersim.snapshot.read import SnapshotError, newest_timestamp, read_objects
from clustersim.util.trail import SHAPE_ERRORS, locate

__all__ = ["RECOMPUTED_KINDS", "SnapshotSet", "load_snapshot"]

# objects the control plane writes from the others: the simulator's controllers recompute them
RECOMPUTED_KINDS = ("EndpointSlice", "Endpoints", "Event", "Lease", "ControllerRevision")


@dataclass
class SnapshotSet:
    """What a snapshot adds to a config."""

    manifests: ManifestSet = field(default_factory=ManifestSet)
    pods: list[dict[str, Any]] = field(default_factory=list)
    replica_sets: list[dict[str, Any]] = field(default_factory=list)
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    recomputed: list[str] = field(default_factory=list)
    taken_at: str | None = None

    @property
    def objects(self) -> int:
        """Objects read."""
        return self.manifests.documents + len(self.pods) + len(self.replica_sets) + len(self.skipped) + len(self.recomputed)

    def simplifications(self) -> list[str]:
        """One line per thing the run will not account for."""
        out = [f"snapshot: skipped {x}" for x in self.skipped] + [f"snapshot: {x}" for x in self.notes]
        out += [f"snapshot: recomputed by the controllers, not read: {x}" for x in self.recomputed]
        return out + self.manifests.simplifications()


def _validation_message(e: ValidationError) -> tuple[str, str]:
    err = e.errors()[0]
    return ".".join(str(p) for p in err["loc"]), err["msg"].removeprefix("Value error, ")


def _name(obj: dict[str, Any], where: str) -> str:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        raise SnapshotError(where, "metadata", "required field missing or not a mapping")
    name = meta.get("name") or meta.get("generateName")
    if not name:
        raise SnapshotError(where, "metadata.name", "required field missing")
    return str(name)


def load_snapshot(path: str | Path, lenient: bool = False) -> SnapshotSet:
    """Read and convert every object of the snapshot at ``path``.

    Raises:
        SnapshotError: a structural problem, naming file, document and field.
    """
    objects = read_objects(path)
    taken = newest_timestamp(objects)
    out = SnapshotSet(taken_at=taken.isoformat() if taken else None)
    for where, obj in objects:
        kind, name = str(obj["kind"]), _name(obj, where)
        ns = obj["metadata"].get("namespace")
        label = f"{kind} {ns}/{name}" if ns else f"{kind} {name}"
        try:
            if kind == "Pod":
                _add(out, out.pods, SnapshotPodConfig, *pod_entry(obj, taken, out.notes), kind)
            elif kind == "ReplicaSet":
                _add(out, out.replica_sets, SnapshotReplicaSetConfig, *replica_set_entry(obj, out.notes), kind)
            elif kind == "Node":
                _node(obj, where, out, taken, lenient, label)
            elif kind in RECOMPUTED_KINDS:
                out.recomputed.append(label)
            else:
                add_document(obj, where, out.manifests, lenient)
        except ManifestError as e:
            if e.field == "kind" or e.field.startswith("apiVersion"):
                raise SnapshotError(e.source, e.field, e.message) from None
            out.skipped.append(f"{e}")
        except ValidationError as e:
            loc, msg = _validation_message(e)
            out.skipped.append(f"{where}: {label}: {loc}: {msg}")
        except SHAPE_ERRORS:  # a field of another shape than a Kubernetes object's: skipped, the field named
            seen = locate(lambda o: _entry_again(o, kind, taken), obj)  # noqa: B023
            field = f"{seen.dotted(brackets=True)}: {seen.problem()}" if seen else "malformed object"
            out.skipped.append(f"{where}: {label}: {field}")
    return out


def _entry_again(obj: dict[str, Any], kind: str, taken: Any) -> None:
    """The conversion of one object again, into a throwaway set (to find the field it fails on)."""
    scratch = SnapshotSet(taken_at=None)
    if kind == "Pod":
        pod_entry(obj, taken, scratch.notes)
    elif kind == "ReplicaSet":
        replica_set_entry(obj, scratch.notes)
    elif kind == "Node":
        node_status(obj, taken)


def _add(out: SnapshotSet, into: list[dict[str, Any]], model: type[BaseModel], entry: dict[str, Any], ignored: set[str], kind: str) -> None:
    model.model_validate(entry)
    into.append(entry)
    out.manifests.ignored_fields |= {f"{kind}: {p}" for p in ignored}


def _node(obj: dict[str, Any], where: str, out: SnapshotSet, taken: Any, lenient: bool, label: str) -> None:
    doc = copy.deepcopy(obj)
    status = doc.setdefault("status", {}) if isinstance(doc.get("status"), dict) or doc.get("status") is None else None
    if status is None:
        raise SnapshotError(where, "status", "must be a mapping")
    if not status.get("capacity"):
        status["capacity"] = {"cpu": "0", "memory": "0", "pods": "0"}
        out.notes.append(f"{label}: no status.capacity in the snapshot: capacity 0 (nothing is scheduled there)")
    before = len(out.manifests.entries["nodes"])
    add_document(doc, where, out.manifests, lenient)
    if len(out.manifests.entries["nodes"]) > before:
        name = out.manifests.entries["nodes"][-1]["name"]
        st = node_status(obj, taken)
        SnapshotNodeConfig.model_validate(st)
        out.nodes[name] = st
