"""``clustersim sweep`` and ``clustersim report``: experiments over many runs."""

from __future__ import annotations

from pathlib import Path

import click

from clustersim.cli.common import cli, fail, write_failure
from clustersim.config.errors import ConfigError


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
        fail(str(e))
    out = out or Path("results") / exp.spec.name
    try:
        runs = sweep(exp, out, workers=workers, executor=executor, scheduler_address=scheduler_address,
                     resume=resume, progress=True)
    except KeyboardInterrupt:
        fail(f"interrupted; finished runs are kept in {out} (rerun with --resume)", 130)
    except SweepError as e:
        fail(str(e), 1)
    except OSError as e:  # a full disk: the run being written is dropped whole, finished runs are kept
        fail(write_failure(e, out), 1)
    except (RuntimeError, ValueError) as e:
        fail(str(e), 1)
    click.echo(f"{len(runs)} runs in {out}")
    if report:
        from clustersim.sweep.report import write_report

        try:
            click.echo(f"Report: {write_report(out)}")
        except OSError as e:
            fail(write_failure(e, out / "report"), 1)


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
        fail(str(e))
    click.echo(f"Report: {path}")
