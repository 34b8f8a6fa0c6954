"""Benchmark: 1,000 nodes, 30,000 pods, one simulated hour, 1 % of nodes crashing per hour,
4 pod completions/s replaced by new pods. Prints wall time, SimPy events, events/s and peak memory.

    python benchmarks/bench_cluster.py [--nodes 1000] [--pods 30000] [--hours 1] [--churn 4] [--seed 1]
    python benchmarks/bench_cluster.py --skeleton ../shared/perf/toy_cluster.py   # also run the yardstick

Run on demand, not in the test suite; compare ratios measured in the same run (shared 2-core machines
are noisy).
"""

from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import time

import numpy as np

from clustersim.config.load import validate_dict
from clustersim.sim import build, few_gc_passes


def config(nodes: int, pods: int, hours: float, churn: float, seed: int) -> dict:
    """A cluster of ``nodes`` nodes in 3 zones running ``pods`` pods in 100 Deployments."""
    deployments = 100
    per = pods // deployments
    duration = 3600.0 * hours
    rng = np.random.default_rng(seed)
    crashes = rng.poisson(0.01 * nodes * hours)
    faults = [{"name": "NodeCrash", "args": {"at_s": float(t), "recover_after_s": 600.0}}
              for t in np.sort(rng.uniform(60.0, duration - 1.0, size=crashes))]
    return {
        "seed": seed,
        "duration_s": duration,
        "cluster": {"zones": ["a", "b", "c"],
                    "node_pools": [{"name": "n", "count": nodes, "capacity": {"cpu": "32", "memory": "128Gi", "pods": 110}}]},
        "images": {"default_size_mib": 100},
        "deployments": [{
            "name": f"d{i}", "replicas": per,
            "containers": [{"name": "app", "image": f"app{i % 10}:1", "requests": {"cpu": f"{[100, 250, 500, 1000][i % 4]}m",
                                                                          "memory": f"{[128, 256, 512, 1024][i % 4]}Mi"},
                            "readiness_probe": {"period_s": 10}, "behavior": {"ready_after_s": 3}}],
        } for i in range(deployments)],
        "workloads": [{"name": "PodChurn", "args": {"rate_per_s": churn, "start_s": 60.0}}] if churn > 0 else [],
        "faults": faults,
    }


def main() -> None:
    """Run and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--pods", type=int, default=30000)
    ap.add_argument("--hours", type=float, default=1.0)
    ap.add_argument("--churn", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    ap.add_argument("--skeleton", help="path to ../shared/perf/toy_cluster.py to run the yardstick in the same session")
    a = ap.parse_args()
    t0 = time.perf_counter()
    cfg = validate_dict(config(a.nodes, a.pods, a.hours, a.churn, a.seed), "benchmark")
    sim = build(cfg)
    t_build = time.perf_counter() - t0
    if a.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    t1 = time.perf_counter()
    sim.start()
    with few_gc_passes():
        sim.env.run(until=cfg.duration_s)
    t_run = time.perf_counter() - t1
    if a.profile:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    t2 = time.perf_counter()
    result = sim.result(t_run)
    t_frames = time.perf_counter() - t2
    events = sim.env.events_scheduled
    total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    s = result.summary
    running = int(result.timeseries[result.timeseries.metric == "pods_running"]["value"].iloc[-1])
    print(f"clustersim benchmark: nodes={a.nodes} pods={a.pods} simulated={cfg.duration_s:.0f}s "
          f"node crashes={len(cfg.faults)} churn={a.churn}/s seed={a.seed} python {sys.version.split()[0]}")
    print(f"wall: build {t_build:.2f}s  run {t_run:.2f}s  frames+summary {t_frames:.2f}s  total {total:.2f}s "
          f"({cfg.duration_s / total:,.0f}x real time)")
    print(f"SimPy events {events:,}  -> {events / t_run:,.0f} events/s of run; API writes {sim.state.writes:,}; "
          f"scheduling decisions {sim.scheduler.decisions:,}")
    print(f"pods created {s['pods_created']:,}, running at end {running:,}, pending at end {s['pods_pending_at_end']:,}; "
          f"churn completions {sum(w.completed for w in sim.workloads):,}")
    print(f"peak RSS {peak:.0f} MiB")
    if a.skeleton:
        print("--- yardstick (same session):")
        out = subprocess.run([sys.executable, a.skeleton, "--nodes", str(a.nodes), "--pods", str(a.pods),
                              "--churn", str(a.churn), "--hours", str(a.hours)], capture_output=True, text=True)
        print(out.stdout.strip() or out.stderr.strip())
        wall = [line for line in out.stdout.splitlines() if line.startswith("wall:")]
        if wall:
            skel = float(wall[0].split("total ")[1].split("s")[0])
            print(f"ratio clustersim/skeleton total wall: {total / skel:.2f}x" if not math.isclose(skel, 0) else "")


if __name__ == "__main__":
    main()
