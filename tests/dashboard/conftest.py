"""The quick start's page, written once; a headless Chromium driven by Selenium for the browser test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from clustersim.config import load_config
from clustersim.dashboard import write_run_page
from clustersim.output import write_outputs
from clustersim.rundir import read_run
from clustersim.sim import run
from tests.conftest import ROOT

ARTIFACTS = Path(os.environ.get("CLUSTERSIM_TEST_ARTIFACTS", ROOT / "build" / "test-artifacts"))  # untracked (.gitignore)
# the flags this closed network needs (no background connections) and a root user needs (no sandbox)
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1300,1000")


@pytest.fixture(scope="session")
def quickstart_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("quickstart")
    write_outputs(run(load_config(ROOT / "configs" / "quickstart.yaml")), out, plot=False)
    page = out / "view.html"
    return page, write_run_page(read_run(out), page)


def _find(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Chromium via chromedriver; skips (fails under CI=true) when either is missing."""
    chrome, driver_path = _find("chromium", "chromium-browser", "google-chrome"), _find("chromedriver")
    if chrome is None or driver_path is None:
        why = "no Chromium or ChromeDriver (Debian: apt-get install chromium chromium-driver; .ci/run installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for flag in CHROME_FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}")
    opts.binary_location = chrome
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def sweep_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A 2 x 2 sweep of the quick start (2 replications) and its page."""
    import yaml

    from clustersim.dashboard import write_sweep_page
    from clustersim.sweep.runner import sweep

    folder = tmp_path_factory.mktemp("sweep")
    spec = {"name": "tiny", "base": str(ROOT / "configs" / "quickstart.yaml"), "overrides": {"duration_s": 400, "faults.0.args.nodes": []},
            "axes": [{"name": "grace", "param": "controller_manager.node_monitor_grace_period_s", "values": [20, 50]},
                     {"name": "tol", "param": "apiserver.default_unreachable_toleration_seconds", "values": [30, 120]}],
            "replications": 2, "metrics": ["convergence_s", "availability_min", "detection_s"]}
    (folder / "tiny.yaml").write_text(yaml.safe_dump(spec))
    sweep(folder / "tiny.yaml", folder / "out", workers=1)
    page = folder / "out" / "view.html"
    return page, write_sweep_page(folder / "out", page)
