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


# ---- the cloud layer (clustersim/cloud/): the cloud itself is physical, like infra; the
# cloud-controller-manager and the Cluster Autoscaler are components like the others
CLOUD_PHYSICAL = ["cloud/instances.py", "cloud/instance_types.py", "cloud/load_balancers.py", "cloud/pools.py",
                  "cloud/pricing.py", "cloud/provider.py", "cloud/provisioning.py", "cloud/simulated.py"]
CLOUD_COMPONENTS = ["cloud/ccm", "cloud/autoscaler", "cloud/termination_handler.py"]


def _module_imports(path: str) -> set[str]:
    """Full dotted names of the clustersim modules ``path`` (a file or a folder) imports."""
    root = ROOT / "clustersim" / path
    files = [root] if root.is_file() else list(root.rglob("*.py"))
    out = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("clustersim."):
                out.add(node.module)
            elif isinstance(node, ast.Import):
                out.update(a.name for a in node.names if a.name.startswith("clustersim."))
    return out


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[1] for m in modules}


@pytest.mark.parametrize("path", CLOUD_PHYSICAL)
def test_the_cloud_itself_imports_no_component(path: str) -> None:
    imports = _module_imports(path)
    assert _top(imports) & {*COMPONENTS, "traffic"} == set(), imports
    assert not any(m.startswith(("clustersim.cloud.ccm", "clustersim.cloud.autoscaler")) for m in imports), imports


@pytest.mark.parametrize("path", CLOUD_COMPONENTS)
def test_cloud_components_import_no_other_component(path: str) -> None:
    imports = _module_imports(path)
    assert _top(imports) & {"node", "controllers", "faults", "workload", "traffic"} == set(), imports
    others = {c.removesuffix(".py").replace("/", ".") for c in CLOUD_COMPONENTS} - {path.removesuffix(".py").replace("/", ".")}
    assert not any(m.startswith(tuple(f"clustersim.{o}" for o in others)) for m in imports), imports
    # the autoscaler simulates with the scheduler's own filter plugins, as upstream's simulator/ vendors
    # the scheduler framework; it never talks to the running scheduler
    allowed = ("clustersim.scheduler.framework", "clustersim.scheduler.plugins", "clustersim.scheduler.cache", "clustersim.scheduler.profile")
    assert all(m.startswith(allowed) for m in imports if m.startswith("clustersim.scheduler")), imports


@pytest.mark.parametrize("package", COMPONENTS)
def test_components_do_not_reach_into_the_cloud(package: str) -> None:
    assert not any(m.startswith("clustersim.cloud") for m in _module_imports(package))


def test_cloud_faults_act_on_the_cloud_not_through_its_controllers() -> None:
    imports = _module_imports("cloud/faults.py")
    assert not any(m.startswith(("clustersim.cloud.ccm", "clustersim.cloud.autoscaler", "clustersim.cloud.termination_handler")) for m in imports)
    assert _top(imports) & {"node", "scheduler", "controllers", "workload", "traffic"} == set()
