"""The strict YAML reader: duplicate keys, depth, alias expansion, size and encoding, each one line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from clustersim.util import strict_yaml
from clustersim.util.strict_yaml import (
    LIMITS,
    PurePythonParser,
    YAMLInputError,
    YAMLLimits,
    load_yaml,
    load_yaml_documents,
    loader_class,
    parse_yaml,
    parse_yaml_documents,
)


@pytest.fixture(params=["libyaml", "pure-python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every check holds on both parsers (PyYAML without libyaml falls back to its own)."""
    if request.param == "pure-python":
        monkeypatch.setattr(strict_yaml, "_Loader", loader_class(PurePythonParser))
    elif not strict_yaml.LIBYAML:
        pytest.skip("PyYAML built without libyaml")
    return str(request.param)


def _err(text: str | bytes, **kw: Any) -> str:
    with pytest.raises(YAMLInputError) as e:
        parse_yaml(text, "f.yaml", **kw)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("f.yaml: "), msg
    return msg


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(("text", "where", "words"), [
    ("replicas: 9\nname: x\nreplicas: 1\n", "line 3", "duplicate key 'replicas' (first at line 1)"),
    ("a: {b: 1, 'b': 2}\n", "line 1", "duplicate key 'b'"),
    ("spec:\n  template:\n    x: 1\n    x: 2\n", "line 4", "duplicate key 'x' (first at line 3)"),
    ("1: a\n01: b\n", "line 2", "duplicate key '01'"),
    ("a: " + "[" * 800 + "]" * 800 + "\n", "line 1", "nested deeper than 100 levels"),
    ("a:\n" + "".join("  " * i + "- \n" for i in range(150)), "line 101", "nested deeper than 100 levels"),
    (BILLION_LAUGHS, "line 6", "aliases expand to more than 100,000 nodes"),
    ("x: &a [1, *a]\n", "line 1", "alias *a is inside the node it refers to"),
    ("a: &x 1\nb: &x 2\n", "line 2", "anchor &x defined twice (first at line 1)"),
    ("a: *nope\n", "line 1", "undefined alias 'nope'"),
    ("a: !!binary aGVsbG8=\n", "line 1", "tag !!binary is not supported"),
    ("a: !!set {x, y}\n", "line 1", "tag !!set is not supported"),
    ("a: !!python/object/apply:os.system [ls]\n", "line 1", "could not determine a constructor"),
    ("a: " + "9" * 5000 + "\n", "line 1", "an integer of more than 4,300 digits"),
    ("a: 2026-13-01\n", "line 1", "not a valid timestamp"),
    ("a: !!timestamp hello\n", "line 1", "not a timestamp: 'hello'"),
    ("a: [unclosed\n", "line 2", "(while parsing a flow sequence)"),
    ("a: 1\n---\nb: 2\n", "line 2", "expected a single document in the stream, but found another document"),
    ("a: \x07\n", "line 1", "character #x0007 is not allowed in YAML"),
])
def test_refused_with_the_line_and_the_reason(parser: str, text: str, where: str, words: str) -> None:
    msg = _err(text)
    assert msg.startswith(f"f.yaml: {where}: "), msg
    assert words in msg, msg


@pytest.mark.parametrize(("data", "where", "words"), [
    (b"# caf\xe9 au lait\nseed: 1\n", "line 1", "not UTF-8 (byte 0xe9 at column 6)"),
    (b"seed: 1\nname: \xff\xfe\n", "line 2", "not UTF-8 (byte 0xff at column 7)"),
    ("seed: 1\n".encode("utf-16"), "line 1", "UTF-16 text"),
    (b"seed: 1\n\x00\x01\x02\x03", "line 2", "a NUL byte"),
    (bytes(range(256)) * 4, "line", ""),
])
def test_text_that_is_not_utf8_is_refused(parser: str, tmp_path: Path, data: bytes, where: str, words: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(data)
    with pytest.raises(YAMLInputError) as e:
        load_yaml(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}: {where}") and words in msg and "\n" not in msg, msg


def test_a_utf8_byte_order_mark_is_fine(parser: str) -> None:
    assert parse_yaml(b"\xef\xbb\xbfseed: 1\n", "f") == {"seed": 1}


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as f:  # sparse: the size is what counts, never read
        f.truncate(LIMITS.max_bytes + 1)
    with pytest.raises(YAMLInputError) as e:
        load_yaml(path)
    assert str(e.value) == f"{path}: 16.0 MiB is larger than the 16 MiB limit of the YAML reader (see docs/input-limits.md)"
    small = YAMLLimits(max_bytes=100)
    with pytest.raises(YAMLInputError, match="larger than the"):
        parse_yaml("a: " + "x" * 200, "s", limits=small)
    assert parse_yaml("a: " + "x" * 90, "s", limits=small) == {"a": "x" * 90}


def test_unreadable_paths_are_one_line(tmp_path: Path) -> None:
    for path, words in ((tmp_path / "nope.yaml", "No such file"), (tmp_path, "is a folder")):
        with pytest.raises(YAMLInputError) as e:
            load_yaml(path)
        assert str(e.value).startswith(str(path)) and words in str(e.value)
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.yaml"
        locked.write_text("a: 1\n")
        locked.chmod(0)
        with pytest.raises(YAMLInputError, match="Permission denied"):
            load_yaml(locked)


def test_what_stays_allowed(parser: str) -> None:
    # merge keys may be overridden by the mapping's own keys (not a duplicate)
    assert parse_yaml("b: &b {x: 1, y: 2}\nc: {<<: *b, x: 3}\n", "f") == {"b": {"x": 1, "y": 2}, "c": {"x": 3, "y": 2}}
    # the same key in different mappings, and nesting right at the limit
    assert parse_yaml("a: {k: 1}\nb: {k: 2}\n", "f") == {"a": {"k": 1}, "b": {"k": 2}}
    assert parse_yaml("[" * 100 + "]" * 100, "f") is not None
    # moderate aliasing (a shared resources block) and aliased parts are separate copies
    data = parse_yaml("r: &r {cpu: 1}\nc: [{requests: *r}, {requests: *r}]\n", "f")
    assert data["c"][0]["requests"] == {"cpu": 1}
    assert data["c"][0]["requests"] is not data["c"][1]["requests"] and data["r"] is not data["c"][0]["requests"]
    assert parse_yaml("", "f") is None and parse_yaml("# nothing\n", "f") is None
    assert parse_yaml_documents("a: 1\n---\n---\nb: 2\n", "m") == [{"a": 1}, {"b": 2}]


def test_alias_budget_and_depth_are_configurable(parser: str) -> None:
    text = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n"
    assert parse_yaml(text, "f", limits=YAMLLimits(max_alias_nodes=12)) == {"a": [1, 2, 3], "b": [[1, 2, 3]] * 3}
    with pytest.raises(YAMLInputError, match="more than 11 nodes"):
        parse_yaml(text, "f", limits=YAMLLimits(max_alias_nodes=11))
    with pytest.raises(YAMLInputError, match="deeper than 2 levels"):
        parse_yaml("a: {b: [1]}\n", "f", limits=YAMLLimits(max_depth=2))


def test_documents_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("kind: A\n---\nkind: B\nkind: C\n")
    with pytest.raises(YAMLInputError) as e:
        load_yaml_documents(path)
    assert str(e.value) == f"{path}: line 4: duplicate key 'kind' (first at line 3)"


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=150, deadline=None)
@given(data=_json, flow=st.booleans())
def test_agrees_with_safe_load_on_valid_documents(data: Any, flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert parse_yaml(text, "f") == yaml.safe_load(text)
    assert loader_class(PurePythonParser)(text, LIMITS).get_single_data() == yaml.safe_load(text)


@settings(max_examples=200, deadline=None)
@given(blob=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_data_or_one_line_error(blob: bytes) -> None:
    try:
        parse_yaml_documents(blob, "fuzz.yaml")
    except YAMLInputError as e:
        assert str(e).startswith("fuzz.yaml: ") and "\n" not in str(e)
