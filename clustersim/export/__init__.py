"""A finished run in the formats operators' tools read: OpenMetrics text under kube-state-metrics' and
the kubelet's metric names (for ``promtool tsdb create-blocks-from openmetrics``, then Grafana), and
the tidy frames as CSV or Parquet files."""

from clustersim.export.openmetrics import FAMILIES, write_openmetrics
from clustersim.export.tidy import write_tidy

__all__ = ["FAMILIES", "write_openmetrics", "write_tidy"]
