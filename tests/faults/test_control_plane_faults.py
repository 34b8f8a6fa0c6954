"""APIServerOutage, SchedulerCrash and ControllerManagerCrash with leader election."""

from __future__ import annotations

import pytest

from tests.conftest import events_of, run_config

WEB = {"name": "web", "replicas": 4, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m"},
                                                      "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 1}}]}
SVC = [{"name": "web", "selector": {"app": "web"}, "traffic": {"rate_per_s": 50, "start_s": 30}}]


def test_api_server_outage_keeps_pods_serving_and_marks_no_node_not_ready() -> None:
    res = run_config(deployments=[WEB], services=SVC, duration_s=600,
                     faults=[{"name": "APIServerOutage", "args": {"at_s": 100, "duration_s": 180}}],
                     workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 150, "deployment": "web", "replicas": 6}}])
    assert events_of(res, "NodeNotReady").empty  # kubelets renew at once on recovery; the controllers were blind too
    assert res.requests.failed.sum() == 0  # running pods kept serving
    new = res.pods[res.pods.created_s > 100]
    # the scale-up written at t=150 is acted on only after the outage: the ReplicaSet creates pods at 280
    assert len(new) == 2 and (new.created_s >= 280).all() and (new.created_s < 282).all()


@pytest.mark.parametrize(("replicas", "low", "high"), [(2, 113.0, 117.0), (1, 160.0, 162.1)])
def test_scheduler_crash_with_and_without_a_standby(replicas: int, low: float, high: float) -> None:
    res = run_config(deployments=[{**WEB, "replicas": 0}], duration_s=400, scheduler={"replicas": replicas},
                     faults=[{"name": "SchedulerCrash", "args": {"at_s": 100, "restart_after_s": 60}}],
                     workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 101, "deployment": "web", "replicas": 3}}])
    takeover = res.faults.t_recover.iloc[0]
    # standby: the lease expires 15 s after the last renewal (<= 2 s before the crash), then the next 2 s retry
    assert low <= takeover <= high
    assert (res.pods.scheduled_s >= takeover).all() and (res.pods.scheduled_s < takeover + 1).all()
    assert (res.pods.created_s < 102).all()  # the controller-manager kept working


def test_controller_manager_crash_delays_replacements() -> None:
    res = run_config(deployments=[WEB], duration_s=400, controller_manager={"replicas": 2},
                     faults=[{"name": "ControllerManagerCrash", "args": {"at_s": 100}},
                             {"name": "PodKill", "args": {"at_s": 101, "deployment": "web"}}])
    takeover = res.faults[res.faults.fault == "ControllerManagerCrash"].t_recover.iloc[0]
    replacement = res.pods[res.pods.created_s > 100]
    assert 113 <= takeover <= 117 and len(replacement) == 1 and replacement.created_s.iloc[0] >= takeover


def test_slow_api_server_delays_every_reaction() -> None:
    crash = [{"name": "NodeCrash", "args": {"at_s": 120, "nodes": ["n-1"]}}]
    fast = run_config(deployments=[WEB], services=SVC, duration_s=400, faults=crash)
    slow = run_config(deployments=[WEB], services=SVC, duration_s=400,
                      faults=[{"name": "APILatency", "args": {"at_s": 100, "duration_s": 250, "watch_latency_s": 3.0}}, *crash])
    # the endpoint withdrawal needs the node lifecycle controller's pod update and the EndpointSlice
    # controller's write to travel through watches: each hop now takes 3 s instead of 50 ms
    assert slow.requests.failed.sum() > fast.requests.failed.sum()
    assert slow.requests[slow.requests.failed > 0].t.max() >= fast.requests[fast.requests.failed > 0].t.max() + 5


@pytest.mark.parametrize(("renew_deadline", "lost"), [(10.0, False), (4.0, True)])
def test_a_leader_that_cannot_renew_within_its_renew_deadline_stops_leading(renew_deadline: float, lost: bool) -> None:
    # an 8 s API outage: within the default 10 s renew deadline the leaders keep their Leases; with 4 s they give up
    election = {"lease_duration_s": 15.0, "renew_deadline_s": renew_deadline, "retry_period_s": 2.0}
    res = run_config(deployments=[WEB], duration_s=200, controller_manager={"leader_election": election},
                     scheduler={"leader_election": election},
                     faults=[{"name": "APIServerOutage", "args": {"at_s": 100, "duration_s": 8}}])
    ev = events_of(res, "LeaderElection")
    gave_up = ev[ev.message.str.startswith("leaderelection lost")]
    assert len(gave_up) == (2 if lost else 0)
    if lost:
        # the last renewal was at most one retry period before the outage; the renew loop gives up a deadline later
        assert ((gave_up.t >= 100 + renew_deadline) & (gave_up.t <= 100 + 2.0 + renew_deadline)).all()
        back = ev[ev.message == "became leader"]
        assert set(back.name) == {"kube-scheduler", "kube-controller-manager"} and (back.t >= 108).all()
