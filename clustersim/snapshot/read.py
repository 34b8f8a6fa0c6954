"""Read the objects of a cluster snapshot: a ``kubectl get ... -o yaml`` List, files of several documents, or a
folder of such files (``*.yaml``, ``*.yml``, ``*.json``, recursively).

Objects dumped without ``apiVersion``/``kind`` (a real cluster's archive, such as the OpenShift insights
operator's ``config/node/<name>.json`` and ``config/pod/<namespace>/<name>.json``) take their kind from
the nearest folder that names one (``node``, ``nodes``, ``pod``, ``pods``, ``deployments``, ...).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from clustersim.util.strict_yaml import YAMLInputError, load_yaml_documents

__all__ = ["API_VERSIONS", "SnapshotError", "implied_kind", "newest_timestamp", "parse_time", "read_objects"]

API_VERSIONS = {
    "Node": "v1", "Pod": "v1", "Service": "v1", "Namespace": "v1", "ConfigMap": "v1", "Secret": "v1", "ServiceAccount": "v1",
    "Endpoints": "v1", "Event": "v1", "PersistentVolume": "v1", "PersistentVolumeClaim": "v1",
    "Deployment": "apps/v1", "ReplicaSet": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ControllerRevision": "apps/v1",
    "Job": "batch/v1", "CronJob": "batch/v1", "PodDisruptionBudget": "policy/v1", "EndpointSlice": "discovery.k8s.io/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2", "PriorityClass": "scheduling.k8s.io/v1", "StorageClass": "storage.k8s.io/v1",
    "Ingress": "networking.k8s.io/v1", "Lease": "coordination.k8s.io/v1",
}
_FOLDERS = {k.lower(): k for k in API_VERSIONS} | {k.lower() + "s": k for k in API_VERSIONS} | {
    "endpoints": "Endpoints", "priorityclasses": "PriorityClass", "storageclasses": "StorageClass", "ingresses": "Ingress",
    "pdb": "PodDisruptionBudget", "pdbs": "PodDisruptionBudget", "pvc": "PersistentVolumeClaim", "pvcs": "PersistentVolumeClaim",
    "hpa": "HorizontalPodAutoscaler", "hpas": "HorizontalPodAutoscaler"}
SUFFIXES = (".yaml", ".yml", ".json")


class SnapshotError(Exception):
    """Bad snapshot input; ``str(e)`` is one line: ``<file>[doc <i>][item <j>]: <field>: <message>``."""

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source, self.field, self.message = source, field, message
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")


def implied_kind(path: Path) -> str | None:
    """The kind the nearest enclosing folder names (``config/pod/<ns>/x.json`` is a Pod), or None."""
    for part in reversed(path.resolve().parent.parts):
        kind = _FOLDERS.get(part.lower())
        if kind is not None:
            return kind
    return None


def _files(root: Path) -> list[Path]:
    if root.is_dir():
        return sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    return [root]


def read_objects(root: str | Path) -> list[tuple[str, dict[str, Any]]]:
    """Every object under ``root`` as (where, object), ``kind`` and ``apiVersion`` filled in where the folder implies them.

    Raises:
        SnapshotError: a missing path, unreadable YAML/JSON, a document that is not a mapping, an object
            whose kind neither it nor its folder gives.
    """
    base = Path(root)
    if not base.exists():
        raise SnapshotError(str(base), "", "no such file or folder")
    out: list[tuple[str, dict[str, Any]]] = []
    for path in _files(base):
        try:
            docs = load_yaml_documents(path)
        except YAMLInputError as e:
            raise SnapshotError(e.source, e.field, e.message) from None
        except OSError as e:
            raise SnapshotError(str(path), "", e.strerror or "cannot read file") from None
        for i, doc in enumerate(docs):
            items = doc.get("items") if isinstance(doc, dict) and str(doc.get("kind") or "").endswith("List") else None
            if isinstance(doc, dict) and items is not None and not isinstance(items, list):
                raise SnapshotError(f"{path}[doc {i}]", "items", "must be a list")
            for j, item in enumerate(items if items is not None else [doc]):
                where = f"{path}[doc {i}]" + (f"[item {j}]" if items is not None else "")
                out.append((where, _with_kind(item, where, path)))
    return out


def _with_kind(obj: Any, where: str, path: Path) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise SnapshotError(where, "", "an object must be a mapping")
    if obj.get("kind"):
        if not isinstance(obj["kind"], str):
            raise SnapshotError(where, "kind", "must be a string")
        return obj
    kind = implied_kind(path)
    if kind is None:
        raise SnapshotError(where, "kind", "required field missing (and no enclosing folder names a kind)")
    return {"apiVersion": API_VERSIONS[kind], "kind": kind, **obj}


def parse_time(value: Any) -> dt.datetime | None:
    """An RFC 3339 timestamp (``2024-04-25T00:00:00Z``), or None."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not isinstance(value, str) or len(value) < 19 or value[4:5] != "-" or value[10:11] not in ("T", " "):
        return None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def newest_timestamp(objects: list[tuple[str, dict[str, Any]]]) -> dt.datetime | None:
    """The newest timestamp anywhere in the objects: when the snapshot was taken, as near as it says."""
    best: dt.datetime | None = None
    stack: list[Any] = [o for _, o in objects]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
        else:
            t = parse_time(x)
            if t is not None and (best is None or t > best):
                best = t
    return best
