"""Regenerate everything the README and ``results/examples/`` show, so the shipped examples cannot go stale.

    python scripts/regenerate_examples.py            # everything (the 160-run sweep takes a minute or two on 2 cores)
    python scripts/regenerate_examples.py --no-sweep # only the quick start (its figure, summary, page screenshot)

Writes ``results/examples/quickstart/`` (summary.json, replicas.png, viewer.png: a screenshot of
``clustersim view`` in headless Chromium when it is installed), ``results/examples/node-failure-recovery/``
(runs.csv, summary.md, convergence.png) and the README's blocks between ``<!-- generated:NAME -->`` and
``<!-- /generated:NAME -->`` markers. ``tests/test_examples.py`` reruns a few of the shipped runs and
checks every generated block against what this script would write.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clustersim.config import load_config  # noqa: E402
from clustersim.output import format_summary, write_outputs  # noqa: E402
from clustersim.sim import run  # noqa: E402

EXAMPLES = ROOT / "results" / "examples"
QUICKSTART = ROOT / "configs" / "quickstart.yaml"
EXPERIMENT = ROOT / "experiments" / "node-failure-recovery.yaml"
RUN_COLUMNS = ["run_id", "point", "replication", "seed", "grace_period", "toleration_seconds", "convergence_s", "availability_min",
               "ready_ratio_mean", "detection_s", "toleration_s"]


def quickstart_block(printed: str) -> str:
    """The README's worked-example output: what ``clustersim run`` prints, less the first line (wall time varies)."""
    return "\n".join(printed.splitlines()[1:])


def stable_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """summary.json without what depends on the machine (wall time, memory)."""
    return {k: v for k, v in summary.items() if k != "stats"}


def sweep_sentence(runs: pd.DataFrame) -> str:
    """The README's reading of the node-failure-recovery sweep, with its numbers computed from the runs."""
    extra = runs["convergence_s"] - runs["grace_period"] - runs["toleration_seconds"]
    lo, hi = int(extra.quantile(0.05) // 1), int(-(-extra.quantile(0.95) // 1))
    by = runs.groupby(["toleration_seconds", "grace_period"])["availability_min"].mean() * 100
    slow, fast = by.loc[300], by.loc[30]
    return (f"Convergence is almost exactly grace period + toleration + {lo}-{hi} s (5th to 95th percentile over the "
            f"runs): the replacements' create, schedule, pull, start and readiness, minus where in the 10 s lease-renewal "
            f"cycle the node died. Every Deployment that lost a pod is short for that whole time. Lowering the "
            f"tolerations from 300 s to 30 s raises the worst Deployment's availability over the 15-minute run from "
            f"{slow.min():.0f}-{slow.max():.0f} % to {fast.min():.0f}-{fast.max():.0f} % (mean over seeds, range over "
            f"grace periods).")


def replace_block(text: str, name: str, body: str) -> str:
    """Put ``body`` between the README's markers for ``name``."""
    pattern = re.compile(rf"(<!-- generated:{name} -->\n)(.*?)(<!-- /generated:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md: no <!-- generated:{name} --> block")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + "\n" + m.group(3), text, count=1)


def screenshot(page: Path, out: Path) -> bool:
    """A full-page screenshot of ``page`` in headless Chromium (False when Chromium is not installed)."""
    chrome, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chrome is None or driver is None:
        print("no chromium/chromedriver: viewer.png not regenerated (apt-get install chromium chromium-driver)")
        return False
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1300,1000"):
        opts.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        opts.add_argument(f"--user-data-dir={profile}")
        opts.binary_location = chrome
        d = webdriver.Chrome(service=Service(driver), options=opts)
        try:
            d.get(page.as_uri())
            import time

            for _ in range(200):
                if d.execute_script("return window.Bokeh && Bokeh.documents.length > 0"):
                    break
                time.sleep(0.1)
            time.sleep(1.5)
            d.set_window_size(1300, int(d.execute_script("return document.documentElement.scrollHeight")) + 40)
            time.sleep(1.0)
            d.save_screenshot(str(out))
        finally:
            d.quit()
    return True


def regenerate_quickstart(readme: str) -> str:
    """Run the quick start; write its example files; return the README with its output block updated."""
    from clustersim.dashboard import write_run_page
    from clustersim.rundir import read_run

    result = run(load_config(QUICKSTART))
    out = EXAMPLES / "quickstart"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as parent:
        tmp = Path(parent) / "quickstart"  # the page names its run folder
        write_outputs(result, tmp)
        summary = json.loads((tmp / "summary.json").read_text())
        (out / "summary.json").write_text(json.dumps(stable_summary(summary), indent=2) + "\n")
        shutil.copy(tmp / "replicas.png", out / "replicas.png")
        write_run_page(read_run(tmp), tmp / "view.html")
        screenshot(tmp / "view.html", out / "viewer.png")
    return replace_block(readme, "quickstart-output", "```\n" + quickstart_block(format_summary(result, "configs/quickstart.yaml")) + "\n```")


def regenerate_sweep(readme: str, workers: int) -> str:
    """Run the node-failure-recovery sweep; write runs.csv, summary.md and the convergence figure."""
    from clustersim.sweep.report import write_report
    from clustersim.sweep.runner import sweep

    out = EXAMPLES / "node-failure-recovery"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        runs = sweep(EXPERIMENT, Path(tmp) / "results", workers=workers, progress=True)
        write_report(Path(tmp) / "results", Path(tmp) / "report", formats=("png",))
        shutil.copy(Path(tmp) / "report" / "summary.md", out / "summary.md")
        figure = next((Path(tmp) / "report" / "figures").glob("00-metric_vs_axis-convergence_s-*.png"))
        shutil.copy(figure, out / "convergence.png")
    text = (out / "summary.md").read_text()
    (out / "summary.md").write_text(re.sub(r"\nFigures:\n.*", "\n", text, flags=re.S))
    runs.sort_values("run_id")[RUN_COLUMNS].to_csv(out / "runs.csv", index=False)  # full precision: the table is recomputed from it
    return replace_block(readme, "sweep-reading", sweep_sentence(runs))


def main() -> None:
    """Regenerate the examples and the README's generated blocks."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-sweep", action="store_true", help="Only the quick start.")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    readme_path = ROOT / "README.md"
    readme = regenerate_quickstart(readme_path.read_text())
    if not args.no_sweep:
        readme = regenerate_sweep(readme, args.workers)
    readme_path.write_text(readme)
    print(f"regenerated {EXAMPLES} and README.md")


if __name__ == "__main__":
    main()
