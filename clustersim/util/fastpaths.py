"""Switches for the optimisations that claim to be exact: each gives the same results as the plain
path it replaces, and ``tests/test_exactness.py`` checks that claim by running the same random
scenarios with the switch on and off and comparing every output frame.

A component reads its switch once, when it is built, so the hot paths pay nothing for it. Turn a
switch off only to check or to debug (``with plain("watch_selectors"): run(cfg)``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["FAST_PATHS", "enabled", "plain"]

FAST_PATHS: dict[str, bool] = {
    # apiserver.watch: changes go only to the handlers whose selectors want them
    "watch_selectors": True,
    # node.pod_worker: a worker with nothing scheduled ends its process; a signal starts a new one
    "parked_workers": True,
    # scheduler PodTopologySpread: per-domain matching-pod counts kept incrementally, not summed per cycle
    "spread_domain_counts": True,
}


def enabled(name: str) -> bool:
    """Whether the fast path ``name`` is on."""
    return FAST_PATHS[name]


@contextlib.contextmanager
def plain(*names: str) -> Iterator[None]:
    """Turn the named fast paths off (all of them when none is named) for the runs built inside."""
    old = dict(FAST_PATHS)
    for name in names or tuple(FAST_PATHS):
        if name not in FAST_PATHS:
            raise KeyError(f"unknown fast path {name!r} (known: {', '.join(FAST_PATHS)})")
        FAST_PATHS[name] = False
    try:
        yield
    finally:
        FAST_PATHS.clear()
        FAST_PATHS.update(old)
