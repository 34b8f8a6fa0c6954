"""HorizontalPodAutoscaler: the controller loop over metrics-server data, and its normalization rules
(pkg/controller/podautoscaler/horizontal.go). The replica calculator itself is checked against
upstream's table tests through the conformance D cases."""

from __future__ import annotations

from typing import Any

import pytest

from clustersim.api.objects import HPAScalingPolicy, HPAScalingRules
from clustersim.config import ConfigError
from clustersim.config.load import validate_dict
from clustersim.controllers.podautoscaler.horizontal import _ScaleEvent, scale_down_limit, scale_up_limit
from tests.conftest import BASE, events_of, merge, run_config

BIG = {"zones": ["za", "zb"], "node_pools": [{"name": "n", "count": 6, "capacity": {"cpu": "16", "memory": "32Gi"}}]}
WEB = {"name": "web", "replicas": 2,
       "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m", "memory": "256Mi"},
                       "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 5}}]}


def _hpa(**over: Any) -> dict:
    return {"name": "web", "target_name": "web", "min_replicas": 2, "max_replicas": 30,
            "metrics": [{"resource": "cpu", "average_utilization": 50}], **over}


def _run(points: list, hpa: dict | None = None, duration_s: float = 1500, **over: Any) -> Any:
    return run_config(cluster=BIG, deployments=[WEB], duration_s=duration_s, horizontal_pod_autoscalers=[hpa or _hpa()],
                      workloads=[{"name": "CpuLoad", "args": {"workload": "web", "points": points}}], **over)


def _sizes(res: Any) -> list[tuple[float, int]]:
    ev = events_of(res, "SuccessfulRescale")
    return [(t, int(m.split(";")[0].removeprefix("New size: "))) for t, m in zip(ev.t, ev.message, strict=True)]


def test_scale_up_without_behavior_at_most_doubles_per_sync_then_holds_for_the_downscale_window() -> None:
    res = _run([[0, 400], [120, 6000], [600, 400]])
    sizes = _sizes(res)
    ups = [(t, n) for t, n in sizes if t < 600]
    # 6000m at 50 % of 500m wants 24 pods; each 15 s sync may go to at most max(2 x current, 4)
    assert ups[0][0] == pytest.approx(120.05) and ups[0][1] == 4
    for (_, before), (_, after) in zip([(0, 2), *ups], ups, strict=False):
        assert after <= max(2 * before, 4)
    assert ups[-1][1] == 24
    downs = [(t, n) for t, n in sizes if t >= 600]
    # the load fell at 600 s; the highest recommendation of the last 300 s wins until it has aged out
    assert downs and downs[0][0] >= 600 + 300 - 15 and downs[0][1] < 24
    assert min(n for _, n in downs) >= 2  # minReplicas
    hpa_ts = res.timeseries[res.timeseries.metric == "hpa_desired_replicas"]
    assert hpa_ts.value.max() == 24


def test_behavior_policies_limit_the_rate() -> None:
    slow = {"scale_up": {"policies": [{"type": "Pods", "value": 1, "period_s": 60}]},
            "scale_down": {"stabilization_window_s": 0, "policies": [{"type": "Pods", "value": 1, "period_s": 30}]}}
    res = _run([[0, 400], [60, 3000], [600, 400]], hpa=_hpa(behavior=slow), duration_s=1200)
    sizes = _sizes(res)
    ups = [(t, n) for t, n in sizes if t < 600]
    assert [n for _, n in ups] == list(range(3, 3 + len(ups)))  # one pod at a time
    assert all(b[0] - a[0] >= 60 for a, b in zip(ups, ups[1:], strict=False))  # per 60 s
    downs = [(t, n) for t, n in sizes if t >= 600]
    assert downs[0][0] < 640  # no stabilization window: the first sync after the drop scales down
    assert all(b[0] - a[0] >= 30 and a[1] - b[1] == 1 for a, b in zip(downs, downs[1:], strict=False))


def test_disabled_scale_down_never_shrinks() -> None:
    behavior = {"scale_down": {"select_policy": "Disabled"}}
    res = _run([[0, 3000], [300, 100]], hpa=_hpa(behavior=behavior), duration_s=1000)
    sizes = _sizes(res)
    assert sizes and all(b[1] > a[1] for a, b in zip(sizes, sizes[1:], strict=False))


def test_replicas_outside_min_max_are_clamped_without_metrics() -> None:
    res = run_config(cluster=BIG, deployments=[{**WEB, "replicas": 1}], duration_s=60,
                     horizontal_pod_autoscalers=[_hpa(min_replicas=3)])
    assert _sizes(res) == [(pytest.approx(0.05), 3)]
    assert "below Spec.MinReplicas" in events_of(res, "SuccessfulRescale").message.iloc[0]


def test_new_pods_have_no_metric_until_the_second_scrape_and_missing_requests_fail() -> None:
    res = _run([[0, 400]], duration_s=60)
    failed = events_of(res, "FailedComputeMetricsReplicas")
    # syncs at 0.05 and 15.05 see no metrics (first scrape at 15 s, a rate needs two), the one at 30.05 does
    assert list(failed.t) == [pytest.approx(0.05), pytest.approx(15.05)]
    no_request = {**WEB, "containers": [{**WEB["containers"][0], "requests": {"memory": "256Mi"}}]}
    res = run_config(cluster=BIG, deployments=[no_request], duration_s=60, horizontal_pod_autoscalers=[_hpa()],
                     workloads=[{"name": "CpuLoad", "args": {"workload": "web", "points": [[0, 400]]}}])
    failed = events_of(res, "FailedComputeMetricsReplicas")
    assert failed[failed.t > 1].message.str.contains("missing request for cpu in container c").all() and len(failed) == 4
    assert events_of(res, "SuccessfulRescale").empty


def test_scaling_policy_arithmetic_matches_upstream() -> None:
    # TestScaleUpLimit-style: 100 % or 4 pods per 15 s, Max policy, 2 pods added 10 s ago
    up = HPAScalingRules(0, "Max", (HPAScalingPolicy("Percent", 100, 15), HPAScalingPolicy("Pods", 4, 15)))
    assert scale_up_limit(3, [], [], up, 100.0) == 7  # max(3 x 2, 3 + 4)
    assert scale_up_limit(10, [_ScaleEvent(2, 90.0)], [], up, 100.0) == 16  # period started at 8 replicas
    assert scale_up_limit(10, [_ScaleEvent(2, 80.0)], [], up, 100.0) == 20  # that event is out of the period
    minimum = HPAScalingRules(0, "Min", up.policies)
    assert scale_up_limit(3, [], [], minimum, 100.0) == 6
    down = HPAScalingRules(300, "Max", (HPAScalingPolicy("Percent", 50, 60), HPAScalingPolicy("Pods", 1, 60)))
    assert scale_down_limit(10, [], [], down, 100.0) == 5  # the larger change: 50 %
    assert scale_down_limit(10, [], [_ScaleEvent(5, 70.0)], down, 100.0) == 7  # period started at 15
    assert scale_down_limit(10, [], [], HPAScalingRules(300, "Disabled", down.policies), 100.0) == 10


@pytest.mark.parametrize(("hpa", "field"), [
    (_hpa(target_name="nope"), "horizontal_pod_autoscalers.0.target_name"),
    (_hpa(min_replicas=5, max_replicas=3), "horizontal_pod_autoscalers.0.max_replicas"),
    (_hpa(metrics=[{"resource": "cpu"}]), "horizontal_pod_autoscalers.0.metrics.0.average_utilization"),
])
def test_bad_hpas_are_one_line_errors(hpa: dict, field: str) -> None:
    with pytest.raises(ConfigError) as e:
        validate_dict(merge(BASE, {"horizontal_pod_autoscalers": [hpa]}), "hpa.yaml")
    assert field in str(e.value) and "\n" not in str(e.value)
