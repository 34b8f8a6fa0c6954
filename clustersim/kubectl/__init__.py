"""kubectl-style queries of a finished run: ``get``, ``describe``, ``events`` and ``top`` at any simulated time.

Objects are reconstructed from the run's frames (``clustersim.rundir``): the pods frame gives each
pod's life, the ``pod_status`` and ``node_status`` frames each change of status as kube-state-metrics
saw it, the timeseries the Deployments' status counts, the events frame the event log and the
``usage`` frame what metrics-server served. The tables follow kubectl's printers
(``pkg/printers/internalversion/printers.go``, ``kubectl/pkg/metricsutil/metrics_printer.go``).
"""

from clustersim.kubectl.describe import describe_node, describe_pod
from clustersim.kubectl.events import events_table
from clustersim.kubectl.get import RESOURCES, get
from clustersim.kubectl.top import top_nodes, top_pods

__all__ = ["RESOURCES", "describe_node", "describe_pod", "events_table", "get", "top_nodes", "top_pods"]
