"""The kubelet: registers its node, keeps its Lease, runs a worker per bound pod, reports status.

Upstream: ``pkg/kubelet``. The Lease is renewed every 0.25 x ``nodeLeaseDurationSeconds`` (10 s)
(``pkg/kubelet/kubelet.go`` nodeLeaseRenewIntervalFraction); it is stored as a renewal schedule, so
renewals cost no events (see ``api.objects.Lease``). When the host loses power the kubelet stops:
its watch is gone, its containers are dead, its Lease stops. When power returns it re-registers,
relists the pods bound to it, finishes deletions and restarts the rest (restartCount + 1).

Node conditions are posted at the kubelet's status syncs (``node_status.py``), Ready=False with the
runtime's errors (``runtime_health.py``). Simplified: status reports of an unchanged node are not
modelled (the Lease is the heartbeat); container state changes are noticed at the next PLEG relist.

The kubelet calls the API server as ``system:node:<name>`` with its client certificate: pod updates
are ``pods/status`` patches and node updates ``nodes/status`` patches, allowed by the Node authorizer.
While its certificate is expired (or refused) it is cut off as if its network were: every request is
401, its Lease renewals fail (one 401 per renewal interval is recorded), so the node goes NotReady
after the grace period; once it has a valid certificate again it renews, reports and relists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from clustersim.api.errors import StatusError
from clustersim.api.objects import ConditionStatus, Lease, Node, ObjectMeta, Pod
from clustersim.api.types import PodPhase
from clustersim.apiserver import DELETED, ClusterState
from clustersim.config.models import KubeletConfig
from clustersim.env import ClusterEnv
from clustersim.infra import Host, Infrastructure
from clustersim.metrics.recorder import Recorder
from clustersim.node.eviction_manager import EvictionManager, ImageGCManager
from clustersim.node.images import ImageService
from clustersim.node.node_status import NodeStatus
from clustersim.node.pod_worker import EVICT, POWER_OFF, REMOVED, TERMINATE, Crash, ImageSwap, PodWorker
from clustersim.node.runtime_health import RuntimeHealth
from clustersim.node.startup import StartupModel
from clustersim.util.backoff import Backoff
from clustersim.util.fastpaths import enabled

if TYPE_CHECKING:
    from collections.abc import Generator

__all__ = ["Kubelet", "LEASE_NAMESPACE"]

LEASE_NAMESPACE = "kube-node-lease"
LEASE_RENEW_FRACTION = 0.25


class Kubelet:
    """The node agent of one node."""

    def __init__(self, env: ClusterEnv, state: ClusterState, rec: Recorder, cfg: KubeletConfig,
                 infra: Infrastructure, node: Node, images: ImageService) -> None:
        self.env, self.state, self.rec, self.cfg = env, state, rec, cfg
        self.infra = infra
        self.node = node
        self.name = node.meta.name
        self.host: Host = infra.hosts[self.name]
        self.images = images
        self.park_workers = enabled("parked_workers")  # see node.pod_worker
        self.workers: dict[str, PodWorker] = {}
        self.container_backoff = Backoff(cfg.container_backoff_initial_s, cfg.container_backoff_max_s)
        self.image_backoff = Backoff(cfg.image_backoff_initial_s, cfg.image_backoff_max_s)
        self.lease: Lease | None = None
        self._rng: np.random.Generator = env.rng(f"kubelet/{self.name}")
        self.renew_period_s = cfg.node_lease_duration_s * LEASE_RENEW_FRACTION
        self._unsent: dict[str, Pod] = {}
        self.startup = StartupModel(cfg.pod_startup, env.rng(f"kubelet/{self.name}/startup"))
        self.status = NodeStatus(env, node, cfg.node_status_update_frequency_s, self._post_node_status)
        self.runtime = RuntimeHealth(env, self.status, cfg.pleg_relist_period_s, cfg.pleg_relist_threshold_s, self.name)
        self.image_gc = ImageGCManager(self)
        self.eviction = EvictionManager(self, self.image_gc)
        self._restarting = False
        self.store = getattr(state, "store", state)  # the store itself, for the simulator's bookkeeping (no request)
        self._authenticated = True  # the API server accepts this kubelet's certificate
        self._effective = True  # reaches the API server and is accepted (what _on_link was last told)
        self._retrying = False

    # ---- lifecycle
    def start(self) -> None:
        """Register the node and its Lease, watch bound pods, follow the host's power."""
        self.node.heartbeat_s = self.env.now
        self._request(self.state.create, self.node)
        phase = float(self._rng.uniform(0.0, self.renew_period_s))
        self.lease = Lease(ObjectMeta(self.name, LEASE_NAMESPACE), self.cfg.node_lease_duration_s,
                           self.renew_period_s, self.env.now + phase - self.renew_period_s)
        if not self.host.reaches_control_plane:  # the kubelet is down from the start (a snapshot's NotReady node)
            self.lease.stopped_s = self.env.now
        self._request(self.state.create, self.lease)
        self.state.watch_node_pods(self.name, self._on_pod)
        self.host.subscribe(self._on_power, self._on_kill)
        self.host.subscribe_image(self._on_image)
        self.host.subscribe_link(self._on_host_link)
        credential = getattr(self.state, "credential", None)
        if credential is not None:
            credential.subscribers.append(self._on_credential)
        self.host.serve_requests(self._answers)
        self.host.set_clock(lambda: self.env.now)
        self.host.subscribe_usage(self.eviction.poke)
        self.host.subscribe_runtime(self.runtime.changed)

    def _answers(self, pod_key: str) -> bool:
        """A container of the pod runs here and its app answers (terminating pods answer until they stop)."""
        pod = self.state.get("Pod", pod_key)
        worker = self.workers.get(pod.meta.uid) if pod is not None else None
        if worker is None:  # deleted in the API while this kubelet was cut off: its container may still run
            worker = next((w for w in self.workers.values() if w.pod.key == pod_key), None)
        return worker is not None and worker.running and worker.app_ok

    @property
    def connected(self) -> bool:
        """The kubelet runs, reaches the API server, and its certificate is accepted."""
        return self.host.reaches_control_plane and self._authenticated

    def _request(self, call: Any, *args: Any) -> bool:
        """Make an API request; False when it was refused (the kubelet logs it and carries on)."""
        try:
            call(*args)
        except StatusError:
            return False
        return True

    def write(self, pod: Pod) -> None:
        """Send a pod status update; while cut off from the API server it is sent on reconnect."""
        if self.connected:
            try:
                self.state.patch(pod, "status")  # PatchPodStatus
            except StatusError:
                pass  # refused: logged; the next status change carries this one too
        else:
            self._unsent[pod.meta.uid] = pod

    def _on_host_link(self, _up: bool) -> None:
        self._reach_changed()

    def _on_credential(self, valid: bool) -> None:
        """The certificate became valid or invalid: to the API server, like a reconnect or a cut-off."""
        self._authenticated = valid
        self._reach_changed()
        if not valid:
            self._retry_lease()

    def _reach_changed(self) -> None:
        now = self.host.reaches_control_plane and self._authenticated
        if now != self._effective:
            self._effective = now
            if self.host.powered:
                self._on_link(now)

    def _retry_lease(self) -> None:
        """While refused, the lease controller keeps trying every renewal interval (each try a 401)."""
        if self._retrying:
            return
        self._retrying = True

        def attempt(_e: object = None) -> None:
            if self._authenticated or not self.host.reaches_control_plane:
                self._retrying = False
                return
            self._request(self.state.update, self.lease)
            self.env.timeout(self.renew_period_s).callbacks.append(attempt)

        attempt()

    def _on_link(self, up: bool) -> None:
        """Kubelet stopped or started, or the node cut off from / reconnected to the control plane.

        Cut off: the Lease stops being renewed (the node lifecycle controller will notice), the watch
        is gone, containers keep running. Back: renew the Lease, send what was not sent, relist: pods
        deleted meanwhile are killed, pods marked for deletion are terminated.
        """
        if not up:
            self._restarting = not self.host.kubelet_running
            self._stop_lease()
            return
        self._come_back(fresh=self._restarting)
        if self._restarting:
            # a restarted kubelet kills containers of pods deleted meanwhile at its first housekeeping
            # (HandlePodCleanups, every housekeepingPeriod); a reconnected one learns of them from the relist
            self.env.timeout(self.cfg.housekeeping_period_s).callbacks.append(lambda _e: self._kill_orphans())
        else:
            self._kill_orphans()
        unsent, self._unsent = self._unsent, {}
        for pod in unsent.values():
            if self.state.get("Pod", pod.key) is pod:
                self._request(self.state.patch, pod, "status")  # PatchPodStatus
        for pod in list(self.state.pods_on_node(self.name)):
            self._sync(pod)

    def _kill_orphans(self) -> None:
        """Stop the workers of pods that are gone from the API (or replaced by a new object)."""
        for uid, worker in list(self.workers.items()):
            if self.state.get("Pod", worker.pod.key) is not worker.pod:
                self.workers.pop(uid, None)
                worker.signal(REMOVED)

    def _stop_lease(self) -> None:
        """No more renewals from now (stored as the end of the renewal schedule: bookkeeping, not a request)."""
        lease = self.lease
        assert lease is not None
        lease.stopped_s = self.env.now
        self.store.update(lease)

    def _come_back(self, fresh: bool) -> None:
        """Renew the Lease now and every period after; post the node status.

        A kubelet that starts (``fresh``: boot or process restart) posts at once; one that reconnects
        posts at its next status sync.
        """
        lease = self.lease
        assert lease is not None
        if not self._request(self.state.authorize, "update", lease):
            return  # the renewal is refused: the schedule stays stopped
        lease.restart(self.env.now)
        self._request(self.state.update, lease)
        if fresh:
            self._post_node_status()
        elif self.status.differs():
            self.status.changed()

    def _post_node_status(self) -> None:
        """``syncNodeStatus``: write the conditions the kubelet computes, with the setters' events."""
        if not self.connected:
            return  # the next sync after reconnecting posts it
        st, node, now = self.status, self.node, self.env.now
        if node.memory_pressure != st.memory_pressure:
            reason = "NodeHasInsufficientMemory" if st.memory_pressure else "NodeHasSufficientMemory"
            self.node_event(reason, f"Node {self.name} status is now: {reason}")
        if node.disk_pressure != st.disk_pressure:
            reason = "NodeHasDiskPressure" if st.disk_pressure else "NodeHasNoDiskPressure"
            self.node_event(reason, f"Node {self.name} status is now: {reason}")
        node.memory_pressure, node.disk_pressure = st.memory_pressure, st.disk_pressure
        if node.ready is not st.ready:
            ready = st.ready is ConditionStatus.TRUE
            self.node_event("NodeReady" if ready else "NodeNotReady",
                            f"Node {self.name} status is now: {'NodeReady' if ready else 'NodeNotReady'}")
            node.ready, node.ready_transition_s = st.ready, now
            node.ever_ready = node.ever_ready or ready
        node.ready_reason, node.ready_message = ("", "") if st.ready is ConditionStatus.TRUE else ("KubeletNotReady", st.ready_message)
        node.heartbeat_s = now
        self._request(self.state.patch, node, "status")  # PatchNodeStatus

    def _on_power(self, on: bool) -> None:
        self._effective = on and self.host.reaches_control_plane and self._authenticated
        if on and not self._authenticated:
            self._retry_lease()  # booted, but its certificate is refused: it cannot register or renew
            return
        if not on:
            self._stop_lease()
            for worker in list(self.workers.values()):
                worker.signal(POWER_OFF)
            return
        # boot: renew the lease now and every period after, post Ready, relist pods
        self._come_back(fresh=True)
        self.rec.event("Node", "", self.name, "Rebooted", f"Node {self.name} has been rebooted, boot id changed", self.name, "Warning")
        for pod in self.state.pods_on_node(self.name):
            self._sync(pod)

    def _on_pod(self, etype: str, pod: Pod) -> None:
        if not self.connected:
            return  # the watch died with the kubelet (or its network); the relist catches up
        if etype == DELETED:
            worker = self.workers.pop(pod.meta.uid, None)
            if worker is not None:
                worker.signal(REMOVED)
            return
        self._sync(pod)

    def _sync(self, pod: Pod) -> None:
        if self.state.get("Pod", pod.key) is not pod:
            return
        worker = self.workers.get(pod.meta.uid)
        if pod.terminating:
            if worker is not None:
                worker.signal(TERMINATE)
            else:
                self.finalize_deletion(pod)
            return
        if worker is None and not pod.terminal:
            # the runtime may already run its containers (a cluster as it was when the run starts): the
            # kubelet's sync finds them running and starts nothing (kuberuntime computePodActions)
            running_since = self.host.running_at_start.pop(pod.key, None)
            if running_since is None and pod.status.start_s is not None and pod.status.phase is PodPhase.RUNNING:
                pod.status.restart_count += 1  # containers died with the host
                self.rec.pod_restarted(pod.meta.uid)
            self.workers[pod.meta.uid] = PodWorker(self, pod, running_since)

    def _on_image(self, pod_key: str, paused: bool) -> bool:
        pod = self.state.get("Pod", pod_key)
        worker = self.workers.get(pod.meta.uid) if pod is not None else None
        if worker is None or not worker.alive or worker.paused == paused:
            return False
        worker.signal(ImageSwap(paused))
        return True

    def _on_kill(self, pod_key: str, exit_code: int) -> bool:
        pod = self.state.get("Pod", pod_key)
        worker = self.workers.get(pod.meta.uid) if pod is not None else None
        if worker is None or not worker.running:
            return False
        worker.signal(Crash(exit_code))
        return True

    # ---- called by pod workers
    def container_start_s(self) -> float:
        """How long the next sandbox and container start takes (fixed, or drawn for the node's pods now)."""
        fixed = self.cfg.container_start_s
        if fixed is not None:
            return fixed
        return self.startup.draw(len(self.workers) - 1)

    def ensure_image(self, worker: PodWorker, image: str) -> Generator[Any, Any, Any]:
        """Make ``image`` present, with Pulling/Pulled events and ImagePullBackOff on failure."""
        pod = worker.pod
        while True:
            failing = self.infra.pull_fails(image)
            plan = self.images.plan(image, self.env.now, failing)
            if not plan.pulled:
                cause = yield from worker._sleep(plan.done_s - self.env.now)
                if cause is not None:
                    return cause
                self._pod_event(pod, "Pulled", f'Container image "{image}" already present on machine')
                return None
            cause = yield from worker._sleep(plan.start_s - self.env.now)
            if cause is not None:
                return cause
            self._pod_event(pod, "Pulling", f'Pulling image "{image}"')
            cause = yield from worker._sleep(plan.done_s - self.env.now)
            if cause is not None:
                return cause
            if not plan.failed:
                self._pod_event(pod, "Pulled", f'Successfully pulled image "{image}" in {plan.done_s - plan.start_s:.3f}s')
                self.image_backoff.reset(f"{pod.meta.uid}/{image}")
                self.image_gc.poke()
                self.eviction.poke()
                return None
            self._pod_event(pod, "Failed", f'Failed to pull image "{image}": registry unavailable', "Warning")
            self._pod_event(pod, "Failed", "Error: ErrImagePull", "Warning")
            delay = self.image_backoff.next(f"{pod.meta.uid}/{image}", self.env.now)
            pod.status.reason = "ImagePullBackOff"
            self.write(pod)
            self._pod_event(pod, "BackOff", f'Back-off pulling image "{image}"')
            cause = yield from worker._sleep(delay)
            if cause is not None:
                return cause

    def containers_started(self, pod: Pod) -> None:
        """Created/Started events and the Running phase."""
        for c in pod.spec.containers:
            self._pod_event(pod, "Created", f"Created container: {c.name}")
            self._pod_event(pod, "Started", f"Started container {c.name}")
        st = pod.status
        st.phase, st.reason = PodPhase.RUNNING, ""
        if st.start_s is None:
            st.start_s = self.env.now
        self.rec.pod_mark(pod.meta.uid, "started_s")
        self.write(pod)

    def containers_adopted(self, pod: Pod, ready: bool) -> None:
        """Containers found running at the first sync: no events, the pod's status stands."""
        st = pod.status
        self.rec.pod_mark(pod.meta.uid, "started_s", st.start_s if st.start_s is not None else self.env.now)
        if ready:
            self.rec.pod_mark(pod.meta.uid, "ready_s", st.ready_transition_s if st.ready_transition_s is not None else self.env.now)

    def back_off(self, pod: Pod, delay: float) -> None:
        """CrashLoopBackOff event and status reason."""
        c = pod.spec.containers[0]
        pod.status.reason = "CrashLoopBackOff"
        self.write(pod)
        self._pod_event(pod, "BackOff", f"Back-off {delay:g}s restarting failed container={c.name} pod={pod.meta.name}", "Warning")

    def unhealthy(self, pod: Pod, probe: str) -> None:
        """Unhealthy event for a failing probe."""
        self._pod_event(pod, "Unhealthy", f"{probe} probe failed: context deadline exceeded", "Warning")

    def liveness_kill(self, pod: Pod, container: str) -> None:
        """Unhealthy and Killing events for a liveness failure."""
        self.unhealthy(pod, "Liveness")
        self._pod_event(pod, "Killing", f"Container {container} failed liveness probe, will be restarted")

    def killing(self, pod: Pod) -> None:
        """Killing events at graceful termination."""
        for c in pod.spec.containers:
            self._pod_event(pod, "Killing", f"Stopping container {c.name}")

    def worker_done(self, worker: PodWorker) -> None:
        """Forget a worker that has stopped."""
        if self.workers.get(worker.pod.meta.uid) is worker:
            del self.workers[worker.pod.meta.uid]

    def finalize_deletion(self, pod: Pod) -> None:
        """Containers are gone: remove the pod from the API (delete with grace 0)."""
        if self.state.get("Pod", pod.key) is pod and self.connected:
            self._request(self.state.delete, "Pod", pod.key, 0)  # else the relist on reconnect finishes it

    def evict(self, worker: PodWorker, message: str) -> None:
        """Node-pressure eviction of one pod (``evictPod``): Evicted event, containers killed at once."""
        pod = worker.pod
        self._pod_event(pod, "Evicted", message, "Warning")
        self.rec.add("evictions", 1, pod.meta.namespace, pod.workload)
        worker.signal(EVICT)

    def node_event(self, reason: str, message: str, type_: str = "Normal") -> None:
        """An Event on this kubelet's Node."""
        self.rec.event("Node", "", self.name, reason, message, self.name, type_)

    def _pod_event(self, pod: Pod, reason: str, message: str, type_: str = "Normal") -> None:
        self.rec.event("Pod", pod.meta.namespace, pod.meta.name, reason, message, self.name, type_)
