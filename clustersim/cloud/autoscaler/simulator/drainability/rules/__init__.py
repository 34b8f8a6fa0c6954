"""The default drainability rules, in upstream's order (``rules.go`` Default): mirror, long terminating,
then the interrupting checks (DaemonSet, safe-to-evict, terminal), then the blocking ones (not
replicated, kube-system, not-safe-to-evict, local storage, PodDisruptionBudget)."""

from __future__ import annotations

from collections.abc import Callable

from clustersim.api.objects import Pod
from clustersim.cloud.autoscaler.simulator.drainability import UNDEFINED, DrainContext, Outcome, Status
from clustersim.cloud.autoscaler.simulator.drainability.rules import (
    daemonset,
    localstorage,
    longterminating,
    mirror,
    notsafetoevict,
    pdb,
    replicated,
    safetoevict,
    system,
    terminal,
)

__all__ = ["DEFAULT_RULES", "Rule", "drainable"]

Rule = Callable[[DrainContext, Pod], Status]

DEFAULT_RULES: tuple[tuple[str, Rule], ...] = (
    ("Mirror", mirror.drainable), ("LongTerminating", longterminating.drainable), ("DaemonSet", daemonset.drainable),
    ("SafeToEvict", safetoevict.drainable), ("TerminalPod", terminal.drainable), ("Replicated", replicated.drainable),
    ("System", system.drainable), ("NotSafeToEvict", notsafetoevict.drainable), ("LocalStorage", localstorage.drainable),
    ("PDB", pdb.drainable),
)


def drainable(ctx: DrainContext, pod: Pod) -> Status:
    """The first decided verdict of the rules that apply (``Rules.Drainable``); the option flags switch
    the system and local-storage rules off as upstream's ``Default`` does."""
    o = ctx.options
    for name, rule in DEFAULT_RULES:
        if (name == "System" and not o.skip_nodes_with_system_pods) or (name == "LocalStorage" and not o.skip_nodes_with_local_storage):
            continue
        status = rule(ctx, pod)
        if status.outcome is not Outcome.UNDEFINED:
            return status
    return UNDEFINED
