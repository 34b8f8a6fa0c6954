"""Benchmark: runs per second of a sweep of small runs with one worker versus N (default 2).

    python benchmarks/bench_sweep.py [--runs 96] [--workers 2] [--executor local|dask]

The experiment is the quick-start config with a random node crash, varied over two grace periods;
each run is about 0.05 s of simulation, so per-run overhead (pickling, Parquet writes) shows too.
Run on demand; on a shared 2-core machine compare the ratio, not the absolute rates.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from clustersim.sweep.runner import sweep

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Time the same sweep with 1 and N workers and print runs/s and the speed-up."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=96)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--executor", choices=["local", "dask"], default="local")
    ap.add_argument("--duration", type=float, default=900.0, help="simulated seconds per run")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exp = Path(tmp) / "bench.yaml"
        exp.write_text(yaml.safe_dump({
            "name": "bench", "base": str(ROOT / "configs" / "quickstart.yaml"),
            "overrides": {"duration_s": a.duration, "faults.0.args.nodes": []},
            "axes": [{"name": "grace", "param": "controller_manager.node_monitor_grace_period_s", "values": [20, 50]}],
            "replications": max(1, a.runs // 2), "metrics": ["convergence_s"],
        }))
        rates = {}
        for workers in (1, a.workers):
            t0 = time.perf_counter()
            runs = sweep(exp, Path(tmp) / f"w{workers}", workers=workers, executor=a.executor)
            dt = time.perf_counter() - t0
            rates[workers] = len(runs) / dt
            print(f"{a.executor} executor, {workers} worker(s): {len(runs)} runs in {dt:.2f} s = {rates[workers]:.1f} runs/s")
        print(f"speed-up with {a.workers} workers: {rates[a.workers] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
