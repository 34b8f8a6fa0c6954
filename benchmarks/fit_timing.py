"""How the timing models' defaults (``clustersim/config/timing.py``) were fitted to the calibration rows.

    python benchmarks/fit_timing.py

Prints the fitted values; docs/fidelity.md shows how close the simulator then comes to every row.

- Pod startup (S1): the 2015 density curve scaled by 0.85 toward the later figures (S3's 3.2 s and S5's
  3 s p99 at 30 pods per node), less the simulator's fixed path (three watch deliveries of 50 ms), then
  a least-squares line through p50 and through p99 against the pods already on the node (3, 7.5, 15, 30).
- Image pulls (P1-P2): least squares on the log of all twelve published pull times of floor +
  cold first-byte delay + the layers' makespan over containerd's 3 connections at a cold or warm speed
  + unpacking; sizes in MB as published (the config takes MiB).
- kube-proxy (K1-K3): with churn at a steady rate, syncs start every max(min-sync, sync) seconds and a
  change waits half of that on average, then the sync: K1's full-restore p50 (27 s) is 1.5 full syncs,
  which at the assumed 10,000 Services x 15 endpoints (5 and 3 rules each) gives the restore speed; the
  partial syncs' cost (the KUBE-SERVICES chain, 2 rules per Service, plus the changed chains) then
  gives K1's other two p50s at 400 changes/s; K3 (0.26-0.30 s) checks the base cost.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import minimize

WATCHES_S = 3 * 0.05
S1 = {3: (0.90, 1.59), 7.5: (1.08, 1.86), 15: (1.33, 2.56), 30: (1.94, 4.32)}  # pods on the node: (p50, p99) at 10..100 % full
P = [  # MB, layers, warm, published seconds (P1: 10 cold pulls at once; P2: pairs, the first cold)
    (10, 1, 0, 3.41), (10, 4, 0, 1.66), (100, 1, 0, 3.43), (100, 4, 0, 3.11), (1000, 1, 0, 25.8), (1000, 4, 0, 12.45),
    (1000, 1, 0, 31.6), (1000, 4, 0, 12.05), (100, 1, 0, 4.0), (1000, 1, 1, 6.05), (1000, 4, 1, 4.45), (100, 1, 1, 1.58)]
MB_PER_MIB = 2**20 / 1e6


def fit_startup(scale: float = 0.85) -> dict[str, float]:
    """Lines through the scaled S1 medians and 99th percentiles."""
    n = np.array(list(S1))
    p50 = np.array([v[0] for v in S1.values()]) * scale - WATCHES_S
    p99 = np.array([v[1] for v in S1.values()]) * scale - WATCHES_S
    b50, a50 = np.polyfit(n, p50, 1)
    b99, a99 = np.polyfit(n, p99, 1)
    return {"median_s": a50, "median_per_pod_s": b50, "p99_s": a99, "p99_per_pod_s": b99}


def _makespan(sizes: list[float], conns: int, rate: float) -> float:
    slots = [0.0] * conns
    for s in sorted(sizes, reverse=True):
        slots[int(np.argmin(slots))] += s / rate
    return max(slots)


def fit_pulls(connections: int = 3) -> dict[str, float]:
    """Least squares (log) over the P1-P2 figures."""
    def model(p: np.ndarray, size: float, layers: int, warm: int) -> float:
        floor, lat, cold, hot, unpack = np.exp(p)
        return float(floor + (0 if warm else lat) + _makespan([size / layers] * layers, connections, hot if warm else cold) + size / unpack)

    def loss(p: np.ndarray) -> float:
        return sum((math.log(model(p, s, k, w)) - math.log(t)) ** 2 for s, k, w, t in P)

    best = min((minimize(loss, x0, method="Nelder-Mead", options={"maxiter": 20000, "xatol": 1e-9, "fatol": 1e-12})
                for x0 in ([0, 0, 3.5, 5, 5], [0.5, 1, 3, 6, 6], [-1, 0.5, 4, 5.5, 4.5])), key=lambda r: r.fun)
    floor, lat, cold, hot, unpack = np.exp(best.x)
    return {"floor_s": floor, "cold_first_byte_s": lat, "cold_layer_mib_s": cold / MB_PER_MIB,
            "warm_layer_mib_s": hot / MB_PER_MIB, "unpack_mib_s": unpack / MB_PER_MIB}


def fit_kube_proxy(services: int = 10_000, endpoints: int = 15, p50_full: float = 27.0) -> dict[str, float]:
    """The restore speed from K1's full-restore p50 (back-to-back full syncs: p50 = 1.5 syncs)."""
    rules = 5 * services + 3 * services * endpoints
    full_sync = p50_full / 1.5
    base = 0.2
    return {"iptables_rules_per_s": rules / (full_sync - base), "base_s": base, "full_sync_s": full_sync,
            "partial_sync_fixed_s": base + 2 * services / (rules / (full_sync - base))}


def main() -> None:
    """Print the fitted values."""
    for name, fit in (("pod_startup", fit_startup()), ("image_pull", fit_pulls()), ("kube_proxy.timing", fit_kube_proxy())):
        print(name + ": " + ", ".join(f"{k}={v:.4g}" for k, v in fit.items()))


if __name__ == "__main__":
    main()
