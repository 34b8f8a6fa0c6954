"""Benchmark: the shipped fault scenarios (configs/faults/*.yaml), this tree against a baseline tree.

    python benchmarks/bench_fault_configs.py [--baseline DIR] [--repeat 3] [--glob 'configs/faults/*.yaml']

``DIR`` is another checkout of clustersim (e.g. ``git archive main | tar -x -C /tmp/base``). Each
config runs in a fresh interpreter, alternating this tree and the baseline, ``--repeat`` times; the
table gives the best wall time of each (build, run, frames and summary) and the ratio. Run on
demand, not in the test suite: the 2-core machine is shared and noisy, so compare ratios measured
in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
CHILD = """
import json, sys, time
t0 = time.perf_counter()
from clustersim.config import load_config
from clustersim.sim import run
r = run(load_config(sys.argv[1]))
print(json.dumps({"wall_s": time.perf_counter() - t0, "requests": int(r.requests["requests"].sum()) if len(r.requests) else 0,
                  "failed": int(r.requests["failed"].sum()) if len(r.requests) else 0, "events": len(r.events), "pods": len(r.pods)}))
"""


def once(tree: Path, config: Path) -> dict[str, float]:
    """Run ``config`` with the clustersim of ``tree`` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(config)], capture_output=True, text=True, env=env, cwd=tree, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print one row per config: best wall time here and in the baseline, their ratio, and the request counts."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--glob", default="configs/faults/*.yaml")
    args = ap.parse_args()
    configs = sorted(HERE.glob(args.glob))
    print(f"{'config':<28} {'here s':>8} {'base s':>8} {'ratio':>6}  requests failed (here / base)")
    tot_here = tot_base = 0.0
    for cfg in configs:
        if args.baseline is not None and not (args.baseline / cfg.relative_to(HERE)).exists():
            print(f"{cfg.name:<28} {once(HERE, cfg)['wall_s']:>8.2f} {'-':>8} {'-':>6}  (not in the baseline)", flush=True)
            continue
        here, base = [], []
        for _ in range(args.repeat):
            here.append(once(HERE, cfg))
            if args.baseline is not None:
                base.append(once(args.baseline, args.baseline / cfg.relative_to(HERE)))
        h = min(r["wall_s"] for r in here)
        b = min(r["wall_s"] for r in base) if base else float("nan")
        tot_here += h
        tot_base += b
        counts = f"{here[0]['requests']} {here[0]['failed']}" + (f" / {base[0]['requests']} {base[0]['failed']}" if base else "")
        print(f"{cfg.name:<28} {h:>8.2f} {b:>8.2f} {h / b:>6.2f}  {counts}", flush=True)
    print(f"{'total':<28} {tot_here:>8.2f} {tot_base:>8.2f} {tot_here / tot_base:>6.2f}")


if __name__ == "__main__":
    main()
