"""ImageLocality: pkg/scheduler/framework/plugins/imagelocality/image_locality.go.

Favours nodes that already have the pod's images: for each (init and regular) container image on the
node, add ``int(size * nodesWithImage / totalNodes)``; clamp the sum to [23 MiB, 1000 MiB x number of
containers] and scale to 0..100. Image names without a tag get ``:latest``. Node images come from the
Node objects' ``status.images``; kubelets do not report pulled images yet, so only images preloaded
by the config count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import Pod
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, CycleState

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    """``normalizedImageName``: add ``:latest`` when there is no tag or digest."""
    if "@" in name or ":" in name.rsplit("/", 1)[-1]:
        return name
    return f"{name}:latest"


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    """Clamp and scale to 0..MAX_NODE_SCORE (integer arithmetic, as upstream)."""
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    sum_scores = min(max(sum_scores, MIN_THRESHOLD), max_threshold)
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


@SCHEDULER_PLUGINS.register("ImageLocality")
@dataclass(frozen=True)
class ImageLocality:
    """Score: images already on the node."""

    name: str = "ImageLocality"

    skip_reads = "cluster"  # skip_score reads which images nodes have (see shape_cache)

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """No node reports any image: every node would score 0."""
        return not nodes.image_nodes

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Spread-weighted size of the pod's images present on each node."""
        containers = (*pod.spec.init_containers, *pod.spec.containers)
        total = len(nodes.candidates())
        out = np.zeros(len(idx), dtype=np.int64)
        for j, i in enumerate(idx):
            images = nodes.images[i]
            s = 0
            for c in containers:
                size = images.get(normalized_image_name(c.image))
                if size is not None:
                    s += int(size * (nodes.image_nodes.get(normalized_image_name(c.image), 0) / total))
            out[j] = calculate_priority(s, len(containers))
        return out

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """No ScoreExtensions upstream: identity."""
        return scores

    normalize_is_identity = True

    def score_one(self, pod: Pod, nodes: NodeTable, i: int) -> int:
        """``score`` for one node."""
        return int(self.score(CycleState(), pod, nodes, np.array([i]))[0])

    def reuse_key(self, pod: Pod, nodes: NodeTable) -> tuple[object, ...]:
        """What, besides the node's own row, the score depends on: how many nodes hold each image and the node count."""
        names = tuple(normalized_image_name(c.image) for c in (*pod.spec.init_containers, *pod.spec.containers))
        return (len(nodes.candidates()), *(nodes.image_nodes.get(n, 0) for n in names))
