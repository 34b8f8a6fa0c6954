"""Workload generators (registered in WORKLOADS); they create or end pods and never block."""

from clustersim.workload import churn, deployment_update, load, trace_replay
from clustersim.workload.base import WORKLOADS

__all__ = ["WORKLOADS", "churn", "deployment_update", "load", "trace_replay"]
