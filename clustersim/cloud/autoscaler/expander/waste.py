"""The least-waste expander (expander/waste, the default): the options leaving the least idle capacity.

Wasted fraction per resource = (capacity x node_count - requested) / (capacity x node_count) for cpu and
memory, from the template's capacity; the score is their sum, the lowest wins (exact ties all stay).
"""

from __future__ import annotations

from clustersim.cloud.autoscaler.expander import EXPANDERS, ExpanderContext, Option


def waste_score(option: Option, ctx: ExpanderContext) -> float | None:
    """cpu + memory waste of ``option`` (None without a template)."""
    node = ctx.templates.get(option.group)
    if node is None:
        return None
    cpu = (node.capacity.cpu_m or 0) * option.node_count
    mem = (node.capacity.memory or 0) * option.node_count
    want_cpu = sum(p.spec.requests.cpu_m for p in option.pods)
    want_mem = sum(p.spec.requests.memory for p in option.pods)
    wasted_cpu = (cpu - want_cpu) / cpu if cpu else 0.0
    wasted_mem = (mem - want_mem) / mem if mem else 0.0
    return wasted_cpu + wasted_mem


@EXPANDERS.register("least-waste")
class LeastWaste:
    """Least waste wins."""

    def best_options(self, options: list[Option], ctx: ExpanderContext) -> list[Option]:
        """Options with the lowest waste score."""
        best: list[Option] = []
        low = float("inf")
        for o in options:
            s = waste_score(o, ctx)
            if s is None:
                continue
            if s == low:
                best.append(o)
            elif s < low:
                low, best = s, [o]
        return best
