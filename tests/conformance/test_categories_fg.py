"""Categories F (DNS, Services, EndpointSlices) and G (Ingress) of the second oracle file, through the runner."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clustersim.conformance import DEFAULTS, run_cases
from tests.conftest import shared_path

FG_KINDS = ["dns_", "service_defaults", "endpointslice_", "ingress_"]


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return json.loads(shared_path("oracle", "k8s_cases_2.json").read_text())["cases"]


def test_every_f_and_g_kind_passes(cases: list[dict]) -> None:
    mine = [c for c in cases if c["category"] in "FG" and c["kind"] != "default_value"]
    passed, failed = run_cases(mine, FG_KINDS)
    assert failed == [] and passed == len(mine) > 100


def test_f_defaults_pass_and_are_modelled(cases: list[dict]) -> None:
    defaults = [c for c in cases if c["category"] == "F" and c["kind"] == "default_value"]
    assert defaults and all((c["input"]["component"], c["input"]["parameter"]) in DEFAULTS for c in defaults)
    assert run_cases(defaults, ["default_value"]) == (len(defaults), [])


def test_f_and_g_through_the_cli(cases: list[dict], tmp_path) -> None:
    mine = [c for c in cases if c["category"] in "FG"]
    path = tmp_path / "fg.json"
    path.write_text(json.dumps({"cases": mine}))
    proc = subprocess.run([sys.executable, "-m", "clustersim.conformance", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == f"{len(mine)} passed, 0 failed"


def test_a_wrong_route_expectation_fails(cases: list[dict]) -> None:
    case = next(c for c in cases if c["kind"] == "ingress_route" and c["expected"]["status"] == 404)
    wrong = {**case, "id": "wrong", "expected": {"status": 200, "backend": "foo-exact"}}
    passed, failed = run_cases([wrong])
    assert passed == 0 and failed[0][0] == "wrong"
