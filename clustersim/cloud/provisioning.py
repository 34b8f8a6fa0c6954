"""How long a new VM takes from creation until its Node is Ready (a seeded draw per VM).

The law and its fit to calibration rows N1-N2 are documented on ``ProvisioningDelayConfig``
(``clustersim/config/cloud.py``) and in docs/cloud.md.
"""

from __future__ import annotations

import math

import numpy as np

from clustersim.config.cloud import ProvisioningDelayConfig

__all__ = ["draw_provisioning_delay", "provisioning_quantile"]


def draw_provisioning_delay(cfg: ProvisioningDelayConfig, rng: np.random.Generator) -> float:
    """One VM's delay in seconds: max(floor, Normal(median, sigma)) plus a slow-boot tail."""
    body = cfg.median_s + cfg.sigma_s * float(rng.standard_normal()) if cfg.sigma_s > 0 else cfg.median_s
    delay = max(cfg.floor_s, body)
    u = float(rng.random())
    if u < cfg.slow_fraction:
        delay += -cfg.slow_mean_s * math.log1p(-float(rng.random()))
    return delay


def provisioning_quantile(cfg: ProvisioningDelayConfig, q: float, nodes: int = 1) -> float:
    """The ``q`` quantile of the slowest of ``nodes`` independent delays (bisection on the closed-form CDF).

    Used by the fidelity check against N1 (one node) and N2 (50 nodes at once).
    """
    target = q ** (1.0 / nodes)

    def cdf(x: float) -> float:
        if x < cfg.floor_s:
            return 0.0
        if cfg.sigma_s > 0:
            body = 0.5 * (1 + math.erf((x - cfg.median_s) / (cfg.sigma_s * math.sqrt(2))))
        else:
            body = 1.0 if x >= cfg.median_s else 0.0
        if cfg.slow_fraction <= 0:
            return body
        # P(body + E <= x) for the slow part, by numeric integration over the body's density
        grid = np.linspace(cfg.floor_s, x, 400)
        dens = np.exp(-0.5 * ((grid - cfg.median_s) / max(cfg.sigma_s, 1e-9)) ** 2) / (max(cfg.sigma_s, 1e-9) * math.sqrt(2 * math.pi))
        slow = float(np.trapezoid(dens * (1 - np.exp(-(x - grid) / cfg.slow_mean_s)), grid))
        return (1 - cfg.slow_fraction) * body + cfg.slow_fraction * slow

    lo, hi = 0.0, cfg.median_s + 50 * max(cfg.sigma_s, 1.0) + 50 * cfg.slow_mean_s
    for _ in range(80):
        mid = (lo + hi) / 2
        if cdf(mid) < target:
            lo = mid
        else:
            hi = mid
    return hi
