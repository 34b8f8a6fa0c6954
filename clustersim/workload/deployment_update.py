"""DeploymentUpdate: at ``at_s``, change a Deployment's image (a rollout) and/or its replica count.

What ``kubectl set image`` or ``kubectl scale`` does: the spec changes, the generation is bumped,
and the Deployment controller rolls out or scales per its strategy.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from clustersim.actors import ActorArgs, ActorContext, check_at, check_deployment, edit_deployment
from clustersim.config.bounds import Replicas
from clustersim.config.models import SimConfig
from clustersim.workload.base import WORKLOADS

__all__ = ["DeploymentUpdate"]


class DeploymentUpdateArgs(ActorArgs):
    """Which Deployment changes, when, and how."""
    at_s: float = Field(ge=0, description="Time of the change.")
    deployment: str
    namespace: str = "default"
    image: str | None = Field(None, description="New image for every container (starts a rollout).")
    replicas: Replicas | None = Field(None, description="New replica count.")
    ready_after_s: float | None = Field(None, ge=0, description="New app start-up time (e.g. a slower release).")
    crash_after_s: float | None = Field(None, gt=0, description="The new version exits this long after each start (a bad rollout).")

    @model_validator(mode="after")
    def _something(self) -> DeploymentUpdateArgs:
        if self.image is None and self.replicas is None:
            raise ValueError("image: give image and/or replicas")
        return self

    def check(self, cfg: SimConfig) -> str | None:
        """Dangling Deployment reference or a time outside the run, or None."""
        return check_deployment(cfg, self.namespace, self.deployment) or check_at(cfg, self.at_s)


@WORKLOADS.register("DeploymentUpdate")
class DeploymentUpdate:
    """Edit a Deployment at a time."""

    Args = DeploymentUpdateArgs

    def __init__(self, index: int, args: DeploymentUpdateArgs, ctx: ActorContext) -> None:
        self.args, self.ctx = args, ctx

    def start(self) -> None:
        """Schedule the edit."""
        self.ctx.env.timeout(self.args.at_s).callbacks.append(lambda _e: self._apply())

    def _apply(self) -> None:
        a = self.args
        edit_deployment(self.ctx, a.namespace, a.deployment, a.image, a.replicas, a.ready_after_s, a.crash_after_s)
