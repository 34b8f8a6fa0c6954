"""Load kubectl-style manifests: files with several documents, ``kind: List``, folders of files.

Supported kinds become config entries (Node, Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet,
DaemonSet, Job, CronJob, Service, Endpoints, EndpointSlice, Ingress, IngressClass, PodDisruptionBudget (policy/v1 and v1beta1),
PriorityClass, PersistentVolumeClaim, HorizontalPodAutoscaler (autoscaling/v2 and v1, Resource metrics),
Namespace, ServiceAccount, Role, ClusterRole, RoleBinding, ClusterRoleBinding); kinds that carry nothing the
simulator uses load and are recorded (ConfigMap, Secret, StorageClass, PersistentVolume, webhook
configurations, NetworkPolicy). Fields the
simulator ignores are listed once per kind (``Deployment: spec.template.spec.containers[].resources.limits``).
An unknown kind, bad YAML, a missing required field or a bad value is a ``ManifestError`` naming the
file, the document index and the field; ``lenient=True`` turns unknown kinds into warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from clustersim.config.auth import (
    ClusterRoleBindingConfig,
    ClusterRoleConfig,
    NamespaceConfig,
    RoleBindingConfig,
    RoleConfig,
    ServiceAccountConfig,
)
from clustersim.config.errors import describe_validation_error
from clustersim.config.external import EndpointSliceConfig
from clustersim.config.ingress import IngressClassConfig, IngressConfig
from clustersim.config.models import (
    CronJobConfig,
    DaemonSetConfig,
    DeploymentConfig,
    HorizontalPodAutoscalerConfig,
    JobConfig,
    NodeConfig,
    PersistentVolumeClaimConfig,
    PodConfig,
    PodDisruptionBudgetConfig,
    PriorityClassConfig,
    ServiceConfig,
    StatefulSetConfig,
)
from clustersim.manifests.annotations import resource_annotations
from clustersim.manifests.convert import CONVERTERS, IGNORED_KINDS, NOT_MODELLED_KINDS, NOTES, leaf_paths
from clustersim.manifests.networking import NETWORKING_CONVERTERS, NETWORKING_IGNORED_KINDS
from clustersim.manifests.paths import manifest_path
from clustersim.manifests.rules import API_VERSIONS, check_rules
from clustersim.manifests.schema import KIND_SCHEMAS, METADATA, ShapeError, check_shape
from clustersim.util.strict_yaml import YAMLInputError, load_yaml_documents
from clustersim.util.trail import SHAPE_ERRORS, locate

__all__ = ["ManifestError", "ManifestSet", "Origin", "add_document", "ignored_paths", "load_manifests"]

MODELS: dict[str, type[BaseModel]] = {"daemon_sets": DaemonSetConfig, "jobs": JobConfig, "pods": PodConfig, "nodes": NodeConfig,
                                       "cron_jobs": CronJobConfig, "replica_sets": DeploymentConfig,
                                       "deployments": DeploymentConfig, "stateful_sets": StatefulSetConfig, "services": ServiceConfig,
          "pod_disruption_budgets": PodDisruptionBudgetConfig, "priority_classes": PriorityClassConfig,
          "persistent_volume_claims": PersistentVolumeClaimConfig, "horizontal_pod_autoscalers": HorizontalPodAutoscalerConfig,
          "roles": RoleConfig, "cluster_roles": ClusterRoleConfig, "role_bindings": RoleBindingConfig,
          "cluster_role_bindings": ClusterRoleBindingConfig, "namespaces": NamespaceConfig, "service_accounts": ServiceAccountConfig,
          "endpoint_slices": EndpointSliceConfig, "ingresses": IngressConfig, "ingress_classes": IngressClassConfig}
KINDS = {**CONVERTERS, **NETWORKING_CONVERTERS}
IGNORED = IGNORED_KINDS | NETWORKING_IGNORED_KINDS
ALWAYS_USED = ("apiVersion", "kind", "metadata", "status")
CLUSTER_SCOPED = {"Node", "PriorityClass", "Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}


class ManifestError(Exception):
    """Bad manifest input; ``str(e)`` is one line: ``<file>[doc <i>]: <field>: <message>``."""

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source, self.field, self.message = source, field, message
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a converted entry came from: ``file[doc i]``, its kind and name (for messages in the manifest's terms)."""

    where: str
    kind: str
    name: str


@dataclass
class ManifestSet:
    """What a set of manifests adds to a config, and what it leaves out."""

    entries: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in MODELS})
    ignored_fields: set[str] = field(default_factory=set)
    ignored_kinds: list[str] = field(default_factory=list)
    not_modelled: list[str] = field(default_factory=list)
    ignored_annotations: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    documents: int = 0
    origins: dict[str, list[Origin]] = field(default_factory=lambda: {k: [] for k in MODELS})  # parallel to entries
    seen: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (kind, namespace, name) -> where

    def simplifications(self) -> list[str]:
        """One line per thing the run will not account for."""
        out = [f"not modelled: {x}" for x in self.not_modelled]
        out += [f"loaded, no effect: {x}" for x in self.ignored_kinds]
        out += [f"ignored field: {x}" for x in sorted(self.ignored_fields)]
        out += [f"ignored annotation (names a resource): {x}" for x in sorted(self.ignored_annotations)]
        return out


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return [path]


def _docs(path: Path) -> list[Any]:
    try:
        return load_yaml_documents(path)
    except YAMLInputError as e:
        raise ManifestError(e.source, e.field, e.message) from None


def _covered(p: str, used: tuple[str, ...]) -> bool:
    return any(p == u or p.startswith(u + ".") or p.startswith(u + "[]") for u in used)


def _ignored(doc: dict[str, Any], used: tuple[str, ...]) -> set[str]:
    """The shortest path prefixes the conversion did not read (``...containers[].env``, not every leaf)."""
    out = set()
    for p in leaf_paths(doc):
        if p.split(".")[0] in ALWAYS_USED or _covered(p, used):
            continue
        parts = p.split(".")
        for k in range(1, len(parts) + 1):
            prefix = ".".join(parts[:k])
            if not any(u.startswith(prefix) for u in used):
                out.add(prefix)
                break
    return out


def load_manifests(paths: list[str | Path], lenient: bool = False) -> ManifestSet:
    """Read and convert every document under ``paths``.

    Raises:
        ManifestError: the first bad document, naming file, document index and field.
    """
    out = ManifestSet()
    for base in paths:
        root = Path(base)
        if not root.exists():
            raise ManifestError(str(root), "", "no such file or folder")
        for path in _files(root):
            for i, doc in enumerate(_docs(path)):
                items = doc.get("items", []) if isinstance(doc, dict) and doc.get("kind") == "List" else [doc]
                for j, item in enumerate(items):
                    where = f"{path}[doc {i}]" + (f"[item {j}]" if len(items) > 1 or item is not doc else "")
                    _one(item, where, out, lenient)
    return out


def ignored_paths(doc: dict[str, Any], used: tuple[str, ...]) -> set[str]:
    """The field paths of ``doc`` a conversion that read ``used`` leaves out (shortest prefixes)."""
    return _ignored(doc, used)


def add_document(doc: Any, where: str, out: ManifestSet, lenient: bool = False) -> None:
    """Convert one object (``where`` names it in errors) into ``out``; ManifestError on bad input."""
    _one(doc, where, out, lenient)


def _identity(doc: Any, where: str) -> tuple[str, str, dict[str, Any]]:
    """apiVersion, kind and metadata (a mapping with a name) of a document, or ManifestError."""
    if not isinstance(doc, dict):
        raise ManifestError(where, "", "a document must be a mapping")
    for key in ("apiVersion", "kind"):
        if not doc.get(key):
            raise ManifestError(where, key, "required field missing")
        if not isinstance(doc[key], str):
            raise ManifestError(where, key, f"expected a string, got {doc[key]!r}")
    meta = doc.get("metadata")
    if meta is None:
        meta = {}
    try:
        check_shape(meta, METADATA, "metadata")
    except ShapeError as e:
        raise ManifestError(where, e.path, e.message) from None
    if not (meta.get("name") or meta.get("generateName")):
        raise ManifestError(where, "metadata.name", "required field missing (or metadata.generateName)")
    return doc["apiVersion"], doc["kind"], meta


def _check(doc: dict[str, Any], api: str, kind: str, label: str, where: str) -> None:
    """The apiVersion, the shapes and Kubernetes' own rules for the fields the simulator reads."""
    versions = API_VERSIONS.get(kind)
    if versions is not None and api not in versions:
        raise ManifestError(where, "apiVersion", f'no matches for kind "{kind}" in version "{api}" (known: {", ".join(versions)})')
    schema = KIND_SCHEMAS.get(kind)
    try:
        if schema is not None:
            check_shape(doc, schema)
    except ShapeError as e:
        raise ManifestError(where, f"{label}: {e.path}", e.message) from None
    problem = check_rules(kind, doc)
    if problem is not None:
        raise ManifestError(where, f"{label}: {problem[0]}", problem[1])


def _one(doc: Any, where: str, out: ManifestSet, lenient: bool) -> None:
    api, kind, meta = _identity(doc, where)
    name = str(meta.get("name") or str(meta["generateName"]).rstrip("-"))
    out.documents += 1
    if kind in IGNORED:
        out.ignored_kinds.append(f"{kind}/{name}")
        return
    if kind in NOT_MODELLED_KINDS:
        out.not_modelled.append(f"{kind}/{name}")
        return
    conv = KINDS.get(kind)
    if conv is None:
        if lenient:
            out.warnings.append(f"{where}: kind: unknown kind {kind!r}, skipped")
            return
        raise ManifestError(where, "kind", f"unknown kind {kind!r} (use --lenient to skip it)")
    label = f"{kind} {name}"
    _check(doc, api, kind, label, where)
    key = (kind, str(meta.get("namespace") or "default") if kind not in CLUSTER_SCOPED else "", name)
    if key in out.seen:
        raise ManifestError(where, f"{label}: metadata.name", f"{kind} {'/'.join(k for k in key[1:] if k)} is defined twice "
                                                              f"(first at {out.seen[key]})")
    if "name" not in meta:  # generateName: the converters read metadata.name
        doc = {**doc, "metadata": {**meta, "name": name}}
    try:
        section, entry, used = conv(doc)
    except SHAPE_ERRORS:  # a shape no schema check covers (a converter's own reads): name the field it read last
        seen = locate(conv, doc)
        raise ManifestError(where, f"{label}: {seen.dotted(brackets=True)}" if seen else label,
                            seen.problem() if seen else "cannot convert this object") from None
    if section is None:  # a valid object that takes no effect (e.g. an EndpointSlice of no Service)
        out.ignored_kinds.append(f"{kind}/{name}")
        return
    out.not_modelled += [f"{kind}/{name}: {note}" for note in entry.pop(NOTES, [])]
    try:
        MODELS[section].model_validate(entry)
    except ValidationError as e:
        loc, msg = describe_validation_error(e)
        raise ManifestError(where, f"{label}: {manifest_path(kind, loc)}", msg) from None
    out.seen[key] = where
    out.entries[section].append(entry)
    out.origins[section].append(Origin(where, kind, name))
    out.ignored_fields |= {f"{kind}: {p}" for p in _ignored(doc, used)}
    out.ignored_annotations |= {f"{kind} {name}: {p}" for p in resource_annotations(doc)}
