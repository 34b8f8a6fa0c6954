"""Name -> factory registries for plugins, controllers, faults and workloads.

Like kube-scheduler's ``Registry`` (``pkg/scheduler/framework/runtime/registry.go``): registration is
explicit, and a duplicate name is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps CapWords names to classes; each class may carry an ``Args`` pydantic model."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Class decorator registering ``cls`` under ``name``."""

        def deco(cls: T) -> T:
            if name in self._items:
                raise ValueError(f"{self.what} {name!r} is already registered")
            self._items[name] = cls
            return cls

        return deco

    def get(self, name: str) -> T:
        """The class registered as ``name``; KeyError names the known ones."""
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items)) or "none"
            raise KeyError(f"unknown {self.what} {name!r} (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))
