"""What the fuzz corpus found, one test each (each failed before its fix): every reader answers a value of
the wrong shape with one line naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import yaml

from clustersim.cli.common import MAX_LINE
from clustersim.util.trail import locate
from tests.conftest import shared_path
from tests.input.cli import assert_bad_input, invoke

POOL = {"node_pools": [{"name": "n", "count": 2, "capacity": {"cpu": "4", "memory": "8Gi", "pods": 110}}]}


def _write(path: Path, data: object) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def test_an_empty_chaos_file_is_refused_not_read_as_nothing(tmp_path: Path) -> None:
    empty = _write(tmp_path / "chaos.yaml", "# only a comment\n")
    assert_bad_input(invoke("chaos", "read", str(empty)), str(empty), "", "no documents (the file is empty)")


def test_chaos_mesh_label_selectors_as_a_list_name_the_field(tmp_path: Path) -> None:
    doc = yaml.safe_load(shared_path("chaos", "chaos-mesh-chaos-mesh", "examples", "nginx", "http-patch-response.yaml").read_text())
    doc["spec"]["selector"]["labelSelectors"] = ["app=nginx"]
    path = _write(tmp_path / "http.yaml", doc)
    for cmd in (("chaos", "read"), ("validate",)):
        line = assert_bad_input(invoke(*cmd, str(path)), f"{path}[doc 0]", "spec.selector.labelSelectors", "has the wrong type (a list)")
        assert "AttributeError" not in line


def test_chaos_toolkit_probe_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = _write(tmp_path / "ctk.json", '{"title": "t", "method": [], "steady-state-hypothesis": {"title": "h", "probes": [[1, 2]]}}')
    assert_bad_input(invoke("chaos", "read", str(path)), f"{path}[doc 0]", "experiment: steady-state-hypothesis.probes[0]", "must be a mapping")


def test_chaos_read_checks_action_arguments_before_a_preview_would(tmp_path: Path) -> None:
    text = shared_path("chaos", "krkn-chaos-krkn", "scenarios", "kube", "pod-network-chaos.yml").read_text()
    path = _write(tmp_path / "pod-network-chaos.yml", text.replace("test_duration: 60", "test_duration: 0"))
    for cmd in (("chaos", "read"), ("validate",)):
        assert_bad_input(invoke(*cmd, str(path)), f"{path}[doc 0]", "pod_network_chaos", "duration_s: Input should be greater than 0")


def test_a_snapshot_object_whose_kind_is_a_mapping(tmp_path: Path) -> None:
    snap = _write(tmp_path / "node.yaml", {"apiVersion": "v1", "kind": {"a": 1}, "metadata": {"name": "n"}})
    cfg = _write(tmp_path / "run.yaml", {"snapshot": {"path": "node.yaml"}})
    assert_bad_input(invoke("validate", str(cfg)), f"{snap}[doc 0]", "kind", "must be a string")


def test_a_missing_snapshot_names_the_config_field(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "run.yaml", {"snapshot": {"path": "nowhere"}})
    assert_bad_input(invoke("validate", str(cfg)), str(cfg), "snapshot.path", "no such file or folder")


def test_a_manifest_converter_meeting_a_number_for_a_list_names_the_manifest_field(tmp_path: Path) -> None:
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}, "spec": {"selector": {"app": "db"}, "ports": 0.5}}
    path = _write(tmp_path / "svc.yaml", svc)
    line = assert_bad_input(invoke("validate", str(path)), f"{path}[doc 0]", "Service db: spec.ports")
    assert "TypeError" not in line and "iterable" not in line


def test_a_section_that_is_a_number_where_a_list_belongs(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "run.yaml", {"cluster": POOL, "faults": 0.5})
    assert_bad_input(invoke("validate", str(cfg)), str(cfg), "faults")


def test_an_integer_beyond_floats_in_a_limited_field(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "run.yaml", f"cluster:\n  node_pools: [{{name: n, count: {10**400}}}]\n")
    assert_bad_input(invoke("validate", str(cfg)), str(cfg), "cluster.node_pools.0.count", "a 401-digit number is more than the limit")


def test_a_huge_value_quoted_in_an_error_keeps_the_line_short(tmp_path: Path) -> None:
    doc = {"apiVersion": "v1", "kind": "K" * 100_000, "metadata": {"name": "x"}}
    path = _write(tmp_path / "m.yaml", doc)
    line = assert_bad_input(invoke("validate", str(path)), f"{path}[doc 0]", "kind")
    assert len(line) <= MAX_LINE + len("error: ") and "characters left out" in line


def test_an_experiment_that_lost_its_base_is_still_told_as_one(tmp_path: Path) -> None:
    exp = _write(tmp_path / "exp.yaml", {"name": "x", "axes": [{"name": "r", "param": "seed", "values": [1, 2]}], "replications": 2})
    assert_bad_input(invoke("validate", str(exp)), str(exp), "base", "required field missing")
    assert_bad_input(invoke("run", str(exp), "--out", str(tmp_path / "o")), str(exp), "", "is an experiment file")


def test_locate_names_the_field_a_reader_stopped_at() -> None:
    def reader(doc: dict) -> None:
        for port in doc["spec"]["ports"]:
            port.get("name")

    found = locate(reader, {"spec": {"ports": [{"name": "a"}, ["b"]]}})
    assert found is not None and found.dotted(brackets=True) == "spec.ports[1]" and found.problem() == "has the wrong type (a list)"
    missing = locate(lambda d: d["spec"]["replicas"], {"spec": {}})
    assert missing is not None and missing.dotted() == "spec.replicas" and missing.problem() == "required field missing"
    assert locate(reader, {"spec": {"ports": [{"name": "a"}]}}) is None


def test_a_chaos_experiment_longer_than_a_run_is_refused_by_chaos_read_not_by_the_preview(tmp_path: Path) -> None:
    doc = {"title": "t", "method": [{"type": "action", "name": "wait", "provider": {"type": "python", "module": "m", "func": "f"},
                                     "pauses": {"after": 200_000_000}}]}
    path = _write(tmp_path / "ctk.json", doc)
    for cmd in (("chaos", "read"), ("validate",)):
        assert_bad_input(invoke(*cmd, str(path)), f"{path}[doc 0]", "method", "more than the 31,622,400 s (366 days) a run simulates")
