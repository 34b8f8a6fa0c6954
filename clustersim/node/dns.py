"""The pod's DNS configuration as the kubelet forms it (pkg/kubelet/network/dns/dns.go).

``PodDNSConfigurer.get_pod_dns`` gives a pod's resolv.conf (nameservers, search list, options) from
its ``dnsPolicy`` and ``dnsConfig``, the kubelet's ``--cluster-dns``, ``--cluster-domain`` and the
node's ``--resolv-conf``:

- ClusterFirst (and ClusterFirstWithHostNet): the cluster DNS servers only; search
  ``<ns>.svc.<domain>``, ``svc.<domain>``, ``<domain>``, then the host's; options ``ndots:5``
  (the host's options are dropped). A hostNetwork pod with ClusterFirst falls back to Default.
  Without a cluster DNS IP the kubelet falls back to Default (event MissingClusterDNS).
- Default: the host's resolv.conf; with ``--resolv-conf=""``, ``nameserver 127.0.0.1`` and search ``.``.
- None: empty; everything comes from ``dnsConfig``.

``dnsConfig`` is appended (nameservers and searches without duplicates, options merged by name, the
pod's winning), then the limits apply: 3 nameservers; 32 search paths and 2048 characters
(ExpandedDNSConfig, GA in v1.28; 6 and 256 before), no search path over 253 characters. Each cut
records a Warning event ``DNSConfigForming`` with upstream's message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_DNS_OPTIONS", "DEFAULT_DNS_POLICY", "MAX_DNS_NAMESERVERS", "DNSConfigEvent", "PodDNS", "PodDNSConfigurer", "PodDNSOption",
    "ResolvConfError", "form_nameservers_fit_limits", "form_search_fits_limits", "merge_dns_options",
    "parse_resolv_conf", "pod_dns_type",
]

DEFAULT_DNS_OPTIONS = ("ndots:5",)  # dns.go defaultDNSOptions
DEFAULT_DNS_POLICY = "ClusterFirst"  # pkg/apis/core/v1/defaults.go SetDefaults_PodSpec
MAX_DNS_NAMESERVERS = 3  # pkg/apis/core/validation MaxDNSNameservers
MAX_SEARCH_PATHS_LEGACY, MAX_SEARCH_CHARS_LEGACY = 6, 256  # MaxDNSSearchPathsLegacy, MaxDNSSearchListCharsLegacy
MAX_SEARCH_PATHS, MAX_SEARCH_CHARS = 32, 2048  # ...Expanded (ExpandedDNSConfig, GA v1.28)
DNS1123_SUBDOMAIN_MAX = 253  # utilvalidation.DNS1123SubdomainMaxLength
POLICIES = ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
CLUSTER, HOST, NONE = "Cluster", "Host", "None"  # podDNSCluster, podDNSHost, podDNSNone


class ResolvConfError(ValueError):
    """A resolv.conf line the kubelet rejects (a bare ``nameserver``)."""


@dataclass(frozen=True, slots=True)
class DNSConfigEvent:
    """A Kubernetes event the configurer records (on the pod)."""

    type: str
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class PodDNSOption:
    """``v1.PodDNSConfigOption``: a name and an optional value."""

    name: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class PodDNS:
    """The resolver configuration handed to the runtime (``runtimeapi.DNSConfig``)."""

    servers: tuple[str, ...]
    searches: tuple[str, ...]
    options: tuple[str, ...]

    def option(self, name: str, default: int) -> int:
        """The integer value of option ``name`` (``ndots``, ``timeout``, ``attempts``), else ``default``."""
        for op in self.options:
            key, sep, value = op.partition(":")
            if key == name and sep and value.isdigit():
                return int(value)
        return default


def parse_resolv_conf(text: str) -> tuple[list[str], list[str], list[str]]:
    """``parseResolvConf``: nameservers accumulate; the last ``search`` and ``options`` lines win.

    Raises:
        ResolvConfError: a ``nameserver`` line without an address (the other lines still parsed).
    """
    nameservers: list[str] = []
    searches: list[str] = []
    options: list[str] = []
    errors = []
    for line in text.split("\n"):
        trimmed = line.strip()
        if trimmed.startswith("#"):
            continue
        fields = trimmed.split()
        if not fields:
            continue
        if fields[0] == "nameserver":
            if len(fields) >= 2:
                nameservers.append(fields[1])
            else:
                errors.append("nameserver list is empty")
        if fields[0] == "search":
            searches = [s.removesuffix(".") for s in fields[1:]]  # one trailing dot, as TrimSuffix
        if fields[0] == "options":
            options = fields[1:]
    if errors:
        raise ResolvConfError("; ".join(errors))
    return nameservers, searches, options


def _omit_duplicates(items: list[str] | tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(items))


def form_search_fits_limits(searches: list[str], expanded: bool = True) -> tuple[list[str], DNSConfigEvent | None]:
    """``formDNSSearchFitsLimits``: cut to the path limit, drop too-long paths, then trim from the end."""
    max_paths, max_chars = (MAX_SEARCH_PATHS, MAX_SEARCH_CHARS) if expanded else (MAX_SEARCH_PATHS_LEGACY, MAX_SEARCH_CHARS_LEGACY)
    exceeded = False
    if len(searches) > max_paths:
        searches, exceeded = searches[:max_paths], True
    kept = [s for s in searches if len(s) <= DNS1123_SUBDOMAIN_MAX]
    exceeded = exceeded or len(kept) != len(searches)
    line = len(" ".join(kept))
    if line > max_chars:
        cut_len = cut = 0
        for s in reversed(kept):
            cut_len += len(s) + 1
            cut += 1
            if line - cut_len <= max_chars:
                break
        kept, exceeded = kept[:len(kept) - cut], True
    if not exceeded:
        return kept, None
    msg = f"Search Line limits were exceeded, some search paths have been omitted, the applied search line is: {' '.join(kept)}"
    return kept, DNSConfigEvent("Warning", "DNSConfigForming", msg)


def form_nameservers_fit_limits(nameservers: list[str]) -> tuple[list[str], DNSConfigEvent | None]:
    """``formDNSNameserversFitsLimits``: at most three nameservers."""
    if len(nameservers) <= MAX_DNS_NAMESERVERS:
        return nameservers, None
    kept = nameservers[:MAX_DNS_NAMESERVERS]
    msg = f"Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: {' '.join(kept)}"
    return kept, DNSConfigEvent("Warning", "DNSConfigForming", msg)


def merge_dns_options(existing: list[str] | tuple[str, ...], pod_options: tuple[PodDNSOption, ...]) -> list[str]:
    """``mergeDNSOptions``: options keyed by name; the pod's dnsConfig overrides."""
    merged: dict[str, str] = {}
    for op in existing:
        name, sep, value = op.partition(":")
        merged[name] = value if sep else ""
    for pop in pod_options:
        merged[pop.name] = pop.value if pop.value is not None else ""
    return [f"{k}:{v}" if v else k for k, v in merged.items()]


def pod_dns_type(dns_policy: str, host_network: bool) -> str:
    """``getPodDNSType``: Cluster, Host or None.

    Raises:
        ValueError: an unknown policy (the caller falls back to Cluster, as the kubelet does).
    """
    if dns_policy == "None":
        return NONE
    if dns_policy == "ClusterFirstWithHostNet":
        return CLUSTER
    if dns_policy == "ClusterFirst" and not host_network:
        return CLUSTER
    if dns_policy in ("ClusterFirst", "Default"):
        return HOST  # ClusterFirst on the host network falls back to Default
    raise ValueError(f"invalid DNSPolicy={dns_policy}")


@dataclass(frozen=True)
class PodDNSConfigurer:
    """The kubelet's DNS ``Configurer``: its flags and the node's resolv.conf.

    ``resolv_conf`` is the text of the file ``--resolv-conf`` names, or None for ``--resolv-conf=""``.
    """

    cluster_dns: tuple[str, ...] = ()
    cluster_domain: str = ""
    resolv_conf: str | None = ""
    node_ips: tuple[str, ...] = ()
    expanded_dns_config: bool = True
    events: list[DNSConfigEvent] = field(default_factory=list, compare=False)

    def host_dns(self) -> tuple[list[str], list[str], list[str]]:
        """``getHostDNSConfig``: the node's nameservers, searches and options."""
        if self.resolv_conf is None:
            return [], [], []
        return parse_resolv_conf(self.resolv_conf)

    def _cluster_searches(self, namespace: str, host_search: list[str]) -> list[str]:
        if not self.cluster_domain:
            return host_search
        d = self.cluster_domain
        return _omit_duplicates([f"{namespace}.svc.{d}", f"svc.{d}", d, *host_search])

    def get_pod_dns(self, namespace: str, dns_policy: str = DEFAULT_DNS_POLICY, host_network: bool = False,
                    nameservers: tuple[str, ...] = (), searches: tuple[str, ...] = (),
                    options: tuple[PodDNSOption, ...] | None = None) -> PodDNS:
        """``GetPodDNS``; ``nameservers``/``searches``/``options`` are the pod's ``dnsConfig`` (None: no dnsConfig)."""
        servers, search, opts = self.host_dns()
        try:
            kind = pod_dns_type(dns_policy, host_network)
        except ValueError:
            kind = CLUSTER  # "Falling back to DNSClusterFirst policy."
        if kind == NONE:
            servers, search, opts = [], [], []
        elif kind == CLUSTER and self.cluster_dns:
            servers, search, opts = list(self.cluster_dns), self._cluster_searches(namespace, search), list(DEFAULT_DNS_OPTIONS)
        else:
            if kind == CLUSTER:
                msg = ('kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. '
                       'Falling back to "Default" policy.')
                self.events.append(DNSConfigEvent("Warning", "MissingClusterDNS", msg))
            if self.resolv_conf is None:
                servers = ["::1" if ":" in ip else "127.0.0.1" for ip in self.node_ips] or ["127.0.0.1"]
                search = ["."]
        if options is not None or nameservers or searches:
            servers = _omit_duplicates([*servers, *nameservers])
            search = _omit_duplicates([*search, *searches])
            opts = merge_dns_options(opts, options or ())
        servers, ev = form_nameservers_fit_limits(servers)
        if ev:
            self.events.append(ev)
        search, ev = form_search_fits_limits(search, self.expanded_dns_config)
        if ev:
            self.events.append(ev)
        return PodDNS(tuple(servers), tuple(search), tuple(opts))
