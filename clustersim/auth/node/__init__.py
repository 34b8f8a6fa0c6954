"""The Node authorizer (``plugin/pkg/auth/authorizer/node``): what a kubelet may touch."""

from clustersim.auth.node.authorizer import NodeAuthorizer
from clustersim.auth.node.graph import GraphPod, NodeGraph, PodGraph, StoreGraph

__all__ = ["GraphPod", "NodeAuthorizer", "NodeGraph", "PodGraph", "StoreGraph"]
