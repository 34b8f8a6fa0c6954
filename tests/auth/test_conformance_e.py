"""Category E of ../shared/oracle/k8s_cases_2.json through the conformance runner and its CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clustersim.conformance import run_cases
from tests.conftest import shared_path

E_KINDS = ["rbac_", "clusterrole_", "node_authorize"]


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return [c for c in json.loads(shared_path("oracle", "k8s_cases_2.json").read_text())["cases"] if c["category"] == "E"]


def test_every_category_e_case_passes(cases: list[dict]) -> None:
    passed, failed = run_cases(cases, E_KINDS)
    assert failed == [] and passed == len(cases)


def test_category_e_through_the_cli(cases: list[dict]) -> None:
    path = shared_path("oracle", "k8s_cases_2.json")
    args = [sys.executable, "-m", "clustersim.conformance", str(path)] + [a for k in E_KINDS for a in ("--kind", k)]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == f"{len(cases)} passed, 0 failed"


def test_unordered_keys_compare_as_sets(cases: list[dict]) -> None:
    case = next(c for c in cases if c["kind"] == "rbac_bootstrap_binding" and len(c["expected"]["subjects"]) == 2)
    swapped = {**case, "expected": {**case["expected"], "subjects": case["expected"]["subjects"][::-1]}}
    wrong = {**case, "expected": {**case["expected"], "subjects": case["expected"]["subjects"][:1]}}
    assert run_cases([swapped], ["rbac_"]) == (1, [])
    assert run_cases([wrong], ["rbac_"])[0] == 0
