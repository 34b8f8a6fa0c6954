"""Expand ``snapshot.path`` in a config mapping: the snapshot's objects join the config's sections (nodes and
their zones, Deployments, Services, ...) and fill the ``snapshot`` section, so the resolved config stands on
its own (it is what ``config.yaml`` in a run's outputs records).

References are checked here, where the snapshot is still at hand: an owner that is not in the snapshot is
dropped (the pod is taken as a bare pod), a PriorityClass or scheduler the snapshot does not define is
replaced by the default; each such change is listed in ``simplifications``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clustersim.config.errors import ConfigError
from clustersim.config.models import SYSTEM_PRIORITY_CLASSES
from clustersim.snapshot.load import SnapshotSet, load_snapshot
from clustersim.snapshot.read import SnapshotError

__all__ = ["expand_snapshot"]

WORKLOAD_SECTIONS = ("deployments", "stateful_sets", "daemon_sets", "jobs", "cron_jobs", "replica_sets")
OWNER_SECTIONS = {"ReplicaSet": "replica_sets", "StatefulSet": "stateful_sets", "DaemonSet": "daemon_sets", "Job": "jobs"}


def expand_snapshot(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Read ``snapshot.path`` (relative to the config) into the config's sections; ConfigError on bad input."""
    snap = data.get("snapshot")
    if not isinstance(snap, dict) or not snap.get("path"):
        return data
    path = Path(source).parent / str(snap["path"])
    if not path.exists():  # named as the config's field, as a missing manifests folder is
        raise ConfigError(source, "snapshot.path", f"no such file or folder {str(path)!r}")
    try:
        ss = load_snapshot(path, lenient=bool(snap.get("lenient")))
    except SnapshotError as e:
        raise ConfigError(e.source, e.field, e.message) from None
    out = dict(data)
    entries = ss.manifests.entries
    for section, items in entries.items():
        if section != "nodes":
            before = data.get(section) or []
            if not isinstance(before, list | tuple):
                raise ConfigError(source, section, "expected a list")
            out[section] = [*before, *items]
    _nodes(out, entries["nodes"])
    notes: list[str] = []
    own = [(section, e) for section in WORKLOAD_SECTIONS for e in entries.get(section, [])]
    own += [("replica_sets", e) for e in ss.replica_sets] + [("pods", e) for e in ss.pods]
    _defaults(out, own, notes)
    replica_sets = _replica_sets(ss, out, notes)
    traffic = snap.get("traffic")
    if traffic is not None:
        out["services"] = [{**s, "traffic": traffic} if s.get("selector") and "traffic" not in s else s for s in out.get("services") or []]
    out["snapshot"] = {**snap, "path": None, "source": str(path), "taken_at": ss.taken_at, "pods": _pods(ss, replica_sets, out, notes),
                       "replica_sets": replica_sets, "nodes": ss.nodes}
    out["simplifications"] = [*(data.get("simplifications") or []), *ss.simplifications(), *(f"snapshot: {n}" for n in notes)]
    return out


def _nodes(out: dict[str, Any], nodes: list[dict[str, Any]]) -> None:
    if not nodes:
        return
    cluster = dict(out.get("cluster") or {})
    zones = list(cluster.get("zones") or [])
    for n in nodes:
        if n.get("zone") and n["zone"] not in zones:
            zones.append(n["zone"])
    cluster["zones"] = zones or ["zone-a"]
    cluster["nodes"] = [*(cluster.get("nodes") or []), *nodes]
    out["cluster"] = cluster


def _defaults(out: dict[str, Any], own: list[tuple[str, dict[str, Any]]], notes: list[str]) -> None:
    """PriorityClasses and schedulers a snapshot's workload names but neither the snapshot nor the config defines."""
    classes = {c.get("name") for c in out.get("priority_classes") or []} | set(SYSTEM_PRIORITY_CLASSES)
    profiles = {p.get("scheduler_name", "default-scheduler") for p in ((out.get("scheduler") or {}).get("profiles") or [{}])}
    for section, e in own:
        if e.get("priority_class_name") and e["priority_class_name"] not in classes:
            notes.append(f"{section} {e.get('namespace', 'default')}/{e['name']}: PriorityClass {e['priority_class_name']!r} "
                         "is not in the snapshot: priority 0")
            del e["priority_class_name"]
        if e.get("scheduler_name", "default-scheduler") not in profiles:
            notes.append(f"{section} {e.get('namespace', 'default')}/{e['name']}: scheduler {e['scheduler_name']!r} is not "
                         "simulated: the default scheduler places its pods")
            e["scheduler_name"] = "default-scheduler"


def _replica_sets(ss: SnapshotSet, out: dict[str, Any], notes: list[str]) -> list[dict[str, Any]]:
    """ReplicaSets whose Deployment exists keep it as their owner."""
    deployments = {(d.get("namespace", "default"), d["name"]) for d in out.get("deployments") or []}
    kept = []
    for r in ss.replica_sets:
        ns = r.get("namespace", "default")
        if r.get("owner") and (ns, r["owner"]) not in deployments:
            notes.append(f"ReplicaSet {ns}/{r['name']}: owner Deployment {r['owner']} is not in the snapshot: taken as a bare ReplicaSet")
            r = {k: v for k, v in r.items() if k != "owner"}
        kept.append(r)
    return kept


def _pods(ss: SnapshotSet, replica_sets: list[dict[str, Any]], out: dict[str, Any], notes: list[str]) -> list[dict[str, Any]]:
    """Pods with owners that exist and the workload each belongs to (a ReplicaSet's Deployment)."""
    known = {(kind, e.get("namespace", "default"), e["name"]) for kind, section in OWNER_SECTIONS.items() for e in out.get(section) or []}
    known |= {("ReplicaSet", r.get("namespace", "default"), r["name"]) for r in replica_sets}
    deployment_of = {(r.get("namespace", "default"), r["name"]): r.get("owner") for r in replica_sets}
    pods = []
    for p in ss.pods:
        p = dict(p)
        ns, owner = p.get("namespace", "default"), p.get("owner")
        if owner is not None and (owner["kind"], ns, owner["name"]) not in known:
            notes.append(f"Pod {ns}/{p['name']}: owner {owner['kind']} {owner['name']} is not in the snapshot: taken as a bare pod")
            owner = None
            p.pop("owner")
        if owner is not None:
            dep = deployment_of.get((ns, owner["name"])) if owner["kind"] == "ReplicaSet" else None
            p["workload"] = dep or (f"rs/{owner['name']}" if owner["kind"] == "ReplicaSet" else owner["name"])
        pods.append(p)
    return pods
