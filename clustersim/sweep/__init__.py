"""Parameter sweeps with replications: experiment files, executors, stored results, statistics, reports."""

from clustersim.sweep.runner import SweepError, sweep
from clustersim.sweep.spec import ExperimentSpec, load_experiment
from clustersim.sweep.stats import aggregate

__all__ = ["ExperimentSpec", "SweepError", "aggregate", "load_experiment", "sweep"]
