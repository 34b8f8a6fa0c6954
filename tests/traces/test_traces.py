"""Trace inputs: the schema's readers, the openb replay on its own nodes, and the Google machine events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clustersim.config.load import ConfigError, load_config
from clustersim.sim import run
from clustersim.traces.google import machine_events, outages
from clustersim.traces.schema import TraceError, read_nodes, read_pods
from tests.conftest import ROOT, shared_path


def test_openb_readers_match_the_trace_description() -> None:
    nodes = read_nodes(shared_path("traces", "alibaba-gpu-v2023-openb", "openb_node_list_all_node.csv"), "openb")
    assert len(nodes) == 1523 and int((nodes.gpu > 0).sum()) == 1213
    pods = read_pods(shared_path("traces", "alibaba-gpu-v2023-openb", "openb_pod_list_gpuspec33.csv"), "openb")
    assert len(pods) == 8152 and int((pods.gpu_models != "").sum()) == 2388
    assert pods.created_s.is_monotonic_increasing


def test_google_machine_events_counts_and_median_downtime() -> None:
    ev = machine_events(shared_path("traces", "google-2019-cell-a-machine-events", "machine_events-000000000000.json.gz"))
    assert len(ev) == 46219 and ev.machine.nunique() == 10001 and ev.rack.nunique() == 261
    assert dict(ev.event.value_counts()) == {"ADD": 27777, "REMOVE": 17941, "UPDATE": 501}
    out = outages(ev)
    back = out.dropna()
    assert len(out) == 17941 and len(back) == 17776 and out.machine.nunique() == 9650
    assert abs(float(np.median(back.up_s - back.down_s)) - 1311) < 1  # about 22 minutes


def test_openb_replay_places_the_trace_on_its_own_nodes(tmp_path: Path) -> None:
    base = shared_path("traces", "alibaba-gpu-v2023-openb")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"""duration_s: 130000
cluster:
  zones: [zone-a]
  nodes_file: {{path: {base / 'openb_node_list_all_node.csv'}, format: openb}}
workloads:
  - name: TraceReplay
    args: {{path: {base / 'openb_pod_list_default.csv'}, format: openb, time_scale: 0.01, keep_pods: true}}
""")
    res = run(load_config(cfg))
    pods = res.pods
    assert len(res.config.cluster.nodes) == 1523 and len(pods) == 8152
    placed = pods.scheduled_s.notna().sum()
    assert 8000 <= placed < 8152  # as the cluster fills, the last GPU pods find no room
    failed = res.events[res.events.reason == "FailedScheduling"]
    assert failed.message.str.contains("Insufficient", regex=False).all()
    alloc = res.timeseries[res.timeseries.metric == "cluster_cpu_allocation"].value
    assert 0.5 < alloc.iloc[-1] < 0.8


def test_shipped_demo_trace_runs() -> None:
    res = run(load_config(ROOT / "configs" / "trace-demo.yaml"))
    pods = res.pods
    assert len(pods) == 300 and pods.scheduled_s.notna().mean() > 0.95
    # GPU pods (T4 only) went to the GPU nodes demo-node-00..07
    trace = res.config.workloads[0].args["path"]
    import pandas as pd

    gpu_names = set(pd.read_csv(trace).query("gpu_milli > 0").name)
    placed = pods[pods.name.isin(gpu_names) & pods.scheduled_s.notna()]
    assert len(placed) > 0 and placed.node.isin([f"demo-node-{i:02d}" for i in range(8)]).all()


def test_google_failures_replay_on_a_cluster(tmp_path: Path) -> None:
    path = shared_path("traces", "google-2019-cell-a-machine-events", "machine_events-000000000000.json.gz")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"""duration_s: 40000
cluster:
  zones: [a]
  node_pools: [{{name: n, count: 200, capacity: {{cpu: "8", memory: 32Gi}}}}]
deployments: [{{name: web, replicas: 50, containers: [{{name: c, image: i, requests: {{cpu: "1"}}}}]}}]
faults: [{{name: TraceNodeFailures, args: {{path: {path}, start_s: 864000, time_scale: 0.1}}}}]
""")
    res = run(load_config(cfg))
    f = res.faults
    assert len(f) >= 3 and f.target.str.startswith("n-").all()
    down = (f.t_recover - f.t_inject).dropna()
    assert len(down) > 0 and (down > 0).all()
    # downtimes are the trace's, scaled by time_scale: the median near 1,311 s x 0.1
    assert 30 < float(np.median(down)) < 1000


def test_bad_traces_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "pods.csv"
    bad.write_text("name,created_s,cpu_m\np,0,100\n")
    with pytest.raises(TraceError) as e:
        read_pods(bad)
    assert e.value.field == "memory_mib" and str(bad) in str(e.value)
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("name,cpu_m\nn,1000\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("cluster: {nodes_file: {path: nodes.csv}}\n")
    with pytest.raises(ConfigError) as e2:
        load_config(cfg)
    assert "memory_mib" in str(e2.value) and "\n" not in str(e2.value)


def test_node_events_remove_add_and_resize() -> None:
    res = run(load_config(ROOT / "configs" / "trace-demo.yaml"))
    f = res.faults
    assert list(f.target) == ["demo-node-10"] and f.t_inject.iloc[0] == 100 and f.t_recover.iloc[0] == 400
    ev = res.events[res.events.reason == "TraceNodeEvent"]
    assert list(ev.message) == ["trace event remove", "trace event add", "trace event update"]
    # the resize reaches the scheduler's cache, so nothing beyond 8 cores is placed there afterwards
    from clustersim.sim import build

    sim = build(load_config(ROOT / "configs" / "trace-demo.yaml"))
    sim.run()
    nodes = sim.scheduler.nodes
    i = nodes.index["demo-node-11"]
    assert nodes.alloc_cpu[i] == 8000 and nodes.free_cpu[i] >= 0


def test_node_events_name_unknown_nodes(tmp_path: Path) -> None:
    (tmp_path / "ev.csv").write_text("t_s,node,event\n1,ghost,remove\n")
    cfg = tmp_path / "c.yaml"
    cfg.write_text("cluster: {node_pools: [{name: n, count: 1}]}\nfaults: [{name: TraceNodeEvents, args: {path: ev.csv}}]\n")
    with pytest.raises(ConfigError, match="unknown node 'ghost'"):
        load_config(cfg)
