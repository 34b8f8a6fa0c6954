"""The priority expander (expander/priority): the options of the node groups with the highest priority.

Its ConfigMap ``cluster-autoscaler-priority-expander`` (key ``priorities``) maps integer priorities to
lists of regular expressions, matched unanchored (Go's MatchString) against node group ids. A group that
matches no expression is dropped (Warning PriorityConfigMapNotMatchedGroup); an empty configuration is
rejected (Warning PriorityConfigMapInvalid) and nothing is chosen.
"""

from __future__ import annotations

import re

from clustersim.cloud.autoscaler.expander import EXPANDERS, ExpanderContext, Option

CONFIG_MAP = "cluster-autoscaler-priority-expander"


@EXPANDERS.register("priority")
class Priority:
    """The highest matching priority wins."""

    def best_options(self, options: list[Option], ctx: ExpanderContext) -> list[Option]:
        """Options of the highest-priority matching groups."""
        prios = ctx.priorities
        if not prios:
            ctx.event("Warning", "PriorityConfigMapInvalid", f"Wrong configuration for priority expander: priority configuration in {CONFIG_MAP} "
                                                            "configmap is empty; please provide valid configuration. Ignoring update.")
            return []
        best: list[Option] = []
        top = None
        for o in options:
            matched = [p for p, patterns in prios.items() if any(re.search(rx, o.group) for rx in patterns)]
            if not matched:
                ctx.event("Warning", "PriorityConfigMapNotMatchedGroup", f"Priority expander: node group {o.group} not found in priority "
                                                                         "expander configuration. The group won't be used.")
                continue
            p = max(matched)
            if top is None or p > top:
                top, best = p, [o]
            elif p == top:
                best.append(o)
        return best
