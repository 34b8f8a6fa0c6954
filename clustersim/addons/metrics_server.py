"""metrics-server (kubernetes-sigs/metrics-server): pod resource usage for the metrics.k8s.io API.

Every ``resolution_s`` it scrapes each kubelet it can reach and replaces the served metrics with
what it found. CPU is a rate between two cumulative samples, so a pod has a metric only from the
second scrape that sees it running; a pod on a node that cannot be scraped (powered off, kubelet
stopped, partitioned) has none, as a real metrics-server drops such pods. Each metric carries its
timestamp and window, which the HPA's CPU initialization rules read.

Usage comes from the infrastructure: a ``CpuLoad`` workload's demand shared by its serving pods
(the sample is the usage at the scrape, not the average over the window), its per-pod memory, and
what a ``CpuStress`` or ``MemoryStress`` fault adds. Pods of workloads without a load use no CPU and no memory.

With a recorder, each scrape's PodMetrics are also kept as the run's ``usage`` frame (what ``kubectl
top`` would have shown at that time); the simulation starts metrics-server for that when the run has
a usage model (a ``CpuLoad`` workload or a ``CpuStress`` or ``MemoryStress`` fault), not only for HPAs.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

from clustersim.apiserver import ClusterState
from clustersim.config.models import MetricsServerConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Infrastructure
from clustersim.metrics.recorder import Recorder

__all__ = ["MetricsServer", "PodMetric"]


@dataclass(frozen=True, slots=True)
class PodMetric:
    """``metrics.k8s.io/v1beta1`` PodMetrics summed over containers: CPU millicores, memory bytes."""

    cpu_m: int
    memory: int
    timestamp_s: float
    window_s: float


class MetricsServer:
    """Scrapes the kubelets on a fixed period and publishes ``state.pod_metrics``."""

    def __init__(self, env: ClusterEnv, state: ClusterState, infra: Infrastructure, kubelets: Sequence[Any],
                 cfg: MetricsServerConfig, rec: Recorder | None = None) -> None:
        self.env, self.state, self.infra, self.kubelets, self.cfg = env, state, infra, kubelets, cfg
        self.rec = rec
        self._previous: set[str] = set()  # pod uids running at the last scrape
        self.scrapes = 0

    def start(self) -> None:
        """Scrape forever."""
        self.env.process(self.scrape_loop())

    def scrape_loop(self) -> Generator[Any, Any, None]:
        """One scrape per resolution period; the first at t = resolution (one window of samples)."""
        while True:
            yield self.env.timeout(self.cfg.resolution_s)
            self.scrape()

    def scrape(self) -> None:
        """Replace the served metrics with the usage of every reachable running pod."""
        now = self.env.now
        serving: dict[tuple[str, str], int] = {}
        running = []
        for kubelet in self.kubelets:
            host = kubelet.host
            for w in kubelet.workers.values():
                if not w.running or not host.powered:
                    continue
                pod = w.pod
                if w.serving:
                    k = (pod.meta.namespace, pod.workload)
                    serving[k] = serving.get(k, 0) + 1
                if host.kubelet_running and not host.cut_from_control_plane:
                    running.append(w)
        metrics: dict[str, PodMetric] = {}
        seen: set[str] = set()
        for w in running:
            pod = w.pod
            seen.add(pod.meta.uid)
            if pod.meta.uid not in self._previous:
                continue  # one sample only: no rate yet
            load = self.infra.loads.get((pod.meta.namespace, pod.workload))
            cpu, memory = 0.0, 0
            if load is not None:
                cpu, memory = load.idle_m, load.memory
                if w.serving:
                    cpu += load.demand_m(now) / serving[(pod.meta.namespace, pod.workload)]
            cpu += self.infra.cpu_stress.get(pod.meta.uid, 0)  # a stressor's burn (CpuStress)
            memory += self.infra.memory_stress.get(pod.meta.uid, 0)
            metrics[pod.key] = m = PodMetric(int(cpu), memory, now, self.cfg.resolution_s)
            if self.rec is not None:
                self.rec.pod_usage(pod.meta.namespace, pod.meta.name, pod.node_name, m.cpu_m, m.memory)
        self._previous = seen
        self.state.pod_metrics = metrics
        self.scrapes += 1
