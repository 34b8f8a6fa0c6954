"""The kubelet posts node status at its status syncs (nodeStatusUpdateFrequency)."""

from __future__ import annotations

import pytest

from tests.conftest import events_of, run_config


@pytest.mark.parametrize("period", [1.0, 10.0])
def test_a_reconnected_kubelet_reports_ready_at_its_next_status_sync(period: float) -> None:
    res = run_config(duration_s=300.0, kubelet={"node_status_update_frequency_s": period},
                     faults=[{"name": "NetworkPartition", "args": {"at_s": 60, "duration_s": 140, "nodes": ["n-3"]}}])
    assert events_of(res, "NodeNotReady", kind="Node", name="n-3").t.iloc[0] == pytest.approx(110, abs=5)
    ready = events_of(res, "NodeReady", kind="Node", name="n-3").t
    # the Lease is renewed at once on reconnect; the Ready condition comes with the next status sync
    assert len(ready) == 1 and 200 < ready.iloc[0] < 200 + period


def test_a_restarted_kubelet_reports_ready_at_once() -> None:
    res = run_config(duration_s=300.0, faults=[{"name": "KubeletStop", "args": {"at_s": 60, "duration_s": 140, "nodes": ["n-3"]}}])
    assert events_of(res, "NodeReady", kind="Node", name="n-3").t.tolist() == [pytest.approx(200)]
