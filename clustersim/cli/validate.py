"""``clustersim validate``: configs, experiment files and manifests, checked before anything runs."""

from __future__ import annotations

from pathlib import Path

import click

from clustersim.cli.common import cli, fail
from clustersim.config.errors import ConfigError
from clustersim.config.load import load_config, parse_overrides
from clustersim.config.size import run_size


@cli.command("validate")
@click.argument("configs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a config value by dotted key.")
@click.option("--lenient", is_flag=True, help="Manifests: skip unknown kinds with a warning instead of failing.")
def validate_cmd(configs: tuple[Path, ...], sets: tuple[str, ...], lenient: bool) -> None:
    """Check configs, experiment files and Kubernetes manifest files or folders (exit 2 on the first error)."""
    from clustersim.manifests import ManifestError
    from clustersim.manifests.check import check_manifests
    from clustersim.sweep.spec import is_experiment, load_experiment

    try:
        overrides = parse_overrides(sets)
        for path in configs:
            if path.is_file() and _is_chaos(path):
                _validate_chaos(path, lenient)
                continue
            if path.is_dir() or _is_manifest(path):
                try:
                    ms, warnings = check_manifests(path, lenient=lenient)
                except ManifestError as e:
                    fail(str(e))
                added = ", ".join(f"{len(v)} {k}" for k, v in ms.entries.items() if v)
                click.echo(f"{path}: ok ({ms.documents} objects: {added or 'none the simulator runs'})")
                for w in warnings:
                    click.echo(f"warning: {w}", err=True)
                for line in ms.simplifications():
                    if not line.startswith("ignored field"):
                        click.echo(f"  {line}")
                continue
            if is_experiment(path):
                exp = load_experiment(path)
                reps = exp.spec.replications
                most = f", up to {exp.spec.precision.max_replications:,} with precision" if exp.spec.precision else ""
                size = f"; largest run: {exp.largest.describe()}" if exp.largest else ""
                click.echo(f"{path}: ok (experiment, {exp.n_points:,} design points x {reps:,} replications = "
                           f"{exp.n_points * reps:,} runs{most}{size})")
            else:
                cfg = load_config(path, overrides)
                click.echo(f"{path}: ok ({run_size(cfg).describe()})")
    except ConfigError as e:
        fail(str(e))


def _is_chaos(path: Path) -> bool:
    """A chaos experiment file (Chaos Mesh, LitmusChaos, Krkn, Chaos Toolkit), told by its first document."""
    from clustersim.chaos.load import detect
    from clustersim.util.strict_yaml import YAMLInputError, load_yaml_documents

    try:
        first = next(iter(load_yaml_documents(path)), None)
    except YAMLInputError:
        return False
    return detect(first) is not None and not (isinstance(first, dict) and ("cluster" in first or "base" in first))


def _validate_chaos(path: Path, lenient: bool) -> None:
    from clustersim.chaos import ChaosError, load_chaos
    from clustersim.chaos.compile import check_actions

    try:
        cs = load_chaos([path], lenient=lenient)
        check_actions(cs.experiments)
    except ChaosError as e:
        fail(str(e))
    actions = sum(len(e.actions) for e in cs.experiments)
    click.echo(f"{path}: ok (chaos: {len(cs.experiments)} experiment(s), {actions} action(s); `clustersim chaos read` lists them)")
    for w in cs.warnings:
        click.echo(f"warning: {w}", err=True)


def _is_manifest(path: Path) -> bool:
    """A YAML file whose first document has apiVersion and kind."""
    from clustersim.util.strict_yaml import YAMLInputError, load_yaml_documents

    try:
        first = next(iter(load_yaml_documents(path)), None)
    except YAMLInputError:
        return False
    return isinstance(first, dict) and "apiVersion" in first and "kind" in first
