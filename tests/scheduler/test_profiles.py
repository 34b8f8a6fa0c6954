"""Profiles: the default plugin set, KubeSchedulerConfiguration files with several profiles, research
policies, custom plugins, throughput limits and explanations."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from clustersim.config.load import ConfigError, load_config
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, CycleState
from clustersim.scheduler.profile import DEFAULT_SCORE_WEIGHTS, default_profile, parse_kube_scheduler_configuration
from clustersim.sim import run
from tests.conftest import events_of, make_config, run_config

KSC = """\
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
  - schedulerName: default-scheduler
  - schedulerName: bin-packing
    plugins:
      score:
        disabled:
          - name: NodeResourcesBalancedAllocation
          - name: PodTopologySpread
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
            resources: [{name: cpu, weight: 1}, {name: memory, weight: 1}]
"""


def _write(tmp_path: Path, ksc: str, deployments: str) -> Path:
    (tmp_path / "sched.yaml").write_text(textwrap.dedent(ksc))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(textwrap.dedent("""\
        duration_s: 120
        cluster:
          zones: [a, b]
          node_pools: [{name: n, count: 8, capacity: {cpu: "4", memory: 16Gi}}]
        scheduler: {config_file: sched.yaml}
        """) + textwrap.dedent(deployments))
    return cfg


DEPS = """\
deployments:
  - {name: spread, replicas: 6, containers: [{name: c, image: i, requests: {cpu: "1"}}]}
  - {name: packed, replicas: 6, scheduler_name: bin-packing, containers: [{name: c, image: i, requests: {cpu: "1"}}]}
"""


def test_two_profiles_each_place_their_own_pods(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, KSC, DEPS))
    names = [p.scheduler_name for p in cfg.scheduler.profiles]
    assert names == ["default-scheduler", "bin-packing"]
    packed = dict((s.name, s.weight) for s in cfg.scheduler.profiles[1].scores or ())
    assert "PodTopologySpread" not in packed and packed["NodeResourcesFit"] == 1 and packed["TaintToleration"] == 3
    result = run(cfg)
    pods = result.pods
    assert pods.scheduled_s.notna().all()
    assert pods[pods.workload == "spread"].node.nunique() == 6    # LeastAllocated + spreading: one per node
    assert pods[pods.workload == "packed"].node.nunique() <= 2    # MostAllocated: 4 cpu nodes filled in turn


def test_unknown_scheduler_name_is_a_config_error(tmp_path: Path) -> None:
    bad = DEPS.replace("bin-packing", "nope")
    with pytest.raises(ConfigError, match="deployments.1.scheduler_name: no scheduler profile 'nope'"):
        load_config(_write(tmp_path, KSC, bad))


@pytest.mark.parametrize(("ksc", "field"), [
    (KSC.replace("NodeResourcesBalancedAllocation", "NoSuchPlugin"), "profiles[1].plugins.score.disabled[0].name"),
    (KSC.replace("type: MostAllocated", "type: Mostly"), "profiles[1].pluginConfig[NodeResourcesFit].args.scoringStrategy.type"),
    (KSC.replace("kind: KubeSchedulerConfiguration", "kind: Other"), "kind"),
    (KSC.replace("apiVersion: kubescheduler.config.k8s.io/v1", "apiVersion: kubescheduler.config.k8s.io/v1beta2"), "apiVersion"),
    (KSC + "extenders: [{urlPrefix: http://x}]\n", "extenders"),
    (KSC + "colour: blue\n", "colour"),
    (KSC.replace("      score:", "      scor:"), "profiles[1].plugins.scor"),
])
def test_bad_kube_scheduler_configuration_names_file_and_field(tmp_path: Path, ksc: str, field: str) -> None:
    with pytest.raises(ConfigError) as e:
        load_config(_write(tmp_path, ksc, DEPS))
    assert e.value.source.endswith("sched.yaml") and e.value.field == field, str(e.value)
    assert "\n" not in str(e.value)


def test_multipoint_expansion_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text(textwrap.dedent("""\
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        percentageOfNodesToScore: 70
        parallelism: 8
        clientConnection: {qps: 200, burst: 400}
        profiles:
          - schedulerName: a
            plugins:
              score:
                enabled: [{name: NodeResourcesFit, weight: 5}]
          - schedulerName: b
            plugins:
              score:
                disabled: [{name: "*"}]
                enabled: [{name: ImageLocality, weight: 3}]
              multiPoint:
                disabled: [{name: DefaultPreemption}]
          - schedulerName: c
            percentageOfNodesToScore: 30
            plugins:
              multiPoint:
                enabled: [{name: FirstFit, weight: 4}]
        """))
    profiles, settings = parse_kube_scheduler_configuration(path)
    a, b, c = profiles
    # an explicitly configured default plugin moves first at its point and keeps its explicit weight
    assert a.scores[0] == ("NodeResourcesFit", 5) and dict(a.scores)["TaintToleration"] == 3
    assert b.scores == (("ImageLocality", 3),) and b.post_filters == () and a.post_filters == ("DefaultPreemption",)
    assert b.filters == default_profile().filters  # disabling scores leaves filters alone
    assert c.scores[-1] == ("FirstFit", 4) and c.percentage_of_nodes_to_score == 30
    assert settings == {"percentage_of_nodes_to_score": 70, "parallelism": 8, "client_qps": 200, "client_burst": 400}


def test_default_profile_matches_upstream() -> None:
    p = default_profile()
    assert dict(p.scores) == DEFAULT_SCORE_WEIGHTS
    assert p.filters[:6] == ("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit")
    assert p.filters[-2:] == ("PodTopologySpread", "InterPodAffinity") and p.post_filters == ("DefaultPreemption",)


def _placements(policy: str, replicas: int = 6) -> list[str]:
    res = run_config(deployments=[{"name": "w", "replicas": replicas, "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1"}}]}],
                     scheduler={"profiles": [{"policy": policy}]}, duration_s=60)
    return res.pods.sort_values("created_s").node.tolist()


def test_research_policies() -> None:
    ff = _placements("first-fit")
    assert ff == ["n-0"] * 4 + ["n-1"] * 2            # 4-cpu nodes filled in node order
    bf = _placements("best-fit")
    assert sorted(set(bf)) == sorted(set(bf)) and max(bf.count(n) for n in set(bf)) == 4
    assert len(set(_placements("spread"))) == 6          # least requested first: one per node
    rnd = [tuple(_placements("random", 12)) for _ in range(1)]
    assert len(set(rnd[0])) >= 3                          # uniform among feasible nodes


def test_custom_score_plugin_through_the_registry() -> None:
    @SCHEDULER_PLUGINS.register("PreferOddNodes")
    @dataclass(frozen=True)
    class PreferOddNodes:
        """Scores nodes with an odd index 100."""

        name: str = "PreferOddNodes"
        normalize_is_identity = True

        def skip_score(self, pod: object, nodes: object) -> bool:
            return False

        def score(self, state: CycleState, pod: object, nodes: object, idx: np.ndarray) -> np.ndarray:
            return np.where(idx % 2 == 1, 100, 0)

        def normalize(self, state: CycleState, pod: object, scores: np.ndarray) -> np.ndarray:
            return scores

    try:
        res = run_config(deployments=[{"name": "w", "replicas": 3, "containers": [{"name": "c", "image": "i", "requests": {"cpu": "1"}}]}],
                         scheduler={"profiles": [{"scores": [{"name": "PreferOddNodes", "weight": 1}]}]}, duration_s=60)
        assert set(res.pods.node) <= {"n-1", "n-3", "n-5"}
    finally:
        SCHEDULER_PLUGINS._items.pop("PreferOddNodes")


def test_node_ports_keep_host_port_pods_apart() -> None:
    dep = {"name": "hp", "replicas": 4, "containers": [{"name": "c", "image": "i", "ports": [{"container_port": 80, "host_port": 8080}]}]}
    res = run_config(cluster={"zones": ["a"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "4", "memory": "8Gi"}}]},
                     deployments=[dep], duration_s=60,
                     scheduler={"profiles": [{"plugin_args": {"PodTopologySpread": {"defaultingType": "List", "defaultConstraints": []}},
                                              "scores": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {"type": "MostAllocated"}}}]}]})
    placed = res.pods[res.pods.scheduled_s.notna()]
    assert len(placed) == 3 and placed.node.is_unique  # bin-packing would stack them, the port forbids it
    failed = events_of(res, "FailedScheduling")
    assert failed.message.str.startswith("0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.").all()


def test_client_qps_limits_the_binding_rate() -> None:
    dep = {"name": "burst", "replicas": 60, "containers": [{"name": "c", "image": "i"}]}
    fast = run_config(deployments=[dep], duration_s=120)
    slow = run_config(deployments=[dep], duration_s=120, scheduler={"client_qps": 5, "client_burst": 10})
    last_fast = fast.pods.scheduled_s.max() - fast.pods.created_s.min()
    last_slow = slow.pods.scheduled_s.max() - slow.pods.created_s.min()
    assert last_fast < 2 and 9 < last_slow < 12  # 10 at once, then 50 at 5/s


def test_cycle_cost_scales_with_nodes_over_parallelism() -> None:
    dep = {"name": "w", "replicas": 20, "containers": [{"name": "c", "image": "i"}]}
    res = run_config(deployments=[dep], duration_s=120, scheduler={"node_eval_s": 0.01, "parallelism": 2})
    # 6 nodes examined per cycle, ceil(6 / 2) * 10 ms = 30 ms per pod
    span = res.pods.scheduled_s.max() - res.pods.scheduled_s.min()
    assert span == pytest.approx(19 * 0.03, abs=0.02)


def test_explanations_frame_shows_filters_scores_and_the_choice() -> None:
    cfg = make_config(scheduler={"explain_pods": ["web-*"]},
                      cluster={"zones": ["a"], "node_pools": [{"name": "n", "count": 3, "capacity": {"cpu": "4", "memory": "8Gi"}},
                                                              {"name": "tiny", "count": 1, "capacity": {"cpu": "100m", "memory": "8Gi"}}]})
    res = run(cfg)
    ex = res.explanations
    assert set(ex.pod.str.slice(0, 4)) == {"web-"}
    first = ex[ex.cycle == ex.cycle.min()]
    fit = first[(first.stage == "filter") & (first.plugin == "NodeResourcesFit")].set_index("node")
    assert not fit.loc["tiny-0", "passed"] and fit.loc["tiny-0", "reason"] == "Insufficient cpu"
    totals = first[first.stage == "total"].set_index("node")
    assert totals.chosen.sum() == 1 and "tiny-0" not in totals.index
    chosen = totals[totals.chosen].index[0]
    scores = first[first.stage == "score"]
    per_node = scores.groupby("node").weighted.sum()
    assert per_node[chosen] == per_node.max() == totals.loc[chosen, "weighted"]
    assert set(scores.plugin) >= {"NodeResourcesFit", "NodeResourcesBalancedAllocation", "PodTopologySpread"}
    # the node the pod went to is the one the frame says was chosen
    pods = res.pods.set_index("name")
    assert pods.loc[first.pod.iloc[0], "node"] == chosen
