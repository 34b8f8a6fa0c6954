"""DNS faults: DNSChaos (Chaos Mesh's DNSChaos, acting in CoreDNS) and UpstreamDNSOutage.

- DNSChaos: from ``at_s`` for ``duration_s``, CoreDNS answers queries whose name matches ``patterns``
  (Chaos Mesh syntax: exact names, ``*`` and ``?``), from clients in ``namespaces``, with an error
  (SERVFAIL), a random address (``random``: the request then fails) or after ``delay_s`` (``delay``:
  an attempt fails once the delay reaches the resolver's timeout). ``percent`` of matching queries are
  hit. Answers already in a NodeLocal DNSCache are not (the cache answers before CoreDNS is asked).
- UpstreamDNSOutage: the resolver CoreDNS forwards non-cluster names to stops answering; CoreDNS
  pods keep answering names they cached less than ``cache_ttl_s`` (30 s) before; cluster names
  are not affected.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clustersim.actors import ActorArgs, ActorContext, check_at
from clustersim.config.models import SimConfig
from clustersim.dataplane.dns import DNSChaosRule, compile_patterns
from clustersim.faults.base import FAULTS

__all__ = ["DNSChaos", "UpstreamDNSOutage"]


class DNSChaosArgs(ActorArgs):
    """Which queries CoreDNS answers wrongly, how, and when."""

    at_s: float = Field(ge=0)
    duration_s: float | None = Field(None, gt=0, description="How long (None: until the end).")
    action: Literal["error", "random", "delay"] = Field("error", description="error: SERVFAIL; random: a wrong address; delay: a slow answer.")
    patterns: tuple[str, ...] = Field((), description="Names hit (exact, or * and ? wildcards), matched against each queried name; empty: all.")
    namespaces: tuple[str, ...] = Field((), description="Client namespaces hit (empty: all).")
    delay_s: float = Field(0.0, ge=0, description="action delay: added to each answer.")
    percent: float = Field(100.0, gt=0, le=100, description="Share of matching queries hit.")

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run; a delay for action delay."""
        if self.action == "delay" and self.delay_s <= 0:
            return "delay_s: action delay needs delay_s > 0"
        return check_at(cfg, self.at_s)


class _Timed:
    """A fault with a start, an optional end, and one row in the faults frame."""

    NAME = ""

    def __init__(self, index: int, args: DNSChaosArgs | UpstreamDNSOutageArgs, ctx: ActorContext) -> None:
        self.index, self.args, self.ctx = index, args, ctx
        self.row: dict[str, object] = {}

    def start(self) -> None:
        """Schedule the injection and the recovery."""
        env, a = self.ctx.env, self.args
        env.timeout(a.at_s).callbacks.append(lambda _e: self._inject())
        if a.duration_s is not None:
            env.timeout(a.at_s + a.duration_s).callbacks.append(lambda _e: self._recover())

    def target(self) -> str:
        """What the faults frame names as the target."""
        return "coredns"

    def _inject(self) -> None:
        ctx = self.ctx
        self.row = {"fault": self.NAME, "index": self.index, "target": self.target(), "t_inject": ctx.env.now, "t_recover": None}
        ctx.rec.faults.append(self.row)
        ctx.rec.event("Component", "kube-system", "coredns", "FaultInjected", f"{self.NAME}: {self.target()}", "", "Warning")
        self.apply(True)

    def _recover(self) -> None:
        self.apply(False)
        self.row["t_recover"] = self.ctx.env.now
        self.ctx.rec.event("Component", "kube-system", "coredns", "FaultRecovered", f"{self.NAME}: {self.target()}")

    def apply(self, on: bool) -> None:
        """Change the data plane."""
        raise NotImplementedError


@FAULTS.register("DNSChaos")
class DNSChaos(_Timed):
    """CoreDNS answers chosen names with an error, a wrong address, or late."""

    Args = DNSChaosArgs
    NAME = "DNSChaos"

    def target(self) -> str:
        """The patterns hit."""
        a = self.args
        assert isinstance(a, DNSChaosArgs)
        return f"{a.action} {','.join(a.patterns) or '*'}"

    def apply(self, on: bool) -> None:
        """Add the rule at injection (it carries its own end)."""
        a = self.args
        assert isinstance(a, DNSChaosArgs)
        if on:
            end = float("inf") if a.duration_s is None else a.at_s + a.duration_s
            self.ctx.infra.dns.chaos.append(DNSChaosRule(a.action, compile_patterns(a.patterns), frozenset(a.namespaces),
                                                         self.ctx.env.now, end, a.delay_s, a.percent / 100.0))


class UpstreamDNSOutageArgs(ActorArgs):
    """When the upstream resolver is down."""

    at_s: float = Field(ge=0)
    duration_s: float | None = Field(None, gt=0, description="How long (None: until the end).")

    def check(self, cfg: SimConfig) -> str | None:
        """A time inside the run."""
        return check_at(cfg, self.at_s)


@FAULTS.register("UpstreamDNSOutage")
class UpstreamDNSOutage(_Timed):
    """The nodes' resolver (what CoreDNS's forward plugin uses) stops answering."""

    Args = UpstreamDNSOutageArgs
    NAME = "UpstreamDNSOutage"

    def target(self) -> str:
        """The upstream resolver."""
        return "upstream resolver"

    def apply(self, on: bool) -> None:
        """Mark the upstream down or up."""
        self.ctx.infra.dns.upstream_down_since = self.ctx.env.now if on else None
