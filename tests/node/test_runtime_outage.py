"""A kubelet that reports Ready=False with a reason: container runtime down (RuntimeOutage), PLEG not healthy."""

from __future__ import annotations

import pytest

from tests.conftest import events_of, run_config


def _outage(kind: str, duration: float = 500.0) -> list[dict]:
    return [{"name": "RuntimeOutage", "args": {"at_s": 60, "duration_s": duration, "nodes": ["n-1"], "kind": kind}}]


def test_runtime_down_takes_the_not_ready_taint_path() -> None:
    res = run_config(duration_s=800.0, faults=_outage("down"))
    ready = events_of(res, "NodeNotReady", kind="Node", name="n-1")
    # noticed at the next runtime status check (5 s), posted at the next node status sync (10 s)
    assert len(ready) == 1 and 60 < ready.t.iloc[0] <= 60 + 5 + 10
    ts = res.timeseries
    tainted = ts[(ts.metric == "node_noexecute_taint") & (ts.name == "n-1") & (ts.value == 1)]
    assert len(tainted) == 1 and tainted.t.iloc[0] == pytest.approx(ready.t.iloc[0], abs=5.1)  # lease still renewed: Ready=False
    victims = res.pods[(res.pods.node == "n-1") & (res.pods.created_s < 50)]
    evicted = events_of(res, "TaintManagerEviction")
    evicted = evicted[evicted.message.str.startswith("Marking")]
    assert set(evicted.name) == set(victims.name) and len(victims) > 0
    assert (evicted.t - tainted.t.iloc[0]).between(300, 300.5).all()  # not-ready tolerated 300 s
    # the runtime cannot stop containers: the pods stay Terminating until it is back (t=560), then go
    assert (victims.deleted_s >= 560).all() and (victims.deleted_s < 600).all()
    back = events_of(res, "NodeReady", kind="Node", name="n-1")
    assert len(back) == 1 and 560 < back.t.iloc[0] <= 560 + 5 + 10
    (fault,) = res.summary["faults"]
    assert fault["fault"] == "RuntimeOutage" and fault["t_not_ready"] == pytest.approx(ready.t.iloc[0])


def test_pleg_stall_reports_pleg_not_healthy_after_the_relist_threshold() -> None:
    from clustersim.sim import Simulation
    from tests.conftest import make_config

    sim = Simulation(make_config(duration_s=300.0, faults=_outage("pleg-stall", 1000.0)))
    res = sim.run()
    ready = events_of(res, "NodeNotReady", kind="Node", name="n-1")
    # genericPlegRelistThreshold: 3 min after the last successful relist, then the next status sync
    assert len(ready) == 1 and 59 + 180 <= ready.t.iloc[0] <= 60 + 180 + 10
    node = sim.state.get("Node", "n-1")
    assert node.ready_reason == "KubeletNotReady" and node.ready_message.startswith("PLEG is not healthy: pleg was last seen active")
