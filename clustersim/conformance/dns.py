"""Category F: the kubelet's pod DNS configuration (pkg/kubelet/network/dns), through node/dns.py."""

from __future__ import annotations

from typing import Any

from clustersim.conformance.registry import register, register_defaults
from clustersim.conformance.unordered import Unordered
from clustersim.node import dns

_ERROR_ROW = {"error": True}


def parse_resolv_conf(inp: dict[str, Any]) -> dict[str, Any]:
    """``parseResolvConf`` of the case's text."""
    try:
        ns, search, opts = dns.parse_resolv_conf(inp["data"])
    except dns.ResolvConfError:
        return _ERROR_ROW
    return {"error": False, "nameservers": ns, "searches": search, "options": opts}


def search_fits_limits(inp: dict[str, Any]) -> dict[str, Any]:
    """``formDNSSearchFitsLimits``; the event only when one is recorded."""
    kept, ev = dns.form_search_fits_limits(list(inp["searches"]), bool(inp.get("expanded_dns_config", True)))
    out: dict[str, Any] = {"searches": kept}
    if ev is not None:
        out["event"] = {"type": ev.type, "reason": ev.reason, "message": ev.message}
    return out


def nameservers_fit_limits(inp: dict[str, Any]) -> dict[str, Any]:
    """``formDNSNameserversFitsLimits``."""
    kept, ev = dns.form_nameservers_fit_limits(list(inp["nameservers"]))
    return {"nameservers": kept, "event": ev is not None}


def _options(items: list[dict[str, Any]] | None) -> tuple[dns.PodDNSOption, ...]:
    return tuple(dns.PodDNSOption(o["name"], o.get("value")) for o in items or [])


def merge_options(inp: dict[str, Any]) -> dict[str, Any]:
    """``mergeDNSOptions`` (options compare as a set)."""
    return {"options": Unordered(dns.merge_dns_options(inp["existing_options"], _options(inp["pod_dns_config_options"])))}


def pod_dns_type(inp: dict[str, Any]) -> dict[str, Any]:
    """``getPodDNSType``."""
    try:
        return {"error": False, "dns_type": dns.pod_dns_type(inp["dns_policy"], bool(inp["host_network"]))}
    except ValueError:
        return _ERROR_ROW


def get_pod_dns(inp: dict[str, Any]) -> dict[str, Any]:
    """``GetPodDNS`` for the case's kubelet flags, node resolv.conf and pod."""
    conf = dns.PodDNSConfigurer(tuple(inp["cluster_dns"]), inp["cluster_domain"], inp["resolv_conf"], tuple(inp.get("node_ips") or ()))
    pod = inp["pod"]
    dc = pod.get("dns_config")
    got = conf.get_pod_dns(pod["namespace"], pod["dns_policy"], bool(pod["host_network"]),
                           tuple(dc.get("nameservers") or ()) if dc else (), tuple(dc.get("searches") or ()) if dc else (),
                           _options(dc.get("options")) if dc else None)
    return {"servers": list(got.servers), "searches": list(got.searches), "options": Unordered(got.options),
            "searches_first": got.searches[0] if got.searches else None}


register({
    "dns_parse_resolv_conf": parse_resolv_conf,
    "dns_search_fits_limits": search_fits_limits,
    "dns_nameservers_fit_limits": nameservers_fit_limits,
    "dns_merge_options": merge_options,
    "dns_pod_dns_type": pod_dns_type,
    "dns_get_pod_dns": get_pod_dns,
})

register_defaults({
    ("kubelet", "dns.defaultOptions"): (lambda: list(dns.DEFAULT_DNS_OPTIONS), "options"),
    ("kubelet", "dns.maxNameservers"): (lambda: dns.MAX_DNS_NAMESERVERS, "count"),
    ("kubelet", "dns.maxSearchPaths"): (lambda: dns.MAX_SEARCH_PATHS, "count"),
    ("kubelet", "dns.maxSearchListChars"): (lambda: dns.MAX_SEARCH_CHARS, "characters"),
    ("pod", "dnsPolicy"): (lambda: dns.DEFAULT_DNS_POLICY, "policy"),
})
