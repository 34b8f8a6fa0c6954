"""Which field a hand-written reader was reading when a value of the wrong shape stopped it.

Readers of other tools' formats (chaos files, snapshots, manifest converters) walk documents with
``.get`` and indexing; a list where a mapping belongs ends in an AttributeError deep inside them. Rather
than a traceback, or a line without a field, the reader is run once more on a copy of the document that
records every key and index it reads: the last one read is the field to name. This costs nothing on the
normal path (only a failed read is repeated) and leaves no wrapper objects in any result.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["SHAPE_ERRORS", "Located", "describe", "locate"]

# what a reader's own code raises when a value has another shape than it expects
SHAPE_ERRORS = (AttributeError, TypeError, KeyError, IndexError, ValueError, OverflowError)
MISSING = object()


class Located:
    """The path last read (keys and list indexes) and what was there (MISSING: a key that was absent)."""

    __slots__ = ("path", "value")

    def __init__(self) -> None:
        self.path: tuple[Any, ...] = ()
        self.value: Any = None

    def dotted(self, brackets: bool = False) -> str:
        """``spec.ports.0`` (config style) or ``spec.ports[0]`` (manifest style)."""
        out = ""
        for p in self.path:
            out += f"[{p}]" if brackets and isinstance(p, int) else f".{p}" if out else str(p)
        return out

    def problem(self) -> str:
        """``required field missing`` or ``has the wrong type (a list)``."""
        return "required field missing" if self.value is MISSING else f"has the wrong type ({describe(self.value)})"


def describe(value: Any) -> str:
    """A value's JSON type, as a user wrote it: a mapping, a list, a string, a number, true/false, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


class _Dict(dict[Any, Any]):
    __slots__ = ("_at", "_seen")

    def __init__(self, data: dict[Any, Any], at: tuple[Any, ...], seen: Located) -> None:
        super().__init__({k: _wrap(dict.__getitem__(data, k), (*at, k), seen) for k in dict.keys(data)})
        self._at, self._seen = at, seen

    def _note(self, key: Any, value: Any) -> Any:
        self._seen.path, self._seen.value = (*self._at, key), value
        return value

    def __getitem__(self, key: Any) -> Any:
        if key not in self:
            self._note(key, MISSING)
        return self._note(key, dict.__getitem__(self, key))

    def get(self, key: Any, default: Any = None) -> Any:
        return self._note(key, dict.__getitem__(self, key)) if key in self else default

    def items(self) -> Iterator[tuple[Any, Any]]:  # type: ignore[override]
        for k in list(dict.keys(self)):
            yield k, self._note(k, dict.__getitem__(self, k))

    def values(self) -> Iterator[Any]:  # type: ignore[override]
        for _, v in self.items():
            yield v

    def __getattr__(self, name: str) -> Any:  # a mapping used as a string or a list: this is the field
        if not name.startswith("_"):
            self._seen.path, self._seen.value = self._at, self
        raise AttributeError(name)

    def __deepcopy__(self, memo: dict[int, Any]) -> _Dict:  # a reader's copy keeps recording
        return _Dict({k: copy.deepcopy(dict.__getitem__(self, k), memo) for k in dict.keys(self)}, self._at, self._seen)

    def __copy__(self) -> _Dict:
        return _Dict(dict(dict.items(self)), self._at, self._seen)


class _List(list[Any]):
    __slots__ = ("_at", "_seen")

    def __init__(self, data: list[Any], at: tuple[Any, ...], seen: Located) -> None:
        super().__init__(_wrap(list.__getitem__(data, i), (*at, i), seen) for i in range(len(data)))
        self._at, self._seen = at, seen

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            self._seen.path, self._seen.value = (*self._at, i), list.__getitem__(self, i)
            yield self._seen.value

    def __getitem__(self, i: Any) -> Any:
        value = list.__getitem__(self, i)
        if isinstance(i, int):
            self._seen.path, self._seen.value = (*self._at, i if i >= 0 else len(self) + i), value
        return value

    def __getattr__(self, name: str) -> Any:  # a list used as a mapping or a string: this is the field
        if not name.startswith("_"):
            self._seen.path, self._seen.value = self._at, self
        raise AttributeError(name)

    def __deepcopy__(self, memo: dict[int, Any]) -> _List:
        return _List([copy.deepcopy(list.__getitem__(self, i), memo) for i in range(len(self))], self._at, self._seen)

    def __copy__(self) -> _List:
        return _List(list(list.__iter__(self)), self._at, self._seen)


def _wrap(value: Any, at: tuple[Any, ...], seen: Located) -> Any:
    if isinstance(value, dict):
        return _Dict(value, at, seen)
    if isinstance(value, list):
        return _List(value, at, seen)
    return value


def locate(read: Callable[[Any], object], doc: Any) -> Located | None:
    """Run ``read`` on a recording copy of ``doc``; the field last read when it raised a shape error (None if
    it did not fail this time)."""
    seen = Located()
    try:
        read(_wrap(doc, (), seen))
    except SHAPE_ERRORS:
        return seen
    except Exception:  # noqa: BLE001  (another error: the reader reports it on its own path)
        return None
    return None
