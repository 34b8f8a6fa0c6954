"""The run figure: per-workload lines, or their totals for many workloads."""

from __future__ import annotations

import pandas as pd

from clustersim.report import _Rows, _steps, _total, plot_run


def _ts(rows: list[tuple[float, str, str, str, float]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["t", "metric", "namespace", "name", "value"])
    df["zone"] = ""
    return df[["t", "metric", "namespace", "name", "zone", "value"]]


def test_totals_sum_the_workloads_step_functions() -> None:
    ts = _ts([(0.0, "serving_replicas", "ns", "a", 1.0), (1.0, "serving_replicas", "ns", "b", 2.0),
              (2.0, "serving_replicas", "ns", "a", 3.0), (2.0, "serving_replicas", "ns", "b", 1.0),
              (5.0, "serving_replicas", "ns", "a", 0.0)])
    rows = _Rows(ts)
    t, v = _total(rows, "serving_replicas", [("ns", "a"), ("ns", "b")], 10.0)
    assert (t, v) == ([0.0, 1.0, 2.0, 5.0, 10.0], [1.0, 3.0, 4.0, 1.0, 1.0])
    assert _steps(rows, "serving_replicas", 10.0, namespace="ns", name="b") == ([1.0, 2.0, 10.0], [2.0, 1.0, 1.0])


def test_many_workloads_are_drawn_as_totals() -> None:
    names = [f"w{i}" for i in range(20)]
    ts = _ts([(float(i), m, "ns", n, 1.0) for i, n in enumerate(names) for m in ("serving_replicas", "desired_replicas")])
    summary = {"duration_s": 30.0, "deployments": {f"ns/{n}": {} for n in names}, "faults": []}
    fig = plot_run(ts, pd.DataFrame(), summary)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels == ["all 20 workloads serving", "all 20 workloads readyReplicas (API)", "all 20 workloads desired"]
    assert fig.axes[0].get_lines()[0].get_ydata()[-1] == 20.0
