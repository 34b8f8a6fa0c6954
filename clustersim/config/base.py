"""The schema's base class and constrained types, in a module of their own so that feature config
modules (``config/networking.py``, ``config/addons.py``, ...) and ``config/models.py`` can both use
them without importing each other. Numbers are bounded as ``config/bounds.py`` defines."""

from __future__ import annotations

from pydantic import ConfigDict

from clustersim.config.bounds import Bounded, PosSeconds, Quantity, Seconds, check_quantity

__all__ = ["NonNeg", "Pos", "Quantity", "Strict", "check_quantity"]

NonNeg = Seconds  # durations (config/bounds.py: finite, at most MAX_SECONDS)
Pos = PosSeconds


class Strict(Bounded):
    """Base: unknown keys are errors; configs are immutable once validated; numbers bounded (config/bounds.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
