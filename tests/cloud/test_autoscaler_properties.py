"""Invariants of the Cluster Autoscaler under random load: node groups stay within their min and max, no
pod is evicted against its PodDisruptionBudget, and no node is removed while a pod on it cannot move."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustersim.config.load import validate_dict
from clustersim.sim import build
from tests.cloud.test_autoscaler import app, cluster, pool, scale_at

FAST = {"median_s": 30.0, "sigma_s": 5.0, "floor_s": 10.0, "slow_fraction": 0.0}


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    pools = []
    for k in range(draw(st.integers(1, 2))):
        lo = draw(st.integers(0, 2))
        hi = draw(st.integers(lo + 1, 5))
        pools.append(pool(f"p{k}", draw(st.sampled_from(["m5.large", "m5.xlarge"])), lo, hi, initial_size=draw(st.integers(lo, hi))))
    if sum(p["initial_size"] for p in pools) == 0:
        pools[0]["initial_size"] = pools[0]["min_size"] = 1
    web = draw(st.integers(2, 4))
    loads = [(draw(st.floats(0, 450)), draw(st.integers(0, 16))) for _ in range(2)]
    return {"pools": pools, "web": web, "batch": draw(st.integers(0, 12)), "loads": loads, "seed": draw(st.integers(0, 1000))}


def _config(s: dict[str, Any]) -> dict[str, Any]:
    ca = {"scale_down_unneeded_time_s": 60, "scale_down_delay_after_add_s": 60, "scale_down_utilization_threshold": 0.7}
    cfg = cluster(s["pools"], ca, duration_s=700.0, seed=s["seed"],
                  deployments=[app("web", s["web"], "500m"), app("batch", s["batch"], "700m")],
                  pods=[{"name": "bare", "containers": [{"name": "c", "image": "i", "requests": {"cpu": "100m"}}]}],
                  pod_disruption_budgets=[{"name": "web", "selector": {"match_labels": {"app": "web"}}, "min_available": s["web"] - 1}])
    cfg["cloud"]["provisioning_delay"] = FAST
    return cfg


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_autoscaler_invariants(s: dict[str, Any]) -> None:
    sim = build(validate_dict(_config(s), "test"))
    for t, n in s["loads"]:
        scale_at(sim, t, n, "batch")
    bounds = {g.id(): (g.min_size(), g.max_size()) for g in sim.cloud.pools.values()}
    seen: list[tuple[str, int]] = []

    def sample(_e: object) -> None:
        for g in sim.cloud.pools.values():
            seen.append((g.id(), g.target_size()))
        sim.env.timeout(5).callbacks.append(sample)
    sim.env.timeout(0).callbacks.append(sample)
    res = sim.run()
    # the autoscaler never takes a group past its bounds (groups may start above max only if configured so)
    for gid, size in seen:
        lo, hi = bounds[gid]
        assert lo <= size <= hi, (gid, size)
    # no eviction against the PDB: web's serving replicas never fell below minAvailable once it was whole
    ts = res.timeseries
    serving = ts[(ts.metric == "serving_replicas") & (ts.name == "web")].groupby("t").value.last()  # the level after each instant
    whole = serving[serving >= s["web"]]
    if len(whole):
        assert serving[serving.index >= whole.index.min()].min() >= s["web"] - 1
    # no node was removed while a pod on it could not move: the bare pod was never evicted, and every
    # evicted pod found a place (nothing left Pending when the groups had room)
    ev = res.events
    assert not ((ev.reason == "ScaleDown") & (ev.kind == "Pod") & ev.name.str.startswith("bare")).any()
    bare = res.pods[res.pods.name == "bare"]
    assert bare.deleted_s.isna().all()
    evicted = set(ev[(ev.reason == "ScaleDown") & (ev.kind == "Pod")].name)
    lost = res.pods[res.pods.name.isin(evicted) & res.pods.deleted_s.isna()]
    assert lost.empty
