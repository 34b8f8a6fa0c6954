"""Run an experiment: expand the design, execute runs on an executor, store each as it finishes.

``sweep()`` is the notebook API and what ``clustersim sweep`` calls. It returns one row per run
(parameters, seed and metrics as columns), as Mesa's ``batch_run`` does.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clustersim.sweep.design import design_points, replication_seed, run_id
from clustersim.sweep.executors import Executor, make_executor
from clustersim.sweep.metrics import run_metrics
from clustersim.sweep.spec import LoadedExperiment, load_experiment
from clustersim.sweep.stats import half_width
from clustersim.sweep.store import FRAMES, ResultStore

__all__ = ["RunTask", "SweepError", "execute_run", "sweep"]

class SweepError(Exception):
    """A sweep that could not run, or finished with failed runs (``str(e)`` names them)."""


@dataclass(slots=True)
class RunTask:
    """Everything a worker needs for one run (picklable)."""

    run_id: str
    point: int
    replication: int
    seed: int
    params: dict[str, Any]  # axis name -> display value
    config: dict[str, Any]
    source: str
    store_root: str | None = None  # set when the worker writes its own results (shared filesystem)


@dataclass(slots=True)
class RunOutput:
    """A finished (or failed) run as it comes back from a worker."""

    task: RunTask
    row: dict[str, Any]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    error: str | None = None
    stored: bool = False
    ident: dict[str, Any] = field(default_factory=dict)


def execute_run(task: RunTask) -> RunOutput:
    """Validate and run one config; never raises (an error is returned with the output)."""
    from clustersim.config.load import validate_dict
    from clustersim.sim import run

    ident = {"run_id": task.run_id, "point": task.point, "replication": task.replication, "seed": task.seed, **task.params}
    try:
        cfg = validate_dict(task.config, task.source)
        result = run(cfg, seed=task.seed)
    except Exception as e:  # recorded, the sweep goes on
        tb = traceback.format_exc(limit=-3)
        return RunOutput(task, {**ident, "error": f"{type(e).__name__}: {e}"}, error=f"{type(e).__name__}: {e}\n{tb}")
    row: dict[str, Any] = {**ident, "error": None, **run_metrics(result.summary)}
    for k in ("wall_sim_s", "sim_events", "scheduling_decisions"):
        if k in result.stats:
            row[f"stats.{k}"] = result.stats[k]
    frames = {name: getattr(result, name) for name in FRAMES}
    if task.store_root is not None:
        ResultStore(task.store_root).write_run(task.run_id, row, frames, ident)
        return RunOutput(task, row, stored=True)
    return RunOutput(task, row, frames, ident=ident)


def _tasks(exp: LoadedExperiment, points: list[dict[str, Any]], reps: dict[int, range], skip: set[str],
           store_root: str | None) -> list[RunTask]:
    spec = exp.spec
    tasks = []
    for p, point in enumerate(points):
        if p not in reps:
            continue
        config = exp.config_data(point)
        params = {a.name: a.label(point[a.name]) for a in spec.axes}
        for r in reps[p]:
            rid = run_id(p, r)
            if rid in skip:
                continue
            seed = replication_seed(spec.seed, r)
            cfg = dict(config, seed=seed)
            tasks.append(RunTask(rid, p, r, seed, params, cfg, exp.base_path, store_root))
    return tasks


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _progress(total: int, name: str, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=name, unit="run", disable=not enabled, dynamic_ncols=True)


def sweep(experiment: str | Path | LoadedExperiment, out: str | Path | None = None, *, workers: int = 1,
          executor: str = "local", scheduler_address: str | None = None, resume: bool = False,
          progress: bool = False, overrides: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run every run of an experiment; return one row per run.

    Args:
        experiment: an experiment file or a loaded experiment.
        out: results folder (``results/<name>``); None keeps results in memory only.
        workers: runs at once (local process pool, or LocalCluster workers for dask).
        executor: ``local`` or ``dask``.
        scheduler_address: a Dask scheduler to use instead of a LocalCluster.
        resume: keep the finished runs already in ``out`` and run only the rest.
        progress: show a progress bar (runs done, failed, time left).
        overrides: top-level experiment keys to replace (e.g. ``{"replications": 2}``).

    Raises:
        ConfigError: a bad experiment. SweepError: an unusable results folder, or failed runs
        (after every other run finished and was stored).
    """
    exp = experiment if isinstance(experiment, LoadedExperiment) else load_experiment(experiment, overrides)
    spec = exp.spec
    store = ResultStore(out) if out is not None else None
    points = design_points(spec)
    done: set[str] = set()
    manifest: dict[str, Any] = {}
    if store is not None:
        old = store.read_manifest()
        if old is not None:
            if not resume and store.completed():
                raise SweepError(f"{store.root}: already holds results; use --resume to finish them or choose another --out")
            if resume and old.get("config_hash") != exp.config_hash():
                raise SweepError(f"{store.root}: was made by a different experiment or base config; cannot resume")
        store.prepare()
        done = store.completed() if resume else set()
        from clustersim import __version__

        manifest = {
            "experiment": spec.name, "source": exp.source, "config_hash": exp.config_hash(),
            "package_version": __version__, "python": platform.python_version(),
            "spec": spec.model_dump(mode="json"), "points": points,
            "seeds": {str(r): replication_seed(spec.seed, r) for r in range(spec.replications)},
            "started": (old or {}).get("started") if resume else _now(), "resumed": _now() if resume else None,
            "ended": None, "status": "running", "executor": executor, "workers": workers,
            "pid": os.getpid(), "host": platform.node(),  # a killed sweep reads as interrupted (ResultStore.status)
        }
        if manifest["started"] is None:
            manifest["started"] = _now()
        store.write_manifest(manifest)
    rows: dict[str, dict[str, Any]] = {}
    failed: list[RunOutput] = []
    ex: Executor = make_executor(executor, workers, scheduler_address)
    # workers on this machine write their own runs (the parent would be a bottleneck); a remote
    # Dask cluster sends results back to be written here
    worker_root = str(store.root.resolve()) if store is not None and scheduler_address is None else None
    status = "interrupted"
    try:
        reps = {p: range(spec.replications) for p in range(len(points))}
        while reps:
            tasks = _tasks(exp, points, reps, done, worker_root)
            with _progress(len(tasks), spec.name, progress) as bar:
                for res in _as_completed(ex, tasks):
                    if res.error is not None:
                        failed.append(res)
                        if store is not None:
                            store.write_error(res.task.run_id, {**res.row, "traceback": res.error})
                    else:
                        rows[res.task.run_id] = res.row
                        if store is not None and not res.stored:
                            store.write_run(res.task.run_id, res.row, res.frames, res.ident)
                    bar.update(1)
                    bar.set_postfix(failed=len(failed), refresh=False)
            reps = _more_replications(spec, store, rows, points, reps)
        status = "failed" if failed else "complete"
    finally:
        ex.close()
        if store is not None:
            manifest.update(ended=_now(), status=status, failed_runs=[f.task.run_id for f in failed],
                            seeds={str(r): replication_seed(spec.seed, r) for r in range(_max_rep(store) + 1)})
            try:
                store.write_manifest(manifest)
            except OSError:
                if sys.exc_info()[0] is None:
                    raise
                # already failing (a full disk): keep that error; the stale "running" reads as interrupted

    if failed:
        first = failed[0]
        raise SweepError(f"{len(failed)} run(s) failed, first {first.task.run_id} "
                         f"({first.task.params}, seed {first.task.seed}): {first.row['error']}")
    df = store.runs() if store is not None else pd.DataFrame(sorted(rows.values(), key=lambda r: (r["point"], r["replication"])))
    return df


def _max_rep(store: ResultStore) -> int:
    reps = [int(i.split("-r")[1]) for i in store.completed()]
    return max(reps, default=-1)


def _as_completed(ex: Executor, tasks: list[RunTask]) -> Iterator[RunOutput]:
    yield from ex.map_unordered(execute_run, tasks)


def _more_replications(spec: Any, store: ResultStore | None, rows: dict[str, dict[str, Any]],
                       points: list[dict[str, Any]], last: dict[int, range]) -> dict[int, range]:
    """Points whose interval is still wider than ``precision.half_width`` get another batch."""
    prec = spec.precision
    if prec is None:
        return {}
    df = store.runs() if store is not None else pd.DataFrame(list(rows.values()))
    more = {}
    for p in last:
        at = df[df["point"] == p] if not df.empty else df
        v = at[prec.metric].to_numpy(float) if not at.empty else np.array([])
        n = len(at)
        ok = v[~np.isnan(v)]
        if n >= prec.max_replications or (n > 0 and len(ok) == 0):
            continue  # at the cap, or undefined at every run so far: more runs cannot narrow it
        hw = half_width(ok)
        if np.isnan(hw) or hw > prec.half_width:
            start = int(at["replication"].max()) + 1 if n else 0
            more[p] = range(start, start + min(prec.batch, prec.max_replications - n))
    return more
