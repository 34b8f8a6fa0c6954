"""The scale-up orchestrator: cluster-autoscaler ``core/scaleup/orchestrator/orchestrator.go``.

For every managed node group that may grow (not backed off, healthy, below its max), the pod groups that
fit a fresh copy of its template are binpacked onto template copies; each group with new nodes is an
option. The expanders choose one; with --balance-similar-node-groups its nodes are spread over the
similar groups that also have an option; the cloud is asked for them (IncreaseSize). Events: ScaledUpGroup
(on the status ConfigMap), TriggeredScaleUp on the pods it will run, NotTriggerScaleUp with the reasons
on pods no group could run, FailedToScaleUpGroup when the cloud refuses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from clustersim.api.objects import Node, Pod
from clustersim.cloud.autoscaler.clusterstate import ClusterStateRegistry
from clustersim.cloud.autoscaler.estimator.binpacking import BinpackingEstimator, PodGroup, fresh_node
from clustersim.cloud.autoscaler.expander import ExpanderContext, Option, best_option
from clustersim.cloud.autoscaler.scaleup.balance import balance, similar
from clustersim.cloud.autoscaler.simulator.snapshot import ClusterSnapshot
from clustersim.cloud.provider import CloudError, NodeGroup
from clustersim.config.cloud import AutoscalerConfig
from clustersim.metrics.recorder import Recorder

__all__ = ["MAX_NODE_GROUP_SIZE", "MAX_RESOURCES", "MAX_TOTAL_NODES", "STATUS", "ScaleUpOrchestrator", "ScaleUpResult"]

STATUS = ("ConfigMap", "kube-system", "cluster-autoscaler-status")
MAX_NODE_GROUP_SIZE = "max node group size reached"
MAX_TOTAL_NODES = "max total nodes in cluster reached"
MAX_RESOURCES = "max cluster cpu, memory limit reached"


@dataclass(slots=True)
class ScaleUpResult:
    """What a scale-up did."""

    increases: dict[str, int] = field(default_factory=dict)
    triggered: list[Pod] = field(default_factory=list)
    not_triggered: dict[str, str] = field(default_factory=dict)  # pod key -> reasons
    failed: list[str] = field(default_factory=list)

    @property
    def scaled(self) -> bool:
        """Some group was grown."""
        return bool(self.increases)


class ScaleUpOrchestrator:
    """One scale-up decision per loop."""

    def __init__(self, cfg: AutoscalerConfig, snapshot: ClusterSnapshot, registry: ClusterStateRegistry, rec: Recorder) -> None:
        self.cfg, self.snapshot, self.registry, self.rec = cfg, snapshot, registry, rec

    def _room(self, g: NodeGroup, template: Node, total_nodes: int, used: tuple[float, float]) -> int:
        """New nodes the group may take: its max size, --max-nodes-per-scaleup, --max-nodes-total and the
        --cores-total / --memory-total maxima (ResourceLimiter, over node capacity)."""
        room = min(g.max_size() - g.target_size(), self.cfg.max_nodes_per_scaleup)
        if self.cfg.max_nodes_total:
            room = min(room, self.cfg.max_nodes_total - total_nodes)
        cores, gib = (template.capacity.cpu_m or 0) / 1000, (template.capacity.memory or 0) / (1 << 30)
        max_cores, max_gib = float(self.cfg.cores_total.split(":")[1]), float(self.cfg.memory_total.split(":")[1])
        if cores > 0:
            room = min(room, int((max_cores - used[0]) // cores))
        if gib > 0:
            room = min(room, int((max_gib - used[1]) // gib))
        return room

    def _fits_template(self, template: Node, groups: list[PodGroup]) -> tuple[list[PodGroup], dict[int, list[str]]]:
        """Pod groups whose exemplar fits a fresh template node, and why the others do not."""
        snap = self.snapshot
        snap.fork()
        try:
            i = snap.add_node(fresh_node(template, f"check-{template.meta.name}"))
            ok, why = [], {}
            for k, grp in enumerate(groups):
                reasons = snap.reasons(grp.exemplar, i)
                if reasons:
                    why[k] = reasons
                else:
                    ok.append(grp)
            return ok, why
        finally:
            snap.revert()

    def options(self, groups: list[PodGroup], node_groups: list[NodeGroup], total_nodes: int, now: float,
                used: tuple[float, float] = (0.0, 0.0)) -> tuple[list[Option], dict[str, Node], list[Counter[str]]]:
        """ComputeExpansionOption for every group; the templates; per pod group, why groups rejected it."""
        rejected: list[Counter[str]] = [Counter() for _ in groups]
        options: list[Option] = []
        templates: dict[str, Node] = {}
        for g in node_groups:
            gid = g.id()
            skip = self.registry.safe_to_scale_up(gid, now)
            template = g.template_node_info()
            room = self._room(g, template, total_nodes, used)
            if skip is None and room <= 0:
                skip = MAX_TOTAL_NODES if self.cfg.max_nodes_total and total_nodes >= self.cfg.max_nodes_total else (
                    MAX_NODE_GROUP_SIZE if g.target_size() >= g.max_size() else MAX_RESOURCES)
            if skip is not None:
                for c in rejected:
                    c[skip] += 1
                continue
            templates[gid] = template
            fitting, why = self._fits_template(template, groups)
            for k, reasons in why.items():
                for r in reasons:
                    rejected[k][r] += 1
            if not fitting:
                continue
            est = BinpackingEstimator(self.snapshot, room, prefix=f"estimate-{gid}").estimate(fitting, template)
            if est.node_count > 0:
                options.append(Option(gid, est.node_count, est.pods, gid))
        return options, templates, rejected

    def scale_up(self, groups: list[PodGroup], node_groups: list[NodeGroup], total_nodes: int, now: float,
                 ctx: ExpanderContext, used: tuple[float, float] = (0.0, 0.0)) -> ScaleUpResult:
        """ScaleUp for the pending pod groups (``used``: cores and GiB of the cluster's nodes)."""
        res = ScaleUpResult()
        options, templates, rejected = self.options(groups, node_groups, total_nodes, now, used)
        helped = {p.meta.uid for o in options for p in o.pods}
        for grp, why in zip(groups, rejected, strict=True):
            msg = ", ".join(sorted(f"{n} {r}" for r, n in why.items()))
            for pod in grp.pods:
                if pod.meta.uid not in helped:
                    res.not_triggered[pod.key] = f"pod didn't trigger scale-up: {msg}" if msg else "pod didn't trigger scale-up"
        if not options:
            return res
        ctx.templates = templates
        best = best_option(self.cfg.expander, options, ctx)
        if best is None:
            return res
        by_id = {g.id(): g for g in node_groups}
        plan = {best.group: best.node_count}
        if self.cfg.balance_similar_node_groups:
            peers = [o.group for o in options if o.group != best.group and similar(templates[o.group], templates[best.group], self.cfg)]
            if peers:
                sizes = [(gid, by_id[gid].target_size(), by_id[gid].max_size()) for gid in [best.group, *peers]]
                plan = balance(best.node_count, sizes)
        self._execute(plan, by_id, best, res, now)
        return res

    def _execute(self, plan: dict[str, int], by_id: dict[str, NodeGroup], best: Option, res: ScaleUpResult, now: float) -> None:
        infos = []
        for gid, delta in plan.items():
            g = by_id[gid]
            before = g.target_size()
            try:
                g.increase_size(delta)
            except CloudError as e:
                self.rec.event(*STATUS, "FailedToScaleUpGroup", f"Scale-up failed for group {gid}: {e}", type_="Warning")
                self.registry.register_failed_scale_up(gid, now)
                res.failed.append(gid)
                continue
            self.registry.register_scale_up(gid, delta, now)
            res.increases[gid] = delta
            infos.append(f"{{{gid} {before}->{before + delta} (max: {g.max_size()})}}")
            msg = f"Scale-up: setting group {gid} size to {before + delta} instead of {before} (max: {g.max_size()})"
            self.rec.event(*STATUS, "ScaledUpGroup", msg)
        if not infos:
            return
        for pod in best.pods:
            self.rec.event("Pod", pod.meta.namespace, pod.meta.name, "TriggeredScaleUp", f"pod triggered scale-up: [{' '.join(infos)}]")
            res.triggered.append(pod)
