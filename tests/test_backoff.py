"""flowcontrol.Backoff semantics used for CrashLoopBackOff and ImagePullBackOff."""

from __future__ import annotations

from clustersim.util.backoff import Backoff


def test_doubles_to_the_cap() -> None:
    b, t, delays = Backoff(10, 300), 0.0, []
    for _ in range(8):
        d = b.next("c", t)
        delays.append(d)
        t += d
    assert delays == [10, 20, 40, 80, 160, 300, 300, 300]


def test_resets_after_twice_the_cap_without_failure() -> None:
    b = Backoff(10, 300)
    assert [b.next("c", t) for t in (0, 1, 2)] == [10, 20, 40]
    assert b.next("c", 2 + 600.5) == 10          # 600.5 s > 2 x 300 s since the last failure
    assert b.next("c", 2 + 600.5 + 599) == 20    # not yet expired: keeps doubling


def test_keys_are_independent() -> None:
    b = Backoff(1, 10)
    assert (b.next("a", 0), b.next("a", 0), b.next("b", 0)) == (1, 2, 1)
