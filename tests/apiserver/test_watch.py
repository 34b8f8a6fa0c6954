"""Watch selectors: a change reaches only the handlers that want it, in registration order."""

from __future__ import annotations

from clustersim.api.objects import ObjectMeta, OwnerRef, Pod, PodDisruptionBudget
from clustersim.api.types import Container, LabelSelector, PodSpec
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.client import Client, Gate
from clustersim.env import ClusterEnv
from clustersim.util.fastpaths import plain


def _pod(name: str, owner_kind: str | None = None) -> Pod:
    owner = OwnerRef(owner_kind, "o", "uid-o") if owner_kind else None
    return Pod(ObjectMeta(name, "ns", owner=owner), PodSpec((Container("c", "i"),)))


def _setup() -> tuple[ClusterEnv, ClusterState, list[tuple[str, str, str]]]:
    env = ClusterEnv(1)
    state = ClusterState(env, 0.1, DefaultTolerationSeconds())
    log: list[tuple[str, str, str]] = []
    state.watch("Pod", lambda e, p: log.append(("all", e, p.meta.name)))
    state.watch("Pod", lambda e, p: log.append(("rs", e, p.meta.name)), owner_kind="ReplicaSet")
    state.watch("Pod", lambda e, p: log.append(("pdb", e, p.meta.name)), while_any="PodDisruptionBudget")
    state.watch("Pod", lambda e, p: log.append(("del", e, p.meta.name)), ("DELETED",))
    return env, state, log


def test_owner_kind_and_while_any_select_the_changes() -> None:
    env, state, log = _setup()
    state.create(_pod("bare"))
    state.create(_pod("owned", "ReplicaSet"))
    state.create(_pod("job", "Job"))
    env.run(until=1)
    assert log == [("all", "ADDED", "bare"), ("all", "ADDED", "owned"), ("rs", "ADDED", "owned"), ("all", "ADDED", "job")]
    log.clear()
    state.create(PodDisruptionBudget(ObjectMeta("b", "ns"), LabelSelector(), min_available=1))
    state.delete("Pod", "ns/bare")
    env.run(until=2)
    assert log == [("all", "DELETED", "bare"), ("pdb", "DELETED", "bare"), ("del", "DELETED", "bare")]
    log.clear()
    state.delete("PodDisruptionBudget", "ns/b")  # none left: the while_any handler hears nothing more
    state.delete("Pod", "ns/owned")
    env.run(until=3)
    assert log == [("all", "DELETED", "owned"), ("rs", "DELETED", "owned"), ("del", "DELETED", "owned")]
    assert state.handler_calls == 10


def test_without_selectors_every_handler_sees_every_change() -> None:
    with plain("watch_selectors"):
        env, state, log = _setup()
    state.create(_pod("job", "Job"))
    env.run(until=1)
    assert [h for h, _, _ in log] == ["all", "rs", "pdb"]


def test_a_closed_gate_holds_the_newest_event_per_object() -> None:
    env = ClusterEnv(1)
    state = ClusterState(env, 0.1, DefaultTolerationSeconds())
    gate = Gate(env)
    seen: list[tuple[str, int]] = []
    Client(state, gate).watch("Pod", lambda e, p: seen.append((e, p.meta.resource_version)), owner_kind="ReplicaSet")
    gate.close()
    pod = state.create(_pod("p", "ReplicaSet"))
    state.update(pod)
    state.create(_pod("other", "Job"))
    env.run(until=1)
    assert seen == []
    gate.reopen()
    assert seen == [("MODIFIED", pod.meta.resource_version)]
