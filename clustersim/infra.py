"""The physical layer under Kubernetes: machines (power) and the image registry.

Faults act here, never on components: a fault powers a host off; the kubelet running on that host
is told, because it subscribed to its host, the way a process dies with its machine.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Host", "Infrastructure"]


class Host:
    """A machine that runs one node's kubelet and containers."""

    __slots__ = ("name", "powered", "_on_power", "_on_kill")

    def __init__(self, name: str) -> None:
        self.name = name
        self.powered = True
        self._on_power: list[Callable[[bool], None]] = []
        self._on_kill: list[Callable[[str, int], bool]] = []

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

    def power_on(self) -> None:
        """Restore power: the kubelet starts again."""
        if not self.powered:
            self.powered = True
            for cb in self._on_power:
                cb(True)

    def kill_container(self, pod_key: str, exit_code: int) -> bool:
        """Make the containers of pod ``pod_key`` exit with ``exit_code``; False if none ran here."""
        return any(cb(pod_key, exit_code) for cb in self._on_kill)


class Infrastructure:
    """All hosts, and the registry's failing images."""

    def __init__(self, failing_images: tuple[str, ...] = ()) -> None:
        self.hosts: dict[str, Host] = {}
        self.failing_images: set[str] = set(failing_images)

    def add_host(self, name: str) -> Host:
        """Create the host for node ``name``."""
        host = self.hosts[name] = Host(name)
        return host
