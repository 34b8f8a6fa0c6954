"""The API server: the object store with its watches, admission, and the Eviction subresource."""

from clustersim.apiserver.store import ADDED, DELETED, MODIFIED, ClusterState, Handler

__all__ = ["ADDED", "DELETED", "MODIFIED", "ClusterState", "Handler"]
