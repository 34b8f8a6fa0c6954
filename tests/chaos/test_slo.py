"""Krkn SLOs on a run: expressions the run's metrics answer fire when their condition held, the others are
left out of the score, and the score is Krkn's weighted formula."""

from __future__ import annotations

from clustersim.chaos.model import SLO
from clustersim.chaos.slo import evaluate_slos, resiliency_score
from tests.conftest import run_config

C = {"name": "c", "image": "img:1", "requests": {"cpu": "100m"}, "readiness_probe": {"period_s": 2}, "behavior": {"ready_after_s": 1}}
WEB = {"name": "web", "replicas": 3, "containers": [C]}


def _slo(expr: str, severity: str = "critical", weight: float | None = None) -> SLO:
    return SLO(expr, expr, severity, weight if weight is not None else {"critical": 3.0}.get(severity, 1.0))


def test_slos_fire_when_their_condition_held() -> None:
    # clients by ClusterIP: no CoreDNS Deployment (2 replicas) to make "replicas by deployment != 3" fire
    res = run_config(deployments=[WEB], duration_s=200, services=[{"name": "web", "selector": {"app": "web"},
                                                                    "traffic": {"rate_per_s": 50, "resolve": "cluster_ip"}}],
                     faults=[{"name": "PodFailure", "args": {"at_s": 60, "deployment": "web", "mode": "all", "duration_s": 40}}])
    slos = [_slo('up{job="web"} == 0'), _slo('kube_deployment_status_replicas_available{deployment="web"} < 1'),
            _slo('sum(kube_deployment_spec_replicas) by (deployment) != 3', "warning"),
            _slo('min(clustersim_request_success_ratio{service="web"}) < 0.5', "warning", 2.0),
            _slo('kube_node_status_condition{condition="Ready", status="false"} == 1'),
            _slo("rate(apiserver_request_total[5m]) > 1"), _slo("etcd_server_has_leader == 0")]
    out = evaluate_slos(slos, res.timeseries, res.requests, 50.0, 200.0)
    passed = [r.passed for r in out]
    assert passed == [False, False, True, False, True, None, None]  # no endpoint, none available, replicas stay 3, requests failed, nodes Ready
    assert "rate" in out[5].reason.lower() or "not evaluated" in out[5].reason and "etcd_server_has_leader" in out[6].reason
    score, breakdown = resiliency_score(out)
    # evaluated weights 3, 3, 1, 2, 3 = 12; lost 3 + 3 + 2 = 8: int(4 / 12 x 100) = 33
    assert score == 33.0 and breakdown["not_evaluated"] == 2 and breakdown["total_points"] == 12
    before = evaluate_slos(slos[:2], res.timeseries, res.requests, 20.0, 59.0)  # after the start-up, before the fault
    assert [r.passed for r in before] == [True, True]  # the window matters: nothing fired before the fault
