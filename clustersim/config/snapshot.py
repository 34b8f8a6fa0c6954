"""Config of a run that starts from a cluster as it is: the objects of a snapshot that exist at t=0.

``snapshot.path`` names a ``kubectl get ... -o yaml`` List or a folder of such objects; loading the config
reads it (``clustersim.snapshot``) into the usual sections (nodes, Deployments, Services, ...) and into
the lists below, which carry what only a snapshot has: pods already bound and running, with their status
and owner; ReplicaSets with the Deployment that owns them; the nodes' conditions. Times are seconds
relative to when the snapshot was taken (t=0), so they are zero or negative.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clustersim.config.models import DeploymentConfig, PodConfig, Strict, TrafficConfig

__all__ = ["OwnerConfig", "SnapshotConfig", "SnapshotNodeConfig", "SnapshotPodConfig", "SnapshotReplicaSetConfig"]


class OwnerConfig(Strict):
    """The controller ``ownerReference`` of an object in the snapshot (resolved by kind and name at t=0)."""

    kind: str
    name: str


class SnapshotPodConfig(PodConfig):
    """A pod as the snapshot shows it: bound to ``node_name`` (Running pods keep running there), in its phase."""

    name: str = Field(pattern=r"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", description="metadata.name (a DNS subdomain).")
    restart_policy: Literal["Always", "OnFailure", "Never"] = "Always"
    node_name: str | None = Field(None, description="spec.nodeName (None: not scheduled yet).")
    phase: Literal["Pending", "Running", "Succeeded", "Failed", "Unknown"] = Field("Pending", description="status.phase.")
    ready: bool = Field(False, description="The Ready condition is True.")
    ready_since_s: float | None = Field(None, le=0, description="lastTransitionTime of the Ready condition (relative, <= 0).")
    started_s: float | None = Field(None, le=0, description="status.startTime (relative, <= 0).")
    restart_count: int = Field(0, ge=0, description="Sum of the containers' restartCount.")
    owner: OwnerConfig | None = Field(None, description="Controller ownerReference (ReplicaSet, StatefulSet, DaemonSet, Job).")
    annotations: dict[str, str] = Field(default_factory=dict)
    workload: str | None = Field(None, description="The top owner's name (a ReplicaSet's Deployment), for the per-workload metrics.")


class SnapshotReplicaSetConfig(DeploymentConfig):
    """A ReplicaSet of the snapshot; ``owner`` names the Deployment that owns it (its controller adopts it)."""

    owner: str | None = Field(None, description="The owning Deployment (same namespace).")
    revision: str | None = Field(None, description="deployment.kubernetes.io/revision.")


class SnapshotNodeConfig(Strict):
    """A node's conditions and provider ID as the snapshot shows them."""

    ready: Literal["True", "False", "Unknown"] = Field("True", description="The Ready condition (not True: the kubelet starts down).")
    ready_since_s: float | None = Field(None, le=0, description="lastTransitionTime of the Ready condition (relative, <= 0).")
    memory_pressure: bool = False
    disk_pressure: bool = False
    provider_id: str = Field("", description="spec.providerID (how cloud chaos names the instance).")


class SnapshotConfig(Strict):
    """A cluster snapshot and the objects it adds at t=0."""

    path: str | None = Field(None, description="A List file or a folder of objects (relative to the config); read when the config loads.")
    source: str | None = Field(None, description="The path it was read from (filled when loaded).")
    lenient: bool = Field(False, description="Skip objects of unknown kinds with a warning instead of failing.")
    traffic: TrafficConfig | None = Field(None, description="Clients for every Service of the snapshot that selects pods.")
    taken_at: str | None = Field(None, description="When the snapshot was taken (the newest timestamp in it; ISO 8601).")
    pods: tuple[SnapshotPodConfig, ...] = Field((), description="Pods at t=0, with node, phase, readiness and owner.")
    replica_sets: tuple[SnapshotReplicaSetConfig, ...] = Field((), description="ReplicaSets at t=0, with their owning Deployment.")
    nodes: dict[str, SnapshotNodeConfig] = Field(default_factory=dict, description="Conditions of the snapshot's nodes.")
