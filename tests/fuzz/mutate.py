"""A small seeded mutator: one seed file in, one hostile variant of it out (bytes), with a name saying what
was done. Tree mutations edit the parsed document at a random depth; file mutations break the bytes.

Every draw comes from ``random.Random(f"{seed}/{index}")``, so input N is the same on every machine and
can be regenerated alone (``CLUSTERSIM_FUZZ_ONLY=N``).
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from clustersim.util.strict_yaml import YAMLInputError, parse_yaml_documents

Tree = Any
Path_ = tuple[Any, ...]

WRONG_TYPES: tuple[Any, ...] = ("x", "", [], {}, True, False, None, 3, -1, 0.5, "1e3", [1, 2], {"a": 1}, "null")
HUGE: tuple[Any, ...] = (10**30, 2**63, 2**64, -(2**63) - 1, 1e300, 99999999999999999999999, "99999999999999999999999Gi",
                         "1e400", "1e30", 10**400, 1e12, "9" * 400, "1E+999999999", 2**31)
NON_FINITE: tuple[Any, ...] = (math.nan, math.inf, -math.inf)
STRANGE_STRINGS: tuple[str, ...] = ("名前-\u202e-\u200b-😀", "É" * 70, "../../etc/passwd", "a" * 100_000, "${HOME}", "%s%n",
                                    "-", ".", "a/b", "UPPER_case", "\t\n", "0x1F", "1_000", "10m10s", "yes", "~", "*", "'")
REF_KEYS = re.compile(r"(name|Name|ref|Ref|node|target|base|path|class|Class|selector|service|image|kind|scenario)", re.I)


@dataclass(frozen=True)
class Mutant:
    """The mutated bytes and what was done to make them."""

    data: bytes
    what: str


def _paths(tree: Tree, here: Path_ = (), depth: int = 0) -> list[Path_]:
    """Every node's path (mappings by key, lists by index), the root first."""
    out = [here]
    if depth > 60:
        return out
    if isinstance(tree, dict):
        for k, v in tree.items():
            out += _paths(v, (*here, k), depth + 1)
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out += _paths(v, (*here, i), depth + 1)
    return out


def _get(tree: Tree, path: Path_) -> Any:
    for p in path:
        tree = tree[p]
    return tree


def _set(tree: Tree, path: Path_, value: Any) -> Tree:
    if not path:
        return value
    _get(tree, path[:-1])[path[-1]] = value
    return tree


def _leaves(tree: Tree, want: Callable[[Any], bool]) -> list[Path_]:
    return [p for p in _paths(tree) if want(_get(tree, p))]


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _pick_path(rng: random.Random, tree: Tree, want: Callable[[Any], bool]) -> Path_ | None:
    paths = _leaves(tree, want)
    return rng.choice(paths) if paths else None


def m_wrong_type(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    path = rng.choice(_paths(tree))
    value = rng.choice(WRONG_TYPES)
    return _set(tree, path, value), f"wrong type {value!r} at {_dotted(path)}"


def m_negative(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    path = _pick_path(rng, tree, lambda v: _number(v) or (isinstance(v, str) and v[:1].isdigit()))
    if path is None:
        return m_wrong_type(rng, tree)
    v = _get(tree, path)
    new = -abs(v) - rng.choice((0, 1, 0.5)) if _number(v) else f"-{v}"
    return _set(tree, path, new), f"negative {new!r} at {_dotted(path)}"


def m_zero(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    path = _pick_path(rng, tree, _number)
    if path is None:
        return m_wrong_type(rng, tree)
    new = rng.choice((0, 0.0, 1e-300, 5e-324))
    return _set(tree, path, new), f"tiny {new!r} at {_dotted(path)}"


def m_huge(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    path = _pick_path(rng, tree, lambda v: _number(v) or isinstance(v, str)) or rng.choice(_paths(tree))
    new = rng.choice(HUGE)
    return _set(tree, path, new), f"huge {str(new)[:30]} at {_dotted(path)}"


def m_scale(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    """A number made 10 to 10^9 times larger: sizes that are legal but large, or just past a limit."""
    path = _pick_path(rng, tree, _number)
    if path is None:
        return m_huge(rng, tree)
    v = _get(tree, path)
    factor = 10 ** rng.randint(1, 9)
    new = v * factor if v else factor
    return _set(tree, path, new), f"x{factor} -> {new!r} at {_dotted(path)}"


def m_non_finite(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    path = _pick_path(rng, tree, _number) or rng.choice(_paths(tree))
    new = rng.choice(NON_FINITE)
    return _set(tree, path, new), f"{new} at {_dotted(path)}"


def m_delete(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    paths = [p for p in _paths(tree) if p and isinstance(_get(tree, p[:-1]), dict | list)]
    if not paths:
        return m_wrong_type(rng, tree)
    path = rng.choice(paths)
    del _get(tree, path[:-1])[path[-1]]
    return tree, f"deleted {_dotted(path)}"


def m_unknown(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    maps = _leaves(tree, lambda v: isinstance(v, dict))
    if not maps:
        return m_wrong_type(rng, tree)
    path = rng.choice(maps)
    key = rng.choice(("fuzzUnknown", "replicas_", "Kind", "spec", "__class__", "名前", ""))
    _get(tree, path)[key] = rng.choice((1, "x", {"a": {"b": 1}}))
    return tree, f"unknown key {key!r} at {_dotted(path)}"


def m_dangling(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    """A reference by name (a node, a class, a target, a base config, a selector label) pointed at nothing."""
    paths = [p for p in _leaves(tree, lambda v: isinstance(v, str)) if any(REF_KEYS.search(str(k)) for k in p)]
    if not paths:
        return m_strange(rng, tree)
    path = rng.choice(paths)
    new = rng.choice(("fuzz-missing", "no-such-node-0", "../nowhere.yaml", "missing/thing"))
    return _set(tree, path, new), f"dangling {new!r} at {_dotted(path)}"


def m_duplicate_item(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    """A list item twice: the same object, container, axis value, pool or fault."""
    lists = [p for p in _leaves(tree, lambda v: isinstance(v, list) and v)]
    if not lists:
        return m_unknown(rng, tree)
    path = rng.choice(lists)
    items = _get(tree, path)
    items.append(json.loads(json.dumps(rng.choice(items), default=str)))
    return tree, f"duplicated an item of {_dotted(path)}"


def m_strange(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    path = _pick_path(rng, tree, lambda v: isinstance(v, str)) or rng.choice(_paths(tree))
    new = rng.choice(STRANGE_STRINGS)
    return _set(tree, path, new), f"string {new[:12]!r}... at {_dotted(path)}"


def m_reshape(rng: random.Random, tree: Tree) -> tuple[Tree, str]:
    """A mapping where a list belongs and the other way round."""
    path = _pick_path(rng, tree, lambda v: isinstance(v, dict | list) and v)
    if path is None:
        return m_wrong_type(rng, tree)
    v = _get(tree, path)
    new = list(v.values()) if isinstance(v, dict) else v[0]
    return _set(tree, path, new), f"reshaped {_dotted(path)}"


TREE_MUTATIONS: tuple[tuple[Callable[[random.Random, Tree], tuple[Tree, str]], int], ...] = (
    (m_wrong_type, 4), (m_negative, 3), (m_zero, 2), (m_huge, 3), (m_scale, 3), (m_non_finite, 2), (m_delete, 4),
    (m_unknown, 2), (m_dangling, 3), (m_duplicate_item, 3), (m_strange, 2), (m_reshape, 1),
)

BOMB = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _file_mutation(rng: random.Random, text: bytes) -> tuple[bytes, str]:
    """Bytes that are not a good document at all, or are one only just."""
    choice = rng.randrange(14)
    if choice == 0:
        return rng.choice((b"", b"\n\n", b"---\n", b"null\n", b"# only a comment\n", b"~")), "empty"
    if choice == 1:
        return rng.randbytes(rng.choice((16, 512, 4096))), "binary"
    if choice == 2:
        return text[: rng.randrange(max(1, len(text)))], "truncated"
    if choice == 3:
        return b"# caf\xe9 (Latin-1)\n" + text, "Latin-1 comment"
    if choice == 4:
        return text.decode("utf-8", "replace").encode(rng.choice(("utf-16", "utf-16-le", "utf-32"))), "UTF-16/32"
    if choice == 5:
        at = rng.randrange(max(1, len(text)))
        return text[:at] + b"\x00" + text[at:], "NUL byte"
    if choice == 6:
        return BOMB + text, "billion laughs"
    if choice == 7:
        n = rng.choice((150, 1000, 5000))
        return b"a: " + b"[" * n + b"]" * n + b"\n" + text, f"nested {n} deep (flow)"
    if choice == 8:
        n = rng.choice((120, 900))
        return "".join(f"{' ' * i}k{i}:\n" for i in range(n)).encode() + b" " * n + b"v: 1\n", f"nested {n} deep (block)"
    if choice == 9:
        return _duplicate_key_line(rng, text)
    if choice == 10:
        return rng.choice((b"[1, 2, 3]\n", b"just a string\n", b"42\n", b"- a\n- b\n")), "top level not a mapping"
    if choice == 11:
        return text.replace(b"  ", b"\t", 1) + b"\nkey: 'unclosed\n", "syntax error"
    if choice == 12:
        return text + b"\n---\n" + text, "two documents"
    return b"x: &x !!binary aGVsbG8=\ny: !!set {a, b}\n" + text, "unsupported tags"


def _duplicate_key_line(rng: random.Random, text: bytes) -> tuple[bytes, str]:
    """A ``key: value`` line given twice in its mapping (the second with another value): last-wins in PyYAML."""
    lines = text.split(b"\n")
    cands = [i for i, ln in enumerate(lines) if re.match(rb"^\s*[A-Za-z_][\w.-]*:\s+[^\s#&*|>{\[]", ln)]
    if not cands:
        return text + b"\nfoo: 1\nfoo: 2\n", "duplicate key"
    i = rng.choice(cands)
    key = lines[i].split(b":", 1)[0]
    lines.insert(i + 1, key + b": 1")
    return b"\n".join(lines), f"duplicate key {key.strip().decode()!r} (line {i + 2})"


def mutate(rng: random.Random, text: bytes, json_style: bool, focus: tuple[str, ...] = ()) -> Mutant:
    """One hostile variant of ``text``: three in four edit the parsed document (1 to 3 edits), the rest the bytes.

    ``focus``: top-level keys whose subtrees get half of the tree edits (an experiment's ``axes`` and
    ``overrides`` flow into its runs; edits elsewhere mostly test the schema)."""
    try:
        docs = list(parse_yaml_documents(text, "seed"))
    except YAMLInputError:
        docs = []
    if not docs or rng.random() < 0.25:
        data, what = _file_mutation(rng, text)
        return Mutant(data, what)
    doc_i = rng.randrange(len(docs))
    tree = docs[doc_i]
    whats = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        fn = rng.choices([f for f, _ in TREE_MUTATIONS], weights=[w for _, w in TREE_MUTATIONS])[0]
        keys = [k for k in focus if isinstance(tree, dict) and isinstance(tree.get(k), dict | list) and tree[k]]
        if keys and rng.random() < 0.5:
            key = rng.choice(keys)
            tree[key], what = fn(rng, tree[key])
            what = f"{key}: {what}"
        else:
            tree, what = fn(rng, tree)
        whats.append(what)
    docs[doc_i] = tree
    return Mutant(_dump(docs, json_style), "; ".join(whats))


def _dump(docs: list[Any], json_style: bool) -> bytes:
    if json_style and len(docs) == 1:  # JSON as json.dumps writes it: NaN and Infinity spelled as Python does
        return json.dumps(docs[0], indent=1, default=str, ensure_ascii=False).encode()
    return yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True, width=1_000_000).encode()


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path) or "<top>"
