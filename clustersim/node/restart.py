"""When the kubelet restarts an exited container: ``kuberuntime_manager.go`` ``doBackOff``.

At the sync after an exit, the container is in back-off while less than the entry's delay has passed
since it finished (``IsInBackOffSince(key, finishedAt)``); then the kubelet waits out the rest.
Otherwise it restarts at once and moves the entry on (``Next``). So the first crash restarts at once
(no entry yet), the second waits 10 s, the third 20 s, ... up to 300 s, and a container that ran for
more than 2 x 300 s since the last restart starts over. Simplified: the restart happens exactly when
the back-off ends (upstream, at the next pod sync after it).
"""

from __future__ import annotations

from clustersim.util.backoff import Backoff

__all__ = ["crash_loop_waits", "restart_wait"]


def restart_wait(backoff: Backoff, key: str, finished_s: float, now: float) -> tuple[float, float]:
    """(seconds from ``now`` until the restart, the back-off in force or 0) for an exit at ``finished_s``.

    Records the restart (``Next`` at the restart time).
    """
    wait = delay = 0.0
    if backoff.in_backoff_since(key, finished_s, now):
        delay = backoff.get(key)
        wait = max(finished_s + delay - now, 0.0)
    backoff.next(key, finished_s, now + wait)
    return wait, delay


def crash_loop_waits(backoff: Backoff, restarts: int, key: str = "c") -> list[float]:
    """The waits before each of ``restarts`` restarts of a container that exits right after every start."""
    t, waits = 0.0, []
    for _ in range(restarts):
        wait, _ = restart_wait(backoff, key, t, t)
        waits.append(wait)
        t += wait
    return waits
