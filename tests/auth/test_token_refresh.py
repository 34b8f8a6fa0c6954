"""Every component identity keeps its credential fresh (token managers, certificate rotation), a refresh
refused meanwhile happens once it can, and a refused request inside a watch handler is retried, never a
crash; deliberate expiries (CredentialExpiry without rotation) still refuse."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import ClusterRoleBinding, RoleRef, Subject
from clustersim.auth.authn import MAX_TOKEN_AGE_S, Authenticator
from clustersim.auth.identity import TOKEN, X509, Identity, service_account
from clustersim.cloud.pools import TAINT_UNINITIALIZED
from clustersim.sim import build
from tests.cloud.test_cloud_layer import at, managed, sim_of
from tests.conftest import events_of, make_config

HOUR = 3600.0


def _initialized(sim: Any, name: str) -> bool:
    node = sim.state.get("Node", name)
    return node is not None and bool(node.provider_id) and not any(t.key == TAINT_UNINITIALIZED for t in node.taints)


def test_a_cloud_node_added_after_the_first_token_lifetime_is_initialized() -> None:
    """#14's report: the cloud node controller's token (3600 s) must be refreshed, not expire under it."""
    sim = sim_of(managed(duration_s=HOUR + 600.0))
    at(sim, HOUR + 300.0, lambda: sim.cloud.pools["p"].increase_size(1))
    sim.run()
    assert _initialized(sim, "p-3") and sim.auth.filter.rows == []
    tokens = [c for c in sim.auth.authn.issued if c.identity.credential == TOKEN]
    assert tokens and all(c.generation >= 1 and c.failure(sim.env.now) is None for c in tokens)
    ccm = sim.ccm.node.client.credential if sim.ccm is not None else None
    assert ccm is not None and ccm.identity.service_account == "cloud-controller-manager" and ccm.not_after_s > sim.env.now


def test_a_run_continued_past_its_duration_keeps_refreshing() -> None:
    """Scripts that call env.run beyond duration_s (benchmarks/fidelity.py) see the same credential semantics."""
    sim = sim_of(managed(duration_s=600.0))
    sim.start()
    at(sim, 2 * HOUR - 300.0, lambda: sim.cloud.pools["p"].increase_size(1))
    sim.env.run(until=2 * HOUR)
    assert _initialized(sim, "p-3") and sim.auth.filter.rows == []
    assert all(c.failure(sim.env.now) is None for c in sim.auth.authn.issued)


def test_tokens_refresh_at_80_percent_or_24_hours_and_certificates_at_their_rotation_point() -> None:
    env = simpy.Environment()
    authn = Authenticator(env)
    short = authn.issue(Identity("system:serviceaccount:a:s", (), TOKEN, "a", "s"), HOUR, rotate=True)
    long = authn.issue(Identity("system:serviceaccount:a:l", (), TOKEN, "a", "l"), 3 * MAX_TOKEN_AGE_S, rotate=True)
    cert = authn.issue(Identity("system:node:n", (), X509), 3 * MAX_TOKEN_AGE_S, rotate=True)
    assert short.renew_due_s == 0.8 * HOUR and long.renew_due_s == MAX_TOKEN_AGE_S
    assert cert.renew_due_s == pytest.approx(0.8 * 3 * MAX_TOKEN_AGE_S)  # a certificate manager has no 24 h cap
    env.run(until=MAX_TOKEN_AGE_S + 1.0)
    assert long.generation == 1 and long.not_after_s == MAX_TOKEN_AGE_S + 3 * MAX_TOKEN_AGE_S
    assert short.generation == 30 and short.failure(env.now) is None  # every 48 min for a day
    assert cert.generation == 0


def test_a_refresh_due_while_the_service_account_is_gone_happens_when_it_returns() -> None:
    """The token manager keeps the old token while TokenRequest fails and gets a new one once it can."""
    gone = {"name": "PermissionRevoked", "args": {"at_s": 50.0, "kind": "ServiceAccount", "namespace": "kube-system",
                                                  "name": "replicaset-controller", "restore_after_s": 100.0}}
    crash = {"name": "NodeCrash", "args": {"at_s": 20.0, "nodes": ["n-0"], "recover_after_s": 1000.0}}
    sim = build(make_config(duration_s=500.0, faults=[gone, crash], auth={"service_account_token_validity_s": 100.0}))
    res = sim.run()
    (cred,) = sim.auth.credentials("kube-system/replicaset-controller")
    # due at 80 s while the account was gone: renewed on its return (t=150 plus the watch latency), then every 80 s
    assert cred.generation == 5 and 150.0 + 4 * 80.0 + 100.0 < cred.not_after_s < 575.0
    assert cred.failure(sim.env.now) is None
    refused = [r for r in sim.auth.filter.rows if r[1].endswith(":replicaset-controller")]
    assert all(50.0 <= r[0] <= 150.0 for r in refused)  # none after the ServiceAccount is back
    assert (events_of(res, "SuccessfulCreate", kind="ReplicaSet")["t"] > 300.0).any()  # replacements after the evictions


def test_a_refused_request_in_a_watch_handler_is_retried_with_back_off_not_a_crash() -> None:
    """A handler that writes without catching: its 403 is retried rate-limited per object until a binding lets it through."""
    sim = build(make_config(duration_s=400.0, cluster_roles=[{"name": "node-watcher", "rules": [
        {"verbs": ["get", "list", "watch"], "api_groups": [""], "resources": ["nodes"]}]}], cluster_role_bindings=[
        {"name": "labeler-watches", "role_ref": {"kind": "ClusterRole", "name": "node-watcher"},
         "subjects": [{"kind": "ServiceAccount", "name": "labeler", "namespace": "default"}]}]))
    client = sim.auth.client(service_account("default", "labeler"))
    patched: dict[str, float] = {}

    def label(_etype: str, node: Any) -> None:
        if node.meta.name not in patched:
            client.patch(node)
            patched[node.meta.name] = sim.env.now

    sim.start()
    client.watch("Node", label)
    nodes = [n.meta.name for n in sim.state.list("Node")]
    binding = ClusterRoleBinding(ObjectMeta("labeler"), RoleRef("ClusterRole", "cluster-admin"),
                                 (Subject("ServiceAccount", "labeler", "default"),))
    sim.env.timeout(200.0).callbacks.append(lambda _e: sim.admin.create(binding))
    sim.env.run(until=400.0)
    mine = [r for r in sim.auth.filter.rows if r[1] == "system:serviceaccount:default:labeler"]
    assert mine and {(r[2], r[8]) for r in mine} == {("patch", 403)}  # the watch itself is allowed
    refused = sorted(r[0] for r in mine if r[7] == nodes[0])
    assert len(refused) > 10 and refused[-1] < 200.0
    gaps = [b - a for a, b in pairwise(refused)]
    assert all(g2 == pytest.approx(2 * g1, rel=0.01) for g1, g2 in pairwise(gaps))  # 5 ms doubling per object
    assert sorted(patched) == sorted(nodes) and min(patched.values()) > 200.0
    assert patched[nodes[0]] == pytest.approx(refused[-1] + 2 * gaps[-1], rel=0.01)  # its next retry after the binding
    assert sim.controllers[0].state.gate.retries is None  # nobody else was refused


def test_a_deliberate_expiry_of_the_cloud_controller_token_refuses_then_recovers() -> None:
    """CredentialExpiry without rotation still causes refusals; the run does not crash and the node joins after the renewal."""
    cfg = managed(duration_s=600.0)
    cfg["faults"] = [{"name": "CredentialExpiry", "args": {"at_s": 20.0, "credential": "service_account",
                                                           "service_account": "kube-system/cloud-controller-manager",
                                                           "renew_after_s": 100.0}}]
    sim = sim_of(cfg)
    at(sim, 30.0, lambda: sim.cloud.pools["p"].increase_size(1))
    res = sim.run()
    refused = [r for r in sim.auth.filter.rows if r[1].endswith(":cloud-controller-manager")]
    assert refused and {r[8] for r in refused} == {401} and all(20.0 <= r[0] <= 120.0 for r in refused)
    assert _initialized(sim, "p-3")
    assert not events_of(res, "Unauthorized").empty



@settings(max_examples=60, deadline=None)
@given(validity=st.floats(min_value=10.0, max_value=5 * MAX_TOKEN_AGE_S), until=st.floats(min_value=0.0, max_value=10 * MAX_TOKEN_AGE_S),
       token=st.booleans())
def test_a_rotating_credential_is_never_refused_and_renews_on_schedule(validity: float, until: float, token: bool) -> None:
    env = simpy.Environment()
    ident = Identity("system:serviceaccount:a:s", (), TOKEN, "a", "s") if token else Identity("system:node:n", (), X509)
    cred = Authenticator(env).issue(ident, validity, rotate=True)
    if until > 0:
        env.run(until=until)
    assert cred.failure(env.now) is None and cred.valid
    period = min(0.8 * validity, MAX_TOKEN_AGE_S) if token else 0.8 * validity
    assert cred.generation == pytest.approx(int(until / period + 1e-9), abs=1)  # one renewal per period, none skipped
    assert cred.not_after_s - env.now > validity - period - 1e-6  # always at least the unrenewed remainder left
