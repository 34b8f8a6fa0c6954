"""One pod on one node: pull images, start containers, probes, restarts, graceful termination.

Mirrors the kubelet's per-pod worker (``pkg/kubelet/pod_workers.go`` with ``kuberuntime``'s
``SyncPod``): one SimPy process per pod. Faults and deletions reach it as interrupts (SimPy's
machine-shop pattern). Probe results are computed in closed form (``prober.py``), so a pod that
starts and stays healthy costs three events: start, container started, ready. Once nothing more is
scheduled for its containers the worker is parked: its process ends and a signal starts a new one
at the same point of the loop (an urgent event at the same time, as the interrupt would be), so a
running pod holds no generator frames and the results are the same.

Simplified: all containers of a pod start together and the pod-level outcome combines them (Ready
when all are ready, exits when the first exits); init containers only contribute their images;
the kubelet's admission check is not repeated (the scheduler already checked the fit).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import simpy

from clustersim.api.objects import Pod
from clustersim.api.types import PodPhase, RestartPolicy
from clustersim.node.prober import liveness_kill_time, readiness_fail_time, readiness_time
from clustersim.node.restart import restart_wait

if TYPE_CHECKING:
    from clustersim.config.models import KubeletConfig
    from clustersim.env import ClusterEnv
    from clustersim.infra import Host
    from clustersim.metrics.recorder import Recorder
    from clustersim.node.runtime_health import RuntimeHealth
    from clustersim.util.backoff import Backoff


class EvictionSignals(Protocol):
    """What the worker tells the node's eviction manager."""

    def container_started(self, w: PodWorker) -> None: ...


class PodHost(Protocol):
    """What a pod worker needs of its kubelet (``node.kubelet.Kubelet`` is one); declared here so the
    worker does not import the kubelet that creates it."""

    env: ClusterEnv
    rec: Recorder
    cfg: KubeletConfig
    host: Host
    runtime: RuntimeHealth
    container_backoff: Backoff
    park_workers: bool

    @property
    def eviction(self) -> EvictionSignals: ...  # read-only, so the kubelet's EvictionManager fits
    def write(self, pod: Pod) -> None: ...
    def ensure_image(self, worker: PodWorker, image: str) -> Generator[Any, Any, Any]: ...
    def container_start_s(self) -> float: ...
    def containers_started(self, pod: Pod) -> None: ...
    def containers_adopted(self, pod: Pod, ready: bool) -> None: ...
    def back_off(self, pod: Pod, delay: float) -> None: ...
    def unhealthy(self, pod: Pod, probe: str) -> None: ...
    def liveness_kill(self, pod: Pod, container: str) -> None: ...
    def killing(self, pod: Pod) -> None: ...
    def worker_done(self, worker: PodWorker) -> None: ...
    def finalize_deletion(self, pod: Pod) -> None: ...

__all__ = ["EVICT", "POWER_OFF", "REMOVED", "TERMINATE", "Crash", "EvictionSignals", "ImageSwap", "PodHost", "PodWorker"]

POWER_OFF, TERMINATE, REMOVED, EVICT = "power-off", "terminate", "removed", "evict"
PARKED = "parked"  # _run's answer when nothing more is scheduled for the containers
LIVENESS_EXIT_CODE = 137  # SIGKILL after a failed liveness probe


@dataclass(frozen=True, slots=True)
class Crash:
    """Interrupt cause: the containers exit with ``exit_code`` (a ContainerCrash fault)."""

    exit_code: int


@dataclass(frozen=True, slots=True)
class ImageSwap:
    """Interrupt cause: the pod's images are replaced by a pause image (``paused``) or restored (a PodFailure
    fault patches ``spec.containers[].image``, as Chaos Mesh's pod-failure does); the kubelet restarts the
    containers with the new image at once."""

    paused: bool


Steps = Generator[simpy.Event, Any, Any]


class PodWorker:
    """The kubelet's worker for one pod; ``serving`` is the ground truth used for availability."""

    __slots__ = ("kubelet", "pod", "phase_s", "process", "started", "pending", "api_ready",
                 "app_ok", "serving", "running", "paused", "running_since", "parked")

    def __init__(self, kubelet: PodHost, pod: Pod, running_since: float | None = None) -> None:
        self.kubelet = kubelet
        self.pod = pod
        self.phase_s = kubelet.env.now  # probe workers tick from pod admission (prober/worker.go)
        self.started = False
        self.pending: Any = None
        # containers the runtime already runs (since this time): the kubelet syncs the pod without starting them
        self.running_since = running_since
        self.api_ready = running_since is not None and pod.status.ready
        self.app_ok = False
        self.serving = False
        self.running = False
        self.paused = False  # images swapped for a pause image (PodFailure)
        self.parked = False  # running with nothing scheduled: no process until a signal comes
        self.process: simpy.Process | None = kubelet.env.process(self.pod_loop())

    # ---- signals from the kubelet
    @property
    def alive(self) -> bool:
        """The worker still looks after its pod (running or parked)."""
        return self.parked or (self.process is not None and self.process.is_alive)

    def signal(self, cause: Any) -> None:
        """Deliver ``cause`` (terminate, power-off, removed, Crash) to the worker."""
        if self.parked:  # resume where the parked process would have been interrupted
            self.parked = False
            self.process = self.kubelet.env.process(self._containers(outcome=cause))
            return
        if self.process is None or not self.process.is_alive:
            return
        if not self.started:
            self.pending = cause
        elif self.kubelet.env.active_process is not self.process:
            self.process.interrupt(cause)

    def _sleep(self, delay: float) -> Steps:
        try:
            if delay > 0:
                yield self.kubelet.env.timeout(delay)
            return None
        except simpy.Interrupt as i:
            return i.cause

    def _await_runtime(self) -> Steps:
        """Wait until the container runtime works (RuntimeOutage): nothing is pulled, started or stopped
        meanwhile. Returns a stop cause (terminate, power-off, ...) that arrives while waiting; an exit
        or an image swap meanwhile is seen once the runtime is back."""
        rt = self.kubelet.runtime
        while not rt.ok:
            try:
                yield rt.wait_ok()
            except simpy.Interrupt as i:
                if isinstance(i.cause, ImageSwap):
                    self.paused = i.cause.paused
                elif not isinstance(i.cause, Crash):
                    return i.cause
        return None

    def _set(self, api_ready: bool | None = None, app_ok: bool | None = None) -> None:
        """Update readiness flags; write the pod when API readiness changes; track serving."""
        k, pod = self.kubelet, self.pod
        if api_ready is not None and api_ready != self.api_ready:
            self.api_ready = api_ready
            pod.status.ready = api_ready
            pod.status.ready_transition_s = k.env.now
            if api_ready:
                k.rec.pod_mark(pod.meta.uid, "ready_s")
            k.write(pod)
        if app_ok is not None:
            self.app_ok = app_ok
        serving = self.api_ready and self.app_ok and self.running and not pod.terminating and k.host.powered
        if serving != self.serving:
            self.serving = serving
            if pod.workload:
                k.rec.add("serving_replicas", 1 if serving else -1, pod.meta.namespace, pod.workload)

    # ---- the loop
    def pod_loop(self) -> Steps:
        """Pull, start, run, restart, until the pod ends or the worker is stopped."""
        self.started = True
        if self.pending is not None:
            cause, self.pending = self.pending, None
            return (yield from self._stop(cause))
        k, pod = self.kubelet, self.pod
        adopted, self.running_since = self.running_since, None
        if adopted is None:
            cause = yield from self._await_runtime()
            if cause is not None:
                return (yield from self._stop(cause))
            for c in (*pod.spec.init_containers, *pod.spec.containers):
                cause = yield from k.ensure_image(self, c.image)
                if cause is not None:
                    return (yield from self._stop(cause))
        return (yield from self._containers(adopted))

    def _containers(self, adopted: float | None = None, outcome: Any = None) -> Steps:
        """Start the containers (or adopt running ones), run them and restart them per policy, until
        the pod ends or the worker is stopped. With ``outcome``, a parked worker resumes: its running
        containers just ended that way."""
        k, pod = self.kubelet, self.pod
        while True:
            if outcome is None:
                if adopted is None:
                    cause = yield from self._await_runtime()
                    if cause is not None:
                        return (yield from self._stop(cause))
                    cause = yield from self._sleep(k.container_start_s())
                    if isinstance(cause, ImageSwap):
                        self.paused, cause = cause.paused, None
                    if cause is not None and not isinstance(cause, Crash):
                        return (yield from self._stop(cause))
                    k.containers_started(pod)
                    started = k.env.now
                else:
                    k.containers_adopted(pod, self.api_ready)
                    started, adopted = adopted, None
                self.running = True
                k.eviction.container_started(self)
                outcome = yield from self._run(started)
                if outcome is PARKED:  # nothing scheduled: end the process; a signal resumes here
                    self.parked, self.process = True, None
                    return None
            if isinstance(outcome, ImageSwap):
                # a changed image: the kubelet kills the containers and starts them with the new image
                self.paused = outcome.paused
                self.running = False
                self._set(api_ready=False, app_ok=False)
                k.killing(pod)
                pod.status.restart_count += 1
                k.rec.pod_restarted(pod.meta.uid)
                outcome = None
                continue
            if not isinstance(outcome, Crash):
                return (yield from self._stop(outcome))
            self.running = False
            finished = k.env.now
            self._set(api_ready=False, app_ok=False)
            # the kubelet learns of the exit at its next PLEG relist (genericPlegRelistPeriod)
            relist = k.cfg.pleg_relist_period_s
            cause = yield from self._sleep(math.ceil(k.env.now / relist - 1e-9) * relist - k.env.now)
            if isinstance(cause, ImageSwap):
                self.paused, cause = cause.paused, None
            if cause is not None and not isinstance(cause, Crash):
                return (yield from self._stop(cause))
            policy = pod.spec.restart_policy
            if policy is RestartPolicy.NEVER or (policy is RestartPolicy.ON_FAILURE and outcome.exit_code == 0):
                pod.status.phase = PodPhase.SUCCEEDED if outcome.exit_code == 0 else PodPhase.FAILED
                k.write(pod)
                k.worker_done(self)
                return None
            wait, delay = restart_wait(k.container_backoff, pod.meta.uid, finished, k.env.now)
            if wait > 0:  # the first exit restarts at once; back-off from the second (doBackOff)
                k.back_off(pod, delay)
                cause = yield from self._sleep(wait)
                if isinstance(cause, ImageSwap):
                    self.paused, cause = cause.paused, None
                if cause is not None and not isinstance(cause, Crash):
                    return (yield from self._stop(cause))
            pod.status.restart_count += 1
            k.rec.pod_restarted(pod.meta.uid)
            outcome = None

    def _timeline(self, started: float) -> tuple[float, list[tuple[float, int, str]]]:
        """App-ready time, and the future readiness, hang, liveness and crash times, in order.

        "app-ready" only gets its own step when the API could see the pod Ready before the app
        answers (no readiness probe): otherwise it is folded into "ready".
        """
        containers = self.pod.spec.containers
        if self.paused:  # a pause container: never answers, never passes a readiness probe
            if any(c.readiness_probe is not None for c in containers):
                return math.inf, []
            return math.inf, [(started, 3, "ready")]
        if len(containers) == 1:
            c = containers[0]
            app_ready = started + c.behavior.ready_after_s
            api_ready = readiness_time(c.readiness_probe, started, c.behavior.ready_after_s, self.phase_s)
        else:
            app_ready = started + max(c.behavior.ready_after_s for c in containers)
            api_ready = max(readiness_time(c.readiness_probe, started, c.behavior.ready_after_s, self.phase_s) for c in containers)
        out: list[tuple[float, int, str]] = [(api_ready, 3, "ready")]
        if app_ready > api_ready:
            out.append((app_ready, 2, "app-ready"))
        for c in containers:
            if c.behavior.crash_after_s is None and c.behavior.hang_after_s is None:
                continue
            b = c.behavior
            if b.crash_after_s is not None:
                out.append((started + b.crash_after_s, 0, f"crash:{b.exit_code}"))
            if b.hang_after_s is not None:
                hang = started + b.hang_after_s
                out.append((hang, 1, "hang"))
                unready = readiness_fail_time(c.readiness_probe, hang, self.phase_s)
                if unready is not None:
                    out.append((unready, 4, "unready"))
                kill = liveness_kill_time(c.liveness_probe, started, hang, self.phase_s)
                if kill is not None:
                    out.append((kill, 0, f"liveness:{c.name}"))
        if len(out) > 1:
            out.sort()
        return app_ready, out

    def _run(self, started: float) -> Steps:
        """Run the containers; return Crash(exit) when they exit, or an external stop cause."""
        k = self.kubelet
        hung = False
        app_ready, timeline = self._timeline(started)
        for t, _prio, action in timeline:
            cause = yield from self._sleep(t - k.env.now)
            if cause is not None:
                return cause
            if action == "ready":
                self._set(api_ready=True, app_ok=not hung and k.env.now >= app_ready)
            elif action == "app-ready":
                self._set(app_ok=not hung)
            elif action == "hang":
                hung = True
                self._set(app_ok=False)
            elif action == "unready":
                k.unhealthy(self.pod, "Readiness")
                self._set(api_ready=False)
            elif action.startswith("liveness:"):
                k.liveness_kill(self.pod, action.split(":", 1)[1])
                return Crash(LIVENESS_EXIT_CODE)
            elif action.startswith("crash:"):
                return Crash(int(action.split(":", 1)[1]))
        if k.park_workers:
            return PARKED
        return (yield from self._park())

    def _park(self) -> Steps:
        """Wait for a signal in the process (the plain path; see ``fastpaths`` parked_workers)."""
        try:
            yield self.kubelet.env.event()
        except simpy.Interrupt as i:
            return i.cause
        return None

    def _stop(self, cause: Any) -> Steps:
        """Stop for ``cause``: power-off (silent), removed, or graceful termination."""
        k, pod = self.kubelet, self.pod
        was_running = self.running
        if cause == POWER_OFF or cause == REMOVED:
            self.running = False
            self._set(api_ready=False if cause == REMOVED else None, app_ok=False)
            k.worker_done(self)
            return None
        if cause == EVICT:  # node-pressure eviction: killed at once, the pod ends Failed/Evicted
            self.running = False
            pod.status.phase, pod.status.reason = PodPhase.FAILED, "Evicted"
            self._set(api_ready=False, app_ok=False)
            k.write(pod)
            k.worker_done(self)
            return None
        # graceful termination (pod has a deletion timestamp); the runtime must be there to stop containers
        self._set()
        cause2 = yield from self._await_runtime()
        if cause2 == POWER_OFF or cause2 == REMOVED:
            self.running = False
            self._set(app_ok=False)
            k.worker_done(self)
            return None
        if was_running:
            k.killing(pod)
            grace_left = (pod.meta.deletion_s or k.env.now) + (pod.meta.deletion_grace_s or 0) - k.env.now
            shutdown = min(max(c.behavior.shutdown_s for c in pod.spec.containers), max(grace_left, 0.0))
            cause2 = yield from self._sleep(shutdown)
            if cause2 == POWER_OFF:
                self.running = False
                self._set(app_ok=False)
                k.worker_done(self)
                return None
        self.running = False
        self._set(app_ok=False)
        k.worker_done(self)
        k.finalize_deletion(pod)
        return None
