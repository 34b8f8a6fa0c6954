"""DefaultPreemption: a high-priority Deployment arrives on a full cluster and preempts low-priority pods,
choosing victims as upstream does (lowest priority first, PDB violations avoided), nominating a node,
and waiting for the victims' graceful termination."""

from __future__ import annotations

from clustersim.api.objects import ObjectMeta, Pod, PodDisruptionBudget
from clustersim.api.types import Container, LabelSelector, PodSpec
from clustersim.scheduler.preemption import Candidate, filter_pods_with_pdb_violation, num_candidates, pick_one_node
from tests.conftest import events_of, run_config

CLUSTER = {"zones": ["a"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "4", "memory": "16Gi"}}]}
CLASSES = [{"name": "low", "value": 100}, {"name": "mid", "value": 500}, {"name": "high", "value": 1000}]


def _dep(name: str, replicas: int, cpu: str, cls: str | None, grace: float = 30, **extra: object) -> dict:
    return {"name": name, "replicas": replicas, "priority_class_name": cls, "termination_grace_period_s": grace,
            "containers": [{"name": "c", "image": "i", "requests": {"cpu": cpu}, "behavior": {"shutdown_s": 5}}], **extra}


def test_high_priority_pods_preempt_low_priority_ones() -> None:
    res = run_config(cluster=CLUSTER, priority_classes=CLASSES, duration_s=200,
                     deployments=[_dep("batch", 6, "2", "low"), _dep("critical", 0, "3", "high")],
                     workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 60, "deployment": "critical", "replicas": 2}}])
    pods = res.pods
    critical = pods[pods.workload == "critical"]
    assert len(critical) == 2 and critical.ready_s.notna().all()
    preempted = events_of(res, "Preempted")
    nominated = events_of(res, "Nominated")
    assert len(nominated) == 2 and len(preempted) == 4  # each 3-cpu pod needs both 2-cpu pods of one node out
    victims = pods[pods.name.isin(set(preempted.name))]
    assert set(victims.workload) == {"batch"}
    # graceful termination: the preemptor binds only after its victims are gone (5 s shutdown + watch)
    for _, c in critical.iterrows():
        node_victims = victims[victims.node == c.node]
        assert len(node_victims) == 2 and (c.scheduled_s >= node_victims.deleted_s.max())
        assert c.scheduled_s - 60 >= 5
    # the first attempt failed and said so
    failed = events_of(res, "FailedScheduling")
    assert failed.message.str.startswith("0/3 nodes are available: 3 Insufficient cpu.").all()
    # the ReplicaSet replaces the victims, which now have nowhere to go and cannot preempt upwards
    late = failed[failed.name.isin(set(pods[pods.workload == "batch"].name))]
    assert late.message.str.contains("No preemption victims found|Insufficient cpu", regex=True).all()
    assert res.summary["pods_pending_at_end"] == 4
    assert res.stats["preemptions"] == 2


def test_preemption_policy_never_and_equal_priority_do_not_preempt() -> None:
    classes = [*CLASSES, {"name": "polite", "value": 1000, "preemption_policy": "Never"}]
    res = run_config(cluster=CLUSTER, priority_classes=classes, duration_s=120,
                     deployments=[_dep("batch", 6, "2", "low"), _dep("nice", 0, "3", "polite"), _dep("peer", 0, "3", "low")],
                     workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 30, "deployment": "nice", "replicas": 1}},
                                {"name": "DeploymentUpdate", "args": {"at_s": 30, "deployment": "peer", "replicas": 1}}])
    assert events_of(res, "Preempted").empty
    msgs = set(events_of(res, "FailedScheduling").message)
    assert any("not eligible due to preemptionPolicy=Never" in m for m in msgs)
    assert any("No preemption victims found for incoming pod" in m for m in msgs)


def test_victims_avoid_pdb_violations_and_lowest_priority_go_first() -> None:
    # node n-0..n-2 each hold one "guarded" (PDB: none may go) and one "free" 2-cpu pod; a 2-cpu high pod needs one out
    res = run_config(cluster=CLUSTER, priority_classes=CLASSES, duration_s=200,
                     deployments=[_dep("guarded", 3, "2", "low", labels={"app": "guarded"}),
                                  _dep("free", 3, "2", "mid", labels={"app": "free"}),
                                  _dep("critical", 0, "2", "high")],
                     pod_disruption_budgets=[{"name": "g", "selector": {"match_labels": {"app": "guarded"}}, "max_unavailable": 0}],
                     workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 60, "deployment": "critical", "replicas": 1}}])
    preempted = events_of(res, "Preempted")
    first = res.pods.set_index("name").loc[preempted.name.iloc[0]]
    # "guarded" has the lower priority but a PDB with no disruptions allowed: the "free" pod goes instead
    assert first.workload == "free"
    # the "free" replacement (mid priority) then has only PDB-protected victims left: a violation is a last resort
    assert list(res.pods.set_index("name").loc[preempted.name, "workload"]) == ["free", "guarded"]


def _pod(name: str, prio: int, start: float, labels: dict[str, str] | None = None) -> Pod:
    p = Pod(ObjectMeta(name, "default", labels or {}), PodSpec((Container("c", "i"),), priority=prio))
    p.status.start_s = start
    return p


def test_pick_one_node_criteria_in_order() -> None:
    a = Candidate(0, [_pod("a1", 10, 0)], 1)
    b = Candidate(1, [_pod("b1", 50, 0)], 0)
    c = Candidate(2, [_pod("c1", 20, 0), _pod("c2", 20, 0)], 0)
    d = Candidate(3, [_pod("d1", 20, 5)], 0)
    assert pick_one_node([a, b]).node == 1           # fewer PDB violations first
    assert pick_one_node([b, c]).node == 2           # then the lower highest-priority victim
    assert pick_one_node([c, d]).node == 3           # then the lower priority sum
    e = Candidate(4, [_pod("e1", 20, 9)], 0)
    assert pick_one_node([d, e]).node == 4           # then the latest start of the top victims


def test_pdb_violation_split_counts_down_the_allowance() -> None:
    pdb = PodDisruptionBudget(ObjectMeta("b", "default"), LabelSelector((("app", "x"),)))
    pdb.status.disruptions_allowed = 1
    pods = [_pod(f"p{i}", 1, 0, {"app": "x"}) for i in range(3)]
    violating, ok = filter_pods_with_pdb_violation(pods, [pdb])
    assert [p.meta.name for p in ok] == ["p0"] and [p.meta.name for p in violating] == ["p1", "p2"]


def test_num_candidates() -> None:
    assert num_candidates(5000, 10, 100) == 500
    assert num_candidates(300, 10, 100) == 100
    assert num_candidates(50, 10, 100) == 50


def test_a_higher_priority_pod_does_not_see_the_room_held_for_a_lower_nominated_one() -> None:
    # one 4-cpu node full of low pods; "mid" preempts them and is nominated there; before the victims
    # are gone "high" arrives. The room held for "mid" counts against equal or lower priorities only
    # (addNominatedPods), so "high" takes the node when the victims leave and "mid" stays pending.
    one = {"zones": ["a"], "node_pools": [{"name": "n", "count": 1, "capacity": {"cpu": "4", "memory": "16Gi"}}]}
    res = run_config(cluster=one, priority_classes=CLASSES, duration_s=200,
                     deployments=[_dep("batch", 2, "2", "low"), _dep("mid", 0, "3", "mid"), _dep("high", 0, "3", "high")],
                     workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 60, "deployment": "mid", "replicas": 1}},
                                {"name": "DeploymentUpdate", "args": {"at_s": 61, "deployment": "high", "replicas": 1}}])
    pods = res.pods
    mid, high = pods[pods.workload == "mid"], pods[pods.workload == "high"]
    assert len(mid) == 1 and len(high) == 1
    assert set(events_of(res, "Nominated").name) >= set(mid.name)
    assert high.scheduled_s.notna().all() and high.scheduled_s.iloc[0] < 80  # as soon as the victims are gone
    assert mid.scheduled_s.isna().all()  # nothing of lower priority than "mid" is left to preempt
    preempted = events_of(res, "Preempted")
    assert set(pods[pods.name.isin(set(preempted.name))].workload) == {"batch"}  # the held room is no victim
