"""Benchmark: a small run from manifests as a whole process, the fixed costs a user waits for.

    python benchmarks/bench_small.py [--nodes 100] [--pods 1000] [--repeat 3] [--no-plot]

Writes ``--nodes`` Node objects and ``--pods`` bare Pods (four request shapes) as one multi-document
manifest file, a config naming it (1 simulated hour), and times ``clustersim run config.yaml --out
DIR`` end to end (interpreter start, imports, YAML, validation, the run, the frames, summary.json, the
Parquet files, config.yaml and the PNG), best of ``--repeat``; then, in one process, how long the
pieces take (imports, reading the manifests, validating, simulating, writing the outputs).
Run on demand, not in the test suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = [("100m", "128Mi"), ("250m", "256Mi"), ("500m", "512Mi"), ("1", "1Gi")]


def write_inputs(folder: Path, nodes: int, pods: int) -> Path:
    """The manifests and the config; returns the config's path."""
    docs = []
    for i in range(nodes):
        docs.append(f"""apiVersion: v1
kind: Node
metadata:
  name: node-{i}
  labels:
    kubernetes.io/hostname: node-{i}
    topology.kubernetes.io/zone: zone-{"abc"[i % 3]}
status:
  capacity: {{cpu: "16", memory: 64Gi, pods: "110"}}
  allocatable: {{cpu: "16", memory: 64Gi, pods: "110"}}
""")
    for k in range(pods):
        cpu, mem = SHAPES[k % len(SHAPES)]
        docs.append(f"""apiVersion: v1
kind: Pod
metadata:
  name: job-{k}
  namespace: default
  labels: {{app: batch-{k % 10}}}
spec:
  containers:
  - name: main
    image: registry.example.com/batch:{k % 10}
    resources:
      requests: {{cpu: "{cpu}", memory: {mem}}}
""")
    (folder / "cluster.yaml").write_text("---\n".join(docs))
    cfg = folder / "config.yaml"
    cfg.write_text("seed: 1\nduration_s: 3600\nmanifests: [cluster.yaml]\n")
    return cfg


_CPU = [0.0]


def _child_cpu() -> float:
    """CPU seconds (user + system) of the children that ended since the last call."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = ru.ru_utime + ru.ru_stime
    cpu, _CPU[0] = total - _CPU[0], total
    return cpu


def phases(cfg: Path, out: Path, plot: bool) -> dict[str, float]:
    """The pieces of one run in this process (CPU seconds: the machine may be shared)."""
    t0 = time.process_time()
    from clustersim.config.load import load_config
    from clustersim.output import write_outputs
    from clustersim.sim import run

    t1 = time.process_time()
    config = load_config(cfg)
    t2 = time.process_time()
    result = run(config, out=out)
    t3 = time.process_time()
    write_outputs(result, out, plot=plot)
    t4 = time.process_time()
    return {"imports": t1 - t0, "config (YAML + validation)": t2 - t1, "run + frames + summary": t3 - t2, "outputs": t4 - t3}


def main() -> None:
    """Time the whole process, then its pieces."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--pods", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-plot", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cfg = write_inputs(folder, a.nodes, a.pods)
        cmd = [sys.executable, "-m", "clustersim", "run", str(cfg), "--out", str(folder / "out"), "--quiet"]
        if a.no_plot:
            cmd.append("--no-plot")
        # bytecode caches on (a user's installed package has them; this machine's environment may switch
        # them off), in a folder of their own; the first run writes them and is not counted
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "clustersim-bench-pycache")
        walls, cpus = [], []
        for k in range(a.repeat + 1):
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
            _, err = proc.communicate()
            wall = time.perf_counter() - t0
            if proc.returncode != 0:
                sys.exit(f"clustersim run failed ({proc.returncode}):\n{err}")
            cpu = _child_cpu()
            if k:
                walls.append(wall)
                cpus.append(cpu)
        files = sorted(p.name for p in (folder / "out").iterdir())
        print(f"{a.nodes} nodes, {a.pods} bare pods from one manifest file ({(folder / 'cluster.yaml').stat().st_size / 1024:.0f} KiB), "
              f"1 simulated hour; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"clustersim run, whole process: wall best {min(walls):.2f} s of {', '.join(f'{w:.2f}' for w in walls)} s; "
              f"CPU best {min(cpus):.2f} s; outputs: {', '.join(files)}")
        for name, secs in phases(cfg, folder / "out2", not a.no_plot).items():
            print(f"  {name:<28} {secs:6.2f} s CPU")


if __name__ == "__main__":
    main()
