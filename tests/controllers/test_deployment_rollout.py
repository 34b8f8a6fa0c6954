"""Deployment rollouts in the running simulation: surge and unavailability bounds, Recreate, scaling."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.conftest import events_of, run_config

CONTAINER = {"name": "c", "image": "app:1", "requests": {"cpu": "100m", "memory": "64Mi"},
             "readiness_probe": {"period_s": 2}, "behavior": {"ready_after_s": 4}}


def _live_counts(pods: pd.DataFrame, workload: str) -> tuple[np.ndarray, np.ndarray]:
    """Times, and pods that exist and are not terminating, for one workload."""
    p = pods[pods.workload == workload]
    end = p.deletion_s.fillna(p.deleted_s).fillna(np.inf).to_numpy()
    start = p.created_s.to_numpy()
    grid = np.unique(np.concatenate([start, end[np.isfinite(end)]]))
    return grid, np.array([((start <= t) & (end > t)).sum() for t in grid])


def _rolling(**dep: object) -> object:
    d = {"name": "web", "replicas": 10, "containers": [CONTAINER], **dep}
    return run_config(deployments=[d], duration_s=300,
                      workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 60, "deployment": "web", "image": "app:2"}}])


def test_rolling_update_respects_max_surge_and_max_unavailable() -> None:
    result = _rolling(max_surge="25%", max_unavailable="25%")  # surge ceil(2.5)=3, unavailable floor(2.5)=2
    _, live = _live_counts(result.pods, "web")
    assert live.max() <= 13
    ts = result.timeseries
    avail = ts[(ts.metric == "available_replicas") & (ts.name == "web") & (ts.t >= 60)]
    assert avail.value.min() >= 8
    new = result.pods[(result.pods.workload == "web") & (result.pods.created_s >= 60)]
    assert len(new) == 10 and new.ready_s.notna().all()
    scaled = events_of(result, "ScalingReplicaSet")
    assert scaled.message.str.contains("Scaled up replica set web-").sum() >= 2
    old = result.pods[(result.pods.workload == "web") & (result.pods.created_s < 60)]
    assert old.deletion_s.notna().all()


def test_zero_surge_rolls_one_unavailable_at_a_time() -> None:
    result = _rolling(max_surge=0, max_unavailable=1)
    _, live = _live_counts(result.pods, "web")
    assert live.max() <= 10
    ts = result.timeseries
    avail = ts[(ts.metric == "available_replicas") & (ts.name == "web") & (ts.t >= 60)]
    assert avail.value.min() >= 9


def test_recreate_deletes_all_old_pods_before_creating_new_ones() -> None:
    result = _rolling(strategy="Recreate")
    pods = result.pods[result.pods.workload == "web"]
    old, new = pods[pods.created_s < 60], pods[pods.created_s >= 60]
    assert len(new) == 10
    assert new.created_s.min() >= old.deleted_s.max()


def test_scale_up_and_down() -> None:
    result = run_config(deployments=[{"name": "web", "replicas": 4, "containers": [CONTAINER]}], duration_s=200,
                        workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 30, "deployment": "web", "replicas": 9}},
                                   {"name": "DeploymentUpdate", "args": {"at_s": 100, "deployment": "web", "replicas": 2}}])
    ts = result.timeseries
    ready = ts[(ts.metric == "ready_replicas") & (ts.name == "web")]
    assert ready[ready.t < 100].value.max() == 9
    assert ready.value.iloc[-1] == 2
    deleted = events_of(result, "SuccessfulDelete")
    assert len(deleted) == 7


def test_bad_rollout_crash_loops_and_stalls_within_max_unavailable() -> None:
    result = run_config(deployments=[{"name": "web", "replicas": 8, "containers": [CONTAINER]}], duration_s=400,
                        workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 30, "deployment": "web", "image": "app:bad",
                                                                         "crash_after_s": 2}}])
    backoffs = events_of(result, "BackOff")
    assert backoffs.message.str.startswith("Back-off").any()
    ts = result.timeseries
    serving = ts[(ts.metric == "serving_replicas") & (ts.name == "web") & (ts.t > 30)]
    assert serving.value.min() >= 6  # maxUnavailable 25% of 8 = 2: the rollout stops there
    new = result.pods[(result.pods.created_s >= 30)]
    assert new.ready_s.isna().all() and (new.restarts > 0).all()
