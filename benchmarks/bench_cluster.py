"""Benchmark: a whole cluster for one simulated hour, side by side with the speed-of-light skeleton.

    python benchmarks/bench_cluster.py                                   # 1,000 nodes, 30,000 pods, churn 4/s
    python benchmarks/bench_cluster.py --scenario R --skeleton ../shared/perf/toy_cluster.py
    python benchmarks/bench_cluster.py --scenario R --nodes 15000 --skeleton ../shared/perf/toy_cluster.py
    python benchmarks/bench_cluster.py --pairs 3 --skeleton ../shared/perf/toy_cluster.py
    python benchmarks/bench_cluster.py --cloud --pairs 2                 # also managed: a cloud pool, the CCM, the autoscaler
    python benchmarks/bench_cluster.py --authz --pairs 3                 # also without the API server's authorization checks

Scenarios (the skeleton gets the same nodes, pods, churn and hours):
- ``ci``: 1,000 nodes in 3 zones, 30,000 pods in 100 Deployments, 1 % of nodes crashing per hour
  (each back after 600 s), 4 pod completions/s replaced by their ReplicaSets (``PodChurn``);
- ``day``: the ``ci`` cluster for 24 simulated hours (100,000 pod completions), its tables streamed to a
  temporary folder as ``clustersim run --out`` streams them; the resident memory is printed every simulated hour;
- ``R``: Kubernetes' own scale limits, 5,000 nodes and 150,000 pods, 20 completions/s (the
  steady-state churn bound the skeleton models), and the scheduler's client set as the upstream
  5,000-node scalability jobs set it: ``--kube-api-qps=100 --kube-api-burst=100`` (kubernetes/test-infra
  ``config/jobs/kubernetes/sig-scalability/env/ci-kubernetes-e2e-scalability-common.env``,
  ``SCHEDULER_TEST_ARGS``), so that every pod can bind within the hour (the default 50 QPS, shared with
  20 replacements/s, could not).

With ``--cloud`` each pair also runs the same cluster managed (docs/cloud.md): the nodes are the VMs of
one cloud node pool (an instance type of the same capacity; min size ``--cloud-min-size``, the node
count by default, max size 10 % above), with the cloud-controller-manager and the Cluster Autoscaler at
their upstream defaults; the NodeCrash faults hit those VMs. The plain and the managed run alternate
(the order flipped every other pair) and the managed/plain ratios are printed per pair.

With ``--authz`` each pair also runs the same cluster with every component's client skipping
authentication and authorization (``ApiServerAuth.client`` returns an unchecked ``Client``: what the run
would cost without issue 12's checks) and prints the checked/unchecked ratios; the budget is 1.10x.

Each run is its own child process started from this small driver (which imports neither clustersim
nor numpy), so the peak RSS of each (from ``wait4``) is its own; wall is the whole process (imports,
build, run, frames and exit), CPU is user + system time. With ``--skeleton`` clustersim and the
skeleton alternate (``--pairs`` pairs, the order flipped every other pair) and the ratios are per
pair. Run on demand, never in the test suite; on a shared machine compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SCENARIOS: dict[str, dict[str, Any]] = {
    "ci": {"nodes": 1000, "pods": 30000, "hours": 1.0, "churn": 4.0, "client_qps": None, "client_burst": None},
    "R": {"nodes": 5000, "pods": 150_000, "hours": 1.0, "churn": 20.0, "client_qps": 100.0, "client_burst": 100},
    # a day of the CI-sized cluster, its tables streamed to a folder: memory must stay what is alive plus a constant
    "day": {"nodes": 1000, "pods": 30000, "hours": 24.0, "churn": 4.0, "client_qps": None, "client_burst": None, "stream": True},
}


def config(nodes: int, pods: int, hours: float, churn: float, seed: int,
           client_qps: float | None = None, client_burst: int | None = None, cloud_min_size: int | None = None) -> dict[str, Any]:
    """A cluster of ``nodes`` nodes in 3 zones running ``pods`` pods in 100 Deployments; with ``cloud_min_size``
    the nodes are a cloud pool's VMs (min ``cloud_min_size``, max 10 % above ``nodes``) under the CCM and
    the Cluster Autoscaler."""
    import numpy as np

    deployments = 100
    per = pods // deployments
    duration = 3600.0 * hours
    rng = np.random.default_rng(seed)
    crashes = rng.poisson(0.01 * nodes * hours)
    faults = [{"name": "NodeCrash", "args": {"at_s": float(t), "recover_after_s": 600.0}}
              for t in np.sort(rng.uniform(60.0, duration - 1.0, size=crashes))]
    cfg: dict[str, Any] = {
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
    if cloud_min_size is not None:
        del cfg["cluster"]["node_pools"]
        cfg["cloud"] = {
            "provider": "aws",
            "instance_types": [{"name": "bench.8xlarge", "cpu": "32", "memory": "128Gi", "max_pods": 110, "price_per_hour": 1.536}],
            "node_pools": [{"name": "n", "instance_type": "bench.8xlarge", "min_size": min(cloud_min_size, nodes),
                            "max_size": nodes + nodes // 10, "initial_size": nodes}],
            "autoscaler": {},
        }
    if client_qps is not None:
        cfg["scheduler"] = {"client_qps": client_qps, "client_burst": client_burst or int(client_qps)}
    return cfg


def child(a: argparse.Namespace) -> None:
    """Build and run clustersim in this process; print its figures and one ``RESULT`` JSON line."""
    t0 = time.perf_counter()
    from clustersim.config.load import validate_dict
    from clustersim.sim import build, few_gc_passes

    cloud_min = (a.cloud_min_size if a.cloud_min_size is not None else a.nodes) if a.cloud else None
    cfg = validate_dict(config(a.nodes, a.pods, a.hours, a.churn, a.seed, a.client_qps, a.client_burst, cloud_min), "benchmark")
    t_import = time.perf_counter() - t0
    folder = None
    if a.stream:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="clustersim-bench-"))
    if a.no_authz:
        _skip_authorization()
    sim = build(cfg, folder)
    t_build = time.perf_counter() - t0 - t_import
    prof = None
    if a.profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t1 = time.perf_counter()
    sim.start()
    rss_by_hour: list[tuple[float, float, int]] = []
    with few_gc_passes():
        if a.stream:  # hour by hour, the resident memory after each (slices keep every event in order)
            for hour in range(1, math.ceil(a.hours) + 1):
                sim.env.run(until=min(3600.0 * hour, cfg.duration_s))
                rss_by_hour.append((sim.env.now / 3600, _rss_mib(), len(sim.rec._pods)))
                print(f"  t={sim.env.now / 3600:5.1f} h  RSS {rss_by_hour[-1][1]:7.1f} MiB  live pod records "
                      f"{rss_by_hour[-1][2]:,}  (wall {time.perf_counter() - t1:.0f} s)", flush=True)
        else:
            sim.env.run(until=cfg.duration_s)
    t_run = time.perf_counter() - t1
    if prof is not None:
        import pstats

        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    t2 = time.perf_counter()
    result = sim.result(t_run)
    t_frames = time.perf_counter() - t2
    s = result.summary
    created = s["pods_created"]
    pending = s["pods_pending_at_end"]
    bound = int(result.pods["scheduled_s"].notna().sum())
    events = sim.env.events_scheduled
    out = {
        "import": t_import, "build": t_build, "run": t_run, "frames": t_frames,
        "events": events, "writes": sim.state.writes, "handler_calls": getattr(sim.state, "handler_calls", None),
        "decisions": sim.scheduler.decisions, "pods_created": created, "pods_bound": bound, "pods_pending": pending,
        "completions": sum(getattr(w, "completed", 0) for w in sim.workloads), "crashes": len(cfg.faults),
    }
    print(f"clustersim: nodes={a.nodes} pods={a.pods} simulated={cfg.duration_s:.0f}s node crashes={len(cfg.faults)} "
          f"churn={a.churn}/s client qps={cfg.scheduler.client_qps:g} burst={cfg.scheduler.client_burst} seed={a.seed} "
          f"python {sys.version.split()[0]}")
    print(f"  phases: imports+config {t_import:.2f}s  build {t_build:.2f}s  run {t_run:.2f}s  frames+summary {t_frames:.2f}s")
    print(f"  SimPy events {events:,} ({events / t_run:,.0f}/s of run; {events / created:.1f} per pod created); "
          f"API writes {sim.state.writes:,} ({sim.state.writes / created:.1f} per pod)"
          + (f"; handler calls {out['handler_calls']:,} ({out['handler_calls'] / created:.1f} per pod)"
             if out["handler_calls"] is not None else ""))
    print(f"  pods created {created:,}, bound {bound:,}, pending at end {pending:,}; scheduling decisions "
          f"{sim.scheduler.decisions:,}; churn completions {out['completions']:,}")
    if cfg.cloud is not None:
        auto = s.get("cloud", {}).get("autoscaler", {})
        print(f"  managed: cloud {cfg.cloud.provider}, pool n min {cfg.cloud.node_pools[0].min_size} max {cfg.cloud.node_pools[0].max_size}; "
              f"autoscaler scale-ups {auto.get('scale_ups', 0)}, scale-downs {auto.get('scale_downs', 0)}; "
              f"Nodes deleted by the CCM {s.get('cloud', {}).get('nodes_deleted_by_ccm', 0)}")
    if rss_by_hour:
        out["rss_by_hour"] = rss_by_hour
        first = next((r for r in rss_by_hour if r[0] >= 2), rss_by_hour[0])
        print(f"  resident memory: {first[1]:.0f} MiB at {first[0]:.0f} h, {rss_by_hour[-1][1]:.0f} MiB at "
              f"{rss_by_hour[-1][0]:.0f} h ({rss_by_hour[-1][1] - first[1]:+.0f} MiB); outputs in {sim.rec.out}")
    print("RESULT " + json.dumps(out), flush=True)
    sys.stdout.flush()
    os._exit(0)  # as `clustersim run` ends once its outputs are written: no teardown of every object


def _rss_mib() -> float:
    """Resident memory now (Linux /proc), MiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _skip_authorization() -> None:
    """Every component's client carries its credential but the API server checks nothing (the unchecked build)."""
    from clustersim.auth.authn import Credential
    from clustersim.auth.server import ApiServerAuth
    from clustersim.client.client import Client, Gate

    def unchecked(self: Any, identity: Any, gate: Any = None, watch_as: Any = None) -> Client:
        cred = identity if isinstance(identity, Credential) else self.login(identity)
        return Client(self.store, gate if gate is not None else Gate(self.env), cred)

    ApiServerAuth.client = unchecked  # type: ignore[method-assign]


def _run(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` as a child of this small process; wall, CPU and peak RSS from ``wait4``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    text = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"benchmark child failed ({proc.returncode}): {' '.join(cmd)}\n{text}")
    res: dict[str, Any] = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
                           "text": text}
    for line in text.splitlines():
        if line.startswith("RESULT "):
            res.update(json.loads(line[7:]))
    return res


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _line(name: str, r: dict[str, Any], per: int) -> str:
    return (f"{name:<10} wall {r['wall']:7.2f} s  CPU {r['cpu']:7.2f} s  peak RSS {r['rss_mib']:7.0f} MiB "
            f"({r['rss_mib'] * 2**20 / per:,.0f} B per pod+node)")


def main() -> None:
    """Drive the runs (or, with ``--child``, be one) and print the figures and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", choices=sorted(SCENARIOS), default="ci")
    ap.add_argument("--nodes", type=int)
    ap.add_argument("--pods", type=int)
    ap.add_argument("--hours", type=float)
    ap.add_argument("--churn", type=float)
    ap.add_argument("--client-qps", type=float)
    ap.add_argument("--client-burst", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=1, help="alternating clustersim/skeleton pairs")
    ap.add_argument("--profile", action="store_true", help="print the top functions by own time (cProfile)")
    ap.add_argument("--skeleton", help="path to ../shared/perf/toy_cluster.py to run the yardstick alternately")
    ap.add_argument("--cloud", action="store_true", help="also run it managed (cloud pool, CCM, Cluster Autoscaler) and print the ratio")
    ap.add_argument("--cloud-min-size", type=int, help="the cloud pool's min size (default: the node count, so scale-down has no candidates)")
    ap.add_argument("--stream", action="store_true", default=None, help="stream the tables to a temporary folder")
    ap.add_argument("--authz", action="store_true", help="also run it without the authorization checks and print the ratio")
    ap.add_argument("--no-authz", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    for k, v in SCENARIOS[a.scenario].items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    if a.child:
        child(a)
        return
    args = ["--nodes", str(a.nodes), "--pods", str(a.pods), "--hours", str(a.hours), "--churn", str(a.churn)]
    sim_cmd = [sys.executable, os.path.abspath(__file__), "--child", "--scenario", a.scenario, "--seed", str(a.seed), *args]
    if a.stream:
        sim_cmd.append("--stream")
    if a.client_qps is not None:
        sim_cmd += ["--client-qps", str(a.client_qps), "--client-burst", str(a.client_burst or int(a.client_qps))]
    if a.profile:
        sim_cmd.append("--profile")
    cloud_cmd = None
    if a.cloud:
        cloud_cmd = [*sim_cmd, "--cloud"] + (["--cloud-min-size", str(a.cloud_min_size)] if a.cloud_min_size is not None else [])
    plain_cmd = [*sim_cmd, "--no-authz"] if a.authz else None
    skel_cmd = [sys.executable, a.skeleton, *args] if a.skeleton else None
    per = a.pods + a.nodes
    print(f"scenario {a.scenario}: {a.nodes:,} nodes, {a.pods:,} pods, {a.hours:g} h, churn {a.churn:g}/s; "
          f"{a.pairs} pair(s); {os.cpu_count()} CPUs, load average {_load()}")
    sims: list[dict[str, Any]] = []
    skels: list[dict[str, Any]] = []
    clouds: list[dict[str, Any]] = []
    plains: list[dict[str, Any]] = []
    for pair in range(a.pairs):
        order = [("clustersim", sim_cmd), ("unchecked", plain_cmd), ("managed", cloud_cmd), ("skeleton", skel_cmd)]
        if pair % 2:
            order.reverse()
        for name, cmd in order:
            if cmd is None:
                continue
            r = _run(cmd)
            {"clustersim": sims, "unchecked": plains, "managed": clouds, "skeleton": skels}[name].append(r)
            if name in ("clustersim", "unchecked", "managed"):
                print("\n".join(line for line in r["text"].splitlines() if not line.startswith("RESULT ")))
            else:
                print("  " + "\n  ".join(line for line in r["text"].splitlines() if line.startswith(("wall:", "peak", "counts"))))
            print(_line(name, r, per) + f"   [pair {pair + 1}, load {_load()}]", flush=True)
    med = statistics.median
    if plains:
        cpus = [s["cpu"] / u["cpu"] for s, u in zip(sims, plains, strict=True)]
        runs = [s["run"] / u["run"] for s, u in zip(sims, plains, strict=True)]
        print("--- ratios checked / unchecked per pair: CPU " + ", ".join(f"{x:.2f}x" for x in cpus)
              + "; run " + ", ".join(f"{x:.2f}x" for x in runs))
        print(f"--- medians: checked CPU {med(s['cpu'] for s in sims):.2f} s, unchecked {med(u['cpu'] for u in plains):.2f} s; "
              f"ratio CPU {med(cpus):.2f}x, run {med(runs):.2f}x (budget 1.10x)")
    if clouds:
        walls = [c["wall"] / s["wall"] for s, c in zip(sims, clouds, strict=True)]
        runs = [c["run"] / s["run"] for s, c in zip(sims, clouds, strict=True)]
        cpus = [c["cpu"] / s["cpu"] for s, c in zip(sims, clouds, strict=True)]
        rss = [c["rss_mib"] / s["rss_mib"] for s, c in zip(sims, clouds, strict=True)]
        print("--- ratios managed / plain per pair: wall " + ", ".join(f"{x:.2f}x" for x in walls)
              + "; run " + ", ".join(f"{x:.2f}x" for x in runs) + "; CPU " + ", ".join(f"{x:.2f}x" for x in cpus)
              + "; peak RSS " + ", ".join(f"{x:.2f}x" for x in rss))
        print(f"--- medians managed / plain: wall {med(walls):.2f}x, run {med(runs):.2f}x, CPU {med(cpus):.2f}x, RSS {med(rss):.2f}x "
              f"(budget 1.2x)")
    if not skels:
        return
    walls = [s["wall"] / t["wall"] for s, t in zip(sims, skels, strict=True)]
    cpus = [s["cpu"] / t["cpu"] for s, t in zip(sims, skels, strict=True)]
    rss = [s["rss_mib"] / t["rss_mib"] for s, t in zip(sims, skels, strict=True)]
    print("--- ratios clustersim / skeleton per pair: wall " + ", ".join(f"{x:.2f}x" for x in walls)
          + "; CPU " + ", ".join(f"{x:.2f}x" for x in cpus) + "; peak RSS " + ", ".join(f"{x:.2f}x" for x in rss))
    print(f"--- medians: clustersim wall {med(s['wall'] for s in sims):.2f} s, CPU {med(s['cpu'] for s in sims):.2f} s, "
          f"peak RSS {med(s['rss_mib'] for s in sims):.0f} MiB ({med(s['rss_mib'] for s in sims) * 2**20 / per:,.0f} B per pod+node); "
          f"skeleton wall {med(t['wall'] for t in skels):.2f} s, CPU {med(t['cpu'] for t in skels):.2f} s, "
          f"peak RSS {med(t['rss_mib'] for t in skels):.0f} MiB; ratio wall {med(walls):.2f}x, CPU {med(cpus):.2f}x, "
          f"RSS {med(rss):.2f}x")


if __name__ == "__main__":
    main()
