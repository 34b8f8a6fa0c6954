"""clustersim: a discrete-event simulator of a Kubernetes-style cluster.

Public API: ``load_config``, ``run``, ``build``, and the result and config types.
"""

from clustersim.config import ConfigError, SimConfig, load_config
from clustersim.sim import RunResult, Simulation, build, run

__all__ = ["ConfigError", "RunResult", "SimConfig", "Simulation", "build", "load_config", "run"]
__version__ = "0.1.0"
