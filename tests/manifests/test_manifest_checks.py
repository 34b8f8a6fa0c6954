"""Manifests are checked at least as strictly as a config and as Kubernetes' own validation where the
simulator relies on it; errors name the file, the object and the manifest's own field path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.input.cli import assert_bad_input, invoke

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
          image: nginx:1.27
          ports: [{containerPort: 80}]
"""
PRIORITY_CLASS = "---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n"
CONFIG = "duration_s: 60\ncluster: {node_pools: [{name: n, count: 2}]}\nmanifests: [m.yaml]\n"
POD = "spec.template.spec"


def _d(old: str, new: str) -> str:
    assert old in DEPLOYMENT, old
    return DEPLOYMENT.replace(old, new, 1)


CASES = [
    # (manifest text, field in the manifest, words of the message)
    (_d("    spec:\n      containers:", "    spec:\n      priorityClassName: nope\n      containers:"),
     f"Deployment web: {POD}.priorityClassName", "unknown PriorityClass 'nope'"),
    (DEPLOYMENT + "---\n" + DEPLOYMENT, "Deployment web: metadata.name", "Deployment default/web is defined twice (first at"),
    (_d("    metadata: {labels: {app: web}}", "    metadata: {labels: {app: other}}"),
     "Deployment web: spec.template.metadata.labels", "`selector` does not match template `labels`"),
    (_d("  selector: {matchLabels: {app: web}}\n", ""), "Deployment web: spec.selector", "Required value"),
    (_d("          image: nginx:1.27\n", ""), f"Deployment web: {POD}.containers[0].image", "Required value"),
    (_d("          ports: [{containerPort: 80}]\n", "          ports: [{containerPort: 80}]\n        - {name: web, image: busybox}\n"),
     f"Deployment web: {POD}.containers[1].name", 'Duplicate value: "web"'),
    (_d("apiVersion: apps/v1", "apiVersion: apps/v9"), "apiVersion", 'no matches for kind "Deployment" in version "apps/v9"'),
    (_d("  replicas: 2\n", "  replicas: 2\n  strategy: {rollingUpdate: {maxUnavailable: 150%}}\n"),
     "Deployment web: spec.strategy.rollingUpdate.maxUnavailable", "must not be greater than 100%"),
    (_d("    spec:\n      containers:", "    spec:\n      schedulerName: nope\n      containers:"),
     f"Deployment web: {POD}.schedulerName", "no scheduler profile 'nope'"),
    (_d("metadata: {name: web}", "metadata: [web]"), "metadata", "expected a mapping, got a list"),
    (_d("{containerPort: 80}", "{containerPort: http}"), f"Deployment web: {POD}.containers[0].ports[0].containerPort",
     "expected an integer, got 'http'"),
    (_d("{containerPort: 80}", "{containerPort: 99999}"), f"Deployment web: {POD}.containers[0].ports[0].containerPort",
     "less than or equal to 65535"),
    (_d("  replicas: 2", "  replicas: true"), "Deployment web: spec.replicas", "expected an integer, got true"),
    (_d("  replicas: 2", "  replicas: 1000000000000"), "Deployment web: spec.replicas", "more than the limit of 1,500,000 pods"),
    (_d("image: nginx:1.27", "image: nginx:1.27\n          resources: {requests: {memory: 99999999999999999999999Gi}}"),
     f"Deployment web: {POD}.containers[0].resources.requests.memory", "more than the limit of 512Ti"),
    (_d("image: nginx:1.27", "image: nginx:1.27\n          readinessProbe: {periodSeconds: 0}"),
     f"Deployment web: {POD}.containers[0].readinessProbe.periodSeconds", "greater than or equal to 0.1"),
    (_d("    spec:\n      containers:", "    spec:\n      tolerations: [{key: a, tolerationSeconds: 1.0e+300}]\n      containers:"),
     f"Deployment web: {POD}.tolerations[0].tolerationSeconds", "expected an integer"),
    (_d("metadata: {name: web}", "metadata: {name: Web_1}"), "Deployment Web_1: metadata.name", "is not a valid name"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i}], nodeSelector: {gpu: true}}\n",
     "Pod p: spec.nodeSelector.gpu", "expected a string, got true"),
]


@pytest.mark.parametrize(("text", "field", "words"), CASES)
def test_bad_manifests_in_a_config_are_one_line_in_manifest_terms(tmp_path: Path, text: str, field: str, words: str) -> None:
    (tmp_path / "m.yaml").write_text(text)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(CONFIG)
    line = assert_bad_input(invoke("validate", str(cfg)), str(tmp_path / "m.yaml"), "", words)
    assert f": {field}: " in line, line
    for leak in ("pydantic", "Value error", "type=", "regular expression", "^[", "_s:", "priority_class_name"):
        assert leak not in line, line
    assert_bad_input(invoke("run", str(cfg), "--out", str(tmp_path / "out")), str(tmp_path / "m.yaml"), "", words)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("text", "field", "words"), [c for c in CASES if "schedulerName" not in c[1] and "priorityClassName" not in c[1]])
def test_bad_manifests_alone_are_one_line(tmp_path: Path, text: str, field: str, words: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    line = assert_bad_input(invoke("validate", str(path)), str(path), "", words)
    assert f": {field}: " in line, line


def test_references_a_config_may_supply_are_warnings_alone_errors_in_a_config(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(_d("    spec:\n      containers:", "    spec:\n      priorityClassName: high\n      schedulerName: batch\n      containers:"))
    out = invoke("validate", str(path))
    assert out.code == 0, out.stderr
    assert "PriorityClass 'high' is not defined here" in out.stderr and "no scheduler profile 'batch'" in out.stderr
    path.write_text(path.read_text() + PRIORITY_CLASS)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(CONFIG + "scheduler: {profiles: [{scheduler_name: default-scheduler}, {scheduler_name: batch}]}\n")
    ok = invoke("run", str(cfg), "--out", str(tmp_path / "out"), "--no-plot")
    assert ok.code == 0, ok.stderr


def test_manifests_that_validate_run(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(_d("    spec:\n      containers:", "    spec:\n      priorityClassName: high\n      containers:") + PRIORITY_CLASS)
    cfg = tmp_path / "c.yaml"
    cfg.write_text(CONFIG)
    assert invoke("validate", str(cfg)).code == 0
    out = invoke("run", str(cfg), "--out", str(tmp_path / "out"), "--no-plot")
    assert out.code == 0 and out.crash is None, out.stderr


def test_a_missing_manifests_folder_names_the_config_field(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(CONFIG.replace("[m.yaml]", "[m.yaml, k8s/]"))
    (tmp_path / "m.yaml").write_text(DEPLOYMENT)
    assert_bad_input(invoke("validate", str(cfg)), str(cfg), "manifests.1", "no such file or folder")
