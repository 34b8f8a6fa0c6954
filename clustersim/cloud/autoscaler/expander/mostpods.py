"""The most-pods expander (expander/mostpods): the options that would schedule the most pods."""

from __future__ import annotations

from clustersim.cloud.autoscaler.expander import EXPANDERS, ExpanderContext, Option


@EXPANDERS.register("most-pods")
class MostPods:
    """Most pods wins; ties all stay."""

    def best_options(self, options: list[Option], ctx: ExpanderContext) -> list[Option]:
        """Options with the largest pod count."""
        if not options:
            return []
        top = max(len(o.pods) for o in options)
        return [o for o in options if len(o.pods) == top]
