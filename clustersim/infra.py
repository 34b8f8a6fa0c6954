"""The physical layer under Kubernetes: machines (power) and the image registry.

Faults act here, never on components: a fault powers a host off; the kubelet running on that host
is told, because it subscribed to its host, the way a process dies with its machine.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from clustersim.dataplane.dns import ClusterDNS
from clustersim.dataplane.external import ExternalWorld
from clustersim.dataplane.ingress import IngressPlane

__all__ = ["RUNTIME_DOWN", "RUNTIME_OK", "RUNTIME_PLEG_STALL", "Host", "Infrastructure", "ProxyTable"]

RUNTIME_OK, RUNTIME_DOWN, RUNTIME_PLEG_STALL = "ok", "down", "pleg-stall"


class Host:
    """A machine that runs one node's kubelet and containers."""

    __slots__ = ("name", "powered", "kubelet_running", "cut_from_control_plane", "cut_from_clients", "cut_from_nodes",
                 "zone", "_on_power", "_on_kill", "_on_link", "_on_usage", "_answers", "proxy_cut_since", "_clock", "api_down",
                 "_on_image", "running_at_start", "retired", "runtime_state", "_on_runtime")

    def __init__(self, name: str, zone: str = "") -> None:
        self.name = name
        self.zone = zone
        self.powered = True
        self.kubelet_running = True
        self.cut_from_control_plane = False
        self.cut_from_clients = False
        self.cut_from_nodes = False
        self.api_down = False  # the API server itself is unavailable
        self.runtime_state = RUNTIME_OK  # the container runtime: ok, down (stopped), or pleg-stall (relists hang)
        self._on_runtime: list[Callable[[str], None]] = []
        self.retired = False  # its VM was deleted: it never powers on again
        self._on_power: list[Callable[[bool], None]] = []
        self._on_kill: list[Callable[[str, int], bool]] = []
        self._on_link: list[Callable[[bool], None]] = []
        self._on_usage: list[Callable[[], None]] = []
        self._on_image: list[Callable[[str, bool], bool]] = []
        # containers already running when the run starts (a cluster snapshot): pod key -> start time (s)
        self.running_at_start: dict[str, float] = {}
        self._answers: Callable[[str], bool] | None = None
        self.proxy_cut_since: float | None = None  # kube-proxy lost its API watch at this time (partition)
        self._clock: Callable[[], float] = lambda: 0.0

    def set_clock(self, clock: Callable[[], float]) -> None:
        """Where the host reads the simulated time (for timestamps of network changes)."""
        self._clock = clock

    def serve_requests(self, answers: Callable[[str], bool]) -> None:
        """Register who answers requests for pods on this host (the container runtime, via the kubelet)."""
        self._answers = answers

    def answers(self, pod_key: str) -> bool:
        """Is a container of ``pod_key`` running here and answering?"""
        return self.powered and self._answers is not None and self._answers(pod_key)

    @property
    def reaches_control_plane(self) -> bool:
        """The kubelet runs and its traffic to the API server gets through."""
        return self.powered and self.kubelet_running and not self.cut_from_control_plane and not self.api_down

    def subscribe_runtime(self, on_runtime: Callable[[str], None]) -> None:
        """Be told when the container runtime's state changes (the kubelet)."""
        self._on_runtime.append(on_runtime)

    def set_runtime(self, state: str) -> bool:
        """The container runtime goes ``down``, stalls (``pleg-stall``) or is ``ok`` again; False if no change."""
        if state == self.runtime_state:
            return False
        self.runtime_state = state
        for cb in self._on_runtime:
            cb(state)
        return True

    def subscribe_usage(self, on_usage: Callable[[], None]) -> None:
        """Be told when resource usage on this host changes from outside (a stress fault)."""
        self._on_usage.append(on_usage)

    def usage_changed(self) -> None:
        """Usage changed (a stress began or ended)."""
        for fn in self._on_usage:
            fn()

    def subscribe_link(self, on_link: Callable[[bool], None]) -> None:
        """Be told when the kubelet loses or regains the API server (kubelet stop, partition)."""
        self._on_link.append(on_link)

    def _link_changed(self, before: bool) -> None:
        now = self.reaches_control_plane
        if now != before and self.powered:
            for cb in self._on_link:
                cb(now)

    def stop_kubelet(self) -> None:
        """The kubelet process stops; containers keep running (the runtime is a separate process)."""
        before = self.reaches_control_plane
        self.kubelet_running = False
        self._link_changed(before)

    def start_kubelet(self) -> None:
        """The kubelet process starts again."""
        before = self.reaches_control_plane
        self.kubelet_running = True
        self._link_changed(before)

    def partition(self, control_plane: bool = True, clients: bool = False, nodes: bool = False) -> None:
        """Cut the host's network from the control plane and, optionally, from clients and other nodes."""
        before = self.reaches_control_plane
        if control_plane and not self.cut_from_control_plane:
            self.proxy_cut_since = self._clock()
        self.cut_from_control_plane = self.cut_from_control_plane or control_plane
        self.cut_from_clients = self.cut_from_clients or clients
        self.cut_from_nodes = self.cut_from_nodes or nodes
        self._link_changed(before)

    def heal(self) -> None:
        """Restore every network path."""
        before = self.reaches_control_plane
        self.proxy_cut_since = None
        self.cut_from_control_plane = self.cut_from_clients = self.cut_from_nodes = False
        self._link_changed(before)

    def subscribe(self, on_power: Callable[[bool], None], on_kill: Callable[[str, int], bool]) -> None:
        """Register the callbacks of the software on this host (the kubelet)."""
        self._on_power.append(on_power)
        self._on_kill.append(on_kill)

    def power_off(self) -> None:
        """Cut power: every process on the host stops at once."""
        if self.powered:
            self.powered = False
            for cb in self._on_power:
                cb(False)

    def retire(self) -> None:
        """The machine is gone for good (its cloud VM was deleted): off now, and never on again."""
        self.power_off()
        self.retired = True

    def power_on(self) -> None:
        """Restore power: the kubelet starts again (not on a retired machine)."""
        if not self.powered and not self.retired:
            self.powered = True
            for cb in self._on_power:
                cb(True)

    def kill_container(self, pod_key: str, exit_code: int) -> bool:
        """Make the containers of pod ``pod_key`` exit with ``exit_code``; False if none ran here."""
        return any(cb(pod_key, exit_code) for cb in self._on_kill)

    def subscribe_image(self, on_image: Callable[[str, bool], bool]) -> None:
        """Be told when a pod's images are swapped for a pause image, or back (a PodFailure fault)."""
        self._on_image.append(on_image)

    def swap_image(self, pod_key: str, paused: bool) -> bool:
        """Replace the images of ``pod_key``'s containers by a pause image (or restore them); False if it does not run here."""
        return any(cb(pod_key, paused) for cb in self._on_image)


class ProxyTable:
    """kube-proxy's programmed rules, shared by the nodes that follow the API: per Service, the
    endpoint lists with the time each was programmed. A node whose kube-proxy lost its watch keeps
    the rules it had then (``Host.proxy_cut_since``)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.rules: dict[str, list[tuple[Any, ...]]] = {}

    def program(self, service: str, at: float, endpoints: tuple[Any, ...]) -> None:
        """Rules for ``service`` take effect at ``at`` (a later program before ``at`` replaces them)."""
        times, rules = self.times.setdefault(service, []), self.rules.setdefault(service, [])
        if times and times[-1] >= at:
            rules[-1] = endpoints
            return
        times.append(at)
        rules.append(endpoints)

    def last_programmed(self, service: str) -> float:
        """When rules for ``service`` last took or take effect (-inf if never)."""
        times = self.times.get(service)
        return times[-1] if times else float("-inf")

    def view(self, service: str, at: float) -> tuple[Any, ...]:
        """The rules in force at time ``at``."""
        times = self.times.get(service)
        if not times:
            return ()
        i = bisect.bisect_right(times, at) - 1
        return self.rules[service][i] if i >= 0 else ()


class Infrastructure:
    """All hosts, the registry's failing images, and the nodes' kube-proxy rules."""

    def __init__(self, failing_images: tuple[str, ...] = ()) -> None:
        self.hosts: dict[str, Host] = {}
        self.failing_images: set[str] = set(failing_images)
        self.proxy = ProxyTable()
        self.registry_down = False  # every pull fails (RegistryOutage)
        self.control_plane: dict[str, Any] = {}  # component name -> ElectedComponent (leader election)
        self.loads: dict[tuple[str, str], Any] = {}  # (namespace, workload) -> the demand its pods serve (CpuLoad)
        self.memory_stress: dict[str, int] = {}  # pod uid -> extra bytes a MemoryStress fault adds
        self.cpu_stress: dict[str, int] = {}  # pod uid -> extra millicores a CpuStress fault burns
        # pod key -> active request faults (abort fraction, delay s, jitter s) on requests the pod serves (RequestFault)
        self.request_faults: dict[str, list[tuple[float, float, float]]] = {}
        self.control_plane_gates: list[Any] = []  # the control plane's links to the API server
        self.zones_down: set[str] = set()  # zones in an outage: their machines are dark and new ones never come up
        # cloud load balancers by Service key: the hosts they send to (absent: no cloud, every node is a
        # backend as with a static LB; an empty set: the LB is not provisioned yet or has no backends)
        self.lb_backends: dict[str, set[str]] | None = None
        self.dns = ClusterDNS()  # what CoreDNS serves (addons/coredns.py writes it)
        self.external = ExternalWorld()  # dependencies outside the cluster
        self.ingress = IngressPlane()  # what the ingress controller has loaded (addons/ingress_nginx.py writes it)

    @property
    def uses_memory(self) -> bool:
        """Does any pod use memory (a CpuLoad with per-pod memory, or a stress)? If not, no node can be under memory pressure."""
        return bool(self.memory_stress) or any(load.memory for load in self.loads.values())

    def pull_fails(self, image: str) -> bool:
        """Would a pull of ``image`` fail now?"""
        return self.registry_down or image in self.failing_images

    def add_host(self, name: str, zone: str = "") -> Host:
        """Create the host for node ``name``."""
        host = self.hosts[name] = Host(name, zone)
        return host

    def set_api_server_down(self, down: bool) -> None:
        """The API server becomes unavailable (or available again) to every kubelet."""
        for host in self.hosts.values():
            before = host.reaches_control_plane
            host.api_down = down
            host._link_changed(before)
        for component in self.control_plane.values():
            component.api_unreachable(down)  # leaders that cannot renew give up after their renew deadline
        for gate in self.control_plane_gates:
            gate.close("apiserver") if down else gate.reopen("apiserver")

    def proxy_view(self, host: Host, service: str, now: float) -> tuple[Any, ...]:
        """The endpoints ``host``'s kube-proxy routes ``service`` to now."""
        at = now if host.proxy_cut_since is None else host.proxy_cut_since
        return self.proxy.view(service, at)

    def can_reach(self, src: Host | None, dst: Host) -> bool:
        """Does traffic from ``src`` (a node, or None for an outside client) reach a process on ``dst``?"""
        if not dst.powered:
            return False
        if src is None:
            return not dst.cut_from_clients
        if src is dst:
            return src.powered
        return src.powered and not src.cut_from_nodes and not dst.cut_from_nodes
