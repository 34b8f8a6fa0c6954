"""Kubernetes manifests as input: the shared real-world files load, their workloads run, the fields that
matter reach the model, and malformed input is a one-line error naming file, document and field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clustersim.config.load import ConfigError, load_config
from clustersim.manifests import ManifestError, load_manifests
from clustersim.sim import run
from tests.conftest import ROOT, shared_path


def _entries(section: str, name: str) -> dict:
    ms = load_manifests([shared_path("manifests")])
    return next(e for e in ms.entries[section] if e["name"] == name)


def test_every_shared_manifest_loads() -> None:
    ms = load_manifests([shared_path("manifests")])
    assert ms.documents == 38
    counts = {k: len(v) for k, v in ms.entries.items()}
    assert counts["deployments"] == 7 and counts["stateful_sets"] == 4 and counts["services"] == 10
    assert counts["pod_disruption_budgets"] == 2
    assert len(ms.entries["daemon_sets"]) == 1 and len(ms.entries["jobs"]) == 3 and len(ms.entries["nodes"]) == 2
    assert ms.entries["horizontal_pod_autoscalers"] == [{
        "name": "php-apache", "namespace": "default", "target_kind": "Deployment", "target_name": "php-apache",
        "max_replicas": 20, "min_replicas": 10, "metrics": [{"resource": "cpu", "average_utilization": 60}]}]
    assert ms.not_modelled == []
    assert "Deployment: spec.template.spec.containers[].resources.limits" in ms.ignored_fields


def test_workloads_from_the_manifests_reach_their_desired_state(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"""duration_s: 400
cluster:
  zones: [zone-a, zone-b, zone-c]
  node_pools:
    - {{name: node, count: 9, capacity: {{cpu: "16", memory: 64Gi, pods: 110, ephemeral-storage: 200Gi}}}}
    - name: t4
      count: 2
      capacity: {{cpu: "16", memory: 64Gi, ephemeral-storage: 200Gi, nvidia.com/gpu: "4"}}
      labels: {{cloud.google.com/gke-accelerator: nvidia-tesla-t4}}
manifests: ["{shared_path('manifests')}"]
""")
    res = run(load_config(cfg))
    s = res.summary
    for key, d in {**s["deployments"], **s["stateful_sets"], **s["daemon_sets"]}.items():
        assert d["initial_ready_s"] is not None, key
    # the DaemonSet runs on every node: it tolerates master-1's node-role.kubernetes.io/master taint
    ds = s["daemon_sets"]["kube-system/fluentd-elasticsearch"]
    assert ds["desired"] == len(res.config.cluster.node_list()) == 13 and ds["min_serving_after_ready"] == 13
    assert all(j["condition"] == "Complete" for j in s["jobs"].values()), s["jobs"]
    assert s["pods_pending_at_end"] == 0
    assert {"worker-1", "master-1"} <= {n.name for n in res.config.cluster.nodes}
    # the HorizontalPodAutoscaler raises php-apache (1 replica in its manifest) to its minReplicas
    assert s["deployments"]["default/php-apache"]["desired"] == 10
    assert "ignored field: Job: spec.suspend" in s["simplifications"]


def test_fields_that_matter_reach_the_model() -> None:
    whereami = _entries("deployments", "whereami")
    assert whereami["replicas"] == 3 and whereami["containers"][0]["requests"] == {"memory": "512Mi", "cpu": "250m"}
    assert whereami["topology_spread_constraints"][0] == {"max_skew": 1, "topology_key": "topology.kubernetes.io/zone",
                                                          "when_unsatisfiable": "DoNotSchedule",
                                                          "label_selector": {"match_labels": {"app": "whereami"}, "match_expressions": []}}
    mysql = _entries("stateful_sets", "dbc1")
    assert mysql["volume_claim_templates"][0]["name"] and mysql["pod_anti_affinity"]["required"]
    assert "readiness_probe" in mysql["containers"][0] and "liveness_probe" in mysql["containers"][0]
    pdb = next(e for e in load_manifests([shared_path("manifests")]).entries["pod_disruption_budgets"] if "max_unavailable" in e)
    assert pdb["max_unavailable"] == 1
    cassandra = _entries("stateful_sets", "cassandra")
    assert cassandra["termination_grace_period_s"] > 0
    model = _entries("deployments", "tf-serving")
    assert model["volumes"][0]["type"] == "persistentVolumeClaim"


@pytest.mark.parametrize(("text", "field"), [
    ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x\n", "line"),
    ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\nspec: {}\n", "metadata.name"),
    ("kind: Deployment\nmetadata: {name: x}\n", "apiVersion"),
    ("apiVersion: v1\nkind: Gizmo\nmetadata: {name: x}\n", "kind"),
    ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata: {labels: {app: x}}\n"
     "    spec:\n      containers: [{name: c, image: i, resources: {requests: {cpu: lots}}}]\n",
     "Deployment x: spec.template.spec.containers[0].resources.requests.cpu"),
    ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: -2\n  selector: {matchLabels: {app: x}}\n  template:\n"
     "    metadata: {labels: {app: x}}\n    spec:\n      containers: [{name: c, image: i}]\n", "Deployment x: spec.replicas"),
])
def test_malformed_manifests_are_one_line_errors(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\n" + text)
    with pytest.raises(ManifestError) as e:
        load_manifests([path])
    assert e.value.field.startswith(field), str(e.value)
    assert str(path) in str(e.value) and "\n" not in str(e.value)
    if field != "line":
        assert "[doc 1]" in e.value.source
    p = subprocess.run([sys.executable, "-m", "clustersim", "validate", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr


def test_a_config_naming_a_bad_manifest_fails_before_running(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("apiVersion: v1\nkind: Gizmo\nmetadata: {name: x}\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("cluster: {node_pools: [{name: n, count: 1, capacity: {cpu: '1', memory: 1Gi}}]}\nmanifests: [m.yaml]\n")
    with pytest.raises(ConfigError, match="unknown kind 'Gizmo'"):
        load_config(cfg)


def test_lists_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "list.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 1000}\n"
        "- {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {selector: {app: x}, clusterIP: None}}\n")
    ms = load_manifests([tmp_path])
    assert ms.entries["priority_classes"][0]["value"] == 1000 and ms.entries["services"][0]["type"] == "Headless"


def test_more_kinds_carry_their_fields() -> None:
    ms = load_manifests([shared_path("manifests")])
    psql = next(p for p in ms.entries["pods"] if p["name"] == "psql")
    assert psql["tolerations"][0]["key"] == "app.stateful/component" and psql["affinity"]["preferred"][0]["weight"] == 1
    assert psql["containers"][0]["requests"]
    types = {s["name"]: s["type"] for s in ms.entries["services"]}
    assert types["mysql"] == "Headless" and types["web"] == "NodePort" and "ExternalName" in types.values()
    ds = ms.entries["daemon_sets"][0]
    assert ds["namespace"] == "kube-system" and any(t["key"] == "node-role.kubernetes.io/master" for t in ds["tolerations"])
    policy = next(j for j in ms.entries["jobs"] if j["name"] == "job-pod-failure-policy-example")
    assert policy["completions"] == 12 and policy["parallelism"] == 3 and policy["fail_exit_codes"] == [42]
    worker = next(n for n in ms.entries["nodes"] if n["name"] == "worker-1")
    assert worker["capacity"]["cpu"] == "4" and worker["allocatable"]["cpu"] == "8"
    rs = ms.entries["replica_sets"][0]
    assert rs["name"] == "frontend" and rs["replicas"] == 3


def test_annotations_that_name_a_resource_are_listed_as_ignored(tmp_path: Path) -> None:
    # resource demand carried in annotations (Alibaba's GPU sharing) is not modelled: it must say so
    (tmp_path / "gpu.yaml").write_text("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: infer, annotations: {owner: team-a}}
spec:
  replicas: 1
  selector: {matchLabels: {app: infer}}
  template:
    metadata:
      labels: {app: infer}
      annotations: {alibabacloud.com/gpu-milli: "500", alibabacloud.com/gpu-count: "1", prometheus.io/scrape: "true"}
    spec:
      containers: [{name: c, image: infer:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: p, annotations: {nvidia.com/gpu-memory: 8Gi, kubernetes.io/description: x}}
spec: {containers: [{name: c, image: p:1}]}
""")
    lines = [s for s in load_manifests([tmp_path]).simplifications() if s.startswith("ignored annotation")]
    assert lines == [
        "ignored annotation (names a resource): Deployment infer: spec.template.metadata.annotations[alibabacloud.com/gpu-count]",
        "ignored annotation (names a resource): Deployment infer: spec.template.metadata.annotations[alibabacloud.com/gpu-milli]",
        "ignored annotation (names a resource): Pod p: metadata.annotations[nvidia.com/gpu-memory]",
    ]


def test_emptydir_medium_and_size_limit_reach_the_model(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("""
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: p:1}]
  volumes:
  - {name: shm, emptyDir: {medium: Memory, sizeLimit: 1Gi}}
  - {name: big, emptyDir: {medium: HugePages}}
  - {name: plain, emptyDir: {}}
""")
    ms = load_manifests([tmp_path])
    vols = ms.entries["pods"][0]["volumes"]
    assert vols == [{"name": "shm", "type": "emptyDir", "medium": "Memory", "size_limit": "1Gi"},
                    {"name": "big", "type": "emptyDir"}, {"name": "plain", "type": "emptyDir"}]
    assert ms.simplifications() == ["not modelled: Pod/p: spec.volumes[big].emptyDir.medium HugePages (treated as the node's disk)"]
