"""The random expander (expander/random): any option; the chain's final pick is random too."""

from __future__ import annotations

from clustersim.cloud.autoscaler.expander import EXPANDERS, ExpanderContext, Option


@EXPANDERS.register("random")
class Random:
    """Keeps every option (the chain picks one at random)."""

    def best_options(self, options: list[Option], ctx: ExpanderContext) -> list[Option]:
        """All of them."""
        return list(options)
