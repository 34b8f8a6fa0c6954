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
