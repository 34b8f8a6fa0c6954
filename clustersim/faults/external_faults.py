"""ExternalServiceOutage: a dependency outside the cluster stops answering, or its name stops resolving.

``what: service``: requests to it fail (by name or at its addresses); ``what: dns``: its DNS record is
gone upstream, so lookups fail once CoreDNS's and NodeLocal DNSCache's cached answers expire (up to
30 s), while clients that still hold its address keep working; ``both``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext, check_at
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS

__all__ = ["ExternalServiceOutage"]


class ExternalServiceOutageArgs(ActorArgs):
    """Which dependency, what fails, when."""

    at_s: float = Field(ge=0)
    duration_s: float | None = Field(None, gt=0, description="How long (None: until the end).")
    service: str = Field(description="The name of one of `external_services`.")
    what: Literal["service", "dns", "both"] = Field("service", description="service: it stops answering; dns: its name stops resolving.")

    def check(self, cfg: SimConfig) -> str | None:
        """A known dependency and a time inside the run."""
        if not any(e.name.rstrip(".").lower() == self.service.rstrip(".").lower() for e in cfg.external_services):
            return f"service: unknown external service {self.service!r}"
        return check_at(cfg, self.at_s)


@FAULTS.register("ExternalServiceOutage")
class ExternalServiceOutage:
    """An outage of an outside dependency or of its name."""

    Args = ExternalServiceOutageArgs

    def __init__(self, index: int, args: ExternalServiceOutageArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx
        self.row: dict[str, object] = {}

    def start(self) -> None:
        """Schedule the outage and its end."""
        env, a = self.ctx.env, self.args
        env.timeout(a.at_s).callbacks.append(lambda _e: self._set(True))
        if a.duration_s is not None:
            env.timeout(a.at_s + a.duration_s).callbacks.append(lambda _e: self._set(False))

    def _set(self, down: bool) -> None:
        ctx, a = self.ctx, self.args
        ep = ctx.infra.external.get(a.service)
        assert ep is not None
        if a.what in ("service", "both"):
            ep.down = down
        if a.what in ("dns", "both"):
            ep.dns_down = down
        if down:
            self.row = {"fault": "ExternalServiceOutage", "index": self.index, "target": f"{ep.name} ({a.what})",
                        "t_inject": ctx.env.now, "t_recover": None}
            ctx.rec.faults.append(self.row)
        else:
            self.row["t_recover"] = ctx.env.now
        ctx.rec.event("ExternalService", "", ep.name, "FaultInjected" if down else "FaultRecovered",
                      f"ExternalServiceOutage: {a.what}", "", "Warning" if down else "Normal")
