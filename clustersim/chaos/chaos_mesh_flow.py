"""Chaos Mesh Schedule and Workflow: when the embedded chaos runs.

- Schedule (api/v1alpha1/schedule_types.go, controllers/schedule/cron): a new chaos at every firing of
  ``schedule`` (cron, optionally with seconds, or ``@every``) after the Schedule is created;
  ``concurrencyPolicy`` Forbid (the default) skips a firing while the previous chaos has not finished (its
  ``duration``; a one-shot pod-kill is finished once injected), Allow overlaps them;
  ``startingDeadlineSeconds`` only matters for missed runs, which a simulation has none of; ``historyLimit``
  only prunes finished chaos objects. ``type: Workflow`` schedules a workflow.
- Workflow (api/v1alpha1/workflow_types.go, pkg/workflow/controllers): from ``entry``, Serial runs its
  children one after another, Parallel all at once (done when all are); Suspend waits its ``deadline``; a
  chaos template runs until its ``duration`` or ``deadline``, whichever comes first (a one-shot chaos is
  done at once); a Schedule template runs until its ``deadline``; a deadline ends the node and its
  children (DeadlineReconciler propagates it). Task templates run a container whose outcome cannot be
  predicted: no conditional branch is taken. StatusCheck templates are not evaluated.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from clustersim.chaos.chaos_mesh import CHAOS_KINDS, NOT_MODELLED_KINDS, read_chaos
from clustersim.chaos.context import Doc
from clustersim.chaos.durations import expand_schedule

__all__ = ["read_schedule", "read_workflow"]


def _embedded_key(kind: str) -> str:
    """``PodChaos`` -> ``podChaos`` (the ScheduleItem/EmbedChaos field of that kind)."""
    special = {"HTTPChaos": "httpChaos", "DNSChaos": "dnsChaos", "IOChaos": "ioChaos", "JVMChaos": "jvmChaos",
               "AWSChaos": "awsChaos", "GCPChaos": "gcpChaos"}
    return special.get(kind, kind[0].lower() + kind[1:])


def _read_embedded(kind: str, spec: dict[str, Any], doc: Doc, ns: str, field: str) -> list[Any]:
    """Read the chaos of ``kind`` embedded in ``spec``; the actions it added."""
    key = _embedded_key(kind)
    if kind not in CHAOS_KINDS and kind not in NOT_MODELLED_KINDS:
        raise doc.fail(f"{field}.type", f"unknown chaos type {kind!r}")
    inner = spec.get(key)
    if not isinstance(inner, dict):
        raise doc.fail(f"{field}.{key}", f"required for type {kind}")
    before = len(doc.exp.actions)
    read_chaos(kind, inner, doc, ns, f"{field}.{key}")
    return doc.exp.actions[before:]


def _schedule_onto(actions: list[Any], spec: dict[str, Any], doc: Doc, field: str, start_s: float, until_s: float | None) -> None:
    schedule = spec.get("schedule")
    if not isinstance(schedule, str) or not schedule.strip():
        raise doc.fail(f"{field}.schedule", "required field missing")
    try:  # parse now, so a bad schedule is reported here, naming the field
        t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        expand_schedule(schedule, t, t + dt.timedelta(seconds=1))
    except ValueError as e:
        raise doc.fail(f"{field}.schedule", str(e)) from None
    policy = spec.get("concurrencyPolicy") or "Forbid"
    if policy not in ("Forbid", "Allow"):
        raise doc.fail(f"{field}.concurrencyPolicy", f"must be Forbid or Allow, got {policy!r}")
    for key, why in (("historyLimit", "only prunes finished chaos objects"),
                     ("startingDeadlineSeconds", "only matters for missed runs (a simulation misses none)")):
        if spec.get(key) is not None:
            doc.note(f"{field}.{key}", why)
    for act in actions:
        act.timing.cron = schedule
        act.timing.at_s = start_s
        act.timing.forbid_overlap = policy == "Forbid"
        act.timing.until_s = until_s


def read_schedule(body: dict[str, Any], doc: Doc, ns: str) -> None:
    """A Schedule object."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        raise doc.fail("spec", "required field missing")
    kind = spec.get("type")
    if kind == "Workflow":
        wf = spec.get("workflow")
        if not isinstance(wf, dict):
            raise doc.fail("spec.workflow", "required for type Workflow")
        doc.note("spec.type", "a scheduled workflow runs once (its first firing); later firings are not repeated")
        _run_workflow(wf, doc, ns, "spec.workflow", start_s=_first_firing(spec, doc))
        return
    actions = _read_embedded(str(kind), spec, doc, ns, "spec")
    _schedule_onto(actions, spec, doc, "spec", 0.0, None)
    doc.ignore(spec, {"schedule", "startingDeadlineSeconds", "concurrencyPolicy", "historyLimit", "type", _embedded_key(str(kind))}, "spec")


def _first_firing(spec: dict[str, Any], doc: Doc) -> float:
    t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    try:
        times = expand_schedule(str(spec.get("schedule", "")), t, t + dt.timedelta(days=400))
    except ValueError as e:
        raise doc.fail("spec.schedule", str(e)) from None
    return (times[0] - t).total_seconds() if times else 0.0


def read_workflow(body: dict[str, Any], doc: Doc, ns: str) -> None:
    """A Workflow object."""
    spec = body.get("spec")
    if not isinstance(spec, dict):
        raise doc.fail("spec", "required field missing")
    _run_workflow(spec, doc, ns, "spec", 0.0)


def _run_workflow(spec: dict[str, Any], doc: Doc, ns: str, field: str, start_s: float) -> None:
    templates = spec.get("templates")
    if not isinstance(templates, list) or not templates:
        raise doc.fail(f"{field}.templates", "required field missing")
    by_name: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, t in enumerate(templates):
        if not isinstance(t, dict) or not t.get("name"):
            raise doc.fail(f"{field}.templates[{i}].name", "required field missing")
        by_name[str(t["name"])] = (i, t)
    entry = spec.get("entry")
    if entry not in by_name:
        raise doc.fail(f"{field}.entry", f"no template named {entry!r}")
    _Flow(by_name, doc, ns, field).run(str(entry), start_s, math.inf, ())


class _Flow:
    """Walks a workflow's templates, placing each node in time."""

    def __init__(self, by_name: dict[str, tuple[int, dict[str, Any]]], doc: Doc, ns: str, field: str) -> None:
        self.by_name, self.doc, self.ns, self.field = by_name, doc, ns, field

    def run(self, name: str, start: float, limit: float, path: tuple[str, ...]) -> float:
        """Place template ``name`` at ``start`` (its ancestors' deadline is ``limit``); when it ends."""
        if name in path:
            raise self.doc.fail(f"{self.field}.templates", f"template {name!r} contains itself")
        if name not in self.by_name:
            raise self.doc.fail(f"{self.field}.templates", f"no template named {name!r}")
        i, t = self.by_name[name]
        f = f"{self.field}.templates[{i}]"
        if t.get("deadline") is not None:
            limit = min(limit, start + self.doc.duration(t["deadline"], f"{f}.deadline"))
        kind = t.get("templateType")
        children = [str(c) for c in t.get("children") or []]
        if kind == "Serial":
            at = start
            for child in children:
                if at >= limit:
                    break
                at = self.run(child, at, limit, (*path, name))
            return min(at, limit)
        if kind == "Parallel":
            ends = [self.run(child, start, limit, (*path, name)) for child in children]
            return min(max(ends, default=start), limit)
        if kind == "Suspend":
            if t.get("deadline") is None:
                raise self.doc.fail(f"{f}.deadline", "required for a Suspend template")
            return limit
        if kind == "Task":
            self.doc.note(f"{f}", "a Task runs a container whose outcome is not predicted: no conditional branch is taken")
            return start
        if kind == "StatusCheck":
            self.doc.note(f"{f}", "status checks are not evaluated (abortWithStatusCheck has no effect)")
            return start
        if kind == "Schedule":
            inner = t.get("schedule")
            if not isinstance(inner, dict):
                raise self.doc.fail(f"{f}.schedule", "required for a Schedule template")
            actions = _read_embedded(str(inner.get("type")), inner, self.doc, self.ns, f"{f}.schedule")
            _schedule_onto(actions, inner, self.doc, f"{f}.schedule", start, None if math.isinf(limit) else limit)
            return limit
        return self._chaos(str(kind), t, f, start, limit)

    def _chaos(self, kind: str, t: dict[str, Any], f: str, start: float, limit: float) -> float:
        actions = _read_embedded(kind, t, self.doc, self.ns, f)
        end = start
        for act in actions:
            act.timing.at_s += start
            d = act.timing.duration_s
            if d is None and act.fault in ("PodKill", "ContainerKill", "Instance:restart"):
                continue  # one-shot: accomplished once injected
            stop = min(start + d if d is not None else math.inf, limit)
            act.timing.duration_s = None if math.isinf(stop) else stop - start
            end = max(end, stop)
        return end
