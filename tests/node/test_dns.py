"""The kubelet's pod DNS configuration (pkg/kubelet/network/dns): policies, search list, limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clustersim.node.dns import (
    MAX_SEARCH_CHARS,
    MAX_SEARCH_PATHS,
    PodDNSConfigurer,
    PodDNSOption,
    ResolvConfError,
    form_search_fits_limits,
    parse_resolv_conf,
)

HOST = "nameserver 10.0.0.2\nsearch ec2.internal.\noptions timeout:2\n"


@pytest.mark.parametrize(("policy", "host_network", "servers", "searches", "options"), [
    ("ClusterFirst", False, ("10.96.0.10",), ("shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal"), ("ndots:5",)),
    ("ClusterFirst", True, ("10.0.0.2",), ("ec2.internal",), ("timeout:2",)),  # host network falls back to Default
    ("ClusterFirstWithHostNet", True, ("10.96.0.10",), ("shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal"), ("ndots:5",)),
    ("Default", False, ("10.0.0.2",), ("ec2.internal",), ("timeout:2",)),
    ("None", False, (), (), ()),
    ("Bogus", False, ("10.96.0.10",), ("shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal"), ("ndots:5",)),
])
def test_policies(policy: str, host_network: bool, servers: tuple, searches: tuple, options: tuple) -> None:
    conf = PodDNSConfigurer(("10.96.0.10",), "cluster.local", HOST)
    got = conf.get_pod_dns("shop", policy, host_network)
    assert (got.servers, got.searches, got.options) == (servers, searches, options)


def test_dns_config_is_appended_and_options_merged() -> None:
    conf = PodDNSConfigurer(("10.96.0.10",), "cluster.local", HOST)
    got = conf.get_pod_dns("shop", "ClusterFirst", nameservers=("10.96.0.10", "1.1.1.1"), searches=("corp.example",),
                           options=(PodDNSOption("ndots", "2"), PodDNSOption("single-request-reopen")))
    assert got.servers == ("10.96.0.10", "1.1.1.1")
    assert got.searches[-1] == "corp.example" and got.option("ndots", 5) == 2
    assert "single-request-reopen" in got.options


def test_missing_cluster_dns_falls_back_with_an_event() -> None:
    conf = PodDNSConfigurer((), "cluster.local", HOST)
    got = conf.get_pod_dns("shop")
    assert got.servers == ("10.0.0.2",) and conf.events[0].reason == "MissingClusterDNS"


def test_empty_resolv_conf_flag_means_localhost() -> None:
    got = PodDNSConfigurer((), "cluster.local", None, ("192.168.1.5", "fd00::5")).get_pod_dns("x", "Default")
    assert got.servers == ("127.0.0.1", "::1") and got.searches == (".",)


def test_bare_nameserver_is_an_error_and_options_read_as_ints() -> None:
    with pytest.raises(ResolvConfError):
        parse_resolv_conf("nameserver\n")
    got = PodDNSConfigurer(("10.96.0.10",), "cluster.local", "").get_pod_dns("x", options=(PodDNSOption("attempts", "3"),))
    assert got.option("attempts", 2) == 3 and got.option("timeout", 5) == 5


def test_too_many_nameservers_are_cut_to_three_with_a_warning() -> None:
    conf = PodDNSConfigurer(("10.96.0.10",), "cluster.local", "")
    got = conf.get_pod_dns("x", nameservers=("1.1.1.1", "8.8.8.8", "9.9.9.9"))
    assert len(got.servers) == 3 and conf.events[-1].reason == "DNSConfigForming"


@given(st.lists(st.text(alphabet="abc.", min_size=1, max_size=300), max_size=40), st.booleans())
def test_search_limits_hold(searches: list[str], expanded: bool) -> None:
    kept, event = form_search_fits_limits(list(searches), expanded)
    paths, chars = (MAX_SEARCH_PATHS, MAX_SEARCH_CHARS) if expanded else (6, 256)
    assert len(kept) <= paths and all(len(s) <= 253 for s in kept) and len(" ".join(kept)) <= chars
    # what is kept is the input's order, with only drops
    it = iter(searches)
    assert all(any(s == x for x in it) for s in kept)
    assert (event is None) == (kept == searches)
