"""A list that compares as a multiset, for expected values the oracle says to compare as a set."""

from __future__ import annotations

from typing import Any

__all__ = ["Unordered"]


class Unordered(list[Any]):
    """Equal to any list with the same items in any order (json-serialisable as a list)."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list):
            return NotImplemented
        return sorted(map(repr, self)) == sorted(map(repr, other))

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None  # type: ignore[assignment]
