"""docs/fidelity.md cannot drift: it covers every calibration row, was made from today's defaults, and a quick
rerun of its scenarios lands near the numbers it shows."""

from __future__ import annotations

import importlib.util
import math
import re
import sys
from types import ModuleType

import pytest

from tests.conftest import ROOT, shared_path

FIX = "run: python benchmarks/fidelity.py"


@pytest.fixture(scope="module")
def fidelity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fidelity", ROOT / "benchmarks" / "fidelity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fidelity"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quick(fidelity: ModuleType) -> list:
    return [r for row in fidelity.ROWS for r in fidelity.run_row(row, True)]


def test_every_calibration_row_has_a_scenario(fidelity: ModuleType) -> None:
    readme = shared_path("calibration", "README.md").read_text()
    rows = set(re.findall(r"^\| ([A-Z]\d+) \|", readme, flags=re.MULTILINE))
    assert rows and rows == {r.row for r in fidelity.ROWS}
    _, kept = fidelity.read_data()
    assert {r["row"] for r in kept} == rows, FIX


def test_the_table_was_made_from_today_s_defaults(fidelity: ModuleType) -> None:
    kept_fingerprint, kept = fidelity.read_data()
    assert kept_fingerprint == fidelity.fingerprint(), FIX
    results = [fidelity.Result(**r) for r in kept]
    assert fidelity.table(results, fidelity.ROWS) in fidelity.DOC.read_text(), FIX  # the table is the data's, not edited


def test_a_quick_rerun_lands_near_the_kept_numbers(fidelity: ModuleType, quick: list) -> None:
    _, kept = fidelity.read_data()
    full = {(r["row"], r["label"], r["stat"]): r for r in kept}
    assert set(full) == {(r.row, r.label, r.stat) for r in quick}, FIX
    for r in quick:
        f = full[(r.row, r.label, r.stat)]
        if math.isinf(f["sim"]) or math.isinf(r.sim):
            assert math.isinf(f["sim"]) == math.isinf(r.sim), (r.row, r.label)
            continue
        # the quick version has fewer seeds (and for K1 a shorter window): allow its and the full run's spread
        tolerance = 0.15 * abs(f["sim"]) + 2 * (f["ci"] + r.ci) + 1e-9
        assert abs(r.sim - f["sim"]) <= tolerance, (r.row, r.label, r.stat, r.sim, f["sim"], FIX)


def test_the_published_column_is_the_calibration_file_s(fidelity: ModuleType) -> None:
    """The figures the table compares against are the ones in ../shared/calibration (rows S1, P1-P2, K1, N1-N2)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import calibration as cal
    import fit_timing

    assert fidelity.K1_SCALE == fit_timing.K1_ASSUMED  # the K1 scenario runs at the size the fit assumed
    table = cal.rows(shared_path("calibration", "README.md"))
    published = {(f.row, f.label, f.stat): f.published for row in fidelity.ROWS for f in row.figures}
    _, s1 = cal.s1(table)
    for pct, figs in s1.items():
        for stat, value in figs.items():
            assert published[("S1", f"{pct:g} % full", stat)] == value
    for i, pull in enumerate(cal.p1_p2(table)):
        label = f"{fidelity._mb(pull.size_mb)} {pull.layers} layer{'s' * (pull.layers > 1)}"
        if i >= 6:
            label += ", later pairs" if pull.warm else ", first pair"
        assert published[("P2" if i >= 6 else "P1", label, "p50")] == pytest.approx(pull.seconds, abs=0.006), label
    k1 = [v for (row, _, _), v in published.items() if row == "K1"]
    assert tuple(k1) == cal.k1(table)
    for rid, label in (("N1", "scale 3 -> 4"), ("N2", "scale 3 -> 53")):
        _, quantiles = cal.n_row(table, rid)
        for (row, lab, stat), v in published.items():
            if row == rid:
                assert lab == label and quantiles[int(stat[1:]) / 100] == v
