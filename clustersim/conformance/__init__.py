"""Run Kubernetes' own test cases (``../shared/oracle/k8s_cases*.json``) against the simulator's code.

Each adapter feeds a case's input to the function or plugin the simulation itself uses and returns
a dict comparable with the case's ``expected`` (compared on the expected keys). A kind with no
adapter, or a default the simulator does not model, counts as failed. One module per category
registers its kinds (``registry.register``), as the scheduler's plugins register themselves.

    python -m clustersim.conformance CASES.json [--kind PREFIX]...
"""

from clustersim.conformance import (  # noqa: F401  (register the kinds)
    autoscaler,
    backoff,
    cloud,
    daemonset,
    defaults,
    deployment,
    dns,
    hpa,
    ingress,
    rbac,
    scheduler,
    services,
)
from clustersim.conformance.registry import ADAPTERS, DEFAULTS, NOT_MODELLED
from clustersim.conformance.runner import check_case, main, run_cases

__all__ = ["ADAPTERS", "DEFAULTS", "NOT_MODELLED", "check_case", "main", "run_cases"]
