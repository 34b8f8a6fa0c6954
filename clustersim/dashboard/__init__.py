"""The run viewer (the cluster's web UI dashboard addon, for a finished run): one self-contained HTML page.

``clustersim view RUN_DIR`` draws the fault timeline with each fault's recovery critical path, node
states per zone, replicas per workload, request success per Service, pods per node, resource use
(the monitoring view), the event log as a filterable, sortable table (the logging view) and each
pod's scheduling explanation, with linked zoom, hover and one time cursor across the panels.
``clustersim view SWEEP_DIR`` makes a sweep's report figures interactive, with a click from a design
point to its runs. Built with Bokeh (see docs/inspecting-runs.md for why).
"""

from clustersim.dashboard.page import write_run_page
from clustersim.dashboard.sweep_page import write_sweep_page

__all__ = ["write_run_page", "write_sweep_page"]
