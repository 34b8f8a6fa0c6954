"""Node-pressure eviction and image garbage collection: ``pkg/kubelet/eviction`` and ``pkg/kubelet/images``.

Signals observed (``evictionHard``, default memory.available<100Mi, imagefs.available<15%):

- ``memory.available`` = node memory capacity - the working sets of running pods. A pod's working set
  is its ``CpuLoad`` ``memory_per_pod`` plus what a ``MemoryStress`` fault adds; other pods use none.
- ``imagefs.available`` = the node's ``ephemeral-storage`` capacity - the images present (nodes
  without that capacity have no disk signals). ``nodefs`` signals have no usage model.

Under a met threshold the manager synchronizes every ``evictionMonitoringPeriod`` (10 s): it sets
MemoryPressure / DiskPressure (kept for ``evictionPressureTransitionPeriod`` after the last crossing,
the node lifecycle controller turns them into NoSchedule taints), first reclaims node-level
resources (for imagefs: deletes every unused image) and then evicts at most one pod per cycle,
ranked as ``rankMemoryPressure`` does (usage above requests first, then lower priority, then usage
minus requests). A hard eviction kills the containers at once and leaves the pod Failed/Evicted.

Image GC (``ImageGCPeriod`` 5 min): when the image filesystem is at least ``imageGCHighThresholdPercent``
full, unused images older than ``imageMinimumGCAge`` are deleted, least recently used first, down
to ``imageGCLowThresholdPercent``.

To cost nothing on quiet nodes, both loops start only when usage changes (a pod starts or stops, an
image is pulled, a stress begins or ends) and a threshold is met; they then run on their period, as
upstream's polling would, until the pressure and its transition period are over. Simplified: no
soft thresholds, no admission rejection of new pods under pressure (the taint keeps the scheduler
away), no OOM killer.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, Protocol

from clustersim.api.quantity import parse_quantity

if TYPE_CHECKING:
    from collections.abc import Generator

    from clustersim.api.objects import Node
    from clustersim.api.types import Volume
    from clustersim.config.models import KubeletConfig
    from clustersim.env import ClusterEnv
    from clustersim.infra import Host, Infrastructure
    from clustersim.node.images import ImageService
    from clustersim.node.node_status import NodeStatus
    from clustersim.node.pod_worker import PodWorker


class EvictionHost(Protocol):
    """What image GC and the eviction manager need of their kubelet (``node.kubelet.Kubelet`` is one);
    declared here so they do not import the kubelet that creates them."""

    env: ClusterEnv
    cfg: KubeletConfig
    node: Node
    host: Host
    infra: Infrastructure
    images: ImageService
    status: NodeStatus
    workers: dict[str, PodWorker]

    def evict(self, worker: PodWorker, message: str) -> None: ...
    def node_event(self, reason: str, message: str, type_: str = "Normal") -> None: ...

__all__ = ["EvictionHost", "EvictionManager", "ImageGCManager"]

MIB = 1024 * 1024


def _filled(v: Volume, started_s: float | None, now: float) -> bool:
    """The emptyDir holds its data now (from ``usage_after_s`` after the pod first started)."""
    return v.kind == "emptyDir" and v.medium == "Memory" and started_s is not None and now >= started_s + v.usage_after_s


def tmpfs_usage(v: Volume) -> int:
    """Memory a tmpfs emptyDir's data takes: its usage, capped at its sizeLimit (the tmpfs size)."""
    return v.usage if v.size_limit is None else min(v.usage, v.size_limit)


def format_bytes(n: int) -> str:
    """A byte count as ``resource.Quantity`` prints it: the largest exact binary or decimal suffix."""
    for suffix, unit in (("Ei", 1 << 60), ("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10),
                         ("E", 10**18), ("P", 10**15), ("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if n and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def _threshold(value: str, capacity: int) -> int:
    """A threshold in bytes: a quantity, or a percentage of capacity."""
    if value.endswith("%"):
        return int(capacity * float(value[:-1]) / 100)
    return int(parse_quantity(value))


class ImageGCManager:
    """``realImageGCManager``: frees the image filesystem when it is too full."""

    def __init__(self, kubelet: EvictionHost) -> None:
        self.kubelet = kubelet
        self.capacity = kubelet.node.capacity.get("ephemeral-storage") or 0
        self.first_seen: dict[str, float] = {}
        self._scheduled = False
        self.deleted = 0

    def used(self) -> int:
        """Bytes of the images present (pulls in flight count once started)."""
        images = self.kubelet.images
        return sum(int(images.size_mib(i) * MIB) for i in images.present)

    def in_use(self) -> set[str]:
        """Images of the containers of the pods this kubelet runs."""
        return {c.image for w in self.kubelet.workers.values() for c in (*w.pod.spec.init_containers, *w.pod.spec.containers)}

    def poke(self) -> None:
        """Usage changed: schedule a GC pass at the next period if the high threshold is reached."""
        if self.capacity <= 0 or self._scheduled:
            return
        if self.used() * 100 < self.capacity * self.kubelet.cfg.image_gc_high_threshold_percent:
            return
        self._scheduled = True
        env, period = self.kubelet.env, self.kubelet.cfg.image_gc_period_s
        at = math.floor(env.now / period + 1) * period
        env.timeout(at - env.now).callbacks.append(lambda _e: self.garbage_collect())

    def garbage_collect(self) -> None:
        """``GarbageCollect``: free down to the low threshold if at or above the high one."""
        self._scheduled = False
        cfg = self.kubelet.cfg
        used = self.used()
        if used * 100 < self.capacity * cfg.image_gc_high_threshold_percent:
            return
        available = self.capacity - used
        to_free = self.capacity * (100 - cfg.image_gc_low_threshold_percent) // 100 - available
        freed = self.free(to_free, min_age_s=cfg.image_minimum_gc_age_s)
        if freed < to_free:
            self.kubelet.node_event("ImageGCFailed", "Failed to garbage collect required amount of images. "
                                    f"Attempted to free {to_free} bytes, but only found {freed} bytes eligible to free.", "Warning")
        self.poke()

    def free(self, amount: int, min_age_s: float = 0.0) -> int:
        """``freeSpace``: delete unused images, least recently used first; bytes freed."""
        k = self.kubelet
        images, now = k.images, k.env.now
        used = self.in_use()
        for img in images.present:
            self.first_seen.setdefault(img, images.present[img])
        candidates = sorted((images.last_used.get(i, images.present[i]), i) for i, ready in images.present.items()
                            if i not in used and ready <= now and now - self.first_seen[i] >= min_age_s)
        freed = 0
        for _, img in candidates:
            if freed >= amount:
                break
            freed += int(images.size_mib(img) * MIB)
            del images.present[img]
            self.first_seen.pop(img, None)
            self.deleted += 1
        return freed


class EvictionManager:
    """``managerImpl``: observes signals, sets pressure conditions, reclaims and evicts."""

    def __init__(self, kubelet: EvictionHost, image_gc: ImageGCManager) -> None:
        self.kubelet, self.image_gc = kubelet, image_gc
        cfg = kubelet.cfg
        mem_cap = kubelet.node.capacity.get("memory") or 0
        hard = cfg.eviction_hard
        self.memory_cap = mem_cap
        self.memory_threshold = _threshold(hard["memory.available"], mem_cap) if "memory.available" in hard and mem_cap else None
        disk = image_gc.capacity
        self.imagefs_threshold = _threshold(hard["imagefs.available"], disk) if "imagefs.available" in hard and disk else None
        self.last_met: dict[str, float] = {}
        self._running = False
        self.evictions = 0
        self._tmpfs = 0  # memory-backed emptyDirs holding data on this node (their pods' memory)

    # ---- observations
    def working_set(self, w: PodWorker) -> int:
        """Memory a running pod uses: its load's per-pod memory, any stress, and its tmpfs emptyDirs' data."""
        pod = w.pod
        load = self.kubelet.infra.loads.get((pod.meta.namespace, pod.workload))
        used = (load.memory if load is not None else 0) + self.kubelet.infra.memory_stress.get(pod.meta.uid, 0)
        if self._tmpfs and pod.spec.volumes:
            used += sum(tmpfs_usage(v) for v in pod.spec.volumes if _filled(v, pod.status.start_s, self.kubelet.env.now))
        return used

    def container_started(self, w: PodWorker) -> None:
        """Containers started: usage changed now, and again when the pod's emptyDirs fill up."""
        self.poke()
        env, pod = self.kubelet.env, w.pod
        for v in pod.spec.volumes:
            if v.kind != "emptyDir" or not v.usage:
                continue
            at = (pod.status.start_s if pod.status.start_s is not None else env.now) + v.usage_after_s
            if v.medium == "Memory" and pod.status.restart_count == 0:
                self._tmpfs += 1
                env.timeout(max(at - env.now, 0.0)).callbacks.append(lambda _e: self.poke())
            elif v.medium != "Memory" and v.size_limit is not None and v.usage > v.size_limit and at >= env.now:
                period = self.kubelet.cfg.eviction_monitoring_period_s
                tick = math.floor(at / period + 1) * period
                env.timeout(tick - env.now).callbacks.append(functools.partial(self._size_limit_eviction, w, v))

    def _size_limit_eviction(self, w: PodWorker, v: Volume, _e: object = None) -> None:
        """``emptyDirLimitEviction`` (localStorageEviction, at a monitoring pass): over its sizeLimit, the pod goes."""
        k = self.kubelet
        if k.workers.get(w.pod.meta.uid) is not w or not w.running or w.pod.terminating or not k.host.powered:
            return
        self.evictions += 1
        k.evict(w, f'Usage of EmptyDir volume "{v.name}" exceeds the limit "{format_bytes(v.size_limit or 0)}". ')

    def observe(self) -> dict[str, tuple[int, int]]:
        """signal -> (available, threshold) for the observed signals."""
        out: dict[str, tuple[int, int]] = {}
        if self.memory_threshold is not None:
            used = 0
            if self._tmpfs or self.kubelet.infra.uses_memory:  # skip the per-pod sum on every container start otherwise
                used = sum(self.working_set(w) for w in self.kubelet.workers.values() if w.running)
            out["memory.available"] = (self.memory_cap - used, self.memory_threshold)
        if self.imagefs_threshold is not None:
            out["imagefs.available"] = (self.image_gc.capacity - self.image_gc.used(), self.imagefs_threshold)
        return out

    @staticmethod
    def met(obs: dict[str, tuple[int, int]]) -> list[str]:
        """Signals below their threshold."""
        return [s for s, (avail, thr) in obs.items() if avail < thr]

    # ---- the loop
    def poke(self) -> None:
        """Usage changed: start synchronizing if a threshold is met."""
        if self._running or not self.kubelet.host.powered:
            return
        if not self.met(self.observe()):
            return
        self._running = True
        self.kubelet.env.process(self._loop())

    def _pressure(self) -> tuple[bool, bool]:
        now, transition = self.kubelet.env.now, self.kubelet.cfg.eviction_pressure_transition_period_s
        mem = "memory.available" in self.last_met and now - self.last_met["memory.available"] < transition
        disk = "imagefs.available" in self.last_met and now - self.last_met["imagefs.available"] < transition
        return mem, disk

    def _loop(self) -> Generator[Any, Any, None]:
        env, period = self.kubelet.env, self.kubelet.cfg.eviction_monitoring_period_s
        yield env.timeout(math.floor(env.now / period + 1) * period - env.now)
        while self.kubelet.host.powered:
            met = self.synchronize()
            if not met and not any(self._pressure()):
                break
            yield env.timeout(period)
        self._running = False

    def synchronize(self) -> list[str]:
        """``synchronize``: one monitoring pass; returns the signals that were met."""
        k = self.kubelet
        now = k.env.now
        obs = self.observe()
        met = self.met(obs)
        for s in met:
            self.last_met[s] = now
        self._set_conditions(*self._pressure())
        if not met:
            return met
        signal = "memory.available" if "memory.available" in met else met[0]
        resource = "memory" if signal == "memory.available" else "ephemeral-storage"
        k.node_event("EvictionThresholdMet", f"Attempting to reclaim {resource}", "Warning")
        if signal == "imagefs.available":  # reclaim node-level resources first: delete all unused images
            self.image_gc.free(1 << 62)
            obs = self.observe()
            if not self.met(obs):
                return met
        victim = self._rank(signal)
        if victim is not None:
            avail, thr = obs[signal]
            self.evictions += 1
            given = self.kubelet.cfg.eviction_hard[signal]
            k.evict(victim, f"The node was low on resource: {resource}. Threshold quantity: {given}, available: {max(avail, 0) // 1024}Ki.")
        return met

    def _rank(self, signal: str) -> PodWorker | None:
        """``rankMemoryPressure`` (for imagefs: priority, then the images a pod holds)."""
        workers = [w for w in self.kubelet.workers.values() if w.running and not w.pod.terminating]
        if not workers:
            return None
        if signal == "memory.available":
            def key(w: PodWorker) -> tuple[bool, int, int]:
                usage, request = self.working_set(w), w.pod.spec.requests.memory
                return (usage <= request, w.pod.spec.priority, -(usage - request))
            return min(workers, key=key)
        images = self.kubelet.images
        return min(workers, key=lambda w: (w.pod.spec.priority, -sum(images.size_mib(c.image) for c in w.pod.spec.containers)))

    def _set_conditions(self, mem: bool, disk: bool) -> None:
        """MemoryPressure / DiskPressure as the kubelet's status setters will report them (at its next status sync)."""
        status = self.kubelet.status
        if (status.memory_pressure, status.disk_pressure) == (mem, disk):
            return
        status.memory_pressure, status.disk_pressure = mem, disk
        status.changed()
