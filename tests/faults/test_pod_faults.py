"""PodKill, ContainerKill, RegistryOutage and NodeDrain scenarios."""

from __future__ import annotations

from tests.conftest import events_of, run_config

WEB = {"name": "web", "replicas": 4, "containers": [{"name": "c", "image": "img:1", "requests": {"cpu": "500m"},
                                                      "readiness_probe": {"period_s": 5}, "behavior": {"ready_after_s": 2}}]}


def test_pod_kill_deletes_and_the_replicaset_replaces() -> None:
    res = run_config(deployments=[WEB], duration_s=200, faults=[{"name": "PodKill", "args": {"at_s": 60, "deployment": "web", "count": 2}}])
    killed = res.pods[res.pods.deletion_s.notna()]
    assert len(killed) == 2 and (killed.deletion_s == 60).all()
    assert len(res.pods) == 6 and res.summary["deployments"]["default/web"]["desired"] == 4


def test_container_kill_restarts_in_place() -> None:
    res = run_config(deployments=[WEB], duration_s=200, faults=[{"name": "ContainerKill", "args": {"at_s": 60, "deployment": "web"}}])
    assert res.pods.restarts.sum() == 1 and len(res.pods) == 4


def test_registry_outage_backs_off_image_pulls_then_recovers() -> None:
    dep = {**WEB, "replicas": 0}
    res = run_config(deployments=[dep], duration_s=600,
                     faults=[{"name": "RegistryOutage", "args": {"at_s": 10, "duration_s": 100}}],
                     workloads=[{"name": "DeploymentUpdate", "args": {"at_s": 20, "deployment": "web", "replicas": 2}}])
    backoff = events_of(res, "BackOff")
    assert len(backoff) >= 2 and backoff.message.str.startswith('Back-off pulling image').all()
    failed = events_of(res, "Failed")
    one = failed[failed.name == failed.name.iloc[0]]
    pulls = one[one.message.str.startswith("Failed to pull")].t.to_numpy()
    gaps = pulls[1:] - pulls[:-1]
    assert (gaps[:3] > [9, 19, 39]).all()  # ImagePullBackOff: 10 s doubling
    assert res.pods.ready_s.notna().all() and (res.pods.ready_s > 110).all()


def test_drain_respects_the_pod_disruption_budget() -> None:
    one_node = {"zones": ["a"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "4", "memory": "8Gi"}}]}
    dep = {**WEB, "replicas": 3, "node_selector": {}}
    res = run_config(cluster=one_node, deployments=[dep], duration_s=400,
                     pod_disruption_budgets=[{"name": "web", "selector": {"match_labels": {"app": "web"}}, "max_unavailable": 0}],
                     faults=[{"name": "NodeDrain", "args": {"at_s": 60, "nodes": ["n-0"], "timeout_s": 60}}])
    refused = events_of(res, "EvictionRefused")
    assert len(refused) >= 2 and events_of(res, "Evicted").empty  # maxUnavailable 0: never
    res2 = run_config(cluster=one_node, deployments=[dep], duration_s=400,
                      pod_disruption_budgets=[{"name": "web", "selector": {"match_labels": {"app": "web"}}, "max_unavailable": 1}],
                      faults=[{"name": "NodeDrain", "args": {"at_s": 60, "nodes": ["n-0"]}}])
    assert len(events_of(res2, "Evicted")) == len(res2.pods[(res2.pods.node == "n-0") & (res2.pods.created_s < 1)])
    assert res2.summary["pods_pending_at_end"] == 0
    assert not (res2.pods[res2.pods.created_s > 60].node == "n-0").any()  # cordoned


def test_bad_rollout_and_min_ready_seconds() -> None:
    bad = [{"name": "BadRollout", "args": {"at_s": 60, "deployment": "web", "image": "img:2", "crash_after_s": 5}}]
    res = run_config(deployments=[{**WEB, "replicas": 4}], duration_s=900, faults=bad)
    new = res.pods[res.pods.created_s > 60]
    assert len(new) >= 1 and new.restarts.max() >= 3
    assert events_of(res, "BackOff").message.str.startswith("Back-off").any()
    # each new pod is Ready for a moment before it crashes, so without minReadySeconds it counts as
    # available and the rollout goes on replacing the old version
    old_alive = res.pods[(res.pods.created_s < 60) & res.pods.deletion_s.isna()]
    assert len(old_alive) <= 1
    # with minReadySeconds longer than the crash delay, the rollout stalls at maxUnavailable (1 of 4)
    guarded = run_config(deployments=[{**WEB, "replicas": 4, "min_ready_s": 30}], duration_s=900, faults=bad)
    old_alive = guarded.pods[(guarded.pods.created_s < 60) & guarded.pods.deletion_s.isna()]
    assert len(old_alive) == 3


def test_image_pull_failure_only_hits_the_named_image() -> None:
    res = run_config(deployments=[{**WEB, "replicas": 2}], duration_s=300,
                     faults=[{"name": "ImagePullFailure", "args": {"at_s": 0, "images": ["img:2"]}},
                             {"name": "BadRollout", "args": {"at_s": 60, "deployment": "web", "image": "img:2"}}])
    failed = events_of(res, "Failed")
    pulls = failed[failed.message.str.startswith("Failed to pull")]
    assert len(pulls) > 0 and pulls.message.str.contains("img:2").all()
    assert res.pods[res.pods.created_s < 1].ready_s.notna().all()  # img:1 pulled fine


def test_daemonset_follows_the_nodes_and_jobs_finish_as_their_policies_say() -> None:
    res = run_config(duration_s=400, deployments=[],
                     cluster={"zones": ["a"], "node_pools": [
                         {"name": "n", "count": 3, "capacity": {"cpu": "4", "memory": "8Gi"}},
                         {"name": "gpu", "count": 1, "capacity": {"cpu": "4", "memory": "8Gi"}, "taints": [{"key": "gpu", "effect": "NoSchedule"}]}]},
                     daemon_sets=[{"name": "logs", "containers": [{"name": "c", "image": "f:1", "requests": {"cpu": "100m"}}]}],
                     jobs=[{"name": "pi", "completions": 5, "parallelism": 2, "run_s": 20, "containers": [{"name": "c", "image": "p:1"}]},
                           {"name": "flaky", "completions": 3, "backoff_limit": 2,
                            "containers": [{"name": "c", "image": "b", "behavior": {"crash_after_s": 5, "exit_code": 1}}]},
                           {"name": "policy", "fail_exit_codes": [42],
                            "containers": [{"name": "c", "image": "b", "behavior": {"crash_after_s": 5, "exit_code": 42}}]},
                           {"name": "deadline", "active_deadline_s": 15, "run_s": 60, "containers": [{"name": "c", "image": "b"}]}],
                     faults=[{"name": "NodeCrash", "args": {"at_s": 100, "nodes": ["n-0"]}}])
    ds = res.pods[res.pods.workload == "logs"]
    assert sorted(ds.node) == ["n-0", "n-1", "n-2"]  # the tainted node is not eligible
    assert events_of(res, "TaintManagerEviction").query("name.str.startswith('logs')", engine="python").empty  # daemon pods tolerate it
    jobs = res.summary["jobs"]
    assert jobs["default/pi"]["condition"] == "Complete" and jobs["default/pi"]["pods_created"] == 5
    assert jobs["default/flaky"]["reason"] == "BackoffLimitExceeded" and jobs["default/flaky"]["pods_created"] == 3
    assert jobs["default/policy"]["reason"] == "PodFailurePolicy" and jobs["default/policy"]["pods_created"] == 1
    assert jobs["default/deadline"]["reason"] == "DeadlineExceeded" and 15 <= jobs["default/deadline"]["finished_s"] <= 16
    flaky = res.pods[res.pods.workload == "flaky"].created_s.to_numpy()
    assert flaky[1] - flaky[0] > 10 and flaky[2] - flaky[1] > 20  # pod failure back-off: 10 s, then 20 s


def test_cronjob_schedules_policies_and_history() -> None:
    job = {"containers": [{"name": "c", "image": "b"}], "run_s": 90}
    res = run_config(duration_s=600, deployments=[], clock_start="2026-01-01T00:00:30Z",
                     cron_jobs=[{"name": "every", "schedule": "* * * * *", **job},
                                {"name": "forbid", "schedule": "*/1 * * * *", "concurrency_policy": "Forbid", **job},
                                {"name": "replace", "schedule": "* * * * *", "concurrency_policy": "Replace", **job},
                                {"name": "late", "schedule": "* * * * *", "starting_deadline_s": 5, "run_s": 10, "containers": job["containers"]}],
                     controller_manager={"replicas": 1},
                     faults=[{"name": "ControllerManagerCrash", "args": {"at_s": 200, "restart_after_s": 100}}])
    created = res.events[(res.events.reason == "SuccessfulCreate") & (res.events.kind == "CronJob")]
    per = created.groupby("name").size()
    firsts = created.groupby("name").t.min()
    assert 29 <= firsts["every"] <= 31  # the first minute boundary after 00:00:30
    # 90 s jobs every 60 s: Allow overlaps; Forbid skips every other start; Replace deletes the running one
    assert per["every"] > per["forbid"] and not res.events[res.events.reason == "JobAlreadyActive"].empty
    # the controller-manager was down from 200 s to about 315 s: one late start per CronJob, and past the deadline it is missed
    assert not res.events[(res.events.reason == "MissSchedule") & (res.events.name == "late")].empty
    during = created[(created.name == "every") & created.t.between(200, 320)]
    assert len(during) == 1 and during.t.iloc[0] > 295  # the missed 00:04:30 runs once, when the new leader starts
