"""The kubelet's view of its container runtime: ``runtimeState`` errors that make the node Ready=False.

Upstream (``pkg/kubelet``): ``updateRuntimeUp`` asks the runtime for its status every 5 s and records
"container runtime is down" when it does not answer; the PLEG health check fails once no relist has
completed for ``genericPlegRelistThreshold`` (3 min, ``pleg/generic.go`` ``Healthy``). The Ready
setter reports the errors (reason KubeletNotReady), one error as its text, several as a bracketed
list (``utilerrors.NewAggregate``). Both are computed from the runtime's state changes, so a healthy
runtime costs no events.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import simpy

from clustersim.api.objects import ConditionStatus
from clustersim.infra import RUNTIME_DOWN, RUNTIME_OK

if TYPE_CHECKING:
    from clustersim.env import ClusterEnv
    from clustersim.node.node_status import NodeStatus

__all__ = ["RUNTIME_STATUS_PERIOD_S", "RuntimeHealth", "go_duration"]

RUNTIME_STATUS_PERIOD_S = 5.0  # pkg/kubelet/kubelet.go: wait.Until(kl.updateRuntimeUp, 5*time.Second)
RUNTIME_DOWN_MESSAGE = "container runtime is down"


def go_duration(seconds: float) -> str:
    """A duration as Go's ``time.Duration.String`` prints it (``3m0s``, ``1h2m3.5s``)."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    sec = f"{s:.9f}".rstrip("0").rstrip(".") + "s"
    if h:
        return f"{int(h)}h{int(m)}m{sec}"
    if m:
        return f"{int(m)}m{sec}"
    return sec


class RuntimeHealth:
    """Runtime and PLEG errors of one kubelet, fed into its node status."""

    __slots__ = ("env", "status", "relist_s", "threshold_s", "phase_s", "errors", "_epoch", "_waiters", "state")

    def __init__(self, env: ClusterEnv, status: NodeStatus, relist_s: float, threshold_s: float, node: str) -> None:
        self.env, self.status, self.relist_s, self.threshold_s = env, status, relist_s, threshold_s
        self.phase_s = float(env.rng(f"kubelet/{node}/runtime").uniform(0.0, RUNTIME_STATUS_PERIOD_S))
        self.errors: dict[str, str] = {}  # "runtime" / "pleg" -> message
        self._epoch = 0
        self._waiters: list[simpy.Event] = []
        self.state = RUNTIME_OK

    @property
    def ok(self) -> bool:
        """The runtime can start, restart and stop containers now."""
        return self.state == RUNTIME_OK

    def wait_ok(self) -> simpy.Event:
        """An event that fires when the runtime works again."""
        ev = self.env.event()
        self._waiters.append(ev)
        return ev

    def _next_status_check(self, t: float) -> float:
        p = RUNTIME_STATUS_PERIOD_S
        return self.phase_s + math.ceil((t - self.phase_s) / p - 1e-9) * p

    def changed(self, state: str) -> None:
        """The runtime went down, stalled, or works again."""
        self.state, self._epoch = state, self._epoch + 1
        epoch, now = self._epoch, self.env.now
        if state == RUNTIME_OK:
            waiters, self._waiters = self._waiters, []
            for ev in waiters:
                ev.succeed()
            # the next status check clears "down"; the next relist clears PLEG
            self._at(self._next_status_check(now), epoch, lambda: self._set("runtime", None))
            self._at(math.ceil(now / self.relist_s - 1e-9) * self.relist_s, epoch, lambda: self._set("pleg", None))
            return
        if state == RUNTIME_DOWN:
            self._at(self._next_status_check(now), epoch, lambda: self._set("runtime", RUNTIME_DOWN_MESSAGE))
        last_relist = math.floor(now / self.relist_s + 1e-9) * self.relist_s
        message = (f"PLEG is not healthy: pleg was last seen active {go_duration(self.threshold_s)} ago; "
                   f"threshold is {go_duration(self.threshold_s)}")
        self._at(last_relist + self.threshold_s, epoch, lambda: self._set("pleg", message))

    def _at(self, t: float, epoch: int, fn: object) -> None:
        def fire(_e: object) -> None:
            if epoch == self._epoch:
                fn()  # type: ignore[operator]
        self.env.timeout(max(t - self.env.now, 0.0)).callbacks.append(fire)

    def _set(self, key: str, message: str | None) -> None:
        if message is None:
            self.errors.pop(key, None)
        else:
            self.errors[key] = message
        st = self.status
        msgs = [self.errors[k] for k in ("runtime", "pleg") if k in self.errors]
        st.ready = ConditionStatus.FALSE if msgs else ConditionStatus.TRUE
        st.ready_message = msgs[0] if len(msgs) == 1 else f"[{', '.join(msgs)}]" if msgs else ""
        if st.differs() or st.node.ready_message != st.ready_message:
            st.changed()
