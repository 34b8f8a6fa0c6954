"""Which pods a pod fault hits: a selector evaluated on the live store at injection time, then a mode.

The selector is Chaos Mesh's ``PodSelectorSpec`` (api/v1alpha1/selector.go) with the extras other tools
select by: namespaces, labels, set-based expressions, annotations, pod names (exact, or a regular
expression searched in the name as Krkn and Chaos Toolkit do), nodes and node labels, pod phases; or
the pods of one workload (``deployment``). Every condition given must hold (pkg/selector/pod: the
selector chain ANDs them); pods being deleted are left out.

The mode is Chaos Mesh's (pkg/selector/generic/mode.go): ``one``, ``all``, ``fixed`` (``value`` pods),
``fixed-percent`` (``ceil(n x value / 100)``; with ``rounding: down`` Litmus's ``max(1, n x value / 100)``
in integers, pkg/utils/common/pods.go filterPodsByPercentage), ``random-max-percent`` (a percentage drawn
uniformly from 0..value, then rounded up: it may select none). ``order`` picks at random (the run's seed),
or the first pods by name (``alphabetic``) or by age (``oldest``), as chaostoolkit-kubernetes does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from clustersim.actors import ActorArgs, ActorContext, check_deployment
from clustersim.api.objects import Pod
from clustersim.api.types import NodeSelectorRequirement
from clustersim.apiserver import ClusterState
from clustersim.config.models import NodeSelectorRequirementConfig, SimConfig

__all__ = ["PHASES", "PodTargetArgs", "pick_target_pods", "select_pods"]

PHASES = ("Pending", "Running", "Succeeded", "Failed", "Unknown")
Mode = Literal["one", "all", "fixed", "fixed-percent", "random-max-percent"]



def check_mode_value(mode: str | None, value: float | None) -> None:
    """Chaos Mesh's mode/value pair (its PodSelector mode and value fields): fixed and the percent modes need a value,
    and a percentage is at most 100. Shared by the pod, node and cloud-instance targets."""
    if mode in ("fixed", "fixed-percent", "random-max-percent") and value is None:
        raise ValueError(f"value: required with mode {mode}")
    if mode in ("fixed-percent", "random-max-percent") and (value or 0) > 100:
        raise ValueError("value: a percentage is at most 100")


class PodTargetArgs(ActorArgs):
    """A pod selector and a selection mode."""

    DEFAULT_COUNT: ClassVar[int | None] = None  # pods taken when neither mode nor count is given (None: all)
    SELECTOR_FIELDS: ClassVar[tuple[str, ...]] = ("deployment", "namespaces", "labels", "expressions", "annotations", "pods", "name_pattern",
                                                  "namespace_pattern", "nodes", "node_labels", "phases", "not_phases")

    deployment: str | None = Field(None, description="Pods of this workload (Deployment, StatefulSet, DaemonSet) in `namespace`.")
    namespace: str = Field("default", description="Namespace of `deployment`.")
    namespaces: tuple[str, ...] = Field((), description="Selector: pods in these namespaces (empty: every namespace).")
    labels: dict[str, str] = Field(default_factory=dict, description="Selector: pods carrying all these labels.")
    expressions: tuple[NodeSelectorRequirementConfig, ...] = Field((), description="Selector: set-based label requirements.")
    annotations: dict[str, str] = Field(default_factory=dict, description="Selector: pods carrying all these annotations.")
    pods: tuple[str, ...] = Field((), description="Selector: pod names, as name or namespace/name.")
    name_pattern: str | None = Field(None, description="Selector: a regular expression searched in the pod name.")
    namespace_pattern: str | None = Field(None, description="Selector: a regular expression searched in the namespace.")
    nodes: tuple[str, ...] = Field((), description="Selector: pods bound to these nodes.")
    node_labels: dict[str, str] = Field(default_factory=dict, description="Selector: pods bound to nodes carrying all these labels.")
    phases: tuple[str, ...] = Field((), description="Selector: pods in one of these phases.")
    not_phases: tuple[str, ...] = Field((), description="Selector: pods in none of these phases.")
    mode: Mode | None = Field(None, description="How many of the selected pods (default: `count` at random, else all).")
    value: float | None = Field(None, gt=0, le=1_000_000, description="Count (fixed) or percent (fixed-percent, random-max-percent).")
    count: int | None = Field(None, ge=1, description="Shortcut for mode fixed with this value.")
    rounding: Literal["up", "down"] = Field("up", description="fixed-percent: round up (Chaos Mesh) or down with at least one (Litmus).")
    order: Literal["random", "alphabetic", "oldest"] = Field("random", description="Which pods when not all: random, first by name or by age.")

    @field_validator("phases", "not_phases")
    @classmethod
    def _phases(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for p in v:
            if p not in PHASES:
                raise ValueError(f"unknown pod phase {p!r} (one of {', '.join(PHASES)})")
        return v

    @field_validator("name_pattern", "namespace_pattern")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as e:
                raise ValueError(f"not a regular expression: {e}") from None
        return v

    @model_validator(mode="after")
    def _mode_value(self) -> PodTargetArgs:
        if self.count is not None and self.mode is not None:
            raise ValueError("count: give count or mode, not both")
        check_mode_value(self.mode, self.value)
        if not any(getattr(self, f) for f in self.SELECTOR_FIELDS):
            raise ValueError("deployment: give deployment or a selector (namespaces, labels, pods, nodes, ...)")
        return self

    def check_targets(self, cfg: SimConfig) -> str | None:
        """A dangling Deployment or node name, as 'field: message'."""
        if self.deployment is not None:
            workloads = {(d.namespace, d.name) for d in (*cfg.deployments, *cfg.stateful_sets, *cfg.daemon_sets)}
            if (self.namespace, self.deployment) not in workloads:
                return check_deployment(cfg, self.namespace, self.deployment)
        known = {n.name for n in cfg.cluster.node_list()}
        for i, n in enumerate(self.nodes):
            if n not in known:
                return f"nodes.{i}: unknown node {n!r}"
        return None

    def matches(self, pod: Pod, node_labels: Callable[[str], dict[str, str] | None]) -> bool:
        """Does ``pod`` pass every condition of the selector?"""
        ns, meta = pod.meta.namespace, pod.meta
        if self.deployment is not None and (ns != self.namespace or pod.workload != self.deployment):
            return False
        if self.namespaces and ns not in self.namespaces:
            return False
        if self.namespace_pattern is not None and not re.search(self.namespace_pattern, ns):
            return False
        if self.pods and meta.name not in self.pods and f"{ns}/{meta.name}" not in self.pods:
            return False
        if self.name_pattern is not None and not re.search(self.name_pattern, meta.name):
            return False
        labels = meta.labels
        if any(labels.get(k) != v for k, v in self.labels.items()):
            return False
        if any(not NodeSelectorRequirement(e.key, e.operator, e.values).matches(labels) for e in self.expressions):
            return False
        if any(meta.annotations.get(k) != v for k, v in self.annotations.items()):
            return False
        phase = str(pod.status.phase)
        if (self.phases and phase not in self.phases) or phase in self.not_phases:
            return False
        if self.nodes and pod.node_name not in self.nodes:
            return False
        if self.node_labels:
            nl = node_labels(pod.node_name) if pod.node_name else None
            if nl is None or any(nl.get(k) != v for k, v in self.node_labels.items()):
                return False
        return True

    def how_many(self, n: int, draw: Callable[[int], int]) -> int:
        """How many of ``n`` selected pods the mode takes (``draw(k)`` is uniform in 0..k-1)."""
        count = self.count if self.count is not None or self.mode is not None else self.DEFAULT_COUNT
        mode = self.mode or ("fixed" if count is not None else "all")
        value = float(count if count is not None else (self.value or 0))
        if mode == "all":
            return n
        if mode == "one":
            return min(1, n)
        if mode == "fixed":
            return min(int(value), n)
        if mode == "fixed-percent":
            if self.rounding == "down":
                return min(n, max(1, int(value) * n // 100)) if n else 0
            return min(n, math.ceil(n * value / 100))
        pct = draw(int(value) + 1)
        return min(n, math.ceil(n * pct / 100))


def select_pods(args: PodTargetArgs, state: ClusterState) -> list[Pod]:
    """Every pod the selector matches now, not being deleted, in key order."""

    def node_labels(name: str) -> dict[str, str] | None:
        node = state.get("Node", name)
        return node.meta.labels if node is not None else None

    return sorted((p for p in state.list("Pod") if not p.terminating and args.matches(p, node_labels)), key=lambda p: p.key)


def pick_target_pods(args: PodTargetArgs, ctx: ActorContext, stream: str, ok: Callable[[Pod], bool] = lambda _p: True) -> list[Pod]:
    """The pods hit now: the selection (passing ``ok``), then the mode, drawn from the run's stream ``stream``."""
    pods = [p for p in select_pods(args, ctx.state) if ok(p)]
    rng = ctx.env.rng(stream)
    k = args.how_many(len(pods), lambda m: int(rng.integers(m)))
    if k >= len(pods):
        return pods
    if args.order == "alphabetic":
        return sorted(pods, key=lambda p: (p.meta.name, p.meta.namespace))[:k]
    if args.order == "oldest":
        return sorted(pods, key=lambda p: (p.meta.creation_s, p.meta.name))[:k]
    picks = rng.choice(len(pods), size=k, replace=False)
    return [pods[int(i)] for i in sorted(int(i) for i in picks)]
