"""Trace inputs: a documented schema for pod arrivals and node events, and adapters for public traces
(Alibaba GPU cluster trace "openb", Google 2019 machine_events)."""

from clustersim.traces.schema import NODE_COLUMNS, POD_COLUMNS, read_nodes, read_pods

__all__ = ["NODE_COLUMNS", "POD_COLUMNS", "read_nodes", "read_pods"]
