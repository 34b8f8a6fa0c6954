"""Per-node image store and puller: cache, serialized pulls, pull time from size and bandwidth.

``serializeImagePulls`` (default true, pkg/kubelet/apis/config/v1beta1/defaults.go) makes pulls on a
node run one at a time; a FIFO of pulls is kept as a single "puller free at" time, so queueing costs
no event. A second pod needing an image that is being pulled waits for that pull.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ImageService", "PullPlan"]


@dataclass(frozen=True, slots=True)
class PullPlan:
    """What the kubelet must do for one image: wait ``wait_s``; ``pulled`` tells whether a pull ran."""

    start_s: float
    done_s: float
    pulled: bool
    failed: bool


@dataclass(slots=True)
class ImageService:
    """Images present on one node, and when in-flight pulls finish."""

    bandwidth_mib_s: float
    overhead_s: float
    serialize: bool
    sizes_mib: dict[str, float]
    default_size_mib: float
    present: dict[str, float] = field(default_factory=dict)  # image -> time it is (or will be) present
    free_at_s: float = 0.0
    last_used: dict[str, float] = field(default_factory=dict)  # image -> last time a container needed it (image GC order)

    def size_mib(self, image: str) -> float:
        """Size of ``image`` in MiB (the configured default for unknown images)."""
        return self.sizes_mib.get(image, self.default_size_mib)

    def plan(self, image: str, now: float, failing: bool) -> PullPlan:
        """Reserve the puller for ``image`` if needed and return the timing."""
        self.last_used[image] = now
        ready_at = self.present.get(image)
        if ready_at is not None:
            return PullPlan(now, max(now, ready_at), False, False)
        start = max(now, self.free_at_s) if self.serialize else now
        if failing:
            done = start + self.overhead_s
            if self.serialize:
                self.free_at_s = done
            return PullPlan(start, done, True, True)
        done = start + self.overhead_s + self.size_mib(image) / self.bandwidth_mib_s
        if self.serialize:
            self.free_at_s = done
        self.present[image] = done
        return PullPlan(start, done, True, False)
