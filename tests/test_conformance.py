"""The Kubernetes oracle (../shared/oracle/k8s_cases.json) through the conformance runner."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clustersim.conformance import DEFAULTS, NOT_MODELLED, run_cases
from tests.conftest import shared_path

ISSUE_KINDS = ["deployment_", "rolling_", "container_restart_backoff", "scheduler_pod_backoff",
               "default_toleration_seconds_admission", "num_feasible_nodes_to_find"]
SCHEDULER_KINDS = ["noderesources_fit_score", "noderesources_fit_filter", "noderesources_args_validation",
                   "default_normalize_score", "tainttoleration_", "broken_linear_function",
                   "noderesources_balanced_allocation_score", "imagelocality_score", "nodeaffinity_score",
                   "podtopologyspread_filter"]


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return json.loads(shared_path("oracle", "k8s_cases.json").read_text())["cases"]


@pytest.mark.parametrize("kinds", [ISSUE_KINDS, SCHEDULER_KINDS], ids=["controllers-and-timings", "scheduler-plugins"])
def test_supported_kinds_all_pass(cases: list[dict], kinds: list[str]) -> None:
    passed, failed = run_cases(cases, kinds)
    assert passed > 0 and failed == []


def test_every_default_of_a_modelled_component_passes(cases: list[dict]) -> None:
    defaults = [c for c in cases if c["kind"] == "default_value"]
    modelled = [c for c in defaults if c["input"]["parameter"] not in NOT_MODELLED.get(c["input"]["component"], set())]
    passed, failed = run_cases(modelled, ["default_value"])
    assert failed == [] and passed == len(modelled)
    # every parameter the file names is either modelled or listed as not modelled: nothing silently skipped
    for c in defaults:
        key = (c["input"]["component"], c["input"]["parameter"])
        assert key in DEFAULTS or key[1] in NOT_MODELLED.get(key[0], set()), key


def test_every_oracle_case_passes_through_the_cli(cases: list[dict]) -> None:
    """Categories A, B, C and D together, as the scheduler issue's done-means asks."""
    path = shared_path("oracle", "k8s_cases.json")
    proc = subprocess.run([sys.executable, "-m", "clustersim.conformance", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == f"{len(cases)} passed, 0 failed"


def test_runner_fails_on_an_unsupported_kind_and_a_wrong_expectation(cases: list[dict], tmp_path) -> None:
    case = next(c for c in cases if c["kind"] == "default_value" and c["input"]["parameter"] == "housekeepingPeriod")
    wrong = {**case, "id": "wrong", "expected": {**case["expected"], "value": 3}}
    unknown = {**case, "id": "unknown", "kind": "no_such_kind"}
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"cases": [case, wrong, unknown]}))
    proc = subprocess.run([sys.executable, "-m", "clustersim.conformance", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "FAIL wrong" in proc.stdout and "FAIL unknown" in proc.stdout and "is not supported" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "1 passed, 2 failed"


def test_probe_defaults_agree_between_api_and_config() -> None:
    from clustersim.api.types import Probe
    from clustersim.config.models import ProbeConfig

    api, cfg = Probe(), ProbeConfig()
    assert (api.period_s, api.timeout_s, api.success_threshold, api.failure_threshold, api.initial_delay_s) == (
        cfg.period_s, cfg.timeout_s, cfg.success_threshold, cfg.failure_threshold, cfg.initial_delay_s)


def test_the_defaults_table_lists_every_upstream_default_the_config_models() -> None:
    """Each component setting of the config that is Kubernetes' own is in the runner's defaults table,
    and its value there is the config's default (not a copy that could drift)."""
    from pydantic import BaseModel

    from clustersim.conformance.defaults import COMPONENT_CONFIGS, NOT_UPSTREAM
    from clustersim.conformance.registry import CONFIG_PATHS

    missing = []
    for root, cls in COMPONENT_CONFIGS.items():
        for name, f in cls.model_fields.items():
            path = f"{root}.{name}"
            nested = isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)
            if nested or "simulator parameter" in (f.description or "") or path in NOT_UPSTREAM:
                continue
            if path not in CONFIG_PATHS:
                missing.append(path)
                continue
            obj = cls()
            getter, _unit = DEFAULTS[CONFIG_PATHS[path]]
            value = getattr(obj, name)
            assert getter() == (dict(value) if isinstance(value, dict) else value), path
    assert missing == []


def test_tolerations_print_as_upstream_serializes_them() -> None:
    from clustersim.conformance.defaults import admission

    # a toleration with no key (it tolerates every taint with its effect) prints without a key, as omitempty does
    out = admission({"pod_tolerations": [{"operator": "Exists", "effect": "NoExecute"}]})
    assert out == {"pod_tolerations": [{"operator": "Exists", "effect": "NoExecute"}]}
