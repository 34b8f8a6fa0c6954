"""Components talk only through the store: none imports another (as Kubernetes components talk via the API server)."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

COMPONENTS = ["node", "scheduler", "controllers", "faults", "workload"]


def _imports(package: str) -> set[str]:
    out = set()
    for path in (ROOT / "clustersim" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("clustersim."):
                out.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("clustersim."))
    return out


@pytest.mark.parametrize("package", COMPONENTS)
def test_component_imports_no_other_component(package: str) -> None:
    others = set(COMPONENTS) - {package}
    assert _imports(package) & others == set()


def test_pandas_and_matplotlib_stay_out_of_the_simulation_path() -> None:
    for package in [*COMPONENTS, "api"]:
        for path in (ROOT / "clustersim" / package).rglob("*.py"):
            text = path.read_text()
            assert "import pandas" not in text and "matplotlib" not in text, path
    for name in ("apiserver/store.py", "client/client.py", "env.py", "infra.py", "apiserver/admission.py", "util/backoff.py", "metrics/recorder.py"):
        text = (ROOT / "clustersim" / name).read_text()
        assert "import pandas" not in text and "matplotlib" not in text, name
