"""What acts on a run from outside the control plane (faults and workloads): their shared context,
their args base, and reference checks on the config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ConfigDict

from clustersim.apiserver import ClusterState
from clustersim.config.bounds import Bounded
from clustersim.config.models import SimConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder

__all__ = ["ActorArgs", "ActorContext", "check_at", "check_deployment", "edit_deployment", "node_names", "node_zones"]


class ActorArgs(Bounded):
    """Base of fault and workload args: unknown keys are errors, numbers bounded (config/bounds.py); ``check`` resolves references."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def check(self, cfg: SimConfig) -> str | None:
        """A dangling reference as 'field: message', or None."""
        return None


@dataclass(frozen=True, slots=True)
class ActorContext:
    """What a fault may touch."""

    env: ClusterEnv
    state: ClusterState
    infra: Infrastructure
    rec: Recorder
    cfg: SimConfig
    auth: Any = None  # the API server's authentication and authorization (clustersim.auth.server.ApiServerAuth)
    cloud: Any = None  # the run's cloud (clustersim.cloud.SimulatedCloud), None on a self-managed cluster


def check_at(cfg: SimConfig, at_s: float) -> str | None:
    """'at_s: ...' when the time is not inside the run."""
    if at_s >= cfg.duration_s:
        return f"at_s: {at_s} is not before the end of the run ({cfg.duration_s})"
    return None


def check_deployment(cfg: SimConfig, namespace: str, name: str) -> str | None:
    """'deployment: ...' when no configured Deployment (or add-on workload, e.g. kube-system/coredns) has this name."""
    from clustersim.addons.workloads import addon_workloads

    addons = addon_workloads(cfg)
    known = (*cfg.deployments, *addons.deployments, *addons.daemon_sets)
    if not any(d.name == name and d.namespace == namespace for d in known):
        return f"deployment: unknown Deployment {namespace}/{name}"
    return None


def node_names(cfg: SimConfig) -> list[str]:
    """Names of the nodes the config creates, as the builder names them (cloud pools' VMs at t=0 last)."""
    from clustersim.config.cloud import cloud_node_names

    return [n.name for n in cfg.cluster.node_list()] + list(cloud_node_names(cfg))


def node_zones(cfg: SimConfig) -> dict[str, str]:
    """Zone of each configured node (round-robin over the pool's zones)."""
    from clustersim.config.cloud import cloud_node_names

    return {**{n.name: n.zone for n in cfg.cluster.node_list()}, **{k: z for k, (_, z) in cloud_node_names(cfg).items()}}


def edit_deployment(ctx: ActorContext, namespace: str, name: str, image: str | None = None, replicas: int | None = None,
                    ready_after_s: float | None = None, crash_after_s: float | None = None) -> bool:
    """What ``kubectl set image`` / ``kubectl scale`` do: a new pod template (a rollout) and/or replicas.

    ``ready_after_s`` and ``crash_after_s`` give the new version's behaviour (a slower or crash-looping
    release). Returns False when the Deployment does not exist.
    """
    from dataclasses import replace

    from clustersim.api.objects import PodTemplate

    d = ctx.state.get("Deployment", f"{namespace}/{name}")
    if d is None:
        return False
    if image is not None:
        spec = d.spec.template.spec
        containers = []
        for c in spec.containers:
            behavior = c.behavior
            if ready_after_s is not None:
                behavior = replace(behavior, ready_after_s=ready_after_s)
            if crash_after_s is not None:
                behavior = replace(behavior, crash_after_s=crash_after_s)
            containers.append(replace(c, image=image, behavior=behavior))
        d.spec.template = PodTemplate(d.spec.template.labels, replace(spec, containers=tuple(containers)))
    if replicas is not None:
        d.spec.replicas = replicas
    d.meta.generation += 1
    ctx.state.update(d)
    ctx.rec.event("Deployment", namespace, name, "DeploymentUpdated", f"image={image} replicas={replicas}")
    return True
