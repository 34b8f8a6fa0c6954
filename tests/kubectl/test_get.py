"""``clustersim get``: what it prints at a time is what the frames say at that time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from clustersim.kubectl import get
from clustersim.kubectl.format import human_duration, tabwrite
from clustersim.rundir import RunDir
from tests.conftest import cli

TIMES = (0.5, 30.0, 59.0, 65.0, 115.0, 140.0, 200.0, 299.0)


def _alive(run: RunDir, t: float) -> set[str]:
    pods = run.frame("pods")
    return {n for n, c, d in zip(pods["name"], pods["created_s"], pods["deleted_s"], strict=True) if c <= t and not d <= t}


def _status(run: RunDir, t: float) -> dict[str, tuple[str, bool, int]]:
    """The last pod_status row at or before t, per pod name (a plain loop, not the code under test)."""
    names = dict(zip(run.frame("pods")["uid"], run.frame("pods")["name"], strict=True))
    out: dict[str, tuple[str, bool, int]] = {}
    for row in run.frame("pod_status").itertuples():
        if row.t <= t:
            out[names[row.uid]] = (row.phase, bool(row.ready), int(row.restarts))
    return out


def _rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    return [line.split() for line in lines[1:]]


@pytest.mark.parametrize("t", TIMES)
def test_get_pods_lists_the_pods_alive_at_t_with_their_status(story: RunDir, t: float) -> None:
    doc = json.loads(get(story, "pods", t, output="json"))
    items = doc["items"]
    assert {p["metadata"]["name"] for p in items} == _alive(story, t)
    status = _status(story, t)
    for p in items:
        phase, ready, restarts = status.get(p["metadata"]["name"], ("Pending", False, 0))
        assert p["status"]["phase"] == phase
        assert p["status"]["containerStatuses"][0]["restartCount"] == restarts
        assert p["status"]["containerStatuses"][0]["ready"] == (ready and phase == "Running")
    table = _rows(get(story, "pods", t))
    assert len(table) == len(items)
    ready_rows = sum(r[1] == "1/1" for r in table)
    assert ready_rows == sum(1 for n in _alive(story, t) if status.get(n, ("", False))[0] == "Running" and status[n][1])


def test_the_story_is_visible_in_the_table(story: RunDir) -> None:
    before = _rows(get(story, "pods", 59.0))
    assert all(r[2] == "Running" for r in before) and len(before) == 6
    crash = {r[0]: r for r in _rows(get(story, "pods", 299.0))}
    assert any(r[2] == "Terminating" for r in _rows(get(story, "pods", 200.0)))  # the dead node's pods, evicted, stay Terminating
    assert any(r[3] != "0" for r in crash.values())  # the crashed container restarted
    restarted = next(r for r in crash.values() if r[3] != "0")
    assert restarted[4].startswith("(") and restarted[5] == "ago)"  # "1 (4m ago)", as kubectl shows the last restart
    nodes = {r[0]: r[1] for r in _rows(get(story, "nodes", 200.0))}
    assert nodes["n-1"] == "NotReady" and sum(v == "Ready" for v in nodes.values()) == 5


@pytest.mark.parametrize("t", TIMES)
def test_get_nodes_agrees_with_the_node_ready_series(story: RunDir, t: float) -> None:
    ts = story.frame("timeseries")
    ready = ts[(ts["metric"] == "node_ready") & (ts["t"] <= t)].groupby("name")["value"].last()
    table = {r[0]: r[1] for r in _rows(get(story, "nodes", t))}
    if t < ts[ts["metric"] == "node_ready"]["t"].min():
        assert table == {}
        return
    assert set(table) == set(ready.index)
    for name, value in ready.items():
        assert table[name] == ("Ready" if value == 1.0 else "NotReady"), (name, t)


@pytest.mark.parametrize("t", TIMES)
def test_get_deployments_reads_the_status_levels(story: RunDir, t: float) -> None:
    ts = story.frame("timeseries")

    def level(metric: str, name: str) -> int:
        rows = ts[(ts["metric"] == metric) & (ts["name"] == name) & (ts["t"] <= t)]
        return int(rows["value"].iloc[-1]) if len(rows) else 0

    rows = {r[0]: r for r in _rows(get(story, "deployments", t))}
    for name, replicas in (("web", 4), ("api", 2)):
        assert rows[name][1] == f"{level('ready_replicas', name)}/{replicas}"
        assert rows[name][3] == str(level("available_replicas", name))
    doc = yaml.safe_load(get(story, "deployments", t, output="yaml", names=("web",)))
    assert doc["kind"] == "Deployment" and doc["status"]["readyReplicas"] == level("ready_replicas", "web")


def test_wide_and_all_namespaces_add_kubectls_columns(story: RunDir) -> None:
    wide = get(story, "pods", 100.0, output="wide").splitlines()[0].split()
    assert wide == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"]
    assert get(story, "pods", 100.0, namespace=None).splitlines()[0].split()[0] == "NAMESPACE"
    assert get(story, "services", 100.0).splitlines()[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert get(story, "pods", 100.0, namespace="kube-system") == ""


@settings(max_examples=25, deadline=None)
@given(t=st.floats(min_value=0.0, max_value=300.0, allow_nan=False))
def test_at_any_time_the_pod_count_is_the_frames(story: RunDir, t: float) -> None:
    assert len(_rows(get(story, "pods", t))) == len(_alive(story, t))


@pytest.mark.parametrize(("seconds", "text"), [
    # cases from k8s.io/apimachinery/pkg/util/duration/duration_test.go (TestHumanDuration)
    (1, "1s"), (70, "70s"), (119, "119s"), (120, "2m"), (121, "2m1s"), (9 * 60 + 59, "9m59s"), (10 * 60, "10m"),
    (3 * 3600 - 1, "179m"), (3 * 3600, "3h"), (3 * 3600 + 60, "3h1m"), (8 * 3600, "8h"), (47 * 3600 + 59 * 60, "47h"),
    (48 * 3600, "2d"), (48 * 3600 + 3600, "2d1h"), (8 * 86400, "8d"), (2 * 365 * 86400, "2y"), (2 * 365 * 86400 + 86400, "2y1d"),
    (8 * 365 * 86400, "8y"), (-1.5, "0s"), (-3, "<invalid>"),
])
def test_human_duration_is_kubectls(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_tabwriter_pads_like_kubectl() -> None:
    out = tabwrite([["NAME", "READY"], ["a", "1/1"]])
    assert out == "NAME   READY\na      1/1\n"  # minwidth 6, padding 3; the last column is not padded
    assert tabwrite([["NAME", "CPU"], ["n", "5m"]], terminated=True) == "NAME   CPU   \nn      5m    \n"


def test_cli_bad_run_dir_is_one_line_and_exit_2(story: RunDir) -> None:
    for args in (("get", "pods", "/nonexistent/run"), ("describe", "node", "n-0", str(story.path.parent)),
                 ("events", str(story.path / "events.parquet")), ("top", "pods", "/nonexistent")):
        res = cli(*args)
        assert res.exit_code == 2, (args, res.stderr)
        assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and "Traceback" not in res.stderr
    missing = cli("describe", "pod", "nope", str(story.path))
    assert missing.exit_code == 1 and 'pods "nope" not found' in missing.stderr
    ok = cli("get", "po", str(story.path), "--at", "1m5s", "-o", "wide")
    assert ok.exit_code == 0 and ok.stdout.splitlines()[0].startswith("NAME") and "n-1" in ok.stdout
    bad_time = cli("get", "pods", str(story.path), "--at", "soon")
    assert bad_time.exit_code == 2 and "--at" in bad_time.stderr


def test_one_subprocess_run_of_the_console_command(story: RunDir) -> None:
    proc = subprocess.run([sys.executable, "-m", "clustersim", "get", "nodes", str(story.path), "--at", "200"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "n-1    NotReady" in proc.stdout
