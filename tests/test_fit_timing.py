"""The timing models' defaults are the fit of today's calibration file (benchmarks/fit_timing.py), and the
calibration reader says which row it cannot read."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, shared_path


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fit() -> ModuleType:
    return _load("fit_timing")


def test_every_default_is_the_refit_of_the_calibration_rows(fit: ModuleType) -> None:
    lines, off = fit.report(shared_path("calibration", "README.md"))
    assert off == [], "defaults in clustersim/config/timing.py differ from the fit: run python benchmarks/fit_timing.py"
    text = "\n".join(lines)
    for rid in ("S1", "P1", "P2", "K1", "N1", "N2"):
        assert f"{rid} p" in text or f"{rid} " in text, rid


def test_the_fitted_models_reproduce_the_rows_they_were_fitted_to(fit: ModuleType) -> None:
    cal = fit.calibration
    table = cal.rows(shared_path("calibration", "README.md"))
    from clustersim.config.timing import KubeProxyTimingConfig

    t = KubeProxyTimingConfig().model_dump()
    full, minimized, fast = cal.k1(table)
    assert fit.k1_p50(t, 10.0, False) == pytest.approx(full, rel=0.05)
    assert fit.k1_p50(t, 10.0, True) == pytest.approx(minimized, rel=0.1)
    assert fit.k1_p50(t, 1.0, True) == pytest.approx(fast, rel=0.25)
    per_node, s1 = cal.s1(table)
    st = fit.fit_startup(per_node, s1, scale=1.0)  # unscaled: the line goes through the 2015 points
    for pct, figs in s1.items():
        assert fit.startup_figure(st, pct / 100 * per_node, "p50") == pytest.approx(figs["p50"], rel=0.1)


def test_a_row_in_another_shape_is_named(fit: ModuleType, tmp_path: Path) -> None:
    cal = fit.calibration
    bad = tmp_path / "README.md"
    bad.write_text("| S1 | p50 fast | 100 nodes x 30 pods | somewhere | F |\n| K1 | p50 27 s | x | y | F |\n")
    table = cal.rows(bad)
    with pytest.raises(cal.CalibrationError, match="row S1"):
        cal.s1(table)
    with pytest.raises(cal.CalibrationError, match="row K1"):
        cal.k1(table)
    with pytest.raises(cal.CalibrationError, match="row P1 is missing"):
        cal.p1_p2(table)
