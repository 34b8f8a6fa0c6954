"""Every reader of YAML goes through the strict reader: configs, experiments, manifests, KubeSchedulerConfiguration."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.input.cli import assert_bad_input, invoke

QUICKSTART = (ROOT / "configs" / "quickstart.yaml").read_text()
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
"""
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


def _experiment(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "base.yaml").write_text(QUICKSTART)
    path = tmp_path / "exp.yaml"
    path.write_text(f"name: e\nbase: base.yaml\nreplications: 1\n{extra}")
    return path


def test_duplicate_key_in_a_config(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(QUICKSTART.replace("replicas: 9\n", "replicas: 9\n    replicas: 1\n", 1))
    line = QUICKSTART.splitlines().index("    replicas: 9") + 1
    for cmd in ("validate", "run"):
        args = [cmd, str(cfg)] + (["--out", str(tmp_path / "out")] if cmd == "run" else [])
        assert_bad_input(invoke(*args), str(cfg), f"line {line + 1}", f"duplicate key 'replicas' (first at line {line})")
    assert not (tmp_path / "out").exists()


def test_duplicate_key_in_an_experiment(tmp_path: Path) -> None:
    exp = _experiment(tmp_path, "replications: 3\n")
    for cmd in ("validate", "sweep"):
        assert_bad_input(invoke(cmd, str(exp)), str(exp), "line 4", "duplicate key 'replications' (first at line 3)")


def test_duplicate_key_in_a_manifest(tmp_path: Path) -> None:
    man = tmp_path / "m.yaml"
    man.write_text(DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 9\n  replicas: 1\n"))
    assert_bad_input(invoke("validate", str(man)), str(man), "line 6", "duplicate key 'replicas'")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("cluster: {node_pools: [{name: n, count: 1}]}\nmanifests: [m.yaml]\n")
    assert_bad_input(invoke("validate", str(cfg)), str(man), "line 6", "duplicate key 'replicas'")


def test_duplicate_key_in_a_kube_scheduler_configuration(tmp_path: Path) -> None:
    (tmp_path / "ksc.yaml").write_text("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
                                       "parallelism: 4\nparallelism: 8\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(QUICKSTART + "scheduler: {config_file: ksc.yaml}\n")
    assert_bad_input(invoke("validate", str(cfg)), str(tmp_path / "ksc.yaml"), "line 4", "duplicate key 'parallelism'")


@pytest.mark.parametrize(("data", "where", "words"), [
    (b"# caf\xe9\n" + QUICKSTART.encode(), "line 1", "not UTF-8"),
    (QUICKSTART.encode("utf-16"), "line 1", "UTF-16 text"),
    (bytes(range(256)) * 8, "line", ""),
    (("a: " + "[" * 900 + "]" * 900 + "\n").encode(), "line 1", "nested deeper than 100 levels"),
    (LAUGHS.encode(), "line 6", "aliases expand to more than"),
])
@pytest.mark.parametrize("kind", ["config", "manifest", "experiment"])
def test_hostile_files_are_one_line_for_every_reader(tmp_path: Path, kind: str, data: bytes, where: str, words: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(data)
    if kind == "config":
        target = bad
    elif kind == "manifest":
        target = tmp_path / "c.yaml"
        target.write_text("cluster: {node_pools: [{name: n, count: 1}]}\nmanifests: [bad.yaml]\n")
    else:
        target = tmp_path / "exp.yaml"
        target.write_text("name: e\nbase: bad.yaml\nreplications: 1\n")
    assert_bad_input(invoke("validate", str(target)), str(bad), where, words)


def test_set_values_go_through_the_strict_reader(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(QUICKSTART)
    assert_bad_input(invoke("validate", str(cfg), "--set", "seed={a: 1, a: 2}"), "--set", "seed", "duplicate key 'a'")
