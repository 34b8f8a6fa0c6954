"""Benchmark: scheduling decisions per second at 5,000 nodes with the default profile, against a bare
numpy filter-plus-score loop placing the same pods on the same nodes, measured in the same run.

    python benchmarks/bench_scheduler.py [--nodes 5000] [--pods 20000] [--repeat 3] [--kind basic|deployment|both]

Two kinds of pods (``--kind both``, the default, measures each):
- ``basic``: scheduler_perf's SchedulingBasic kind, plain pods with cpu and memory requests, no
  owner, no inter-pod affinity;
- ``deployment``: what Deployments make, pods owned by one of 100 ReplicaSets (four shapes, labels
  ``app`` and ``pod-template-hash``), so the default profile's PodTopologySpread scores each against
  the system default constraints (hostname maxSkew 3, zone maxSkew 5) with its ReplicaSet's selector.

A decision is one scheduling cycle of the simulator's scheduler
(PreFilter/Filter over the nodes from the rotating start index, Score of every active plugin, kept
per pod shape where the plugins allow it, selectHost, assume); the bind is scheduled after the
client's rate limit and runs outside the timed loop. The bare loop does only a vector fit test, a LeastAllocated+BalancedAllocation score over the
same window of feasible nodes, argmax and an in-place update. Run on demand; on a shared machine
compare the ratio (best of --repeat).

Both loops run under the garbage-collector thresholds that ``Simulation.run`` uses (``few_gc_passes``),
so the figure is the scheduler's speed inside a run; ``--default-gc`` measures with Python's defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import time

import numpy as np

import clustersim.scheduler.plugins  # noqa: F401  (registers the plugins)
from clustersim.api.objects import Node, ObjectMeta, OwnerRef, Pod
from clustersim.api.types import Container, LabelSelector, PodSpec, ResourceList
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.config.models import SchedulerConfig
from clustersim.env import ClusterEnv
from clustersim.metrics.recorder import Recorder
from clustersim.scheduler.scheduler import Scheduler, num_feasible_nodes_to_find
from clustersim.sim import few_gc_passes

GI = 2**30
SHAPES = [(100, GI // 4), (250, GI // 2), (500, GI), (1000, 2 * GI)]


def _nodes(n: int) -> list[Node]:
    out = []
    for i in range(n):
        alloc = ResourceList(32000, 128 * GI, 110)
        labels = {"kubernetes.io/hostname": f"n{i}", "topology.kubernetes.io/zone": f"z{i % 3}"}
        out.append(Node(ObjectMeta(f"n{i}", "", labels), alloc, alloc))
    return out


REPLICA_SETS = 100


def _pods(n: int, owned: bool) -> list[Pod]:
    specs = [PodSpec((Container("c", "registry.k8s.io/pause:3.10", ResourceList(c, m)),)) for c, m in SHAPES]
    if not owned:
        return [Pod(ObjectMeta(f"p{k}", "default"), specs[k % len(specs)]) for k in range(n)]
    # each ReplicaSet's pods share its template's spec (as the ReplicaSet controller creates them)
    owned = [PodSpec((Container("c", "registry.k8s.io/pause:3.10", ResourceList(*SHAPES[rs % len(SHAPES)])),))
             for rs in range(REPLICA_SETS)]
    out = []
    for k in range(n):
        rs = k % REPLICA_SETS
        labels = {"app": f"d{rs}", "pod-template-hash": f"h{rs}"}
        meta = ObjectMeta(f"d{rs}-h{rs}-{k}", "default", labels, owner=OwnerRef("ReplicaSet", f"d{rs}-h{rs}", f"rs-uid-{rs}"))
        out.append(Pod(meta, owned[rs], workload=f"d{rs}"))
    return out


def simulator(nodes: int, pods: int, owned: bool = False) -> tuple[float, int]:
    """Seconds for the simulator's scheduler to place ``pods`` pods, and how many it placed."""
    env = ClusterEnv(1)
    state = ClusterState(env, 0.0, DefaultTolerationSeconds(300, 300))
    sched = Scheduler(env, state, Recorder(env), SchedulerConfig())
    for node in _nodes(nodes):
        sched.nodes.upsert_node(node)
    if owned:  # what the scheduler's ReplicaSet informer would have recorded (helper.DefaultSelector reads it)
        for rs in range(REPLICA_SETS):
            sel = LabelSelector((("app", f"d{rs}"), ("pod-template-hash", f"h{rs}")))
            sched.nodes.set_owner_selector(("ReplicaSet", "default", f"d{rs}-h{rs}"), sel)
    queue = []
    for p in _pods(pods, owned):
        state.create(p)
        sched.queue.add(p)
    while (info := sched.queue.pop()) is not None:
        queue.append(info)
    placed = 0
    t0 = time.perf_counter()
    for info in queue:
        placed += sched.schedule_one(info) is not None
    return time.perf_counter() - t0, placed


def bare(nodes: int, pods: int) -> tuple[float, int]:
    """The same placements' work as plain numpy: fit mask, window, score, argmax, update."""
    free_cpu = np.full(nodes, 32000, dtype=np.int64)
    free_mem = np.full(nodes, 128 * GI, dtype=np.int64)
    free_pods = np.full(nodes, 110, dtype=np.int64)
    alloc_cpu, alloc_mem = float(32000), float(128 * GI)
    want = num_feasible_nodes_to_find(nodes, 0)
    rng = np.random.default_rng(1)
    start = placed = 0
    t0 = time.perf_counter()
    for k in range(pods):
        cpu, mem = SHAPES[k % len(SHAPES)]
        ok = (free_cpu >= cpu) & (free_mem >= mem) & (free_pods > 0)
        hits = ok.nonzero()[0]
        j = int(hits.searchsorted(start))
        win = np.concatenate((hits[j:j + want], hits[: max(0, want - (len(hits) - j))]))
        if len(win) == 0:
            continue
        start = (int(win[-1]) + 1) % nodes
        fc = (free_cpu[win] - cpu) / alloc_cpu
        fm = (free_mem[win] - mem) / alloc_mem
        score = (fc + fm) * 50 + (1 - np.abs(fc - fm)) * 100
        best = np.flatnonzero(score == score.max())
        i = int(win[best[rng.integers(len(best))]])
        free_cpu[i] -= cpu
        free_mem[i] -= mem
        free_pods[i] -= 1
        placed += 1
    return time.perf_counter() - t0, placed


def main() -> None:
    """Print decisions/s for both and the cost ratio."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--pods", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kind", choices=["basic", "deployment", "both"], default="both")
    ap.add_argument("--default-gc", action="store_true",
                    help="keep Python's default collector thresholds instead of the ones a simulation run uses")
    a = ap.parse_args()
    gc_policy = contextlib.nullcontext() if a.default_gc else few_gc_passes()
    kinds = ["basic", "deployment"] if a.kind == "both" else [a.kind]
    with gc_policy:
        sim_t = {k: min(simulator(a.nodes, a.pods, k == "deployment")[0] for _ in range(a.repeat)) for k in kinds}
        bare_t = min(bare(a.nodes, a.pods)[0] for _ in range(a.repeat))
    print(f"{a.nodes} nodes, {a.pods} pods (best of {a.repeat}; garbage collector: {'default' if a.default_gc else 'as in a run'})")
    for k in kinds:
        label = f"simulator, default profile, {k} pods:"
        print(f"{label:<48}{a.pods / sim_t[k]:10,.0f} decisions/s  ({1e6 * sim_t[k] / a.pods:6.1f} us/pod)")
    print(f"{'bare numpy filter+score loop:':<48}{a.pods / bare_t:10,.0f} decisions/s  ({1e6 * bare_t / a.pods:6.1f} us/pod)")
    for k in kinds:
        print(f"cost per pod, simulator ({k}) / bare loop: {sim_t[k] / bare_t:.2f}x")


if __name__ == "__main__":
    main()
