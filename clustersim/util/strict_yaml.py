"""Strict, bounded YAML input: the one reader of every YAML file clustersim takes.

Parsing is libyaml's (``yaml.CSafeLoader``'s C parser) when PyYAML was built with it, else PyYAML's pure
Python parser; only the safe tags are constructed. On top of ``yaml.safe_load`` it refuses, each as one
line naming the file and (where there is one) the line:

- a key given twice in one mapping (``kubectl`` and sigs.k8s.io/yaml's strict decoding refuse it too;
  ``safe_load`` silently keeps the last value);
- nesting deeper than ``max_depth`` (a RecursionError otherwise);
- aliases that expand to more than ``max_alias_nodes`` nodes (the "billion laughs": a few hundred bytes
  that every reader walking the data would expand exponentially), and an alias inside its own anchor;
- files larger than ``max_bytes`` (checked before reading);
- text that is not UTF-8 (a UTF-8 byte-order mark is allowed), NUL bytes, and the tags that have no
  JSON counterpart (``!!binary``, ``!!set``, ``!!omap``, ``!!pairs``);
- values the constructor cannot build (an integer of more than 4,300 digits, a timestamp in month 13).

Aliased parts are copied, so no two places of the result share a mapping or list (a ``--set`` on one
cannot change the other). The limits are documented in ``docs/input-limits.md``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

__all__ = ["LIBYAML", "LIMITS", "PurePythonParser", "YAMLInputError", "YAMLLimits", "load_yaml", "load_yaml_documents",
           "loader_class", "parse_yaml", "parse_yaml_documents"]



class PurePythonParser(Reader, Scanner, Parser):
    """PyYAML's own parser, for an installation without libyaml (about 9x slower; the same checks)."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


try:
    from yaml.cyaml import CParser as _FastParser

    LIBYAML = True
except ImportError:
    _FastParser = PurePythonParser  # type: ignore[misc,assignment]
    LIBYAML = False


@dataclass(frozen=True, slots=True)
class YAMLLimits:
    """What one YAML file may hold; every reader uses ``LIMITS`` unless its format needs more."""

    max_bytes: int = 16 * 2**20
    max_depth: int = 100
    max_alias_nodes: int = 100_000


LIMITS = YAMLLimits()
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_UNSUPPORTED_TAGS = ("tag:yaml.org,2002:binary", "tag:yaml.org,2002:set", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs")


class YAMLInputError(ValueError):
    """A YAML file that cannot be read; ``str(e)`` is one line: ``<file>: line <n>: <message>``.

    ``source``, ``field`` (``"line <n>"`` or ``""``) and ``message`` match ``ConfigError``'s, so a
    reader re-raises it as its own error type unchanged.
    """

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source, self.line, self.message = source, line, message
        self.field = f"line {line}" if line is not None else ""
        super().__init__(f"{source}: {self.field}: {message}" if self.field else f"{source}: {message}")


class _LimitError(Exception):
    def __init__(self, node_line: int | None, message: str) -> None:
        self.node_line, self.message = node_line, message


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


class _BoundedComposer(Composer):
    """PyYAML's composer over the parser's events, counting depth and alias expansion as it goes."""

    _limits: YAMLLimits

    def _reset_counts(self) -> None:
        self._depth = 0
        self._expanded = 0  # nodes composed so far, an alias counted at its anchor's expanded size
        self._alias_nodes = 0
        self._sizes: dict[int, int] = {}  # id(anchored node) -> expanded size, set when the node is complete
        self.aliased = False

    def compose_document(self) -> Any:
        self._reset_counts()
        return super().compose_document()  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Node | None, index: Any) -> Any:
        # Composer.compose_node (PyYAML 6) with the counts added; no path resolvers are registered,
        # so descend_resolver/ascend_resolver are skipped
        event = self.peek_event()  # type: ignore[attr-defined]
        if type(event) is yaml.AliasEvent:
            self.get_event()  # type: ignore[attr-defined]
            return self._alias(event)
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            first = self.anchors[anchor].start_mark.line + 1
            raise ComposerError(None, None, f"anchor &{anchor} defined twice (first at line {first})", event.start_mark)
        before = self._expanded
        self._expanded += 1
        if type(event) is yaml.ScalarEvent:
            node = self.compose_scalar_node(anchor)  # type: ignore[no-untyped-call]
        else:
            self._depth += 1
            if self._depth > self._limits.max_depth:
                raise _LimitError(_line(event.start_mark), f"nested deeper than {self._limits.max_depth} levels "
                                                           "(limit of the YAML reader; see docs/input-limits.md)")
            if type(event) is yaml.SequenceStartEvent:
                node = self.compose_sequence_node(anchor)  # type: ignore[no-untyped-call]
            else:
                node = self.compose_mapping_node(anchor)  # type: ignore[no-untyped-call]
            self._depth -= 1
        if anchor is not None:
            self._sizes[id(node)] = self._expanded - before
        return node

    def _alias(self, event: Any) -> Node:
        node = self.anchors.get(event.anchor)
        if node is None:
            raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", event.start_mark)
        size = self._sizes.get(id(node))
        if size is None:
            raise _LimitError(_line(event.start_mark), f"alias *{event.anchor} is inside the node it refers to")
        self._alias_nodes += size
        self._expanded += size
        self.aliased = True
        if self._alias_nodes > self._limits.max_alias_nodes:
            raise _LimitError(_line(event.start_mark), f"aliases expand to more than {self._limits.max_alias_nodes:,} nodes "
                                                       "(limit of the YAML reader; see docs/input-limits.md)")
        return node


class _StrictConstructor(SafeConstructor):
    """SafeConstructor that refuses duplicate keys and the tags without a JSON counterpart."""

    def construct_mapping(self, node: Node, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _STR_TAG:
                    key: Any = key_node.value
                elif key_node.tag == _MERGE_TAG:
                    continue
                else:
                    key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
                    if not isinstance(key, str | int | float | bool | None):
                        continue  # unhashable or unusual: SafeConstructor decides
                    key = (type(key), key) if not isinstance(key, str) else key
                if key in seen:
                    raise ConstructorError(None, None, f"duplicate key {key_node.value!r} (first at line {seen[key]})", key_node.start_mark)
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)  # type: ignore[no-untyped-call]

    def construct_yaml_int(self, node: Node) -> Any:
        try:
            return super().construct_yaml_int(node)  # type: ignore[no-untyped-call]
        except ValueError:  # int() of more than 4,300 digits
            raise ConstructorError(None, None, "an integer of more than 4,300 digits", node.start_mark) from None

    def construct_yaml_timestamp(self, node: Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[no-untyped-call]
        except (ValueError, OverflowError) as e:  # 2026-13-01
            raise ConstructorError(None, None, f"not a valid timestamp: {e}", node.start_mark) from None
        except (AttributeError, TypeError):  # !!timestamp on text that is not one
            raise ConstructorError(None, None, f"not a timestamp: {node.value!r}", node.start_mark) from None

    def _unsupported(self, node: Node) -> Any:
        raise ConstructorError(None, None, f"tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not supported "
                                           "(mappings, lists and scalars only)", node.start_mark)


_StrictConstructor.add_constructor("tag:yaml.org,2002:int", _StrictConstructor.construct_yaml_int)
_StrictConstructor.add_constructor("tag:yaml.org,2002:timestamp", _StrictConstructor.construct_yaml_timestamp)
for _tag in _UNSUPPORTED_TAGS:
    _StrictConstructor.add_constructor(_tag, _StrictConstructor._unsupported)


def loader_class(parser: type) -> type:
    """The strict loader on ``parser``'s events (libyaml's ``CParser`` or ``PurePythonParser``)."""

    class StrictLoader(_BoundedComposer, parser, _StrictConstructor, Resolver):  # type: ignore[misc,valid-type]
        def __init__(self, text: str, limits: YAMLLimits) -> None:
            parser.__init__(self, text)  # type: ignore[misc]
            Composer.__init__(self)  # type: ignore[no-untyped-call]
            _StrictConstructor.__init__(self)  # type: ignore[no-untyped-call]
            Resolver.__init__(self)  # type: ignore[no-untyped-call]
            self._limits = limits
            self._reset_counts()

        # the composer's entry points, not libyaml's own (which would compose without the counts)
        get_single_node = Composer.get_single_node
        get_node = Composer.get_node
        check_node = Composer.check_node

    return StrictLoader


_Loader = loader_class(_FastParser)


def _decode(data: bytes, source: str) -> str:
    """UTF-8 text (a byte-order mark dropped); anything else is refused, naming the line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YAMLInputError(source, 1, "UTF-16 text; save the file as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise YAMLInputError(source, line, f"not UTF-8 (byte 0x{data[e.start]:02x} at column {col}); save the file as UTF-8") from None
    nul = text.find("\0")
    if nul >= 0:
        raise YAMLInputError(source, text.count("\n", 0, nul) + 1, "a NUL byte: binary data, not YAML text")
    return text


def _too_big(size: int, limits: YAMLLimits) -> str:
    return (f"{size / 2**20:.1f} MiB is larger than the {limits.max_bytes / 2**20:g} MiB limit of the YAML reader "
            "(see docs/input-limits.md)")


def _read(path: str | Path, limits: YAMLLimits) -> str:
    source = str(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limits.max_bytes:
                raise YAMLInputError(source, None, _too_big(size, limits))
            data = f.read(limits.max_bytes + 1)  # a pipe or device reports no size
    except IsADirectoryError:
        raise YAMLInputError(source, None, "is a folder, not a file") from None
    except OSError as e:
        raise YAMLInputError(source, None, e.strerror or "cannot read file") from None
    if len(data) > limits.max_bytes:
        raise YAMLInputError(source, None, _too_big(len(data), limits))
    return _decode(data, source)


def _unshare(obj: Any) -> Any:
    """A copy in which no mapping or list appears twice (aliases expanded; depth is bounded)."""
    if isinstance(obj, dict):
        return {k: _unshare(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_unshare(v) for v in obj]
    return obj


def _error(source: str, text: str, e: BaseException) -> YAMLInputError:
    if isinstance(e, _LimitError):
        return YAMLInputError(source, e.node_line, e.message)
    if isinstance(e, yaml.MarkedYAMLError):
        problem = e.problem or "invalid YAML"
        if e.context and e.problem:
            problem = f"{e.context}, {e.problem}" if e.problem.startswith("but ") else f"{e.problem} ({e.context})"
        return YAMLInputError(source, _line(e.problem_mark or e.context_mark), problem)
    if isinstance(e, ReaderError):
        line = text.count("\n", 0, e.position) + 1 if isinstance(e.position, int) else None
        return YAMLInputError(source, line, f"character #x{ord(e.character) if isinstance(e.character, str) else e.character:04x} "
                                            f"is not allowed in YAML ({e.reason})")
    return YAMLInputError(source, None, str(e).splitlines()[0] if str(e) else "invalid YAML")


def _text(text: str | bytes, source: str, limits: YAMLLimits) -> str:
    size = len(text) if isinstance(text, bytes) or len(text) <= limits.max_bytes // 4 else len(text.encode())
    if size > limits.max_bytes:
        raise YAMLInputError(source, None, _too_big(size, limits))
    return _decode(text, source) if isinstance(text, bytes) else text


def parse_yaml_documents(text: str | bytes, source: str, *, limits: YAMLLimits = LIMITS) -> list[Any]:
    """Every non-empty document of ``text`` (bytes must be UTF-8).

    Raises:
        YAMLInputError: one line naming ``source`` and, where there is one, the line.
    """
    text = _text(text, source, limits)
    out = []
    loader = None
    try:
        loader = _Loader(text, limits)
        while loader.check_node():
            node = loader.get_node()
            data = loader.construct_document(node)
            if data is not None:
                out.append(_unshare(data) if loader.aliased else data)
    except (yaml.YAMLError, _LimitError) as e:
        raise _error(source, text, e) from None
    finally:
        if loader is not None:
            loader.dispose()
    return out


def parse_yaml(text: str | bytes, source: str, *, limits: YAMLLimits = LIMITS) -> Any:
    """The one document of ``text`` (None when empty); more than one document is an error.

    Raises:
        YAMLInputError: one line naming ``source`` and, where there is one, the line.
    """
    text = _text(text, source, limits)
    loader = None
    try:
        loader = _Loader(text, limits)
        data = loader.get_single_node()
        out = loader.construct_document(data) if data is not None else None
        return _unshare(out) if loader.aliased else out
    except (yaml.YAMLError, _LimitError) as e:
        raise _error(source, text, e) from None
    finally:
        if loader is not None:
            loader.dispose()


def load_yaml(path: str | Path, *, limits: YAMLLimits = LIMITS) -> Any:
    """The one document of the file at ``path`` (None when empty).

    Raises:
        YAMLInputError: unreadable, too large, not UTF-8, or not strict YAML within the limits.
    """
    return parse_yaml(_read(path, limits), str(path), limits=limits)


def load_yaml_documents(path: str | Path, *, limits: YAMLLimits = LIMITS) -> list[Any]:
    """Every non-empty document of the file at ``path`` (``---`` separated, as kubectl reads them).

    Raises:
        YAMLInputError: unreadable, too large, not UTF-8, or not strict YAML within the limits.
    """
    return parse_yaml_documents(_read(path, limits), str(path), limits=limits)
