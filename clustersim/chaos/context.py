"""What a reader needs while it reads one document: where it is (for errors and simplification lines) and
the experiment it is filling."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clustersim.chaos.durations import go_duration_s, seconds
from clustersim.chaos.model import ChaosAction, ChaosError, ChaosExperiment, Timing

__all__ = ["Doc"]


@dataclass
class Doc:
    """One document being read: ``where`` is ``file[doc i]``, ``label`` the object (``PodChaos web-kill``)."""

    where: str
    label: str
    exp: ChaosExperiment

    def fail(self, field: str, message: str) -> ChaosError:
        """An error naming file, document, object and field."""
        return ChaosError(self.where, f"{self.label}: {field}" if field else self.label, message)

    def note(self, field: str, message: str) -> None:
        """A simplification, field by field."""
        self.exp.simplifications.append(f"{self.label}: {field}: {message}")

    def not_modelled(self, what: str) -> None:
        """Something read but not modelled at all."""
        self.exp.not_modelled.append(f"{self.label}: {what}")

    def ignore(self, spec: dict[str, Any], used: set[str], prefix: str, why: str = "not modelled") -> None:
        """List every key of ``spec`` the reader did not use."""
        for key in sorted(set(spec) - used - {"remoteCluster"}):
            self.note(f"{prefix}.{key}", why)

    def duration(self, value: Any, field: str) -> float:
        """A Go duration in seconds, or an error naming the field."""
        try:
            out = go_duration_s(value)
        except ValueError as e:
            raise self.fail(field, str(e)) from None
        if out < 0:
            raise self.fail(field, f"must not be negative, got {value!r}")
        return out

    def seconds(self, value: Any, field: str) -> float:
        """Seconds written as a number or numeric string, or an error naming the field."""
        try:
            return seconds(value)
        except ValueError as e:
            raise self.fail(field, str(e)) from None

    def action(self, fault: str, targets: dict[str, Any], params: dict[str, Any], timing: Timing, description: str,
               instances: tuple[str, ...] = (), problem: tuple[str, str] | None = None) -> ChaosAction:
        """Add an action to the experiment (``problem``: a field that must be set before it can run)."""
        if problem is not None:
            problem = (f"{self.label}: {problem[0]}", problem[1])
        act = ChaosAction(fault, targets, params, timing, self.where, description, instances, problem)
        self.exp.actions.append(act)
        return act
