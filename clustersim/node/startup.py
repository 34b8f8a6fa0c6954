"""How long a pod's sandbox and containers take to start: a draw that grows with the node's pods.

Measured pod startup (row S1: v1.0, 100 nodes x 30 pods, 2015) rises from p50 0.9 s / p99 1.6 s at
10 % full to 1.9 s / 4.3 s at 100 %: creating the sandbox (network namespace, CNI), the container and
reporting it take longer on a busy node. Here each start draws from a lognormal whose median and 99th
percentile grow linearly with the pods already on the node (``config/timing.py`` PodStartupConfig;
fit and comparison in docs/fidelity.md). Draws come from the node's own stream, so a run is the same
for the same seed, and adding a node does not change another node's draws. Simplified: a container
restart draws from the same distribution (upstream keeps the sandbox, so a restart is cheaper).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from clustersim.config.timing import PodStartupConfig

__all__ = ["StartupModel"]

Z99 = 2.3263478740408408  # the standard normal's 99th percentile
_BLOCK = 64  # draws per refill: a node starts tens of pods an hour (1,024 cost 32 MB at 1,000 nodes)


class StartupModel:
    """Start-time draws for one node."""

    __slots__ = ("cfg", "gen", "_z", "_i")

    def __init__(self, cfg: PodStartupConfig, gen: np.random.Generator) -> None:
        self.cfg, self.gen = cfg, gen
        self._z: list[float] = []
        self._i = 0

    def _normal(self) -> float:
        if self._i >= len(self._z):
            self._z, self._i = self.gen.standard_normal(_BLOCK).tolist(), 0
        z = self._z[self._i]
        self._i += 1
        return z

    def quantiles(self, pods: int) -> tuple[float, float]:
        """(median, 99th percentile) of the start time with ``pods`` other pods on the node."""
        c = self.cfg
        return c.median_s + c.median_per_pod_s * pods, c.p99_s + c.p99_per_pod_s * pods

    def draw(self, pods: int) -> float:
        """One start time with ``pods`` other pods on the node."""
        median, p99 = self.quantiles(pods)
        if median <= 0:
            return 0.0
        sigma = math.log(p99 / median) / Z99 if p99 > median else 0.0
        return median * math.exp(sigma * self._normal())
