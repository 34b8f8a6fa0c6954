"""``describe``, ``events`` and ``top`` against the frames at several times."""

from __future__ import annotations

import json

import pytest
import yaml

from clustersim.kubectl import describe_node, describe_pod, events_table, top_nodes, top_pods
from clustersim.kubectl.events import fold
from clustersim.rundir import RunDir, RunDirError


def _on_node(run: RunDir, node: str, t: float) -> set[str]:
    pods, ps = run.frame("pods"), run.frame("pod_status")
    phase = {}
    for row in ps[ps["t"] <= t].itertuples():
        phase[row.uid] = row.phase
    return {p.name for p in pods.itertuples() if p.node == node and p.scheduled_s <= t and p.created_s <= t
            and not p.deleted_s <= t and phase.get(p.uid) not in ("Succeeded", "Failed")}


@pytest.mark.parametrize("t", [30.0, 65.0, 140.0, 299.0])
def test_describe_node_lists_the_pods_bound_to_it(story: RunDir, t: float) -> None:
    for node in ("n-0", "n-1"):
        text = describe_node(story, node, t)
        listed = text.split("Non-terminated Pods:")[1].split("Allocated resources:")[0].splitlines()[3:]
        assert {line.split()[1] for line in listed} == _on_node(story, node, t)
        assert f"({len(_on_node(story, node, t))} in total)" in text
    ns = story.frame("node_status")
    last = ns[(ns["node"] == "n-1") & (ns["t"] <= t)].iloc[-1]
    text = describe_node(story, "n-1", t)
    ready_line = next(line for line in text.splitlines() if line.strip().startswith("Ready "))
    assert ready_line.split()[1] == last["ready"]
    assert ("node.kubernetes.io/unreachable:NoExecute" in text) == ("unreachable:NoExecute" in last["taints"])


def test_describe_pod_shows_status_restarts_and_its_events(story: RunDir) -> None:
    pods = story.frame("pods")
    crashed = pods[pods["restarts"] > 0].iloc[0]
    text = describe_pod(story, crashed["name"], 299.0)
    assert f"Node:             {crashed['node']}/<none>" in text
    assert "Restart Count:  " + str(int(crashed["restarts"])) in text
    assert "Controlled By:    ReplicaSet/api-" in text
    ev = story.frame("events")
    mine = ev[(ev["kind"] == "Pod") & (ev["name"] == crashed["name"])]
    for reason in set(mine["reason"]):
        assert f" {reason} " in text
    early = describe_pod(story, crashed["name"], 10.0)
    assert "Restart Count:  0" in early and "BackOff" not in early
    with pytest.raises(RunDirError, match="not found"):
        describe_pod(story, crashed["name"], 299.0, namespace="other")


@pytest.mark.parametrize(("since", "until"), [(None, None), (0.0, 60.0), (60.0, 120.0), (100.0, None)])
def test_events_window_and_filters(story: RunDir, since: float | None, until: float | None) -> None:
    ev = story.frame("events")
    window = ev[(ev["t"] >= (since or 0.0)) & (ev["t"] <= (until if until is not None else 1e9))]
    doc = json.loads(events_table(story, "json", since=since, until=until))
    assert sum(i["count"] for i in doc["items"]) == len(window)
    assert len(doc["items"]) == len(fold(window))
    nn = yaml.safe_load(events_table(story, "yaml", reason="NodeNotReady", since=since, until=until))["items"]
    assert sum(i["count"] for i in nn) == int((window["reason"] == "NodeNotReady").sum())
    table = events_table(story, "", for_obj="node/n-1", since=since, until=until)
    rows = table.splitlines()[1:]
    assert all(" node/n-1 " in r for r in rows)
    assert len(rows) == len(fold(window[(window["kind"] == "Node") & (window["name"] == "n-1")]))


def test_events_table_has_kubectls_columns(story: RunDir) -> None:
    head = events_table(story).splitlines()[0]
    assert head.split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert events_table(story, "wide").splitlines()[0].split()[-3:] == ["SEEN", "COUNT", "NAME"]


@pytest.mark.parametrize("t", [50.0, 120.0, 299.0])
def test_top_shows_the_last_scrape_at_or_before_t(story: RunDir, t: float) -> None:
    usage = story.frame("usage")
    at = usage[usage["t"] <= t]["t"].max()
    scrape = usage[usage["t"] == at]
    rows = {line.split()[0]: line.split() for line in top_pods(story, t).splitlines()[1:]}
    assert set(rows) == set(scrape["pod"])
    for r in scrape.itertuples():
        assert rows[r.pod][1] == f"{r.cpu_m}m" and rows[r.pod][2] == f"{r.memory_bytes // 2**20}Mi"
    nodes = {line.split()[0]: line.split() for line in top_nodes(story, t).splitlines()[1:]}
    per_node = scrape.groupby("node")["cpu_m"].sum()
    for node, m in per_node.items():
        assert nodes[node][1] == f"{m}m"
    assert all(v[1] == "<unknown>" for k, v in nodes.items() if k not in per_node.index)


def test_top_without_usage_says_why(story: RunDir, tmp_path: object) -> None:
    with pytest.raises(RunDirError, match="metrics not available yet"):
        top_pods(story, 0.5)
