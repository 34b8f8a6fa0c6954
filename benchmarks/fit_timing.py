"""Refit the timing models from the calibration file and print them against the shipped defaults and the
published figures.

    python benchmarks/fit_timing.py [--calibration ../shared/calibration/README.md] [--check]

For each model: every parameter refitted from the rows' figures (read from the file by
``benchmarks/calibration.py``) next to the default the simulator ships (``clustersim/config/timing.py``,
the fit rounded), then each published figure next to the model's own closed-form figure with the
defaults. ``--check`` exits 1 when a default is more than 2 % from its refit. How close whole simulated
runs come to every row is docs/fidelity.md (``benchmarks/fidelity.py``).

- Pod startup (S1): the 2015 density curve scaled by 0.85 toward the later figures (S3's 3.2 s and S5's
  3 s p99 at 30 pods per node), less the simulator's fixed path (three watch deliveries of 50 ms), then
  a least-squares line through p50 and through p99 against the pods already on the node.
- Image pulls (P1-P2): least squares on the log of every published pull time of floor + cold
  first-byte delay + the layers' makespan over containerd's 3 connections at a cold or warm speed +
  unpacking (a published range counts as its middle).
- kube-proxy (K1): with churn at a steady rate, syncs start every max(min-sync, sync) seconds and a
  change waits half of that on average, then the sync: K1's full-restore p50 is 1.5 full syncs, which
  at the assumed 10,000 Services x 15 endpoints (5 and 3 rules each) gives the restore speed; the
  partial syncs (the KUBE-SERVICES chain, 2 rules per Service, plus the changed Services' chains, at
  400 changes/s) then give K1's other two p50s. The KEP states neither the size nor the rate.
- Node provisioning (N1-N2) is issue 11's fit (``cloud.provisioning_delay``); its quantiles are printed
  against the rows, the slowest of 50 VMs for N2.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import calibration  # noqa: E402  (the sibling module, also when this file is loaded by path)

WATCHES_S = 3 * 0.05  # the simulator's fixed path around a start: three watch deliveries of 50 ms
STARTUP_SCALE = 0.85
CONNECTIONS = 3  # containerd max_concurrent_downloads
MB_PER_MIB = 2**20 / 1e6
K1_ASSUMED = (10_000, 15, 400.0)  # Services, endpoints per Service, endpoint changes per second
TOLERANCE = 0.02  # a default is the fit rounded to two or three significant figures


# ---- pod startup
def fit_startup(per_node: int, figs: dict[float, dict[str, float]], scale: float = STARTUP_SCALE) -> dict[str, float]:
    """Lines through the scaled S1 medians and 99th percentiles against the pods already on the node."""
    n = np.array([pct / 100 * per_node for pct in figs])
    out: dict[str, float] = {}
    for stat, name in (("p50", "median"), ("p99", "p99")):
        y = np.array([f[stat] for f in figs.values()]) * scale - WATCHES_S
        slope, intercept = np.polyfit(n, y, 1)
        out[f"{name}_s"], out[f"{name}_per_pod_s"] = float(intercept), float(slope)
    return out


def startup_figure(p: dict[str, float], pods: float, stat: str) -> float:
    """The model's p50 or p99 start, watch deliveries included, with ``pods`` on the node."""
    name = "median" if stat == "p50" else "p99"
    return p[f"{name}_s"] + p[f"{name}_per_pod_s"] * pods + WATCHES_S


# ---- image pulls
def _makespan(sizes: list[float], conns: int, rate: float) -> float:
    slots = [0.0] * conns
    for s in sorted(sizes, reverse=True):
        slots[int(np.argmin(slots))] += s / rate
    return max(slots)


def pull_seconds(p: dict[str, float], pull: calibration.Pull, connections: int = CONNECTIONS) -> float:
    """One pull with parameters in the config's units (MiB/s)."""
    mib = pull.size_mb / MB_PER_MIB
    rate = p["warm_layer_mib_s"] if pull.warm else p["cold_layer_mib_s"]
    first = 0.0 if pull.warm else p["cold_first_byte_s"]
    return p["floor_s"] + first + _makespan([mib / pull.layers] * pull.layers, connections, rate) + mib / p["unpack_mib_s"]


PULL_PARAMS = ("floor_s", "cold_first_byte_s", "cold_layer_mib_s", "warm_layer_mib_s", "unpack_mib_s")


def fit_pulls(pulls: list[calibration.Pull], connections: int = CONNECTIONS) -> dict[str, float]:
    """Least squares on the log of every published pull time (several starts, the best kept)."""
    def loss(x: np.ndarray) -> float:
        p = dict(zip(PULL_PARAMS, np.exp(x), strict=True))
        return sum((math.log(pull_seconds(p, u, connections)) - math.log(u.seconds)) ** 2 for u in pulls)

    starts = ([0, 0, 3.5, 5, 5], [0.5, 1, 3, 6, 6], [-1, 0.5, 4, 5.5, 4.5])
    best = min((minimize(loss, np.array(x0, dtype=float), method="Nelder-Mead",
                         options={"maxiter": 20000, "xatol": 1e-9, "fatol": 1e-12}) for x0 in starts), key=lambda r: r.fun)
    return {k: float(v) for k, v in zip(PULL_PARAMS, np.exp(best.x), strict=True)}


# ---- kube-proxy
def _rules(t: dict[str, float], services: int, endpoints: int) -> tuple[float, float]:
    """(rules of a full restore, rules one changed Service rewrites)."""
    full = t["rules_per_service"] * services + t["rules_per_endpoint"] * services * endpoints
    return full, t["rules_per_service"] + t["rules_per_endpoint"] * endpoints


def fit_kube_proxy(full_p50: float, t: dict[str, float], assumed: tuple[int, int, float] = K1_ASSUMED) -> dict[str, float]:
    """The iptables-restore speed from K1's full-restore p50 (back-to-back full syncs: p50 = 1.5 syncs)."""
    services, endpoints, _ = assumed
    full, _ = _rules(t, services, endpoints)
    return {"iptables_rules_per_s": full / (full_p50 / 1.5 - t["base_s"])}


def k1_p50(t: dict[str, float], min_sync_s: float, minimize_restore: bool, assumed: tuple[int, int, float] = K1_ASSUMED) -> float:
    """Closed-form p50 under steady churn: syncs every T = max(min-sync, duration(T)); a change waits T/2, then the sync."""
    services, endpoints, rate = assumed
    full, per_change = _rules(t, services, endpoints)
    speed = t["iptables_rules_per_s"]
    if not minimize_restore:
        d = t["base_s"] + full / speed
        return max(min_sync_s, d) / 2 + d
    c0 = t["base_s"] + t["services_chain_rules_per_service"] * services / speed  # duration = c0 + c1 * T
    c1 = rate * per_change / speed
    period = min_sync_s if c0 + c1 * min_sync_s <= min_sync_s or c1 >= 1 else c0 / (1 - c1)
    return period / 2 + c0 + c1 * period


# ---- printing
def _params(title: str, refit: dict[str, float], default: dict[str, Any]) -> list[str]:
    """Lines of one model's parameters; those more than TOLERANCE from their refit are marked."""
    lines = [title, f"  {'parameter':<26}{'refit':>12}{'default':>12}{'default/refit':>15}"]
    for k, v in refit.items():
        d = float(default[k])
        off = d / v - 1 if v else math.inf
        mark = "" if abs(off) <= TOLERANCE else "   <- default differs from the refit"
        lines.append(f"  {k:<26}{v:>12.4g}{d:>12.4g}{off:>+14.1%}{mark}")
    return lines


def _figures(rows: list[tuple[str, float, float]]) -> list[str]:
    lines = [f"  {'figure':<44}{'published':>10}{'model':>10}{'error':>9}"]
    lines += [f"  {name:<44}{pub:>10.4g}{mod:>10.4g}{mod / pub - 1:>+9.0%}" for name, pub, mod in rows]
    return lines


def report(path: Path) -> tuple[list[str], list[str]]:
    """(printed lines, names of defaults more than TOLERANCE from their refit)."""
    from clustersim.cloud.provisioning import provisioning_quantile
    from clustersim.config.cloud import ProvisioningDelayConfig
    from clustersim.config.timing import ImagePullTimingConfig, KubeProxyTimingConfig, PodStartupConfig

    table = calibration.rows(path)
    out: list[str] = [f"calibration: {path}", ""]
    per_node, s1 = calibration.s1(table)
    st, st_default = fit_startup(per_node, s1), PodStartupConfig().model_dump()
    out += _params(f"pod startup: kubelet.pod_startup (row S1 scaled {STARTUP_SCALE})", st, st_default)
    out += _figures([(f"S1 {stat} {pct:g} % full", fig[stat], startup_figure(st_default, pct / 100 * per_node, stat))
                     for pct, fig in s1.items() for stat in ("p50", "p99")])
    pulls = calibration.p1_p2(table)
    pl, pl_default = fit_pulls(pulls), ImagePullTimingConfig().model_dump()
    out += ["", *_params("image pulls: kubelet.image_pull (rows P1-P2)", pl, pl_default)]
    out += _figures([(f"{'P2' if i >= 6 else 'P1'} {u.size_mb:g} MB {u.layers} layer(s){' warm' if u.warm else ''}", u.seconds,
                      pull_seconds(pl_default, u)) for i, u in enumerate(pulls)])
    kp_default = KubeProxyTimingConfig().model_dump()
    full_p50, minimized_p50, fast_p50 = calibration.k1(table)
    kp = fit_kube_proxy(full_p50, kp_default)
    services, endpoints, rate = K1_ASSUMED
    title = f"kube-proxy: kube_proxy.timing (row K1; assumed {services} Services x {endpoints} endpoints, {rate:g} changes/s)"
    out += ["", *_params(title, kp, kp_default)]
    out += _figures([("K1 p50 full restores, min-sync 10 s", full_p50, k1_p50(kp_default, 10.0, False)),
                     ("K1 p50 MinimizeIPTablesRestore, min-sync 10 s", minimized_p50, k1_p50(kp_default, 10.0, True)),
                     ("K1 p50 MinimizeIPTablesRestore, min-sync 1 s", fast_p50, k1_p50(kp_default, 1.0, True))])
    pd = ProvisioningDelayConfig()
    out += ["", "node provisioning: cloud.provisioning_delay (rows N1-N2, issue 11's fit; not refitted here)"]
    figs = []
    for rid in ("N1", "N2"):
        nodes, quantiles = calibration.n_row(table, rid)
        figs += [(f"{rid} p{q * 100:g}, slowest of {nodes}", t, provisioning_quantile(pd, q, nodes)) for q, t in quantiles.items()]
    out += _figures(figs)
    off = [f"{k}" for fit, default in ((st, st_default), (pl, pl_default), (kp, kp_default))
           for k, v in fit.items() if abs(float(default[k]) / v - 1) > TOLERANCE]
    return out, off


def main() -> None:
    """Print the refits and figures; with --check exit 1 when a default is not the fit."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calibration", type=Path, default=calibration.DEFAULT, help="the calibration README")
    ap.add_argument("--check", action="store_true", help="exit 1 when a default is more than 2 %% from its refit")
    a = ap.parse_args()
    try:
        lines, off = report(a.calibration)
    except (OSError, calibration.CalibrationError) as e:
        print(f"fit_timing: {a.calibration}: {e}", file=sys.stderr)
        sys.exit(2)
    print("\n".join(lines))
    if a.check and off:
        print(f"defaults that are not the fit: {', '.join(off)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
