"""Objects of a snapshot to config entries: what only a snapshot has (a pod's node, phase, readiness, owner;
a ReplicaSet's Deployment; a node's conditions) on top of the manifest conversions.

A pod's ``spec.priority`` is taken as it is (the Priority admission plugin already resolved its class).
Resource names Kubernetes would not accept (``mem``) are dropped and listed. A node without
``status.capacity`` gets none (nothing fits there) rather than a made-up size.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from clustersim.manifests.convert import CONVERTERS
from clustersim.manifests.load import ignored_paths
from clustersim.snapshot.read import parse_time

__all__ = ["controller_of", "node_status", "pod_entry", "relative_s", "replica_set_entry"]

STANDARD_RESOURCES = ("cpu", "memory", "ephemeral-storage", "pods", "storage")
POD_USED = ("spec.nodeName", "spec.priority", "spec.preemptionPolicy")


def relative_s(value: Any, taken_at: dt.datetime | None) -> float | None:
    """A timestamp as seconds relative to the snapshot (<= 0), or None."""
    t = parse_time(value)
    if t is None or taken_at is None:
        return None
    return min(0.0, (t - taken_at).total_seconds())


def controller_of(meta: dict[str, Any]) -> dict[str, str] | None:
    """The ownerReference with ``controller: true`` (``metav1.GetControllerOf``), as kind and name."""
    for ref in meta.get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller") is True and ref.get("kind") and ref.get("name"):
            return {"kind": str(ref["kind"]), "name": str(ref["name"])}
    return None


def _resource_name_ok(name: str) -> bool:
    return name in STANDARD_RESOURCES or name.startswith("hugepages-") or "/" in name


def _clean_requests(entry: dict[str, Any], label: str, notes: list[str]) -> None:
    for c in entry.get("containers") or []:
        reqs = c.get("requests") or {}
        for name in sorted(reqs):
            if not _resource_name_ok(str(name)):
                del reqs[name]
                notes.append(f"{label}: containers[{c.get('name')}].resources.requests.{name}: not a resource name Kubernetes accepts, dropped")


def pod_entry(doc: dict[str, Any], taken_at: dt.datetime | None, notes: list[str]) -> tuple[dict[str, Any], set[str]]:
    """A SnapshotPodConfig mapping and the ignored field paths."""
    _, entry, used = CONVERTERS["Pod"](doc)
    meta, spec, status = doc.get("metadata") or {}, doc.get("spec") or {}, doc.get("status") or {}
    label = f"Pod {entry['namespace']}/{entry['name']}"
    _clean_requests(entry, label, notes)
    conds = {c.get("type"): c for c in status.get("conditions") or [] if isinstance(c, dict)}
    ready = conds.get("Ready") or {}
    entry.update(
        node_name=spec.get("nodeName") or None,
        phase=status.get("phase") or "Pending",
        ready=ready.get("status") == "True",
        ready_since_s=relative_s(ready.get("lastTransitionTime"), taken_at),
        started_s=relative_s(status.get("startTime"), taken_at),
        restart_count=sum(int(cs.get("restartCount") or 0) for cs in status.get("containerStatuses") or [] if isinstance(cs, dict)),
        annotations={str(k): str(v) for k, v in (meta.get("annotations") or {}).items()},
    )
    if entry["phase"] == "Running" and not entry["node_name"]:
        entry["phase"] = "Pending"
        notes.append(f"{label}: status.phase Running without spec.nodeName: taken as Pending")
    owner = controller_of(meta)
    if owner is not None:
        entry["owner"] = owner
    if isinstance(spec.get("priority"), int):
        entry["priority"] = spec["priority"]
        entry.pop("priority_class_name", None)
    return entry, ignored_paths(doc, (*used, *POD_USED))


def replica_set_entry(doc: dict[str, Any], notes: list[str]) -> tuple[dict[str, Any], set[str]]:
    """A SnapshotReplicaSetConfig mapping (with its owning Deployment) and the ignored field paths."""
    _, entry, used = CONVERTERS["ReplicaSet"](doc)
    meta = doc.get("metadata") or {}
    _clean_requests(entry, f"ReplicaSet {entry['namespace']}/{entry['name']}", notes)
    owner = controller_of(meta)
    if owner is not None and owner["kind"] == "Deployment":
        entry["owner"] = owner["name"]
    revision = (meta.get("annotations") or {}).get("deployment.kubernetes.io/revision")
    if revision is not None:
        entry["revision"] = str(revision)
    return entry, ignored_paths(doc, used)


def node_status(doc: dict[str, Any], taken_at: dt.datetime | None) -> dict[str, Any]:
    """A SnapshotNodeConfig mapping: the Ready, MemoryPressure and DiskPressure conditions, the provider ID."""
    status, spec = doc.get("status") or {}, doc.get("spec") or {}
    conds = {c.get("type"): c for c in status.get("conditions") or [] if isinstance(c, dict)}
    ready = conds.get("Ready")
    out: dict[str, Any] = {"ready": str(ready.get("status")) if ready and ready.get("status") in ("True", "False", "Unknown") else "True"}
    if ready is not None:
        out["ready_since_s"] = relative_s(ready.get("lastTransitionTime"), taken_at)
    out["memory_pressure"] = (conds.get("MemoryPressure") or {}).get("status") == "True"
    out["disk_pressure"] = (conds.get("DiskPressure") or {}).get("status") == "True"
    if spec.get("providerID"):
        out["provider_id"] = str(spec["providerID"])
    return out
