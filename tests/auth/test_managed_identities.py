"""A managed cluster at its defaults is never refused: the cloud-controller-manager, the Cluster Autoscaler (scale-up,
scale-down with drains) and the termination handler (a spot notice) each call as their own ServiceAccount, and every
request passes their manifests' roles."""

from __future__ import annotations

from clustersim.config.load import validate_dict
from clustersim.sim import build
from tests.cloud.test_autoscaler import _scale_down_cluster, scale_at
from tests.cloud.test_cloud_faults import _spot
from tests.conftest import events_of


def test_the_autoscaler_scaling_up_and_down_is_never_refused() -> None:
    sim = build(validate_dict(_scale_down_cluster(scale_down_delay_after_add_s=60), "test"))
    scale_at(sim, 0.0, 24)  # a scale-up, then idle nodes drained and removed
    scale_at(sim, 100.0, 1)
    res = sim.run()
    assert len(events_of(res, "ScaledUpGroup")) >= 1 and len(events_of(res, "ScaleDown", kind="Node")) >= 1
    assert sim.auth.filter.rows == []
    users = {u for u, *_ in sim.auth.filter.decided}
    assert {"system:serviceaccount:kube-system:cluster-autoscaler", "system:serviceaccount:kube-system:cloud-controller-manager"} <= users
    assert all(ok for u, *_, ok in sim.auth.filter.decided if u.endswith((":cluster-autoscaler", ":cloud-controller-manager")))


def test_the_termination_handler_draining_on_a_spot_notice_is_never_refused() -> None:
    sim = build(validate_dict(_spot(True), "test"))
    res = sim.run()
    assert len(events_of(res, "SpotInterruptionNotice")) == 1
    assert sim.auth.filter.rows == []
    assert any(u == "system:serviceaccount:kube-system:aws-node-termination-handler" for u, *_ in sim.auth.filter.decided)


def test_coredns_and_ingress_nginx_serving_are_never_refused() -> None:
    from tests.conftest import make_config
    from tests.traffic.test_ingress import CLUSTER, DEPS, ING, SVCS

    svcs = [{**SVCS[0], "traffic": {"rate_per_s": 10}}, *SVCS[1:]]  # in-cluster clients: CoreDNS answers them
    sim = build(make_config(cluster=CLUSTER, deployments=DEPS, services=svcs, ingresses=[ING], duration_s=120))
    res = sim.run()
    assert sim.auth.filter.rows == [] and res.requests.requests.sum() > 0
    decided = {(u, ok) for u, *_, ok in sim.auth.filter.decided}
    assert ("system:serviceaccount:kube-system:coredns", True) in decided
    assert ("system:serviceaccount:ingress-nginx:ingress-nginx", True) in decided
