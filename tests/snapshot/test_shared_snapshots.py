"""Every file of ../shared/snapshots loads (objects it cannot represent are listed field by field), keeps what
matters, and the real cluster's archive (objects without apiVersion/kind) runs."""

from __future__ import annotations

from pathlib import Path

from clustersim.config.load import validate_dict
from clustersim.sim import run
from clustersim.snapshot import load_snapshot
from tests.conftest import shared_path


def _files() -> list[Path]:
    root = shared_path("snapshots")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".json"))


def test_every_shared_snapshot_file_loads() -> None:
    files = _files()
    assert len(files) >= 7
    for path in files:
        ss = load_snapshot(path)
        assert ss.objects >= 1, path
        for line in ss.skipped:  # each skip names the file, the document and the field
            assert str(path) in line and "[doc " in line and ": " in line.split("]: ", 1)[1], line


def test_nodes_keep_capacity_allocatable_labels_taints_and_conditions() -> None:
    master = load_snapshot(shared_path("snapshots", "alibaba-open-simulator", "example", "cluster", "demo_1", "nodes", "master-1.yaml"))
    node = master.manifests.entries["nodes"][0]
    assert node["capacity"]["cpu"] == "4" and node["allocatable"]["cpu"] == "8"  # allocatable > capacity kept as given
    assert node["taints"] == [{"key": "node-role.kubernetes.io/master", "value": "", "effect": "NoSchedule"}]
    assert node["labels"]["node-role.kubernetes.io/master"] == ""
    popeye = load_snapshot(shared_path("snapshots", "derailed-popeye", "internal", "lint", "testdata", "core", "node", "1.yaml"))
    assert popeye.nodes["n4"]["ready"] == "False" and popeye.nodes["n3"]["memory_pressure"]
    n4 = next(n for n in popeye.manifests.entries["nodes"] if n["name"] == "n4")
    assert n4["unschedulable"] is True and n4["capacity"] == {"cpu": "0", "memory": "0", "pods": "0"}
    assert any("Node n3: no status.capacity" in n for n in popeye.notes)
    gpu = load_snapshot(shared_path("snapshots", "alibaba-open-simulator", "example", "cluster", "gpushare", "nodes", "pai-node-00.yaml"))
    assert gpu.manifests.entries["nodes"][0]["capacity"]["alibabacloud.com/gpu-count"] == "2"


def test_pods_keep_node_phase_readiness_and_owner() -> None:
    ss = load_snapshot(shared_path("snapshots", "derailed-popeye", "internal", "lint", "testdata", "core", "pod", "2.yaml"))
    names = {p["name"]: p for p in ss.pods}
    assert set(names) == {"p3", "p4", "p5"} and len(ss.skipped) == 2  # p1 and p2 have no containers
    assert all("containers" in s for s in ss.skipped)
    assert names["p3"]["owner"] == {"kind": "DaemonSet", "name": "rs3"} and "owner" not in names["p4"]  # controller: false
    assert names["p5"]["phase"] == "Pending"  # Running without a node: taken as Pending, and said so
    assert any("p4: containers[c2].resources.requests.mem" in n for n in ss.notes)


def test_the_real_cluster_archive_runs(tmp_path: Path) -> None:
    archive = shared_path("snapshots", "openshift-insights-operator", "docs", "insights-archive-sample", "config")
    ss = load_snapshot(archive)
    assert [n["name"] for n in ss.manifests.entries["nodes"]] == ["master-0.imeixner20210707.lab.upshift.rdu2.redhat.com"]
    node = ss.manifests.entries["nodes"][0]
    assert node["allocatable"]["cpu"] == "7500m" and node["taints"][0]["effect"] == "NoSchedule"
    pod = ss.pods[0]
    assert (pod["phase"], pod["node_name"], pod["owner"]["kind"]) == ("Failed", "pvx508.wdf.sap.corp", "Job")
    cfg = validate_dict({"duration_s": 120, "snapshot": {"path": str(archive)}}, str(tmp_path / "c.yaml"))
    assert any("owner Job auditlog-retention-28566720 is not in the snapshot" in s for s in cfg.simplifications)
    res = run(cfg)
    # the Failed pod is bound to a node that is not in the archive: PodGC deletes it (gcOrphaned)
    assert res.pods.deleted_s.notna().all()
