"""Build a simulation from a config (the elaborate step) and run it.

``build(cfg)`` creates the environment, the API store, one host and kubelet per node, the scheduler,
the controllers, the kube-state observer, the Deployments, the workloads and the faults; each
component's ``start()`` registers its watches and processes. ``run(cfg)`` runs until
``duration_s`` and returns a ``RunResult`` with DataFrames and a summary.
"""

from __future__ import annotations

import contextlib
import gc
import resource
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

import clustersim.cloud.faults  # noqa: F401  (registers the cloud faults)
import clustersim.controllers  # noqa: F401  (registers controllers)
import clustersim.faults  # noqa: F401
import clustersim.scheduler.plugins  # noqa: F401
import clustersim.workload  # noqa: F401
from clustersim.actors import ActorContext
from clustersim.addons.metrics_server import MetricsServer
from clustersim.addons.setup import Addons
from clustersim.addons.workloads import addon_workloads
from clustersim.api.objects import Node, ObjectMeta
from clustersim.api.rbac import Namespace
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.auth.authn import Credential
from clustersim.auth.bootstrappolicy.addons import ADDONS, addon_policy
from clustersim.auth.identity import (
    ADMIN,
    KUBE_CONTROLLER_MANAGER_IDENTITY,
    KUBE_PROXY_IDENTITY,
    KUBE_SCHEDULER_IDENTITY,
    controller_identity,
    service_account,
)
from clustersim.auth.identity import node as node_identity
from clustersim.auth.materialize import objects_from_config
from clustersim.auth.server import SYSTEM_NAMESPACES, ApiServerAuth
from clustersim.auth.summary import denied_summary
from clustersim.client import Client, Gate
from clustersim.client.leader_election import ElectedComponent
from clustersim.cloud.autoscaler import ClusterAutoscaler
from clustersim.cloud.ccm import CloudControllerManager
from clustersim.cloud.simulated import SimulatedCloud
from clustersim.cloud.termination_handler import TerminationHandler
from clustersim.config.models import SimConfig
from clustersim.controllers.base import CONTROLLERS
from clustersim.dataplane.external import ExternalEndpoint
from clustersim.env import ClusterEnv
from clustersim.faults.base import FAULTS, FaultInjector
from clustersim.infra import Infrastructure
from clustersim.materialize import (
    cronjob_from_config,
    daemonset_from_config,
    deployment_from_config,
    endpointslice_from_config,
    hpa_from_config,
    ingress_from_config,
    ingressclass_from_config,
    job_from_config,
    nodes_from_config,
    pdb_from_config,
    pod_from_config,
    pvc_from_config,
    replicaset_from_config,
    service_from_config,
    statefulset_from_config,
)
from clustersim.metrics import frames
from clustersim.metrics.kube_state import KubeStateMetrics
from clustersim.metrics.recorder import Recorder
from clustersim.metrics.summary import SUMMARY_EVENT_KINDS, SUMMARY_EVENT_REASONS, SUMMARY_SERIES, latency_summary, summarize
from clustersim.node.images import ImageService, Registries
from clustersim.node.kube_proxy import KubeProxy
from clustersim.node.kubelet import Kubelet
from clustersim.scheduler.profile import profiles_from_config
from clustersim.scheduler.scheduler import Scheduler
from clustersim.snapshot.restore import create_snapshot_objects, set_node_conditions, snapshot_images
from clustersim.traffic.clients import Traffic
from clustersim.workload.base import WORKLOADS

__all__ = ["RunResult", "Simulation", "build", "few_gc_passes", "run"]

PROGRESS_STEPS = 200  # slices of simulated time when a run reports progress


class RunResult:
    """Outputs of one run: config, DataFrames, summary, and cost.

    The frames (``FRAMES``) are read from the run's tables on first use and kept; a streamed run's
    tables are its Parquet files. A result holds no reference to the simulation.
    """

    FRAMES = ("timeseries", "events", "pods", "faults", "explanations", "requests", "pod_status", "node_status", "usage",
              "denied_requests")

    def __init__(self, config: SimConfig, seed: int, summary: dict[str, Any], runtime_s: float,
                 stats: dict[str, Any] | None = None, error: str | None = None,
                 frames: dict[str, pd.DataFrame | Callable[[], pd.DataFrame]] | None = None) -> None:
        self.config, self.seed, self.summary, self.runtime_s = config, seed, summary, runtime_s
        self.stats: dict[str, Any] = stats if stats is not None else {}
        self.error = error
        self.out: Path | None = None  # the folder a streamed run's frames are in
        self._frames: dict[str, pd.DataFrame | Callable[[], pd.DataFrame]] = dict(frames or {})
        self._select: Callable[[list[str]], pd.DataFrame] | None = None  # timeseries rows of some metrics

    def frame(self, name: str) -> pd.DataFrame:
        """One of ``FRAMES`` (read once, then kept; empty when the run has none)."""
        got = self._frames.get(name)
        if got is None:
            got = self._frames[name] = pd.DataFrame()
        elif not isinstance(got, pd.DataFrame):
            got = self._frames[name] = got()
        return got

    def set_frame(self, name: str, df: pd.DataFrame) -> None:
        """Replace a frame."""
        self._frames[name] = df

    def select_timeseries(self, metrics: list[str]) -> pd.DataFrame:
        """The timeseries rows of ``metrics`` only (without reading the others when not yet read)."""
        got = self._frames.get("timeseries")
        if isinstance(got, pd.DataFrame) or self._select is None:
            ts = self.timeseries
            return ts[ts["metric"].isin(metrics)].reset_index(drop=True)
        return self._select(metrics)

    @property
    def timeseries(self) -> pd.DataFrame:
        """Level changes: ``t, metric, namespace, name, zone, value``."""
        return self.frame("timeseries")

    @timeseries.setter
    def timeseries(self, df: pd.DataFrame) -> None:
        self.set_frame("timeseries", df)

    @property
    def events(self) -> pd.DataFrame:
        """Kubernetes events: ``t, kind, namespace, name, reason, message, node, type``."""
        return self.frame("events")

    @events.setter
    def events(self, df: pd.DataFrame) -> None:
        self.set_frame("events", df)

    @property
    def pods(self) -> pd.DataFrame:
        """One lifecycle row per pod."""
        return self.frame("pods")

    @pods.setter
    def pods(self, df: pd.DataFrame) -> None:
        self.set_frame("pods", df)

    @property
    def faults(self) -> pd.DataFrame:
        """One row per injected fault and target, with the critical path."""
        return self.frame("faults")

    @faults.setter
    def faults(self, df: pd.DataFrame) -> None:
        self.set_frame("faults", df)

    @property
    def explanations(self) -> pd.DataFrame:
        """scheduler.explain_pods: per node and plugin."""
        return self.frame("explanations")

    @explanations.setter
    def explanations(self, df: pd.DataFrame) -> None:
        self.set_frame("explanations", df)

    @property
    def requests(self) -> pd.DataFrame:
        """Client requests per traffic step and Service."""
        return self.frame("requests")

    @requests.setter
    def requests(self, df: pd.DataFrame) -> None:
        self.set_frame("requests", df)

    @property
    def pod_status(self) -> pd.DataFrame:
        """Each pod status change (kube-state view)."""
        return self.frame("pod_status")

    @pod_status.setter
    def pod_status(self, df: pd.DataFrame) -> None:
        self.set_frame("pod_status", df)

    @property
    def node_status(self) -> pd.DataFrame:
        """Each node status change."""
        return self.frame("node_status")

    @node_status.setter
    def node_status(self, df: pd.DataFrame) -> None:
        self.set_frame("node_status", df)

    @property
    def usage(self) -> pd.DataFrame:
        """metrics-server's pod usage samples (runs with a usage model)."""
        return self.frame("usage")

    @usage.setter
    def usage(self, df: pd.DataFrame) -> None:
        self.set_frame("usage", df)

    @property
    def denied_requests(self) -> pd.DataFrame:
        """API requests refused (401/403), one row each (``clustersim.metrics.frames.DENIED_COLUMNS``)."""
        return self.frame("denied_requests")

    @denied_requests.setter
    def denied_requests(self, df: pd.DataFrame) -> None:
        self.set_frame("denied_requests", df)


class Simulation:
    """All components of one run, wired through one ClusterState."""

    def __init__(self, cfg: SimConfig, out: Path | None = None) -> None:
        """``out``: stream the run's tables to Parquet files in this folder as it runs."""
        self.cfg = cfg
        self.env = ClusterEnv(cfg.seed)
        admission = DefaultTolerationSeconds(cfg.apiserver.default_not_ready_toleration_seconds,
                                             cfg.apiserver.default_unreachable_toleration_seconds)
        self.state = ClusterState(self.env, cfg.apiserver.watch_latency_s, admission)
        self.rec = Recorder(self.env, out, frames.schema_for)
        self.auth = ApiServerAuth(self.state, self.rec, cfg.auth)
        self._cm_cred: Credential | None = None
        self.infra = Infrastructure(cfg.images.failing)
        self.registries = Registries(cfg.images)  # shared by every node's image service
        self.kubelets: list[Kubelet] = []
        addon_images = addon_workloads(cfg).image_sizes_mib  # the add-ons' images, pulled like any
        self.images = cfg.images.model_copy(update={"sizes_mib": {**addon_images, **cfg.images.sizes_mib}}) if addon_images else cfg.images
        for ext in cfg.external_services:
            self.infra.external.add(ExternalEndpoint(ext.name.rstrip(".").lower(), ext.addresses, ext.availability, ext.dns_ttl_s, ext.latency_s))
        self.cloud = SimulatedCloud(self.env, self.infra, self.rec, cfg) if cfg.cloud is not None else None
        nodes = nodes_from_config(cfg)
        if self.cloud is not None:
            if self.cloud.cc.adopt_cluster_nodes:
                for node in nodes:
                    self.cloud.adopt(node)
            nodes += self.cloud.initial_nodes()
            self.cloud.boot = lambda _inst, node: self._kubelet(node).start()  # cloud-init starts the kubelet
        for node in nodes:
            self.infra.add_host(node.meta.name, node.meta.labels.get("topology.kubernetes.io/zone", ""))
        set_node_conditions(cfg, nodes, self.infra)
        for node in nodes:
            self._kubelet(node)
        sched_gate, cm_gate = Gate(self.env), Gate(self.env)
        self.infra.control_plane_gates = [sched_gate, cm_gate]
        for name, gate, replicas, election in (("kube-scheduler", sched_gate, cfg.scheduler.replicas, cfg.scheduler.leader_election),
                                               ("kube-controller-manager", cm_gate, cfg.controller_manager.replicas,
                                                cfg.controller_manager.leader_election)):
            self.infra.control_plane[name] = ElectedComponent(self.env, name, gate, replicas, election, self._recorder_for(name))
        self.scheduler = Scheduler(self.env, self.auth.client(KUBE_SCHEDULER_IDENTITY, sched_gate), self.rec,  # type: ignore[arg-type]
                                   cfg.scheduler, profiles_from_config(cfg.scheduler))
        self.controllers = [CONTROLLERS.get(n)(self.env, self._controller_client(n, cm_gate), self.rec, cfg.controller_manager)
                            for n in cfg.controller_manager.controllers]
        for c in self.controllers:
            c._clock_start = cfg.clock_start  # wall-clock time at t=0, for cron schedules
        self.ccm = self._cloud_controller_manager()
        self.addons = Addons(self.env, self.state, self.infra, cfg, self.rec,
                             lambda ns, sa, gate: self.auth.client(service_account(ns, sa), gate))
        self.termination_handler = self._termination_handler()
        self.autoscaler = self._cluster_autoscaler()
        self.observer = KubeStateMetrics(self.state, self.rec)
        self.metrics_server = MetricsServer(self.env, self.state, self.infra, self.kubelets, cfg.metrics_server, self.rec)
        self.kube_proxy = KubeProxy(self.env, self.auth.client(KUBE_PROXY_IDENTITY), self.infra, cfg.kube_proxy, self.rec)  # type: ignore[arg-type]
        self.admin = self.auth.client(ADMIN)  # kubectl with admin.conf: creates the config's objects
        self.traffic = Traffic(self.env, self.state, self.infra, self.rec, cfg)
        ctx = ActorContext(self.env, self.state, self.infra, self.rec, cfg, self.auth, self.cloud)
        self.workloads = [WORKLOADS.get(w.name)(i, WORKLOADS.get(w.name).Args.model_validate(w.args), ctx)
                          for i, w in enumerate(cfg.workloads)]
        self.faults = [FAULTS.get(f.name)(i, FAULTS.get(f.name).Args.model_validate(f.args), ctx)
                       for i, f in enumerate(cfg.faults)]
        for fault in self.faults:
            if not isinstance(fault, FaultInjector):
                raise TypeError(f"{type(fault).__name__} is not a FaultInjector")

    def _kubelet(self, node: Node) -> Kubelet:
        """The kubelet (and its image service) of a node whose host exists."""
        cfg = self.cfg
        images = ImageService(cfg.kubelet, self.images, self.registries,
                              {img: 0.0 for img in (*cfg.images.preloaded, *snapshot_images(cfg, node.meta.name))})
        kubelet = Kubelet(self.env, self.auth.client(node_identity(node.meta.name)), self.rec, cfg.kubelet,  # type: ignore[arg-type]
                          self.infra, node, images)
        self.kubelets.append(kubelet)
        return kubelet

    def _cloud_controller_manager(self) -> CloudControllerManager | None:
        """cloud-controller-manager, elected, behind its own gate (None without a cloud)."""
        if self.cloud is None or self.cfg.cloud is None:
            return None
        cc = self.cfg.cloud.controller_manager
        gate = Gate(self.env)
        self.infra.control_plane_gates.append(gate)
        self.infra.control_plane["cloud-controller-manager"] = ElectedComponent(
            self.env, "cloud-controller-manager", gate, cc.replicas, cc.leader_election, self._recorder_for("cloud-controller-manager"))
        client = self.auth.client(service_account("kube-system", "cloud-controller-manager"), gate)
        return CloudControllerManager(self.env, client, self.rec, cc, self.cloud)

    def _recorder_for(self, component: str) -> Callable[[str, str], None]:
        """Events on a control-plane component."""
        return lambda reason, message: self.rec.event("Component", "", component, reason, message, "")

    def _controller_client(self, name: str, gate: Gate) -> Client:
        """A controller's client: its own ServiceAccount (--use-service-account-credentials), else the manager's."""
        if self._cm_cred is None:
            self._cm_cred = self.auth.login(KUBE_CONTROLLER_MANAGER_IDENTITY)
        if not self.cfg.auth.use_service_account_credentials:
            return self.auth.client(self._cm_cred, gate)
        identity = controller_identity(name, getattr(CONTROLLERS.get(name), "service_account", None))
        return self.auth.client(identity, gate, watch_as=self._cm_cred)

    def _cluster_autoscaler(self) -> ClusterAutoscaler | None:
        """cluster-autoscaler, elected, behind its own gate (None unless cloud.autoscaler is set)."""
        if self.cloud is None or self.cfg.cloud is None or self.cfg.cloud.autoscaler is None:
            return None
        ca = self.cfg.cloud.autoscaler
        gate = Gate(self.env)
        self.infra.control_plane_gates.append(gate)
        self.infra.control_plane["cluster-autoscaler"] = ElectedComponent(
            self.env, "cluster-autoscaler", gate, ca.replicas, ca.leader_election, self._recorder_for("cluster-autoscaler"))
        provision = {p.name: p.max_node_provision_time_s for p in self.cfg.cloud.node_pools if p.max_node_provision_time_s is not None}
        client = self.auth.client(service_account("kube-system", "cluster-autoscaler"), gate)  # its manifest's ServiceAccount
        return ClusterAutoscaler(self.env, client, self.rec, ca, self.cloud, provision)

    def _termination_handler(self) -> TerminationHandler | None:
        """The node termination handler, when configured (it runs on the nodes: its own client)."""
        if self.cloud is None or self.cfg.cloud is None or not self.cfg.cloud.termination_handler.enabled:
            return None
        gate = Gate(self.env)
        self.infra.control_plane_gates.append(gate)  # the API server going down cuts it off too
        client = self.auth.client(service_account("kube-system", "aws-node-termination-handler"), gate)  # its chart's ServiceAccount
        return TerminationHandler(self.env, client, self.rec, self.cfg.cloud.termination_handler, self.cloud)

    def start(self) -> None:
        """Bootstrap the API server's policy, start every component, then create the Deployments."""
        accounts = [(c.state.credential.identity.namespace, c.state.credential.identity.service_account) for c in self.controllers
                    if c.state.credential is not None and c.state.credential.identity.service_account]
        addons: list[Any] = []
        if self.ccm is not None:  # its manifest's ServiceAccount, ClusterRole and binding
            accounts.append(("kube-system", "cloud-controller-manager"))
            addons += addon_policy("cloud-controller-manager")
        for addon, component in (("cluster-autoscaler", self.autoscaler), ("aws-node-termination-handler", self.termination_handler)):
            if component is not None:
                _, _, ns, sa = ADDONS[addon]
                accounts.append((ns, sa))
                addons += addon_policy(addon)
        own: list[Any] = []  # the cluster add-ons' ServiceAccounts and RBAC, first: a manifest's own objects of the same names win
        for addon, ns, sa in self.addons.accounts:
            accounts.append((ns, sa))
            if ns not in SYSTEM_NAMESPACES:
                own.append(Namespace(ObjectMeta(ns)))
            own += addon_policy(addon, ns)
        self.auth.bootstrap([*own, *objects_from_config(self.cfg, accounts), *addons])
        self.observer.start()
        for kubelet in list(self.kubelets):
            kubelet.start()
        self.scheduler.start()
        for c in self.controllers:
            c.start()
        if self.ccm is not None:
            self.ccm.start()
        if self.termination_handler is not None:
            self.termination_handler.start()
        if self.autoscaler is not None:
            self.autoscaler.start()
        self.kube_proxy.start()
        self.addons.start()
        for b in self.cfg.pod_disruption_budgets:
            self.admin.create(pdb_from_config(b))
        for svc in self.addons.services():
            self.admin.create(service_from_config(svc, self.addons.cluster_ip(svc)))
        for es in self.cfg.endpoint_slices:
            self.admin.create(endpointslice_from_config(es))
        classes = self.addons.ingress_classes()
        for ic in classes:
            self.admin.create(ingressclass_from_config(ic))
        for ing in self.cfg.ingresses:
            self.admin.create(ingress_from_config(ing, classes))
        for c in self.cfg.persistent_volume_claims:
            self.admin.create(pvc_from_config(c))
        for h in self.cfg.horizontal_pod_autoscalers:
            self.admin.create(hpa_from_config(h, self.cfg.controller_manager.hpa_downscale_stabilization_s))
        usage_model = any(w.name == "CpuLoad" for w in self.cfg.workloads) or any(
            f.name in ("CpuStress", "MemoryStress") for f in self.cfg.faults)
        if self.cfg.horizontal_pod_autoscalers or usage_model:
            self.metrics_server.start()  # HPAs read it and the usage frame records it: no scrape events otherwise
        for d in self.addons.deployments():
            self.admin.create(deployment_from_config(d, self.cfg.priority_classes))
        for st in self.cfg.stateful_sets:
            self.admin.create(statefulset_from_config(st, self.cfg.priority_classes))
        for ds in self.addons.daemon_sets():
            self.admin.create(daemonset_from_config(ds, self.cfg.priority_classes))
        for j in self.cfg.jobs:
            self.admin.create(job_from_config(j, self.cfg.priority_classes))
        for c in self.cfg.cron_jobs:
            self.admin.create(cronjob_from_config(c, self.cfg.priority_classes))
        for r in self.cfg.replica_sets:
            self.admin.create(replicaset_from_config(r, self.cfg.priority_classes))
        for p in self.cfg.pods:
            pod = self.admin.create(pod_from_config(p, self.cfg.priority_classes))
            self.rec.pod(pod.meta.uid, pod.meta.namespace, pod.meta.name, pod.workload)
        create_snapshot_objects(self.state, self.infra, self.rec, self.cfg)
        for w in self.workloads:
            w.start()
        for f in self.faults:
            f.start()
        self.traffic.start()

    def run(self, progress: Callable[[float], None] | None = None) -> RunResult:
        """Run to ``duration_s``; build the frames and the summary.

        With ``progress``, the run advances in ``PROGRESS_STEPS`` slices of simulated time and calls it
        with the time reached after each. The slices' stop events are urgent and sort by time, so
        every other event keeps its order and the results are the same as in one go.
        """
        t0 = time.perf_counter()
        self.start()
        with few_gc_passes():
            if progress is None:
                self.env.run(until=self.cfg.duration_s)
            else:
                end = self.cfg.duration_s
                for i in range(1, PROGRESS_STEPS + 1):
                    target = end * i / PROGRESS_STEPS
                    if target > self.env.now:
                        self.env.run(until=target)
                    progress(float(self.env.now))
        t_sim = time.perf_counter() - t0
        result = self.result(t_sim)
        result.runtime_s = time.perf_counter() - t0
        return result

    def result(self, t_sim: float) -> RunResult:
        """Frames and summary of what has run so far (a streamed run's files are completed: it ends here).

        The summary reads only the rows it needs; the other frames are read when first asked for.
        """
        end = self.env.now
        rec = self.rec
        pods_table = frames.finalize(rec) if rec.out is not None else frames.pod_table(rec)
        pods = frames.table_frame(pods_table, "pods")
        faults = frames.faults(rec)
        requests = frames.requests(self.traffic.rows)
        ts = frames.timeseries(rec, metrics=list(SUMMARY_SERIES))
        ev = frames.events(rec, reasons=list(SUMMARY_EVENT_REASONS), kinds=list(SUMMARY_EVENT_KINDS))
        summary, faults = summarize(self.cfg, end, ts, ev, pods, faults, requests)
        del ts, ev
        summary["network_programming"] = latency_summary(self.kube_proxy.latencies)
        stats = {
            "sim_events": self.env.events_scheduled,
            "api_writes": self.state.writes,
            "scheduling_decisions": self.scheduler.decisions,
            "preemptions": self.scheduler.preemptions,
            "wall_sim_s": t_sim,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        tables = dict(rec.tables)  # not the recorder: a result must not keep the simulation alive
        explanations = list(self.scheduler.explanations)
        lazy: dict[str, pd.DataFrame | Callable[[], pd.DataFrame]] = {
            "timeseries": lambda: frames.timeseries_of(tables["timeseries"]),
            "events": lambda: frames.events_of(tables["events"]),
            "pods": pods, "faults": faults, "requests": requests,
            "explanations": lambda: frames.explanations(explanations),
        }
        for name in ("pod_status", "node_status", "usage"):
            lazy[name] = lambda t=tables[name]: frames.table_of(t)  # type: ignore[misc]
        denied = frames.denied_requests(self.auth.filter.rows)
        lazy["denied_requests"] = denied
        if len(denied):  # only then: a default run's summary is what it was before authorization
            summary.update(denied_summary(denied))
        stats["auth_decisions"] = self.auth.filter.decisions
        result = RunResult(self.cfg, self.cfg.seed, summary, t_sim, stats, frames=lazy)
        result.out = rec.out
        result._select = lambda metrics: frames.timeseries_of(tables["timeseries"], metrics)
        return result


@contextlib.contextmanager
def few_gc_passes() -> Iterator[None]:
    """No cyclic garbage collection while the model runs.

    A run holds hundreds of thousands of live objects and makes almost no reference cycles (a
    1,000-node hour leaves about ten for the collector); the collector would still rescan every
    young object, about 5 % of a large run. Reference counting frees everything else as usual. Objects
    alive at the end are frozen (``gc.freeze``): later collections skip them.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # what the run built lives on (frames, summary): freeze it rather than let the next allocation
        # start a collection over every object allocated meanwhile (seconds at 5,000 nodes)
        gc.freeze()
        if was:
            gc.enable()


def build(cfg: SimConfig, out: Path | None = None) -> Simulation:
    """Elaborate a validated config into a ready-to-run Simulation (streaming its tables to ``out``)."""
    return Simulation(cfg, out)


def run(cfg: SimConfig, seed: int | None = None, progress: Callable[[float], None] | None = None,
        out: Path | None = None) -> RunResult:
    """Build and run ``cfg`` (with ``seed`` overriding ``cfg.seed``; ``progress`` gets the simulated time
    reached; ``out`` streams the tables into that folder as the run goes)."""
    if seed is not None:
        cfg = cfg.model_copy(update={"seed": seed})
    return build(cfg, out).run(progress)
