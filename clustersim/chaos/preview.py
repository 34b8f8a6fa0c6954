"""``chaos preview``: the experiments on the cluster over N seeds, each on the sweep's executors.

``prepare`` reads the experiments and the cluster (a config, or a snapshot that gets clients for its
Services), places the experiments at ``start_s`` (after a warm-up), runs them to ``horizon_s`` at most
(unbounded schedules), and adds ``tail_s`` for the recovery; ``run_seeds`` runs each seed (a picklable
task: the same function on the local pool or a Dask cluster) and returns the per-seed results in seed
order, so the preview is the same whatever executor ran it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clustersim.chaos.compile import Compiled, check_actions, compile_experiments
from clustersim.chaos.hypotheses import check, service_of_url
from clustersim.chaos.load import ChaosSet, load_chaos
from clustersim.chaos.metrics import run_preview_metrics, service_series
from clustersim.chaos.model import SLO, ChaosError, Hypothesis
from clustersim.chaos.slo import evaluate_slos, resiliency_score
from clustersim.config.bounds import MAX_RUN_S
from clustersim.config.errors import ConfigError
from clustersim.util.strict_yaml import YAMLInputError, load_yaml

__all__ = ["Prepared", "PreviewTask", "prepare", "preview_run", "run_seeds"]

DEFAULT_RATE = 20.0  # requests/s per Service when the cluster is a bare snapshot


@dataclass
class PreviewTask:
    """One seed of a preview (picklable)."""

    seed: int
    config: dict[str, Any]
    source: str
    start_s: float
    exp_end_s: float
    checks: list[tuple[int, str, float, Hypothesis]]  # (experiment index, before|after, time, hypothesis)
    slos: list[SLO]
    http_services: dict[str, tuple[str, str] | None]  # URL -> Service


@dataclass
class Prepared:
    """A preview ready to run."""

    chaos: ChaosSet
    compiled: Compiled
    config: dict[str, Any]
    source: str
    start_s: float
    exp_end_s: float
    duration_s: float
    slos: list[SLO]
    checks: list[tuple[int, str, float, Hypothesis]] = field(default_factory=list)
    simplifications: list[str] = field(default_factory=list)

    def task(self, seed: int) -> PreviewTask:
        """The task of one seed."""
        urls = {c[3].args["url"]: None for c in self.checks if c[3].kind == "http"}
        services = [(s["namespace"] if "namespace" in s else "default", s["name"]) for s in self.config.get("services") or []]
        http = {u: service_of_url(u, services) for u in urls}
        return PreviewTask(seed, dict(self.config, seed=seed), self.source, self.start_s, self.exp_end_s, self.checks, self.slos, http)


def _cluster_data(cluster: Path, rate: float) -> tuple[dict[str, Any], str]:
    """A config mapping: the config file itself, or one around a snapshot (file or folder)."""
    if cluster.is_file() and cluster.suffix in (".yaml", ".yml", ".json"):
        try:
            data = load_yaml(cluster)
        except YAMLInputError as e:
            raise ConfigError(e.source, e.field, e.message) from None
        if isinstance(data, dict) and ("cluster" in data or "snapshot" in data or "cloud" in data):
            return data, str(cluster)
    if not cluster.exists():
        raise ConfigError(str(cluster), "", "no such file or folder")
    here = Path.cwd() / "chaos-preview.yaml"
    return {"snapshot": {"path": str(cluster.resolve()), "traffic": {"rate_per_s": rate, "start_s": 5.0}}}, str(here)


def prepare(experiments: list[Path], cluster: Path, *, start_s: float = 60.0, tail_s: float = 600.0, horizon_s: float = 600.0,
            rate: float = DEFAULT_RATE, slo_files: list[Path] = (), lenient: bool = False) -> Prepared:  # type: ignore[assignment]
    """Read, place and compile the experiments on the cluster.

    Raises:
        ChaosError, ConfigError: bad input (one line naming file, document and field).
    """
    from clustersim.chaos.krkn import read_slos
    from clustersim.chaos.load import documents
    from clustersim.config.load import validate_dict

    chaos = load_chaos(list(experiments), lenient=lenient)
    if not chaos.experiments:
        raise ChaosError(", ".join(map(str, experiments)), "", "no experiment to run (only definitions or SLO files)")
    slos = list(chaos.slos) + [s for e in chaos.experiments for s in e.slos]
    for f in slo_files:
        for where, doc in documents(Path(f)):
            slos += read_slos(doc, where)
    data, source = _cluster_data(cluster, rate)
    base = validate_dict({**data, "faults": [], "workloads": data.get("workloads") or []}, source)
    check_actions(chaos.experiments)  # what validate checked: the arguments and the span, before the cluster
    span = max(e.span_s(horizon_s) for e in chaos.experiments)
    duration = start_s + span + tail_s
    if duration > MAX_RUN_S:
        raise ChaosError(", ".join(map(str, experiments)), "", f"--start {start_s:g} s + the experiments' {span:,.0f} s + --tail "
                                                               f"{tail_s:g} s is more than the {MAX_RUN_S:,.0f} s (366 days) a run simulates")
    resolved = base.model_dump(mode="json")
    resolved.update(duration_s=duration, manifests=[])
    cfg = validate_dict(resolved, source)
    compiled = compile_experiments(chaos.experiments, cfg, start_s, horizon_s)
    final = dict(resolved, faults=[*resolved.get("faults", []), *compiled.faults],
                 workloads=[*resolved.get("workloads", []), *compiled.workloads])
    validate_dict(final, source)
    checks = []
    for i, e in enumerate(chaos.experiments):
        end = start_s + (e.method_end_s if e.method_end_s is not None else e.span_s(horizon_s))
        for h in e.hypotheses:
            checks += [(i, "before", max(start_s - 1e-6, 0.0), h), (i, "after", end + 1.0, h)]
    simpl = [s for e in chaos.experiments for s in (*e.simplifications, *(f"not modelled: {x}" for x in e.not_modelled))]
    return Prepared(chaos, compiled, final, source, start_s, start_s + span, duration, slos, checks,
                    [*simpl, *compiled.notes, *chaos.warnings])


def _http_ratio(sim: Any, svc: tuple[str, str] | None) -> float | None:
    if svc is None:
        return None
    for row in reversed(sim.traffic.rows):  # t, source, namespace, service, ingress, rule, requests, failed, per hop...
        _t, source, ns, name, _ing, _rule, n, failed = row[:8]
        if (ns, name) == svc and source != "ingress":
            return (n - failed) / n if n else None
    return None


def preview_run(task: PreviewTask) -> dict[str, Any]:
    """Run one seed: the experiments, the hypothesis checks at their moments, the metrics."""
    from clustersim.config.load import validate_dict
    from clustersim.sim import build, few_gc_passes

    cfg = validate_dict(task.config, task.source)
    t0 = time.perf_counter()
    sim = build(cfg)
    sim.start()
    pods_at_start: dict[str, dict[str, Any]] = {}
    held: list[dict[str, Any]] = []
    stops = sorted({task.start_s, *(c[2] for c in task.checks)})
    with few_gc_passes():
        for t in stops:
            if t < cfg.duration_s:
                sim.env.run(until=max(t, sim.env.now))
            if t == task.start_s:
                pods_at_start = {p.meta.uid: {"key": p.key, "namespace": p.meta.namespace, "labels": dict(p.meta.labels), "node": p.node_name}
                                 for p in sim.state.list("Pod") if not p.terminating}
            for exp_i, when, at, h in task.checks:
                if at == t:
                    ratio = _http_ratio(sim, task.http_services.get(h.args.get("url", ""))) if h.kind == "http" else None
                    held.append({"experiment": exp_i, "name": h.name, "when": when, "held": check(h, sim.state, ratio)})
        sim.env.run(until=cfg.duration_s)
    result = sim.result(time.perf_counter() - t0)
    out = run_preview_metrics(result, pods_at_start, task.start_s, task.exp_end_s)
    slo_results = evaluate_slos(task.slos, result.timeseries, result.requests, task.start_s, cfg.duration_s) if task.slos else []
    score, breakdown = resiliency_score(slo_results) if task.slos else (None, {})
    out.update(seed=task.seed, hypotheses=held, resiliency_score=score, resiliency=breakdown,
               slos=[{"name": r.slo.name, "passed": r.passed, "reason": r.reason} for r in slo_results],
               series=service_series(result.requests, cfg.duration_s), serving=_serving(result, cfg.duration_s),
               wall_s=time.perf_counter() - t0)
    return out


def _serving(result: Any, end: float) -> list[float]:
    import numpy as np

    from clustersim.chaos.metrics import BIN_S
    from clustersim.sweep.metrics import serving_ratio

    grid = np.arange(0.0, end, BIN_S)
    return [float(x) if not math.isnan(x) else math.nan for x in serving_ratio(result.timeseries, grid)]


def run_seeds(prep: Prepared, seeds: list[int], executor: str = "local", workers: int = 1, scheduler_address: str | None = None,
              progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Every seed's result, in seed order."""
    from clustersim.sweep.executors import make_executor

    ex = make_executor(executor, workers, scheduler_address)
    results: dict[int, dict[str, Any]] = {}
    try:
        for res in ex.map_unordered(preview_run, [prep.task(s) for s in seeds]):
            results[res["seed"]] = res
            if progress is not None:
                progress(len(results))
    finally:
        ex.close()
    return [results[s] for s in seeds]
