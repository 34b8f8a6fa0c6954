"""Docs that cannot drift: the config reference, the README's quick start, and .ci/run."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from clustersim.config import load_config
from clustersim.config.reference import reference_markdown
from tests.conftest import ROOT


def test_config_reference_is_generated_from_the_models() -> None:
    on_disk = (ROOT / "docs" / "config-reference.md").read_text()
    assert on_disk == reference_markdown(), "run: clustersim config-reference > docs/config-reference.md"


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    run_cmd, test_cmd = commands
    assert "clustersim run configs/" in run_cmd and "pytest" in test_cmd
    assert test_cmd in (ROOT / ".ci" / "run").read_text()
    config = run_cmd.split("clustersim run ", 1)[1].split()[0]
    load_config(ROOT / config)  # the shipped config the README runs is valid


def _uses_datasets(path: Path) -> bool:
    return '"data:' in path.read_text()


def test_every_shipped_config_is_valid() -> None:
    configs = sorted((ROOT / "configs").rglob("*.yaml"))
    assert len(configs) >= 14
    for path in configs:
        if not _uses_datasets(path):
            load_config(path)


def test_trace_configs_are_valid_with_the_fetched_datasets(trace_data: Path) -> None:
    configs = [p for p in sorted((ROOT / "configs").rglob("*.yaml")) if _uses_datasets(p)]
    assert {p.name for p in configs} >= {"trace-openb.yaml", "trace-google-failures.yaml"}
    for path in configs:
        cfg = load_config(path)
        paths = [str(a.args["path"]) for a in (*cfg.faults, *cfg.workloads) if "path" in a.args]
        assert paths and all(p.startswith(str(trace_data)) for p in paths), paths
    assert len(load_config(ROOT / "configs" / "trace-openb.yaml").cluster.nodes) == 1523


def test_shipped_configs_name_no_file_outside_the_project() -> None:
    for path in sorted((ROOT / "configs").rglob("*.yaml")):
        assert "shared/" not in path.read_text(), f"{path}: reads a file the project does not ship"


def test_every_fault_type_has_a_shipped_config() -> None:
    from clustersim.faults.base import FAULTS

    used = set()
    for path in (ROOT / "configs").rglob("*.yaml"):
        used |= {f["name"] for f in yaml.safe_load(path.read_text()).get("faults") or []}
    assert set(FAULTS) <= used, set(FAULTS) - used


def test_readme_worked_example_output_is_what_the_quick_start_prints() -> None:
    from clustersim.output import format_summary
    from clustersim.sim import run

    readme = (ROOT / "README.md").read_text()
    quoted = readme.split("loses power at t = 120 s and stays down. The run prints:", 1)[1].split("```", 2)[1]
    printed = format_summary(run(load_config(ROOT / "configs" / "quickstart.yaml")), "configs/quickstart.yaml")
    for line in quoted.strip().splitlines():
        assert line in printed.splitlines(), line
