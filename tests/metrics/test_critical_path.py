"""The recovery critical path of each node fault belongs to that fault's own episode."""

from __future__ import annotations

import pytest

from tests.conftest import run_config


def test_recurring_failures_of_one_node_each_get_their_own_path() -> None:
    # a short crash (back before the 300 s toleration) and, later, one for good, on the same node
    r = run_config(duration_s=1100.0, faults=[
        {"name": "NodeCrash", "args": {"at_s": 60, "duration_s": 60, "nodes": ["n-1"]}},
        {"name": "NodeCrash", "args": {"at_s": 300, "nodes": ["n-1"]}}])
    short, final = sorted(r.summary["faults"], key=lambda f: f["t_inject"])
    assert short["t_not_ready"] == pytest.approx(110, abs=5) and final["t_not_ready"] == pytest.approx(350, abs=5)
    # the short one was never evicted: nothing from the later failure is counted for it
    assert short["t_evicted"] is None and short["evicted_pods"] == 0 and short["toleration_s"] is None
    assert short["t_replacements_ready"] is None and short["replacement_s"] is None
    assert final["evicted_pods"] > 0 and final["toleration_s"] == pytest.approx(300, abs=1)
    assert final["taint_s"] == pytest.approx(0, abs=1)
