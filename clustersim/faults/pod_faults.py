"""Pod, image, release and node-maintenance faults: PodKill, ContainerKill, RegistryOutage,
ImagePullFailure, BadRollout, NodeDrain.

- PodKill: delete pods of a Deployment through the API (graceful, or with ``grace_period_s: 0``).
- ContainerKill: the containers of running pods exit (as ContainerCrash; the kubelet restarts them).
- RegistryOutage: image pulls fail (every image, or the listed ones) for ``duration_s``;
  pods needing a pull go to ErrImagePull then ImagePullBackOff (10 s doubling to 300 s).
- NodeDrain: like ``kubectl drain``: cordon the nodes, then evict their pods through the Eviction API,
  which refuses while a PodDisruptionBudget allows no disruption; refused evictions are retried every
  5 s (kubectl's retry interval) until ``timeout_s``. ``uncordon_after_s`` makes the node schedulable again.
"""

from __future__ import annotations

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext, check_at, check_deployment, edit_deployment
from clustersim.api.objects import Pod
from clustersim.apiserver.eviction import evict
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.container_crash import ContainerCrash
from clustersim.faults.node_faults import NodeFault, NodeFaultArgs
from clustersim.faults.pod_fault import PodFault, PodFaultArgs
from clustersim.faults.targets import pick_nodes

__all__ = ["BadRollout", "NodeDrain", "PodKill", "RegistryOutage"]

DRAIN_RETRY_S = 5.0  # kubectl drain retries a refused eviction every 5 s


class PodKillArgs(PodFaultArgs):
    """Which pods are deleted and when."""

    DEFAULT_COUNT = 1
    grace_period_s: float | None = Field(None, ge=0, description="Deletion grace period (default: the pod's; 0 deletes at once).")


@FAULTS.register("PodKill")
class PodKill(PodFault):
    """Delete pods through the API."""

    Args = PodKillArgs
    NAME = "PodKill"

    def hit(self, pod: Pod) -> str | None:
        """DELETE the pod."""
        grace = self.args.grace_period_s  # type: ignore[attr-defined]
        self.ctx.state.delete("Pod", pod.key, grace_s=grace)
        return "deleted"


FAULTS.register("ContainerKill")(type("ContainerKill", (ContainerCrash,), {"__doc__": "Alias of ContainerCrash, as chaos tools name it."}))


class RegistryOutageArgs(ActorArgs):
    """When pulls fail and which."""

    at_s: float = Field(ge=0)
    duration_s: float | None = Field(None, gt=0, description="Outage length (None: until the end).")
    images: tuple[str, ...] = Field((), description="Only these images fail (ImagePullFailure); empty: the whole registry.")

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run."""
        return check_at(cfg, self.at_s)


@FAULTS.register("RegistryOutage")
class RegistryOutage:
    """Image pulls fail for a while."""

    Args = RegistryOutageArgs

    def __init__(self, index: int, args: RegistryOutageArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule the outage and its end."""
        env = self.ctx.env
        env.timeout(self.args.at_s).callbacks.append(lambda _e: self._set(True))
        if self.args.duration_s is not None:
            env.timeout(self.args.at_s + self.args.duration_s).callbacks.append(lambda _e: self._set(False))

    def _set(self, down: bool) -> None:
        ctx, infra = self.ctx, self.ctx.infra
        if self.args.images:
            (infra.failing_images.update if down else infra.failing_images.difference_update)(self.args.images)
        else:
            infra.registry_down = down
        what = ", ".join(self.args.images) or "registry"
        if down:
            ctx.rec.faults.append({"fault": "RegistryOutage", "index": self.index, "target": what, "t_inject": ctx.env.now, "t_recover": None})
        else:
            for row in ctx.rec.faults:
                if row["fault"] == "RegistryOutage" and row["index"] == self.index and row["t_recover"] is None:
                    row["t_recover"] = ctx.env.now
        ctx.rec.event("Registry", "", what, "FaultInjected" if down else "FaultRecovered", f"RegistryOutage: {what}", "",
                      "Warning" if down else "Normal")


class NodeDrainArgs(NodeFaultArgs):
    """Which nodes are drained, when, and for how long evictions are retried."""

    timeout_s: float = Field(600.0, gt=0, description="Give up on evictions PDBs keep refusing after this long.")
    uncordon_after_s: float | None = Field(None, gt=0, description="Make the node schedulable again after this long.")


@FAULTS.register("NodeDrain")
class NodeDrain(NodeFault):
    """Cordon, then evict through the Eviction API (PDBs respected)."""

    Args = NodeDrainArgs
    NAME = "NodeDrain"

    def inject(self) -> None:
        """Drain the picked nodes."""
        for name in pick_nodes(self.args, self.ctx.cfg, self.rng, self.ctx.state):
            self._drain(name)

    def _drain(self, name: str) -> None:
        ctx, a = self.ctx, self.args
        node = ctx.state.get("Node", name)
        if node is None:
            return
        node.unschedulable = True
        ctx.state.update(node)
        row = {"fault": "NodeDrain", "index": self.index, "target": name, "t_inject": ctx.env.now, "t_recover": None}
        ctx.rec.faults.append(row)
        ctx.rec.event("Node", "", name, "NodeNotSchedulable", f"Node {name} status is now: NodeNotSchedulable", name)
        deadline = ctx.env.now + a.timeout_s  # type: ignore[attr-defined]

        def attempt(_e: object = None) -> None:
            # kubectl drain --ignore-daemonsets: DaemonSet pods stay (their controller would put them back)
            left = [p for p in list(ctx.state.pods_on_node(name)) if not p.terminating
                    and not (p.meta.owner is not None and p.meta.owner.kind == "DaemonSet")]
            refused = 0
            for pod in sorted(left, key=lambda p: p.key):
                if evict(ctx.state, pod):
                    ctx.rec.event("Pod", pod.meta.namespace, pod.meta.name, "Evicted", f"Evicted by drain of {name}", name)
                else:
                    refused += 1
                    ctx.rec.event("Pod", pod.meta.namespace, pod.meta.name, "EvictionRefused",
                                  "Cannot evict pod as it would violate the pod's disruption budget.", name, "Warning")
            if refused and ctx.env.now + DRAIN_RETRY_S <= deadline:
                ctx.env.timeout(DRAIN_RETRY_S).callbacks.append(attempt)
            elif not refused:
                row["t_drained"] = ctx.env.now

        attempt()
        if a.uncordon_after_s is not None:  # type: ignore[attr-defined]
            def uncordon(_e: object) -> None:
                node.unschedulable = False
                ctx.state.update(node)
                row["t_recover"] = ctx.env.now
            ctx.env.timeout(a.uncordon_after_s).callbacks.append(uncordon)  # type: ignore[attr-defined]


FAULTS.register("ImagePullFailure")(type("ImagePullFailure", (RegistryOutage,), {
    "__doc__": "RegistryOutage restricted to `images`: pulls of those images fail (e.g. a deleted tag)."}))


class BadRolloutArgs(ActorArgs):
    """A release whose new version crash-loops."""

    at_s: float = Field(ge=0)
    deployment: str
    namespace: str = "default"
    image: str = Field(description="The new version's image.")
    crash_after_s: float = Field(5.0, gt=0, description="The new version exits this long after each start.")

    def check(self, cfg: SimConfig) -> str | None:
        """Known Deployment and a time inside the run."""
        return check_deployment(cfg, self.namespace, self.deployment) or check_at(cfg, self.at_s)


@FAULTS.register("BadRollout")
class BadRollout:
    """Roll out a version that crash-loops: the rolling update stalls on new pods in CrashLoopBackOff
    while maxUnavailable bounds how many old pods go, until progressDeadlineSeconds marks it failed."""

    Args = BadRolloutArgs

    def __init__(self, index: int, args: BadRolloutArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule the release."""
        self.ctx.env.timeout(self.args.at_s).callbacks.append(lambda _e: self._release())

    def _release(self) -> None:
        a, ctx = self.args, self.ctx
        if edit_deployment(ctx, a.namespace, a.deployment, image=a.image, crash_after_s=a.crash_after_s):
            ctx.rec.faults.append({"fault": "BadRollout", "index": self.index, "target": f"{a.namespace}/{a.deployment}",
                                   "t_inject": ctx.env.now, "t_recover": None})
