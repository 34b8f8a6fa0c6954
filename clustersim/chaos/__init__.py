"""Chaos experiments as input: Chaos Mesh, LitmusChaos, Krkn and Chaos Toolkit files read onto the fault catalogue."""

from clustersim.chaos.load import ChaosSet, load_chaos
from clustersim.chaos.model import ChaosAction, ChaosError, ChaosExperiment, Hypothesis, Timing

__all__ = ["ChaosAction", "ChaosError", "ChaosExperiment", "ChaosSet", "Hypothesis", "Timing", "load_chaos"]
