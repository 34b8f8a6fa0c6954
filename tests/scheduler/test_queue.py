"""The scheduling queue: back-off, the unschedulable pool, moves on cluster events."""

from __future__ import annotations

import pytest

from clustersim.env import ClusterEnv
from clustersim.scheduler.queue import SchedulingQueue, backoff_duration
from tests.scheduler.helpers import pod


def test_backoff_table() -> None:
    # scheduling_queue_test.go TestBackOffFlow: 1, 2, 4, 8, 10, 10, 10
    assert [backoff_duration(n, 1, 10) for n in range(1, 8)] == [1, 2, 4, 8, 10, 10, 10]


def _queue() -> tuple[ClusterEnv, SchedulingQueue]:
    env = ClusterEnv(1)
    return env, SchedulingQueue(env, 1.0, 10.0, 300.0)


def test_priority_then_fifo() -> None:
    env, q = _queue()
    low, high, low2 = pod(uid="low"), pod(uid="high"), pod(uid="low2")
    object.__setattr__(high.spec, "priority", 10)
    for p in (low, high, low2):
        q.add(p)
    assert [q.pop().pod for _ in range(3)] == [high, low, low2]


def test_unschedulable_pod_waits_for_event_then_backs_off() -> None:
    env, q = _queue()
    p = pod(uid="p")
    q.add(p)
    info = q.pop()
    q.add_unschedulable(info, q.scheduling_cycle)
    assert q.pop() is None and q.pending_counts() == (0, 0, 1)
    env.run(until=0.5)
    q.move_all_to_active_or_backoff()  # a node was added: back-off (1 s) not over yet
    assert q.pending_counts() == (0, 1, 0)
    env.run(until=0.99)
    assert q.pop() is None
    env.run(until=1.0 + 1e-9)  # the backoffQ flush runs every second
    assert q.pop() is info and info.attempts == 2


def test_event_during_cycle_sends_pod_to_backoff_directly() -> None:
    env, q = _queue()
    q.add(pod(uid="p"))
    info = q.pop()
    cycle = q.scheduling_cycle
    q.move_all_to_active_or_backoff()  # e.g. a pod was deleted while this one was being scheduled
    q.add_unschedulable(info, cycle)
    assert q.pending_counts() == (0, 1, 0)


def test_unschedulable_pods_are_retried_after_five_minutes() -> None:
    env, q = _queue()
    q.add(pod(uid="p"))
    q.add_unschedulable(q.pop(), q.scheduling_cycle)
    env.run(until=299)
    assert q.pop() is None
    env.run(until=331)  # flushed at the first 30 s tick at or after 300 s
    assert q.pop() is not None


@pytest.mark.parametrize("n", [0, -1])
def test_no_backoff_before_first_failure(n: int) -> None:
    assert backoff_duration(n, 1, 10) == 0
