"""Experiments (format-free) to the fault catalogue of one cluster: fault and workload entries of a config.

Each action's schedule is expanded to explicit injection times (cron and ``@every`` against the run's
clock, intervals, a Litmus ChaosSchedule's period, Chaos Mesh's Forbid concurrency), shifted by the
experiment's start in the run; cloud instances are found among the cluster's nodes (the cloud pools'
VMs at t=0 included) by name or by ``spec.providerID``; on a managed cluster (a ``cloud:`` section)
cloud actions use the cloud faults (InstanceStop, InstanceRestart, InstanceTermination), and an
instance ID no node is named after is left to the cloud to resolve at injection (``instances``);
without a cloud they fall back to the node faults with the same effect on the node (NodeCrash,
NodeReboot). Each entry is validated against its fault's args and the cluster, so a target that does not
exist is one line naming the chaos file, document and object.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from clustersim.chaos.durations import expand_schedule
from clustersim.chaos.model import ChaosAction, ChaosError, ChaosExperiment, Timing
from clustersim.config.bounds import MAX_RUN_S
from clustersim.config.models import SimConfig
from clustersim.faults.base import FAULTS
from clustersim.faults.targets import node_labels
from clustersim.workload.base import WORKLOADS

__all__ = ["Compiled", "check_actions", "compile_experiments", "injection_times"]

CLOUD = {"stop": ("InstanceStop", "NodeCrash"), "restart": ("InstanceRestart", "NodeReboot"),
         "terminate": ("InstanceTermination", "NodeCrash")}
CLOUD_FAULTS = frozenset(cloud for cloud, _ in CLOUD.values())
MAX_INJECTIONS = 10_000


@dataclass
class Compiled:
    """What the experiments add to a config."""

    faults: list[dict[str, Any]] = field(default_factory=list)
    workloads: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # per fault entry: the chaos object it came from


def injection_times(t: Timing, horizon_s: float, clock: dt.datetime) -> list[float]:
    """Every injection time of ``t`` in [0, horizon_s), relative to the experiment's start."""
    end = horizon_s if t.until_s is None else min(t.until_s, horizon_s)
    if t.cron is not None:
        start = clock + dt.timedelta(seconds=t.at_s)
        stop = clock + dt.timedelta(seconds=max(end, t.at_s))
        base = [t.at_s + (x - start).total_seconds() for x in expand_schedule(t.cron, start, stop)]
        base = [x for x in base if x < end]
    elif t.every_s is not None:
        n = min(int(max(end - t.at_s, 0) // t.every_s) + 1, MAX_INJECTIONS)
        base = [x for x in (t.at_s + k * t.every_s for k in range(n)) if x < end]
    elif t.times_s:
        base = [x for x in t.times_s if x < end]
    else:
        base = [t.at_s] if t.at_s < end else []
    if t.period_s is not None and base:
        pattern, base = base, []
        k = 0
        while len(base) < MAX_INJECTIONS and k * t.period_s < end:
            base += [x + k * t.period_s for x in pattern if x + k * t.period_s < end]
            k += 1
    base = sorted(base)[:MAX_INJECTIONS]
    if t.forbid_overlap and t.duration_s:
        kept: list[float] = []
        for x in base:
            if not kept or x >= kept[-1] + t.duration_s:
                kept.append(x)
        base = kept
    return base


def _instance_targets(instances: tuple[str, ...], cfg: SimConfig, a: ChaosAction, cloud_fault: bool) -> dict[str, Any]:
    """``nodes`` (and for a cloud fault, ``instances`` the cloud resolves itself) of the instances named."""
    names = list(node_labels(cfg))
    provider = {name: st.provider_id for name, st in (cfg.snapshot.nodes.items() if cfg.snapshot else ())}
    nodes, ids = [], []
    for inst in instances:
        hit = [n for n in names if n == inst or provider.get(n, "") == inst or provider.get(n, "").rsplit("/", 1)[-1] == inst]
        if hit:
            nodes += hit
        elif cloud_fault:
            ids.append(inst)
        else:
            raise ChaosError(a.source, a.description, f"instance {inst!r}: no node of the cluster has this name or providerID")
    if nodes and ids:  # the fault's filters are all applied (node AND instance): one kind per action
        raise ChaosError(a.source, a.description, f"instance {ids[0]!r}: no node of the cluster has this name or providerID "
                         "(an action naming nodes cannot also name instance IDs)")
    return {"mode": "all", **({"nodes": nodes} if nodes else {}), **({"instances": ids} if ids else {})}


def _fault_name(a: ChaosAction, cfg: SimConfig, out: Compiled) -> str | None:
    if a.fault.startswith("Instance:"):
        cloud, fallback = CLOUD[a.fault.split(":", 1)[1]]
        if cloud in FAULTS and cfg.cloud is not None:
            return cloud
        why = "is not in this build's catalogue" if cloud not in FAULTS else "needs a cloud: section (a managed cluster)"
        out.notes.append(f"{a.source} {a.description}: {cloud} {why}: modelled as {fallback}")
        return fallback
    if a.fault not in FAULTS:
        out.notes.append(f"{a.source} {a.description}: {a.fault} is not in this build's fault catalogue: not modelled")
        return None
    return a.fault


def _validate(registry: Any, name: str, args: dict[str, Any], cfg: SimConfig, a: ChaosAction) -> None:
    _args_only(registry, name, args, a)
    parsed = registry.get(name).Args.model_validate(args)
    problem = parsed.check(cfg)
    if problem:
        raise ChaosError(a.source, a.description, f"{name} {problem}")


def _entry(a: ChaosAction, cfg: SimConfig, start_s: float, horizon_s: float, out: Compiled) -> None:
    if a.problem is not None:
        raise ChaosError(a.source, a.problem[0], a.problem[1])
    if a.fault.startswith("workload:"):
        workload = a.fault.split(":", 1)[1]
        wargs = {**a.params, "at_s": start_s + a.timing.at_s}
        _validate(WORKLOADS, workload, wargs, cfg, a)
        out.workloads.append({"name": workload, "args": wargs})
        return
    found = _fault_name(a, cfg, out)
    if found is None:
        return
    name = found
    times = [start_s + x for x in injection_times(a.timing, horizon_s, cfg.clock_start)]
    times = [x for x in times if x < cfg.duration_s]
    if not times:
        out.notes.append(f"{a.source} {a.description}: no injection within the run")
        return
    targets = dict(a.targets)
    if a.instances:
        targets.update(_instance_targets(a.instances, cfg, a, name in CLOUD_FAULTS))
    args: dict[str, Any] = {**targets, **a.params}
    if a.timing.duration_s is not None and not (name == "NodeCrash" and a.fault == "Instance:terminate"):
        args["duration_s"] = a.timing.duration_s
    fields = FAULTS.get(name).Args.model_fields
    entries = [{**args, "times_s": times}] if "times_s" in fields else [{**args, "at_s": x} for x in times]
    for e in entries:
        _validate(FAULTS, name, e, cfg, a)
        out.faults.append({"name": name, "args": e})
        out.origins.append(f"{a.source} {a.description}")


def check_actions(experiments: list[ChaosExperiment]) -> None:
    """Each action's arguments against its fault's or workload's Args, before any cluster is known (what
    ``validate`` and ``chaos read`` promise ``chaos preview`` will accept, short of the cluster's targets).

    Raises:
        ChaosError: as ``compile_experiments`` would for the same action.
    """
    for exp in experiments:
        _check_span(exp)
        for a in exp.actions:
            if a.problem is not None:
                continue
            if a.fault.startswith("workload:"):
                _args_only(WORKLOADS, a.fault.split(":", 1)[1], {**a.params, "at_s": a.timing.at_s}, a)
                continue
            name = CLOUD[a.fault.split(":", 1)[1]][1] if a.fault.startswith("Instance:") else a.fault
            if name not in FAULTS:
                continue
            args: dict[str, Any] = {**a.targets, **a.params}
            if a.instances:
                args.update(nodes=list(a.instances), mode="all")
            if a.timing.duration_s is not None and not (name == "NodeCrash" and a.fault == "Instance:terminate"):
                args["duration_s"] = a.timing.duration_s
            fields = FAULTS.get(name).Args.model_fields
            _args_only(FAULTS, name, {**args, "times_s": [a.timing.at_s]} if "times_s" in fields else {**args, "at_s": a.timing.at_s}, a)


def _check_span(exp: ChaosExperiment) -> None:
    """An experiment that lasts longer than one run may simulate (its pauses and durations add up) cannot be previewed."""
    if exp.span_s(0.0) <= MAX_RUN_S:
        return
    last = max(exp.actions, key=lambda a: a.timing.end_s() if a.timing.bounded() else 0.0, default=None)
    if last is not None and last.timing.end_s() > MAX_RUN_S:
        raise ChaosError(last.source, last.description, f"ends {last.timing.end_s():,.0f} s after the start, more than the "
                                                        f"{MAX_RUN_S:,.0f} s (366 days) a run simulates")
    raise ChaosError(exp.source, "method", f"its pauses add up to {exp.span_s(0.0):,.0f} s, more than the {MAX_RUN_S:,.0f} s "
                                           "(366 days) a run simulates")


def _args_only(registry: Any, name: str, args: dict[str, Any], a: ChaosAction) -> None:
    try:
        registry.get(name).Args.model_validate(args)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise ChaosError(a.source, a.description, f"{name} {loc}: {err['msg'].removeprefix('Value error, ')}".replace(" : ", ": ")) from None


def compile_experiments(experiments: list[ChaosExperiment], cfg: SimConfig, start_s: float, horizon_s: float) -> Compiled:
    """Fault and workload entries for ``cfg`` (whose duration bounds the injections).

    Raises:
        ChaosError: an action that cannot run (a field left empty, a target the cluster does not have).
    """
    out = Compiled()
    for exp in experiments:
        for a in exp.actions:
            _entry(a, cfg, start_s, horizon_s if not math.isinf(horizon_s) else cfg.duration_s, out)
    return out
