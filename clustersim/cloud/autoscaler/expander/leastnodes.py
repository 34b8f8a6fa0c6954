"""The least-nodes expander (expander/leastnodes): the options that add the fewest nodes."""

from __future__ import annotations

from clustersim.cloud.autoscaler.expander import EXPANDERS, ExpanderContext, Option


@EXPANDERS.register("least-nodes")
class LeastNodes:
    """Fewest new nodes wins; ties all stay."""

    def best_options(self, options: list[Option], ctx: ExpanderContext) -> list[Option]:
        """Options with the smallest node count."""
        if not options:
            return []
        low = min(o.node_count for o in options)
        return [o for o in options if o.node_count == low]
