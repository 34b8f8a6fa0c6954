"""kube-proxy's network programming: the bounded-frequency runner and what a sync costs per proxy mode."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.api.objects import Endpoint, EndpointSlice, ObjectMeta
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.config.models import KubeProxyConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder
from clustersim.node.kube_proxy import KubeProxy


def _proxy(**cfg: object) -> tuple[ClusterEnv, ClusterState, KubeProxy]:
    env = ClusterEnv(1)
    state = ClusterState(env, 0.0, DefaultTolerationSeconds(300, 300))
    proxy = KubeProxy(env, state, Infrastructure(), KubeProxyConfig(**cfg), Recorder(env))  # type: ignore[arg-type]
    proxy.start()
    return env, state, proxy


def _slice(i: int, n: int) -> EndpointSlice:
    eps = tuple(Endpoint(f"default/p{i}-{k}", "n", True, True, False) for k in range(n))
    return EndpointSlice(ObjectMeta(f"s{i}", "default"), f"default/s{i}", eps)


def _fill(env: ClusterEnv, state: ClusterState, services: int, endpoints: int) -> list[EndpointSlice]:
    out = [state.create(_slice(i, endpoints)) for i in range(services)]
    env.run(until=env.now + 100)
    return out


def test_changes_wait_for_the_min_sync_period_and_the_running_sync() -> None:
    env, state, proxy = _proxy(min_sync_period_s=10.0, timing={"base_s": 0.5})
    (s0, s1) = _fill(env, state, 2, 1)
    proxy.latencies.clear()
    state.update(s0)  # long after the last sync: at once
    env.run(until=env.now + 3)
    state.update(s1)  # 3 s later: waits for the 10 s period
    env.run(until=env.now + 30)
    assert proxy.latencies == [pytest.approx(0.5, abs=0.01), pytest.approx(7 + 0.5, abs=0.01)]


def test_a_ten_second_min_sync_adds_about_five_seconds_to_evenly_spread_changes() -> None:
    # K2: with updates spread evenly, a 10 s period adds about half of it on average
    def mean_latency(period: float) -> float:
        env, state, proxy = _proxy(min_sync_period_s=period, timing={"base_s": 0.0})
        slices = _fill(env, state, 50, 1)
        proxy.latencies.clear()
        rng = np.random.default_rng(3)
        for t in np.sort(rng.uniform(0, 2000, 400)):
            env.run(until=100 + t)
            state.update(slices[int(rng.integers(50))])
        env.run(until=env.now + 60)
        return float(np.mean(proxy.latencies))

    assert mean_latency(10.0) - mean_latency(0.0) == pytest.approx(5.0, abs=1.0)


@pytest.mark.parametrize("mode", ["iptables", "nftables", "ipvs"])
def test_sync_cost_grows_with_services_only_in_iptables_mode(mode: str) -> None:
    costs = []
    for services in (100, 10_000):
        env, state, proxy = _proxy(mode=mode)
        slices = _fill(env, state, services, 10)
        costs.append(proxy.duration_s(False, {slices[0].service: slices[0]}))
    if mode == "iptables":
        assert costs[1] - costs[0] == pytest.approx(2 * 9900 / 28000)  # the KUBE-SERVICES chain is rewritten at every sync
    else:
        assert costs[1] == pytest.approx(costs[0], rel=0.05)


def test_full_resyncs_dominate_the_tail_without_minimize_iptables_restore() -> None:
    env, state, proxy = _proxy(minimize_iptables_restore=False)
    slices = _fill(env, state, 2000, 50)
    full = proxy.duration_s(True, {})
    partial = proxy.duration_s(False, {slices[0].service: slices[0]})
    assert full > 5 * partial
    proxy.latencies.clear()
    state.update(slices[0])
    env.run(until=env.now + 30)
    assert proxy.latencies[0] >= full  # every sync restores every rule
