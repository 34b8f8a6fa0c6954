"""Cluster snapshots as input: a cluster as it is (nodes, running pods, workloads, Services) at t=0."""

from clustersim.snapshot.load import SnapshotSet, load_snapshot
from clustersim.snapshot.read import SnapshotError

__all__ = ["SnapshotError", "SnapshotSet", "load_snapshot"]
