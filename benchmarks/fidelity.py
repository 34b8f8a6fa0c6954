"""Fidelity: one validation scenario per calibration row, against the published figures.

    python benchmarks/fidelity.py               # every row, full size; writes docs/fidelity.md
    python benchmarks/fidelity.py --quick       # fewer seeds and shorter windows; prints the table
    python benchmarks/fidelity.py --rows S1 K1  # some rows only

Each scenario builds a config under the calibration row's conditions and runs the simulator's own
code (a whole run, or for K rows kube-proxy on an API store, for N rows the cloud layer's node
groups). For each figure the statistic is taken per seed, then averaged over seeds with a 95 %
confidence interval (Student t). The bar: a median (or a single figure) within +-25 % of the
published one, a p99 (or other tail) within +-50 %; a bound ("at most 5 s") is met or not. Rows that
miss say why. ``tests/test_fidelity.py`` reruns the quick version and checks it against the numbers
kept in docs/fidelity.md, so the table cannot drift from the code.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clustersim.config.load import validate_dict  # noqa: E402
from clustersim.sim import Simulation  # noqa: E402

MB = 1e6 / 2**20  # MiB in a (decimal) megabyte: the calibration sizes are in MB
DOC = ROOT / "docs" / "fidelity.md"
DATA_MARK = "<!-- fidelity-data"


@dataclass
class Figure:
    """One published figure and how the simulator's is computed from a scenario's samples."""

    row: str
    label: str
    stat: str  # p50, p90, p95, p99, mean, max, value, ratio
    published: float
    unit: str = "s"
    bound: str = ""  # "<=" for an upper bound (met or not), "" for a value to match
    why: str = ""  # why it misses, when it does (written from the results)

    @property
    def bar(self) -> float:
        return 0.5 if self.stat in ("p90", "p95", "p99", "max") else 0.25


@dataclass
class Row:
    """A calibration row: its figures and the scenario that produces samples for them."""

    row: str
    title: str
    figures: list[Figure]
    scenario: Callable[[int, bool], dict[str, np.ndarray]]  # (seed, quick) -> samples per figure label
    seeds: tuple[int, int] = (10, 3)  # full, quick
    conditions: str = ""
    pooled: bool = False  # the figure is over runs (one sample each): pool the seeds, bootstrap the CI


@dataclass
class Result:
    """The simulator's figure: mean over seeds, its 95 % CI, the error against the published one."""

    row: str
    label: str
    stat: str
    published: float
    unit: str
    bound: str
    sim: float
    ci: float
    error: float | None
    within: bool
    why: str = ""
    seeds: int = 0


def _stat(samples: np.ndarray, stat: str) -> float:
    if stat in ("p50", "p90", "p95", "p99"):
        return float(np.quantile(samples, int(stat[1:]) / 100))
    if stat == "mean":
        return float(np.mean(samples))
    if stat == "max":
        return float(np.max(samples))
    return float(samples[0]) if len(samples) == 1 else float(np.mean(samples))


def _ci95(values: list[float]) -> float:
    """Half-width of the 95 % CI of the mean (Student t)."""
    n = len(values)
    if n < 2:
        return 0.0
    t = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57, 7: 2.45, 8: 2.36, 9: 2.31, 10: 2.26}.get(n, 1.96 + 2.5 / n)
    return float(t * np.std(values, ddof=1) / math.sqrt(n))


def _bootstrap(pool: np.ndarray, stat: str) -> tuple[float, float]:
    """The statistic of the pooled samples and the half-width of its 95 % bootstrap interval."""
    if len(pool) == 0:
        return math.nan, 0.0
    rng = np.random.default_rng(0)
    boots = [_stat(rng.choice(pool, size=len(pool)), stat) for _ in range(400)]
    lo, hi = np.quantile(boots, [0.025, 0.975])
    return _stat(pool, stat), float((hi - lo) / 2)


def run_row(row: Row, quick: bool) -> list[Result]:
    """Every figure of ``row`` over its seeds."""
    n = row.seeds[1] if quick else row.seeds[0]
    per_seed: list[dict[str, np.ndarray]] = [row.scenario(seed, quick) for seed in range(1, n + 1)]
    out = []
    for f in row.figures:
        if row.pooled:
            pool = np.concatenate([np.asarray(s.get(f.label, ()), dtype=float) for s in per_seed])
            sim, ci = _bootstrap(pool, f.stat)
            values = list(pool)
        else:
            values = [_stat(np.asarray(s[f.label], dtype=float), f.stat) for s in per_seed if len(s.get(f.label, ())) > 0]
            sim, ci = (float(np.mean(values)) if values else math.nan), _ci95(values)
        if f.bound:
            err, within = None, bool(sim <= f.published if f.bound == "<=" else sim >= f.published)
        else:
            err = sim / f.published - 1 if f.published else None
            within = err is not None and abs(err) <= f.bar
        out.append(Result(row.row, f.label, f.stat, f.published, f.unit, f.bound, sim, ci, err, within,
                          "" if within else f.why, n))
    return out


# ---- scenario helpers
def _sim(cfg: dict[str, Any]) -> Simulation:
    return Simulation(validate_dict(cfg, "fidelity"))


def _cluster(nodes: int, cpu: str = "8", memory: str = "32Gi", pods: int = 110) -> dict[str, Any]:
    return {"zones": ["a", "b", "c"], "node_pools": [{"name": "n", "count": nodes, "capacity": {"cpu": cpu, "memory": memory, "pods": pods}}]}


def _pull_durations(res: Any) -> list[tuple[float, str, float]]:
    """(time, pod, seconds) of every completed pull, from the kubelet's "Successfully pulled ... in X" events."""
    ev = res.events
    done = ev[(ev.reason == "Pulled") & ev.message.str.startswith("Successfully")]
    return [(float(t), str(n), float(m.rsplit(" in ", 1)[1].rstrip("s"))) for t, n, m in zip(done.t, done.name, done.message, strict=True)]


# ---- S: pod startup (pre-pulled image, creation to running and ready, seen through a watch)
_STARTUP: dict[tuple[float, int, bool], Any] = {}


def _startup_run(fill: float, seed: int, quick: bool) -> Any:
    """A cluster ``fill`` full (30 pods per node, as S1), then one more pod per node; its pods frame."""
    key = (fill, seed, quick)
    if key in _STARTUP:
        return _STARTUP[key]
    nodes = 20 if quick else 100
    per_node = max(1, round(fill * 30))
    container = [{"name": "c", "image": "pause:3", "requests": {"cpu": "10m", "memory": "16Mi"}}]
    cfg = {"seed": seed, "duration_s": 200.0, "cluster": _cluster(nodes, cpu="1", memory="3840Mi", pods=30),  # n1-standard-1
           "images": {"preloaded": ["pause:3"]},
           "deployments": [{"name": "fill", "replicas": (per_node - 1) * nodes, "containers": container},
                           {"name": "probe", "replicas": 0, "containers": container}],
           "workloads": [{"name": "DeploymentUpdate", "args": {"at_s": 100.0, "deployment": "probe", "replicas": nodes}}]}
    sim = _sim(cfg)
    res = sim.run()
    pods = res.pods[res.pods.workload == "probe"]
    _STARTUP[key] = (pods, sim.cfg.apiserver.watch_latency_s)
    return _STARTUP[key]


def _startup(fill: float) -> Callable[[int, bool], dict[str, np.ndarray]]:
    def scenario(seed: int, quick: bool) -> dict[str, np.ndarray]:
        pods, watch = _startup_run(fill, seed, quick)
        e2e = (pods.ready_s - pods.created_s + watch).to_numpy()  # observed through a watch, as the test does
        after = (pods.ready_s - pods.scheduled_s + watch).to_numpy()
        return {f"{round(fill * 100)} % full": e2e, "end to end": e2e, "run after schedule": after,
                "schedule": (pods.scheduled_s - pods.created_s).to_numpy()}
    return scenario


S1_FIGS = [(10, 0.90, 1.29, 1.59), (25, 1.08, 1.49, 1.86), (50, 1.33, 1.72, 2.56), (100, 1.94, 2.50, 4.32)]
OLD = ("The 2015 curve (v1.0) is fitted scaled by 0.85 toward the later figures (S3, S5), so its p90 lands high; "
       "the model's tail comes from a lognormal through p50 and p99.")
KUBEMARK = ("Kubemark's hollow kubelets have no container runtime, so sandbox and container start cost next to nothing "
            "there; the simulator's start is fitted to real nodes (S1).")
ROWS: list[Row] = []
for pct, p50, p90, p99 in S1_FIGS:
    ROWS.append(Row("S1", "pod startup at cluster fill", [
        Figure("S1", f"{pct} % full", "p50", p50), Figure("S1", f"{pct} % full", "p90", p90, why=OLD),
        Figure("S1", f"{pct} % full", "p99", p99)], _startup(pct / 100), conditions=f"100 nodes x 30 pods, {pct} % full, pre-pulled image"))
ROWS += [
    Row("S2", "density test (kubemark)", [
        Figure("S2", "end to end", "p50", 1.14, why=KUBEMARK), Figure("S2", "end to end", "p90", 1.74, why=KUBEMARK),
        Figure("S2", "end to end", "p99", 2.06, why=KUBEMARK), Figure("S2", "run after schedule", "p50", 0.200, why=KUBEMARK),
        Figure("S2", "run after schedule", "p99", 0.731, why=KUBEMARK),
        Figure("S2", "schedule", "p50", 0.0093,
               why="The scheduling cycle costs nothing by default (scheduler.pod_scheduling_s, node_eval_s are 0).")],
        _startup(1.0), conditions="30 pods per node"),
    Row("S3", "5,000 nodes, good run", [Figure("S3", "end to end", "p99", 3.2)], _startup(1.0),
        conditions="30 pods per node (start time does not depend on cluster size in the model)"),
    Row("S4", "pod startup SLO", [Figure("S4", "end to end", "p99", 5.0, bound="<=")], _startup(1.0),
        conditions="stateless pods, images excluded, a full node (the SLO's worst case)"),
    Row("S5", "1,000 nodes, v1.2", [Figure("S5", "end to end", "p99", 3.0, bound="<=",
                                           why="The fit follows the 2015 v1.0 curve scaled by 0.85: at 30 pods per node its p99 "
                                               "stays above v1.2's 3 s (v1.2 sped up the kubelet's pod startup).")],
        _startup(1.0), conditions="30 pods per node"),
]


# ---- P: image pulls (kubelet "Successfully pulled ... in X", cold nodes, one registry)
def _image(size_mb: float, layers: int) -> tuple[str, list[float]]:
    name = f"ghcr.io/bench/img-{int(size_mb)}mb-{layers}l:1"
    return name, [size_mb * MB / layers] * layers


def _daemon(name: str, image: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "containers": [{"name": "c", "image": image, "requests": {"cpu": "10m"}}], **extra}


def _p1(size_mb: float, layers: int) -> Callable[[int, bool], dict[str, np.ndarray]]:
    """A DaemonSet created on 10 cold nodes: 10 pulls of one image at once."""
    def scenario(seed: int, quick: bool) -> dict[str, np.ndarray]:
        image, sizes = _image(size_mb, layers)
        sim = _sim({"seed": seed, "duration_s": 120.0, "cluster": _cluster(10), "images": {"layers_mib": {image: sizes}},
                    "daemon_sets": [_daemon("bench", image)]})
        res = sim.run()
        return {f"{_mb(size_mb)} {layers} layer{'s' * (layers > 1)}": np.array([d for _, _, d in _pull_durations(res)])}
    return scenario


def _mb(size_mb: float) -> str:
    return f"{int(size_mb // 1000)} GB" if size_mb >= 1000 else f"{int(size_mb)} MB"


def _p2(size_mb: float, layers: int) -> Callable[[int, bool], dict[str, np.ndarray]]:
    """A new image version reaching 10 nodes two at a time (a rolling update of one pod per node)."""
    def scenario(seed: int, quick: bool) -> dict[str, np.ndarray]:
        image, sizes = _image(size_mb, layers)
        deps = []
        for k in range(5):
            deps.append({"name": f"pair{k}", "replicas": 0, "containers": [{"name": "c", "image": image, "requests": {"cpu": "10m"}}],
                         "affinity": {"required": [{"match_expressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                                                          "values": [f"n-{2 * k}", f"n-{2 * k + 1}"]}]}]},
                         "topology_spread_constraints": [{"max_skew": 1, "topology_key": "kubernetes.io/hostname"}]})
        rollout = [{"name": "DeploymentUpdate", "args": {"at_s": 10.0 + 60.0 * k, "deployment": f"pair{k}", "replicas": 2}} for k in range(5)]
        sim = _sim({"seed": seed, "duration_s": 400.0, "cluster": _cluster(10), "images": {"layers_mib": {image: sizes}},
                    "deployments": deps, "workloads": rollout})
        pulls = sorted(_pull_durations(sim.run()))
        label = f"{_mb(size_mb)} {layers} layer{'s' * (layers > 1)}"
        return {f"{label}, first pair": np.array([d for _, _, d in pulls[:2]]),
                f"{label}, later pairs": np.array([d for _, _, d in pulls[2:]])}
    return scenario


def _p3(seed: int, quick: bool) -> dict[str, np.ndarray]:
    """A 17 GB image on a fresh node, and a small image wanted right after it."""
    sim = _sim({"seed": seed, "duration_s": 4000.0, "cluster": _cluster(1), "images": {"sizes_mib": {"ml/train:1": 17000 * MB, "app:1": 100}},
                "deployments": [{"name": "train", "containers": [{"name": "c", "image": "ml/train:1", "requests": {"cpu": "100m"}}]},
                                {"name": "app", "containers": [{"name": "c", "image": "app:1", "requests": {"cpu": "100m"}}]}]})
    res = sim.run()
    pulls = {name.rsplit("-", 2)[0]: (t, d) for t, name, d in _pull_durations(res)}
    big_end, big = pulls["train"]
    small_start = pulls["app"][0] - pulls["app"][1]
    del res
    return {"17 GB pull": np.array([big]), "other pulls wait for it": np.array([1.0 if small_start >= big_end - 1e-6 else 0.0])}


def _p4(seed: int, quick: bool) -> dict[str, np.ndarray]:
    """Share of a cold container start spent pulling (the simulator's default 100 MiB image)."""
    sim = _sim({"seed": seed, "duration_s": 120.0, "cluster": _cluster(1),
                "deployments": [{"name": "app", "replicas": 5, "containers": [{"name": "c", "image": "app:1", "requests": {"cpu": "100m"}}]}],
                "kubelet": {"serialize_image_pulls": False}})
    res = sim.run()
    pull = _pull_durations(res)[0][2]
    start = res.pods.started_s - res.pods.scheduled_s  # pull (or wait for it) + sandbox and container start
    return {"pull share of start": np.array([pull / float(start.max())])}


P1_FIGS = [(10, 1, 3.41), (10, 4, 1.66), (100, 1, 3.43), (100, 4, 3.11), (1000, 1, 25.8), (1000, 4, 12.45)]
TINY = ("Published: a 10 MB image took twice as long in one layer (3.41 s) as in four (1.66 s), and as long as 100 MB in "
        "one layer; no per-layer or per-byte cost gives both, so a fit to all twelve P1-P2 figures splits the difference "
        "(likely a cold-CDN miss on the 1-layer blob).")
for size, layers, value in P1_FIGS:
    label = f"{_mb(size)} {layers} layer{'s' * (layers > 1)}"
    ROWS.append(Row("P1", "10 concurrent cold pulls", [Figure("P1", label, "p50", value, why=TINY if size == 10 else
                    "The fit weighs every P1-P2 figure alike.")], _p1(size, layers), seeds=(1, 1),
                    conditions="AKS v1.33, 10 nodes, ghcr.io, a DaemonSet created at once"))
for size, layers, first, later in ((1000, 1, 31.6, 6.05), (1000, 4, 12.05, 4.45), (100, 1, 4.0, 1.58)):
    label = f"{_mb(size)} {layers} layer{'s' * (layers > 1)}"
    ROWS.append(Row("P2", "rolling update, 2 nodes at a time", [
        Figure("P2", f"{label}, first pair", "p50", first), Figure("P2", f"{label}, later pairs", "p50", later)],
        _p2(size, layers), seeds=(1, 1), conditions="as P1; the first pair finds the registry cold"))
ROWS += [
    Row("P3", "17 GB image, serialized pulls", [
        Figure("P3", "17 GB pull", "value", 1800.0, why="2018 Docker on Azure VMs: about 9 MB/s end to end for a 17 GB image (single-threaded "
               "extraction, slow disks); the fit is 2025 containerd on SSD-backed VMs. Set kubelet.image_pull.unpack_mib_s near 10 to reproduce."),
        Figure("P3", "other pulls wait for it", "value", 1.0, unit="yes")], _p3, seeds=(1, 1),
        conditions="serializeImagePulls true (the default)"),
    Row("P4", "pulling's share of container start", [
        Figure("P4", "pull share of start", "value", 0.76, unit="ratio")], _p4, seeds=(5, 2),
        conditions="a cold 100 MiB image (the simulator's default size); Slacker's 57 images are not listed"),
]


# ---- N: node provisioning (a new VM joins and turns Ready), through the cloud layer's node groups
def _cloud(seed: int) -> dict[str, Any]:
    pool = {"name": "np", "instance_type": "Standard_D8ds_v4", "min_size": 0, "max_size": 200, "initial_size": 3}
    return {"seed": seed, "duration_s": 3600.0, "cluster": {"zones": ["1", "2", "3"], "nodes": [{"name": "system-0", "zone": "1"}]},
            "cloud": {"provider": "azure", "node_pools": [pool]}}


def _provisioned(sim: Simulation, since: float) -> list[float]:
    assert sim.cloud is not None
    return [i.ready_s - i.launched_s for i in sim.cloud.instances.values() if i.ready_s is not None and i.launched_s >= since]


def _n1(seed: int, quick: bool) -> dict[str, np.ndarray]:
    """Manual scale 3 -> 4, repeated: one VM at a time, each an independent draw."""
    sim = _sim(_cloud(seed))
    count = 8 if quick else 20  # one scale-up every 170 s, inside an hour (the run's tokens last one)
    pool = sim.cloud.pools["np"]  # type: ignore[union-attr]

    def scale():  # type: ignore[no-untyped-def]
        for _ in range(count):
            yield sim.env.timeout(20.0)
            pool.increase_size(1)
            yield sim.env.timeout(150.0)  # past nearly every boot; a slower one overlaps the next, independent draw
    sim.start()
    sim.env.process(scale())
    sim.env.run(until=count * 170.0 + 400)
    return {"scale 3 -> 4": np.array(_provisioned(sim, 1.0))}


def _n2(seed: int, quick: bool) -> dict[str, np.ndarray]:
    """Scale 3 -> 53: the time until the last of the 50 new nodes is Ready."""
    sim = _sim(_cloud(seed))
    sim.start()
    sim.env.run(until=10.0)
    sim.cloud.pools["np"].increase_size(50)  # type: ignore[union-attr]
    sim.env.run(until=2000.0)
    delays = _provisioned(sim, 1.0)
    return {"scale 3 -> 53": np.array([max(delays)]) if len(delays) == 50 else np.array([])}


ROWS += [
    Row("N1", "manual scale 3 -> 4 nodes", [Figure("N1", "scale 3 -> 4", "p50", 53.0), Figure("N1", "scale 3 -> 4", "p90", 67.0),
                                             Figure("N1", "scale 3 -> 4", "p99", 79.0)], _n1, seeds=(10, 2),
        conditions="AKS, Standard_D8ds_v4, Oct 2024 (cloud.provisioning_delay, issue 11's fit)"),
    Row("N2", "scale 3 -> 53 nodes", [Figure("N2", "scale 3 -> 53", "p50", 76.0), Figure("N2", "scale 3 -> 53", "p90", 91.0),
                                      Figure("N2", "scale 3 -> 53", "p95", 112.0), Figure("N2", "scale 3 -> 53", "p99", 250.0,
                                      why="A p99 over runs needs hundreds of runs (the source has 1,003); the quick table has too few.")],
        _n2, seeds=(300, 20), pooled=True, conditions="AKS, Standard_D8ds_v5, Oct 2024; one sample per run: the slowest of 50 VMs"),
]


# ---- K: network programming (a Service or endpoint change until kube-proxy has programmed it)
def _proxy(kube_proxy: dict[str, Any]) -> Any:
    """kube-proxy on an API store with nothing else: the component's own code, driven by EndpointSlice writes."""
    from clustersim.api.objects import Endpoint, EndpointSlice, ObjectMeta
    from clustersim.apiserver import ClusterState
    from clustersim.apiserver.admission import DefaultTolerationSeconds
    from clustersim.config.models import KubeProxyConfig
    from clustersim.env import ClusterEnv
    from clustersim.infra import Infrastructure
    from clustersim.metrics.recorder import Recorder
    from clustersim.node.kube_proxy import KubeProxy

    env = ClusterEnv(1)
    state = ClusterState(env, 0.05, DefaultTolerationSeconds(300, 300))
    proxy = KubeProxy(env, state, Infrastructure(), KubeProxyConfig.model_validate(kube_proxy), Recorder(env))
    proxy.start()

    def make(i: int, n: int) -> Any:
        eps = tuple(Endpoint(f"default/p{i}-{k}", "n", True, True, False) for k in range(n))
        return EndpointSlice(ObjectMeta(f"s{i}", "default"), f"default/s{i}", eps)
    return env, state, proxy, make


def _churn(kube_proxy: dict[str, Any], services: int, endpoints: int, rate: float, window: float, seed: int) -> np.ndarray:
    """``services`` Services of ``endpoints`` each; endpoint changes at ``rate``/s (Poisson) over ``window`` s."""
    env, state, proxy, make = _proxy(kube_proxy)
    slices = [state.create(make(i, endpoints)) for i in range(services)]
    env.run(until=200.0)  # the first (full) syncs are done
    proxy.latencies.clear()
    rng = np.random.default_rng(seed)
    t = env.now
    end = t + window
    while True:
        t += float(rng.exponential(1 / rate))
        if t >= end:
            break
        env.run(until=t)
        state.update(slices[int(rng.integers(services))])
    env.run(until=end + 120.0)
    return np.asarray(proxy.latencies)


# the gce-5000Nodes load test's size is not in the KEP: 10,000 Services x 15 endpoints (150,000 pods, 30 per node),
# 400 endpoint changes/s; with them the KEP's three p50s fix the sync cost (docs/fidelity.md)
K1_SCALE = (10_000, 15, 400.0)


def _k1(kube_proxy: dict[str, Any], label: str) -> Callable[[int, bool], dict[str, np.ndarray]]:
    def scenario(seed: int, quick: bool) -> dict[str, np.ndarray]:
        services, endpoints, rate = K1_SCALE
        return {label: _churn(kube_proxy, services, endpoints, rate, 60.0 if quick else 300.0, seed)}
    return scenario


def _k2(seed: int, quick: bool) -> dict[str, np.ndarray]:
    """Evenly spread updates in a small cluster: a 10 s min-sync period against 1 s."""
    lat = {m: _churn({"min_sync_period_s": m}, 50, 5, 0.2, 1000.0 if quick else 4000.0, seed) for m in (1.0, 10.0)}
    return {"added by a 10 s min-sync": np.array([float(np.mean(lat[10.0]) - np.mean(lat[1.0]))])}


def _k3(seed: int, quick: bool) -> dict[str, np.ndarray]:
    """One sync's duration for one changed Service in a mid-sized cluster (500 Services x 6 endpoints)."""
    env, state, proxy, make = _proxy({})
    slices = [state.create(make(i, 6)) for i in range(500)]
    env.run(until=100.0)
    return {"SyncProxyRules": np.array([proxy.duration_s(False, {slices[0].service: slices[0]})])}


def _k4(seed: int, quick: bool) -> dict[str, np.ndarray]:
    """Sync duration for one changed Service at 5,000 and 30,000 Services, iptables against nftables."""
    out = {}
    for mode in ("iptables", "nftables"):
        cost = []
        for services in (5000, 30000):
            env, state, proxy, make = _proxy({"mode": mode})
            slices = [state.create(make(i, 2)) for i in range(services)]
            env.run(until=100.0)
            cost.append(proxy.duration_s(False, {slices[0].service: slices[0]}))
        out[f"{mode}: sync at 30,000 / at 5,000 Services"] = np.array([cost[1] / cost[0]])
    return out


FULL_TAIL = "Not a figure in the source: it says p90/p99 stayed where full resyncs put them."
ROWS += [
    Row("K1", "gce-5000Nodes network programming", [
        Figure("K1", "full restores, min-sync 10 s", "p50", 27.0)], _k1({"min_sync_period_s": 10.0, "minimize_iptables_restore": False},
                                                                       "full restores, min-sync 10 s"), seeds=(3, 1),
        conditions="v1.26 era; assumed 10,000 Services x 15 endpoints, 400 changes/s"),
    Row("K1", "gce-5000Nodes network programming", [
        Figure("K1", "MinimizeIPTablesRestore, min-sync 10 s", "p50", 13.0)],
        _k1({"min_sync_period_s": 10.0}, "MinimizeIPTablesRestore, min-sync 10 s"), seeds=(3, 1), conditions="as above"),
    Row("K1", "gce-5000Nodes network programming", [
        Figure("K1", "MinimizeIPTablesRestore, min-sync 1 s", "p50", 5.0)],
        _k1({"min_sync_period_s": 1.0}, "MinimizeIPTablesRestore, min-sync 1 s"), seeds=(3, 1), conditions="as above"),
    Row("K2", "min-sync period's cost", [Figure("K2", "added by a 10 s min-sync", "mean", 5.0)], _k2, seeds=(5, 2),
        conditions="evenly spread updates, 50 Services"),
    Row("K3", "one sync's duration", [Figure("K3", "SyncProxyRules", "value", 0.277)], _k3, seeds=(1, 1),
        conditions="2025; the cluster's size is not given: assumed 500 Services x 6 endpoints"),
    Row("K4", "rules and Services", [
        Figure("K4", "iptables: sync at 30,000 / at 5,000 Services", "value", 1.5, unit="ratio", bound=">="),
        Figure("K4", "nftables: sync at 30,000 / at 5,000 Services", "value", 1.2, unit="ratio", bound="<=")], _k4, seeds=(1, 1),
        conditions="the source gives the shape (iptables grows, nftables about flat), not numbers; first-packet latency is not modelled"),
]


# ---- T: scheduler throughput on real control planes
def _throughput(nodes: int, pods: int, scheduler: dict[str, Any], *labels: str) -> Callable[[int, bool], dict[str, np.ndarray]]:
    """``pods`` pods created at once on ``nodes`` nodes: pods bound per second of simulated time."""
    def scenario(seed: int, quick: bool) -> dict[str, np.ndarray]:
        container = [{"name": "c", "image": "pause:3", "requests": {"cpu": "10m", "memory": "16Mi"}}]
        sim = _sim({"seed": seed, "duration_s": 600.0, "cluster": _cluster(nodes), "images": {"preloaded": ["pause:3"]},
                    "scheduler": scheduler, "deployments": [{"name": "load", "replicas": 0, "containers": container}],
                    "workloads": [{"name": "DeploymentUpdate", "args": {"at_s": 10.0, "deployment": "load", "replicas": pods}}]})
        pods_df = sim.run().pods
        span = float(pods_df.scheduled_s.max() - pods_df.created_s.min())
        rate = np.array([len(pods_df) / span if span > 0 else math.inf])
        return {label: rate for label in labels}
    return scenario


CYCLE = ("The scheduling cycle costs no simulated time by default (scheduler.pod_scheduling_s and node_eval_s are 0), so "
         "throughput is bounded only by the scheduler's API client (clientConnection qps 50, burst 100, the v1 defaults) and "
         "by how fast pods arrive; node_eval_s of about 46 us (ceil(500 nodes / 16) per cycle at 5,000 nodes) would match T3's "
         "680 pods/s and give about 230 pods/s at 30,000 nodes (T2), but no cycle-time fit is on by default.")
ROWS += [
    Row("T1", "GCE scalability jobs", [
        Figure("T1", "2015, 50 nodes", "value", 14.3, unit="pods/s", why="Measured on 2015 code. " + CYCLE),
        Figure("T1", "2019, 5,000 nodes, test rate-limited at 100", "value", 100.0, unit="pods/s", why=CYCLE),
        Figure("T1", "CI threshold at 100 nodes", "value", 90.0, unit="pods/s", bound=">=", why=CYCLE)],
        _throughput(100, 3000, {}, "2015, 50 nodes", "2019, 5,000 nodes, test rate-limited at 100", "CI threshold at 100 nodes"),
        seeds=(3, 1), conditions="default scheduler settings; 3,000 pods at once on 100 nodes"),
    Row("T2", "30,000 KWOK nodes, QPS 10,000", [Figure("T2", "average", "value", 300.0, unit="pods/s", why=CYCLE)],
        _throughput(500, 3000, {"client_qps": 10000, "client_burst": 10000}, "average"), seeds=(3, 1),
        conditions="client QPS and burst 10,000; 500 nodes (the throughput does not depend on the node count without a cycle cost)"),
    Row("T3", "scheduler_perf floors", [Figure("T3", "SchedulingBasic, 5,000 nodes", "value", 680.0, unit="pods/s", bound=">=", why=CYCLE)],
        _throughput(500, 3000, {"client_qps": 10000, "client_burst": 10000}, "SchedulingBasic, 5,000 nodes"), seeds=(3, 1),
        conditions="in-process API server (no client limit); 500 nodes"),
]


# ---- the table
def _fmt(v: float, unit: str) -> str:
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "unbounded"
    if unit == "yes":
        return "yes" if v >= 0.5 else "no"
    if unit == "ratio":
        return f"{v:.2f}"
    if unit == "pods/s":
        return f"{v:,.0f} pods/s" if v < 1e6 else "unbounded"
    return f"{v:.3g} s" if v < 100 else f"{v:,.0f} s"


def _stat_name(r: Result) -> str:
    return {"value": "", "mean": "mean "}.get(r.stat, f"{r.stat} ")


def table(results: list[Result], rows: list[Row]) -> str:
    """The markdown table and the notes of the rows that miss."""
    cond = {(r.row, f.label): r.conditions for r in rows for f in r.figures}
    lines = ["| row | figure | conditions | published | simulated (95 % CI) | error | within the bar |",
             "|---|---|---|---|---|---|---|"]
    notes: dict[str, str] = {}
    for r in results:
        pub = ("<= " if r.bound == "<=" else ">= " if r.bound == ">=" else "") + _fmt(r.published, r.unit)
        sim = _fmt(r.sim, r.unit) + (f" +- {_fmt(r.ci, r.unit)}" if r.ci and not math.isinf(r.sim) and r.unit not in ("yes",) else "")
        err = "" if r.error is None else f"{r.error:+.0%}"
        bar = "yes" if r.within else "no (see notes)"
        lines.append(f"| {r.row} | {_stat_name(r)}{r.label} | {cond.get((r.row, r.label), '')} | {pub} | {sim} | {err} | {bar} |")
        if not r.within and r.why:
            notes.setdefault(r.why, r.row)
    out = "\n".join(lines)
    if notes:
        out += "\n\nWhy the rows that miss do:\n\n" + "\n".join(f"- {row}: {why}" for why, row in notes.items())
    return out


HEADER = """# Fidelity: the simulator against published measurements

Generated by `python benchmarks/fidelity.py` (do not edit by hand); `tests/test_fidelity.py` reruns a quick
version and fails when the code has moved away from these numbers. Every row of
`../shared/calibration/README.md` has a validation scenario: a config under the row's conditions run
through the simulator's own code (whole runs; kube-proxy on an API store for K rows; the cloud layer's
node groups for N rows). A figure is computed per seed and averaged over seeds with a 95 % confidence
interval (Student t), or, for figures over runs (N rows), pooled over runs with a bootstrap interval.

The bar: a median or single figure within +-25 % of the published one, a tail (p90, p95, p99) within
+-50 %; a bound is met or not. Rows that miss say why below the table.

How the models were fitted is in `benchmarks/fit_timing.py` and `clustersim/config/timing.py`: pod
startup to S1 (scaled 0.85 toward S3 and S5), image pulls to P1-P2 (least squares over all twelve
figures), kube-proxy's sync cost to K1-K3 (K1's three p50s at an assumed scale of the gce-5000Nodes load
test: 10,000 Services x 15 endpoints, 400 endpoint changes/s; the KEP gives neither number), node
provisioning to N1-N2 (issue 11's `cloud.provisioning_delay`). The T rows have no fitted model yet.
"""


def fingerprint() -> str:
    """A digest of the defaults the scenarios' figures depend on (the timing models and the settings around
    them): a change means the table must be regenerated. Unrelated new settings leave it alone."""
    import hashlib

    from clustersim.config import models as m
    from clustersim.config.cloud import ProvisioningDelayConfig

    k, p, s, a, i = m.KubeletConfig(), m.KubeProxyConfig(), m.SchedulerConfig(), m.ApiServerConfig(), m.ImagesConfig()
    parts = {
        "pod_startup": k.pod_startup.model_dump(), "image_pull": k.image_pull.model_dump(), "container_start_s": k.container_start_s,
        "pulls": [k.serialize_image_pulls, k.max_parallel_image_pulls, i.registry_bandwidth_mib_s, i.default_size_mib],
        "kube_proxy": p.model_dump(exclude={"traffic_tick_s"}), "provisioning": ProvisioningDelayConfig().model_dump(),
        "scheduler": [s.client_qps, s.client_burst, s.pod_scheduling_s, s.node_eval_s, s.binding_latency_s, s.parallelism],
        "watch_latency_s": a.watch_latency_s, "node_status_update_frequency_s": k.node_status_update_frequency_s,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def read_data(path: Path = DOC) -> tuple[str, list[dict[str, Any]]]:
    """(fingerprint, results) kept at the end of docs/fidelity.md."""
    text = path.read_text()
    block = text.split(DATA_MARK, 1)[1].split("-->", 1)[0].strip()
    data = json.loads(block)
    return data["fingerprint"], data["results"]


def main() -> None:
    """Run the rows and write (or print) the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer seeds and shorter windows (what the test runs)")
    ap.add_argument("--rows", nargs="*", help="only these row ids (e.g. S1 K1)")
    ap.add_argument("--print", action="store_true", help="print instead of writing docs/fidelity.md")
    a = ap.parse_args()
    rows = [r for r in ROWS if not a.rows or r.row in a.rows]
    results: list[Result] = []
    for i, r in enumerate(rows, 1):
        print(f"[{i}/{len(rows)}] {r.row} {r.title}", file=sys.stderr, flush=True)
        results += run_row(r, a.quick)
    text = HEADER + "\n" + table(results, rows) + "\n"
    data = json.dumps({"fingerprint": fingerprint(), "results": [asdict(r) for r in results]}, allow_nan=True)
    if a.print or a.quick or a.rows:
        print(text)
        return
    DOC.write_text(text + f"\n{DATA_MARK}\n{data}\n-->\n")
    print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
