"""The one error type of bad input."""

from __future__ import annotations

from typing import Any

__all__ = ["ConfigError", "describe_validation_error"]


class ConfigError(Exception):
    """Bad input; ``str(e)`` is one line: ``<file>: <field>: <message>``."""

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source, self.field, self.message = source, field, message
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {message}")


_UNION_TAGS = {"str", "int", "float", "bool", "none", "list", "dict", "tuple"}


def _loc(loc: tuple[Any, ...]) -> str:
    """Pydantic's error location as a dotted path, without its union-member and validator tags."""
    parts = []
    for p in loc:
        if isinstance(p, str) and (p in _UNION_TAGS or p.startswith(("function-", "tuple[", "list[", "literal[", "dict[", "constrained-"))):
            continue
        parts.append(str(p))
    return ".".join(parts)


def describe_validation_error(e: Any) -> tuple[str, str]:
    """(dotted field, message) of a pydantic ``ValidationError``'s first error, in our words.

    A model validator names the field it rejects (``"field: message"``); that field is appended to the
    location. Pydantic's internals (error types, ``Value error,`` prefixes, union tags, regular
    expressions) stay out of the message.
    """
    err = e.errors()[0]
    loc = _loc(tuple(err["loc"]))
    msg = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    kind = err["type"]
    if kind == "extra_forbidden":
        return loc, "unknown field"
    if kind == "string_pattern_mismatch":
        return loc, f"{err.get('input')!r} is not a valid name (lower case letters, digits and '-', starting and ending with a letter or digit)"
    if kind == "missing":
        return loc, "required field missing"
    if kind in ("int_parsing_size", "int_from_float") and isinstance(err.get("input"), float) and abs(err["input"]) >= 2**63:
        return loc, f"{err['input']:g} does not fit in 64 bits"
    head = msg.split(": ", 1)[0] if ": " in msg else ""
    if kind == "value_error" and head and head.replace(".", "").replace("_", "").isalnum():
        msg = msg.split(": ", 1)[1]
        loc = f"{loc}.{head}" if loc else head
    return loc, msg
