"""RequestFault: requests served by the selected pods fail (abort) or are delayed, for ``duration_s``.

What Chaos Mesh HTTPChaos (``abort``, ``delay``), NetworkChaos (``loss``, ``delay``), Litmus
pod-network-latency / pod-network-partition and Krkn application_outage do to a Service's clients, in the
traffic model's terms: a request routed to such a pod fails with probability ``abort`` (a packet loss of
p is taken as a request failure probability p: TCP retransmission is not modelled), and is delayed by
``delay_s`` (plus a normal ``jitter_s``, as netem draws it), which fails it only when the client's
``traffic.timeout_s`` is shorter. Faults on the same pod combine (abort probabilities multiply out,
delays add). Pods created after the injection are not affected, as with the tools' own injections.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from clustersim.api.objects import Pod
from clustersim.faults.base import FAULTS
from clustersim.faults.pod_fault import PodFault, PodFaultArgs

__all__ = ["RequestFault"]


class RequestFaultArgs(PodFaultArgs):
    """Which pods' requests, and what happens to them."""

    abort: float = Field(0.0, ge=0, le=1, description="Probability that a request to the pod fails (1: every request).")
    delay_s: float = Field(0.0, ge=0, description="Added latency of each request to the pod.")
    jitter_s: float = Field(0.0, ge=0, description="Standard deviation of the added latency (normal, as netem).")

    @model_validator(mode="after")
    def _something(self) -> RequestFaultArgs:
        if self.abort == 0 and self.delay_s == 0:
            raise ValueError("abort: give abort or delay_s")
        return self


@FAULTS.register("RequestFault")
class RequestFault(PodFault):
    """Abort or delay the requests the selected pods serve."""

    Args = RequestFaultArgs
    NAME = "RequestFault"
    RECOVERS = True

    def _entry(self) -> tuple[float, float, float]:
        a: RequestFaultArgs = self.args  # type: ignore[assignment]
        return (a.abort, a.delay_s, a.jitter_s)

    def hit(self, pod: Pod) -> str | None:
        """Register the fault on the pod's requests."""
        self.ctx.infra.request_faults.setdefault(pod.key, []).append(self._entry())
        abort, delay, _ = self._entry()
        parts = ([f"abort {abort:.0%}"] if abort else []) + ([f"delay {delay:g}s"] if delay else [])
        return ", ".join(parts)

    def recover(self, pod: Pod) -> None:
        """Remove one registration."""
        faults = self.ctx.infra.request_faults.get(pod.key)
        if faults:
            faults.remove(self._entry())
            if not faults:
                del self.ctx.infra.request_faults[pod.key]
