"""The single-run figure reads well for every kind of shipped config: no empty panel, every fault in the
timeline, no overprinted phase labels when there are many faults."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from clustersim.config import load_config
from clustersim.report import plot_run
from clustersim.sim import RunResult, run
from tests.conftest import ROOT, run_config


def _drawn(ax: object) -> int:
    return len(ax.lines) + len(ax.patches) + len(ax.collections)  # type: ignore[attr-defined]


def _figure(result: RunResult) -> Figure:
    return plot_run(result.timeseries, result.faults, result.summary)


def _panels(fig: Figure) -> list[object]:
    """The figure's own panels (twin axes share a panel with their host)."""
    return [ax for ax in fig.axes if ax.get_label() != "twin" and ax.get_subplotspec() is not None and ax.get_ylabel() not in
            ("NotReady nodes", "CPU requested (%)")]


@pytest.mark.parametrize("config", ["trace-demo.yaml", "quickstart.yaml"])
def test_no_panel_is_empty(config: str) -> None:
    fig = _figure(run(load_config(ROOT / "configs" / config)))
    for ax in _panels(fig):
        assert _drawn(ax) > 0, (config, ax.get_title(), ax.get_ylabel())


def test_every_fault_is_in_the_timeline_and_labels_do_not_overprint() -> None:
    result = run_config(duration_s=3000.0, apiserver={"default_unreachable_toleration_seconds": 30,
                                                      "default_not_ready_toleration_seconds": 30},
                        faults=[{"name": "NodeCrash", "args": {"at_s": 100.0 + 150 * i, "nodes": [f"n-{i % 6}"], "recover_after_s": 100}}
                                for i in range(12)])
    paths = [f for f in result.summary["faults"] if f.get("t_not_ready") is not None]
    assert len(paths) > 8
    fig = _figure(result)
    gantt = next(ax for ax in fig.axes if ax.get_title().startswith("Recovery critical path"))
    assert len(gantt.get_yticks()) == len(paths)
    top = fig.axes[0]
    assert len(top.texts) == 0  # with many faults the Gantt names the phases; labels on top would overprint
