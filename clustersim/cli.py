"""The ``clustersim`` command: run a config, validate configs, print the config reference."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from clustersim.config.load import ConfigError, load_config, parse_overrides

__all__ = ["main"]

EXIT_BAD_INPUT = 2


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clustersim")
def cli() -> None:
    """Simulate a Kubernetes-style cluster: scheduling, failures, recovery."""


@cli.command("run")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--seed", type=int, default=None, help="Override the config's seed.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a config value by dotted key (repeatable).")
@click.option("--no-plot", is_flag=True, help="Skip the PNG plot.")
def run_cmd(config: Path, out: Path, seed: int | None, sets: tuple[str, ...], no_plot: bool) -> None:
    """Run CONFIG and write summary.json, Parquet frames, the resolved config and a plot to --out."""
    try:
        overrides = parse_overrides(sets)
        if seed is not None:
            overrides["seed"] = seed
        cfg = load_config(config, overrides)
    except ConfigError as e:
        _fail(str(e))
    from clustersim.output import format_summary, write_outputs
    from clustersim.sim import run

    try:
        result = run(cfg)
    except Exception as e:  # a bug, not bad input: one line, exit 1
        _fail(f"simulation failed: {type(e).__name__}: {e}", 1)
    try:
        files = write_outputs(result, out, plot=not no_plot)
    except OSError as e:
        _fail(f"{out}: {e.strerror or e}", 1)
    click.echo(format_summary(result, str(config)))
    click.echo(f"Outputs in {out}: {', '.join(files)}")


@cli.command("validate")
@click.argument("configs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a config value by dotted key.")
@click.option("--lenient", is_flag=True, help="Manifests: skip unknown kinds with a warning instead of failing.")
def validate_cmd(configs: tuple[Path, ...], sets: tuple[str, ...], lenient: bool) -> None:
    """Check configs, experiment files and Kubernetes manifest files or folders (exit 2 on the first error)."""
    from clustersim.manifests import ManifestError, load_manifests
    from clustersim.sweep.spec import is_experiment, load_experiment

    try:
        overrides = parse_overrides(sets)
        for path in configs:
            if path.is_dir() or _is_manifest(path):
                try:
                    ms = load_manifests([path], lenient=lenient)
                except ManifestError as e:
                    _fail(str(e))
                added = ", ".join(f"{len(v)} {k}" for k, v in ms.entries.items() if v)
                click.echo(f"{path}: ok ({ms.documents} objects: {added or 'none the simulator runs'})")
                for w in ms.warnings:
                    click.echo(f"warning: {w}", err=True)
                for line in ms.simplifications():
                    if not line.startswith("ignored field"):
                        click.echo(f"  {line}")
                continue
            if is_experiment(path):
                exp = load_experiment(path)
                click.echo(f"{path}: ok (experiment, {exp.n_points} design points x {exp.spec.replications} replications)")
            else:
                load_config(path, overrides)
                click.echo(f"{path}: ok")
    except ConfigError as e:
        _fail(str(e))


@cli.command("sweep")
@click.argument("experiment", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder (default: results/<experiment name>).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Runs at once.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a Dask distributed cluster.")
@click.option("--scheduler-address", default=None, help="Dask scheduler address (default: start a LocalCluster).")
@click.option("--resume", is_flag=True, help="Keep finished runs in --out and run only the missing ones.")
@click.option("--replications", type=click.IntRange(min=1), default=None, help="Override the experiment's replications.")
@click.option("--report/--no-report", default=True, show_default=True, help="Write the HTML report when done.")
def sweep_cmd(experiment: Path, out: Path | None, workers: int, executor: str, scheduler_address: str | None,
              resume: bool, replications: int | None, report: bool) -> None:
    """Run EXPERIMENT (base config x axes x replications); results go to --out as Parquet."""
    from clustersim.sweep.runner import SweepError, sweep
    from clustersim.sweep.spec import load_experiment

    try:
        exp = load_experiment(experiment, {"replications": replications} if replications else None)
    except ConfigError as e:
        _fail(str(e))
    out = out or Path("results") / exp.spec.name
    try:
        runs = sweep(exp, out, workers=workers, executor=executor, scheduler_address=scheduler_address,
                     resume=resume, progress=True)
    except KeyboardInterrupt:
        _fail(f"interrupted; finished runs are kept in {out} (rerun with --resume)", 130)
    except SweepError as e:
        _fail(str(e), 1)
    except (RuntimeError, ValueError, OSError) as e:
        _fail(str(e), 1)
    click.echo(f"{len(runs)} runs in {out}")
    if report:
        from clustersim.sweep.report import write_report

        click.echo(f"Report: {write_report(out)}")


@cli.command("report")
@click.argument("results", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder (default: RESULTS/report).")
def report_cmd(results: Path, out: Path | None) -> None:
    """Write report.html (figures embedded), summary.md and PNG/SVG figures for a sweep's results."""
    from clustersim.sweep.report import write_report

    try:
        path = write_report(results, out)
    except FileNotFoundError as e:
        _fail(str(e))
    click.echo(f"Report: {path}")


@cli.command("config-reference")
def reference_cmd() -> None:
    """Print the configuration reference (Markdown), generated from the models."""
    from clustersim.config.reference import reference_markdown

    click.echo(reference_markdown(), nl=False)


def _is_manifest(path: Path) -> bool:
    """A YAML file whose first document has apiVersion and kind."""
    import yaml

    try:
        first = next(iter(yaml.safe_load_all(path.read_text())), None)
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(first, dict) and "apiVersion" in first and "kind" in first


def main() -> None:
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
