"""Control-plane faults: APIServerOutage, SchedulerCrash, ControllerManagerCrash.

- APIServerOutage: for ``duration_s`` the API server answers nobody: kubelets cannot renew their
  Leases or report status, the scheduler and controllers see no watch events and write nothing;
  running pods keep running and serving. On recovery kubelets renew at once and send what they
  held, and the components relist (their held events are handed over), so nodes are not marked
  NotReady for the outage itself: the controller-manager was blind too (it uses its own observation
  times, as upstream's node lifecycle controller does).
- SchedulerCrash / ControllerManagerCrash: the leading instance dies. With a standby
  (``scheduler.replicas`` / ``controller_manager.replicas`` >= 2) it takes over when the Lease expires
  (``lease_duration_s`` 15 s after the last renewal, then its next 2 s retry); without one, the crashed
  instance restarts after ``restart_after_s`` and leads once the old Lease has expired.
"""

from __future__ import annotations

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext, check_at
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS

__all__ = ["APIServerOutage", "ComponentCrash"]


class OutageArgs(ActorArgs):
    """When the API server is down, for how long."""

    at_s: float = Field(ge=0)
    duration_s: float = Field(gt=0)

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run."""
        return check_at(cfg, self.at_s)


@FAULTS.register("APIServerOutage")
class APIServerOutage:
    """The API server is unavailable for a while."""

    Args = OutageArgs

    def __init__(self, index: int, args: OutageArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule the outage and the recovery."""
        env = self.ctx.env
        env.timeout(self.args.at_s).callbacks.append(lambda _e: self._set(True))
        env.timeout(self.args.at_s + self.args.duration_s).callbacks.append(lambda _e: self._set(False))

    def _set(self, down: bool) -> None:
        ctx = self.ctx
        if down:
            self.row = {"fault": "APIServerOutage", "index": self.index, "target": "kube-apiserver", "t_inject": ctx.env.now, "t_recover": None}
            ctx.rec.faults.append(self.row)
        ctx.infra.set_api_server_down(down)
        if not down:
            self.row["t_recover"] = ctx.env.now
        ctx.rec.event("Component", "", "kube-apiserver", "FaultInjected" if down else "FaultRecovered",
                      f"APIServerOutage: {'unavailable' if down else 'available again'}", "", "Warning" if down else "Normal")


class CrashArgs(ActorArgs):
    """When the leader crashes and how long it takes to restart."""

    at_s: float = Field(ge=0)
    restart_after_s: float | None = Field(60.0, gt=0, description="The crashed instance runs again after this long (None: never).")

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run."""
        return check_at(cfg, self.at_s)


class ComponentCrash:
    """The leading instance of a control-plane component crashes."""

    Args = CrashArgs
    COMPONENT = ""
    NAME = ""

    def __init__(self, index: int, args: CrashArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule the crash."""
        self.ctx.env.timeout(self.args.at_s).callbacks.append(lambda _e: self._crash())

    def _crash(self) -> None:
        ctx = self.ctx
        comp = ctx.infra.control_plane[self.COMPONENT]
        takeover = comp.crash_leader(self.args.restart_after_s)
        ctx.rec.faults.append({"fault": self.NAME, "index": self.index, "target": self.COMPONENT, "t_inject": ctx.env.now,
                               "t_recover": takeover})
        msg = "no leader until the end" if takeover is None else f"new leader at t={takeover:.1f} s"
        ctx.rec.event("Component", "", self.COMPONENT, "FaultInjected", f"{self.NAME}: leader died; {msg}", "", "Warning")
        if takeover is not None:
            ctx.env.timeout(takeover - ctx.env.now).callbacks.append(
                lambda _e: ctx.rec.event("Component", "", self.COMPONENT, "LeaderElection", "became leader", ""))


@FAULTS.register("SchedulerCrash")
class SchedulerCrash(ComponentCrash):
    """kube-scheduler's leader crashes."""

    COMPONENT = "kube-scheduler"
    NAME = "SchedulerCrash"


@FAULTS.register("ControllerManagerCrash")
class ControllerManagerCrash(ComponentCrash):
    """kube-controller-manager's leader crashes."""

    COMPONENT = "kube-controller-manager"
    NAME = "ControllerManagerCrash"


class LatencyArgs(ActorArgs):
    """A slow API server / etcd: watch events arrive this late for a while."""

    at_s: float = Field(ge=0)
    duration_s: float = Field(gt=0)
    watch_latency_s: float = Field(gt=0, description="Delay of every watch event (and so of every reaction) during the fault.")

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run."""
        return check_at(cfg, self.at_s)


@FAULTS.register("APILatency")
class APILatency:
    """Slow API server or etcd: every watch event takes ``watch_latency_s`` to arrive."""

    Args = LatencyArgs

    def __init__(self, index: int, args: LatencyArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx

    def start(self) -> None:
        """Schedule the slowdown and its end."""
        env, state = self.ctx.env, self.ctx.state
        normal = state.watch_latency_s

        def slow(_e: object) -> None:
            state.watch_latency_s = self.args.watch_latency_s
            self.row = {"fault": "APILatency", "index": self.index, "target": "kube-apiserver", "t_inject": env.now, "t_recover": None}
            self.ctx.rec.faults.append(self.row)

        def fast(_e: object) -> None:
            state.watch_latency_s = normal
            self.row["t_recover"] = env.now

        env.timeout(self.args.at_s).callbacks.append(slow)
        env.timeout(self.args.at_s + self.args.duration_s).callbacks.append(fast)
