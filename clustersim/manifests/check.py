"""``clustersim validate`` on manifests alone: each object, and the objects together as a run would see them.

The manifests are validated as the config ``{cluster: one node, manifests: [path]}`` would be, so
what a config naming them checks (duplicates, references between objects, HPA targets, claims) is
checked here too, with errors in the manifest's own terms. A PriorityClass or a scheduler profile the
manifests name but do not define may come from the config that uses them: that is a warning here and
an error in a config that does not define it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clustersim.config.models import SYSTEM_PRIORITY_CLASSES
from clustersim.manifests.load import ManifestSet, load_manifests

__all__ = ["check_manifests"]

WORKLOAD_SECTIONS = ("deployments", "stateful_sets", "daemon_sets", "jobs", "cron_jobs", "replica_sets", "pods")


def _undefined(ms: ManifestSet) -> tuple[set[str], set[str], list[str]]:
    classes = {c["name"] for c in ms.entries["priority_classes"]} | set(SYSTEM_PRIORITY_CLASSES)
    missing_classes: set[str] = set()
    missing_profiles: set[str] = set()
    warnings = []
    for section in WORKLOAD_SECTIONS:
        for entry, origin in zip(ms.entries[section], ms.origins[section], strict=True):
            pc, sched = entry.get("priority_class_name"), entry.get("scheduler_name", "default-scheduler")
            if pc and pc not in classes:
                missing_classes.add(pc)
                warnings.append(f"{origin.where}: {origin.kind} {origin.name}: priorityClassName: PriorityClass {pc!r} is not "
                                "defined here (a config naming these manifests must define it)")
            if sched != "default-scheduler":
                missing_profiles.add(sched)
                warnings.append(f"{origin.where}: {origin.kind} {origin.name}: schedulerName: no scheduler profile {sched!r} in the "
                                "default configuration (a config naming these manifests must define it in scheduler.profiles)")
    return missing_classes, missing_profiles, warnings


def check_manifests(path: Path, lenient: bool = False) -> tuple[ManifestSet, list[str]]:
    """The manifests under ``path`` and warnings; ManifestError or ConfigError (both one line) on bad input."""
    from clustersim.config.load import validate_dict

    ms = load_manifests([path], lenient=lenient)
    classes, profiles, warnings = _undefined(ms)
    data: dict[str, Any] = {"manifests": [str(path.resolve())],
                            "priority_classes": [{"name": c, "value": 0} for c in sorted(classes)],
                            "scheduler": {"profiles": [{"scheduler_name": "default-scheduler"}, *({"scheduler_name": p} for p in sorted(profiles))]}}
    if not ms.entries["nodes"]:
        data["cluster"] = {"node_pools": [{"name": "node", "count": 1}]}
    validate_dict(data, str(path))
    return ms, [*ms.warnings, *warnings]



