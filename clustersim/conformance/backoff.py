"""Category I: client-go ``flowcontrol.Backoff`` procedures, run on ``clustersim.util.backoff.Backoff``."""

from __future__ import annotations

from typing import Any

from clustersim.config import models as m
from clustersim.conformance.registry import register, register_defaults
from clustersim.node.restart import crash_loop_waits
from clustersim.util.backoff import Backoff

_K = m.KubeletConfig()
_ID = "id"


def _ticks(b: Backoff, ticks: list[float]) -> dict[str, Any]:
    """TestIsInBackOffSinceUpdate: at each tick check the back-off; Next when not in it."""
    in_backoff: list[bool] = []
    gets: list[float | None] = []
    for t in ticks:
        hit = b.in_backoff_since_update(_ID, t)
        in_backoff.append(hit)
        gets.append(_num(b.get(_ID)) if hit else None)
        if not hit:
            b.next(_ID, t)
    return {"in_backoff": in_backoff, "get_s_when_in_backoff": gets}


def _reset(b: Backoff) -> dict[str, Any]:
    """TestBackoffReset: six Nexts a second apart, then IsInBackOffSince now and 11 s later."""
    now = 0.0
    for _ in range(6):
        now += 1
        b.next(_ID, now)
    first = b.in_backoff_since(_ID, now, now)
    last_update = now
    now += 11
    return {"in_backoff_first": first, "in_backoff_after_11s": b.in_backoff_since(_ID, last_update, now)}


def _expiry(b: Backoff) -> dict[str, Any]:
    """TestAlternateHasExpiredFunc: Next; +5 s Next, Get; +101 s Next, Get."""
    b.next(_ID, 0.0)
    b.next(_ID, 5.0)
    after_5 = b.get(_ID)
    b.next(_ID, 106.0)
    return {"get_after_5s_at_least_s": _num(after_5), "get_after_101s_s": _num(b.get(_ID))}


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def flowcontrol_backoff(inp: dict[str, Any]) -> dict[str, Any]:
    """Dispatch on the procedure the case describes."""
    b = Backoff(float(inp["initial_s"]), float(inp["max_s"]))
    proc = inp.get("procedure", "")
    if "ticks_s" in inp:
        return _ticks(b, [float(t) for t in inp["ticks_s"]])
    if "IsInBackOffSince(" in proc and "11 s" in proc:
        return _reset(b)
    if "101 s" in proc:
        return _expiry(b)
    if "CrashLoopBackOff" in proc:
        waits = crash_loop_waits(b, 9)[1:]  # the first restart does not wait (kuberuntime doBackOff)
        return {"restart_delays_s": [_num(w) for w in waits], "reset_after_stable_s": _num(b.reset_after_s)}
    raise NotImplementedError(f"flowcontrol_backoff procedure not recognised: {proc[:60]}")


register({"flowcontrol_backoff": flowcontrol_backoff})
register_defaults({
    ("kubelet", "backoff.expiry"): (lambda: _num(Backoff(_K.container_backoff_initial_s, _K.container_backoff_max_s).reset_after_s), "s"),
})
