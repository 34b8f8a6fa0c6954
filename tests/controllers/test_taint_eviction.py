"""NoExecute taint manager: tolerationSeconds, forever-tolerations, Terminating pods on dead nodes."""

from __future__ import annotations

import pytest

from clustersim.api.types import Toleration
from clustersim.controllers.taint_eviction import get_matching_tolerations, min_toleration_time
from tests.conftest import events_of, run_config
from tests.scheduler.helpers import taint


def test_min_toleration_time() -> None:
    assert min_toleration_time([]) == 0
    assert min_toleration_time([Toleration(operator="Exists")]) == -1
    assert min_toleration_time([Toleration(toleration_seconds=60), Toleration(toleration_seconds=30)]) == 30
    assert min_toleration_time([Toleration(), Toleration(toleration_seconds=45)]) == 45
    assert min_toleration_time([Toleration(toleration_seconds=-5)]) == 0


def test_matching_tolerations() -> None:
    t = (taint("node.kubernetes.io/unreachable", "NoExecute"),)
    assert get_matching_tolerations(t, ()) == (False, [])
    ok, used = get_matching_tolerations(t, (Toleration("node.kubernetes.io/unreachable", "Exists", effect="NoExecute", toleration_seconds=9),))
    assert ok and used[0].toleration_seconds == 9


def _dep(name: str, tolerations: list[dict]) -> dict:
    return {"name": name, "replicas": 1, "tolerations": tolerations, "node_selector": {"kubernetes.io/hostname": "n-0"},
            "containers": [{"name": "c", "image": "i"}]}


def test_toleration_seconds_and_forever() -> None:
    short = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "toleration_seconds": 60}]
    forever = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}]
    result = run_config(deployments=[_dep("short", short), _dep("forever", forever), _dep("default", [])],
                        faults=[{"name": "NodeCrash", "args": {"at_s": 50, "nodes": ["n-0"]}}], duration_s=700)
    ts = result.timeseries
    tainted = ts[(ts.metric == "node_noexecute_taint") & (ts.value == 1)].t.iloc[0]
    ev = events_of(result, "TaintManagerEviction")
    ev = ev[ev.message.str.startswith("Marking")]
    by_workload = {name.rsplit("-", 2)[0]: t for name, t in zip(ev.name, ev.t, strict=True)}
    assert set(by_workload) == {"short", "default"}
    assert by_workload["short"] - tainted == pytest.approx(60 + 0.05)  # seen one watch latency after the taint
    assert by_workload["default"] - tainted == pytest.approx(300 + 0.05)
    # the evicted pods stay Terminating on the unreachable node; replacements stay Pending (nodeSelector)
    pods = result.pods
    evicted = pods[pods.name.isin(ev.name)]
    assert evicted.deletion_s.notna().all() and evicted.deleted_s.isna().all()
    assert result.summary["pods_pending_at_end"] == 2
