"""Design points (grid, random, Latin hypercube) and the seeds of replications."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from clustersim.sweep.models import Axis, ExperimentSpec

__all__ = ["design_points", "replication_seed", "run_id"]


def _from_unit(axis: Axis, u: float) -> Any:
    """Map u in [0, 1) onto the axis: an index into ``values``, or a point of the range."""
    if axis.values is not None:
        return axis.values[min(int(u * len(axis.values)), len(axis.values) - 1)]
    assert axis.low is not None and axis.high is not None
    if axis.log:
        x = float(np.exp(np.log(axis.low) + u * (np.log(axis.high) - np.log(axis.low))))
    else:
        x = axis.low + u * (axis.high - axis.low)
    return int(round(x)) if axis.integer else x


def design_points(spec: ExperimentSpec) -> list[dict[str, Any]]:
    """The design's points in a fixed order: ``[{axis name: value}, ...]`` (one empty point without axes)."""
    axes = spec.axes
    if not axes:
        return [{}]
    if spec.design.type == "grid":
        return [dict(zip((a.name for a in axes), combo, strict=True))
                for combo in itertools.product(*(a.values or () for a in axes))]
    n = spec.design.samples or 0
    rng = np.random.default_rng(spec.design.seed)
    if spec.design.type == "random":
        u = rng.random((n, len(axes)))
    else:
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(axes), rng=rng).random(n)
    return [{a.name: _from_unit(a, float(u[i, j])) for j, a in enumerate(axes)} for i in range(n)]


def replication_seed(root: int, replication: int) -> int:
    """The run seed of replication ``r``: the same at every point (common random numbers)."""
    return int(np.random.SeedSequence([root, replication]).generate_state(1, dtype=np.uint32)[0])


def run_id(point: int, replication: int) -> str:
    """Stable name of a run: ``p003-r012``."""
    return f"p{point:03d}-r{replication:03d}"
