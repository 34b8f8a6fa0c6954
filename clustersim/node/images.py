"""Per-node image store and puller, and the registries every node pulls from.

A pull (``pkg/kubelet/images/puller.go`` through the runtime's image service) takes a floor (resolve,
authenticate, manifest and config), downloads the image's layers over containerd's
``max_concurrent_downloads`` connections (longest first), then unpacks them one after another. While
the registry (its CDN) is cold for an image, until the first pull of it has finished, the connections
are slower and the first byte comes later; later pulls are warm. Every pull also takes its bytes
from its registry's bandwidth, shared by all nodes: the registry serves them in arrival order at its
rate (a fluid FIFO: a burst of N equal pulls ends at S/B, 2S/B, ... rather than all at N*S/B as fair
sharing would). The parameters are fitted to rows P1-P2 (``config/timing.py``).

``serializeImagePulls`` (default true) makes a node pull one image at a time; with it false,
``maxParallelImagePulls`` caps the pulls at once (``pkg/kubelet/images/puller.go``
``parallelImagePuller``). Queueing is kept as the times the node's pull slots are free, so it costs
no event. A second pod needing an image that is being pulled waits for that pull.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from clustersim.config.models import ImagesConfig, KubeletConfig
from clustersim.config.timing import ImagePullTimingConfig

__all__ = ["ImageService", "PullPlan", "Registry", "Registries", "layers_of", "makespan", "registry_of"]

DOCKER_HUB = "docker.io"


@dataclass(frozen=True, slots=True)
class PullPlan:
    """What the kubelet must do for one image: wait ``wait_s``; ``pulled`` tells whether a pull ran."""

    start_s: float
    done_s: float
    pulled: bool
    failed: bool


def registry_of(image: str) -> str:
    """The registry host of an image reference (Docker's normalization: no host part means docker.io)."""
    first, sep, _ = image.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return DOCKER_HUB


def layers_of(size_mib: float, t: ImagePullTimingConfig) -> tuple[float, ...]:
    """Default layering by size: equal layers of at most ``layer_mib``, at most ``max_layers`` of them."""
    k = max(1, min(t.max_layers, math.ceil(size_mib / t.layer_mib)))
    return (size_mib / k,) * k


def makespan(layers: tuple[float, ...], connections: int, mib_s: float) -> float:
    """Time to download ``layers`` over ``connections`` at ``mib_s`` each, longest layer first."""
    if len(layers) <= connections:
        return max(layers) / mib_s
    slots = [0.0] * connections
    for size in sorted(layers, reverse=True):
        heapq.heapreplace(slots, slots[0] + size / mib_s)
    return max(slots)


@dataclass(slots=True)
class Registry:
    """One registry's shared bandwidth and which images its CDN has warm."""

    bandwidth_mib_s: float
    free_at_s: float = 0.0
    warm_at: dict[str, float] = field(default_factory=dict)  # image -> when its first pull finished


class Registries:
    """Every registry of the run, created as images name them."""

    def __init__(self, cfg: ImagesConfig) -> None:
        self.cfg = cfg
        self.by_host: dict[str, Registry] = {}

    def of(self, image: str) -> Registry:
        """The registry serving ``image``."""
        host = registry_of(image)
        reg = self.by_host.get(host)
        if reg is None:
            conf = self.cfg.registries.get(host)
            reg = self.by_host[host] = Registry(conf.bandwidth_mib_s if conf is not None else self.cfg.registry_bandwidth_mib_s)
        return reg


@dataclass(slots=True)
class ImageService:
    """Images present on one node, and when in-flight pulls finish."""

    kubelet: KubeletConfig
    images: ImagesConfig
    registries: Registries
    present: dict[str, float] = field(default_factory=dict)  # image -> time it is (or will be) present
    slots: list[float] = field(default_factory=list)  # when each pull slot is free (a heap; empty: no limit)
    last_used: dict[str, float] = field(default_factory=dict)  # image -> last time a container needed it (image GC order)

    def __post_init__(self) -> None:
        k = self.kubelet
        limit = 1 if k.serialize_image_pulls else k.max_parallel_image_pulls
        self.slots = [0.0] * limit if limit is not None else []

    def layers_mib(self, image: str) -> tuple[float, ...]:
        """Layer sizes of ``image`` (listed, or the default layering of its size)."""
        listed = self.images.layers_mib.get(image)
        if listed:
            return listed
        return layers_of(self.images.sizes_mib.get(image, self.images.default_size_mib), self.kubelet.image_pull)

    def size_mib(self, image: str) -> float:
        """Size of ``image`` in MiB (the configured default for unknown images)."""
        listed = self.images.layers_mib.get(image)
        if listed:
            return float(sum(listed))
        return self.images.sizes_mib.get(image, self.images.default_size_mib)

    def _take_slot(self, now: float) -> float:
        """When a pull asked for at ``now`` can start (the earliest free of the node's pull slots)."""
        if not self.slots:
            return now
        return max(now, self.slots[0])

    def _book(self, done: float) -> None:
        if self.slots:
            heapq.heapreplace(self.slots, done)

    def plan(self, image: str, now: float, failing: bool) -> PullPlan:
        """Reserve a pull slot and registry bandwidth for ``image`` if needed and return the timing."""
        self.last_used[image] = now
        ready_at = self.present.get(image)
        if ready_at is not None:
            return PullPlan(now, max(now, ready_at), False, False)
        t = self.kubelet.image_pull
        start = self._take_slot(now)
        if failing:  # the registry answers the manifest request with an error
            done = start + t.floor_s
            self._book(done)
            return PullPlan(start, done, True, True)
        reg = self.registries.of(image)
        cold = reg.warm_at.get(image, math.inf) > start
        layers = self.layers_mib(image)
        total = float(sum(layers))
        download = makespan(layers, t.max_concurrent_downloads, t.cold_layer_mib_s if cold else t.warm_layer_mib_s)
        if cold:
            download += t.cold_first_byte_s
        reg.free_at_s = max(start, reg.free_at_s) + total / reg.bandwidth_mib_s
        done = max(start + t.floor_s + download, reg.free_at_s) + total / t.unpack_mib_s
        if done < reg.warm_at.get(image, math.inf):
            reg.warm_at[image] = done
        self._book(done)
        self.present[image] = done
        return PullPlan(start, done, True, False)
