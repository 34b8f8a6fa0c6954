"""``clustersim export``: a finished run as OpenMetrics text (for Prometheus and Grafana), CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import click

from clustersim.cli.common import cli, fail


@cli.command("export")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["openmetrics", "csv", "parquet"]), default="openmetrics", show_default=True)
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="openmetrics: the file (default RUN_DIR/metrics.om); csv/parquet: a folder (default RUN_DIR/export-FORMAT).")
@click.option("--interval", "interval_s", type=click.FloatRange(min=0.001), default=30.0, show_default=True,
              help="openmetrics: scrape interval (simulated seconds) at which levels are sampled.")
def export_cmd(run_dir: Path, fmt: str, out: Path | None, interval_s: float) -> None:
    """Write RUN_DIR's metrics under kube-state-metrics' and the kubelet's names, or its frames as files.

    Load the OpenMetrics file into Prometheus with `promtool tsdb create-blocks-from openmetrics FILE DATA_DIR`.
    """
    from clustersim.export import write_openmetrics, write_tidy
    from clustersim.rundir import RunDirError, read_run

    try:
        run = read_run(run_dir)
        if fmt == "openmetrics":
            target = out or run_dir / "metrics.om"
            n = write_openmetrics(run, target, interval_s)
            click.echo(f"{n:,} samples in {target}")
        else:
            files = write_tidy(run, out or run_dir / f"export-{fmt}", fmt)
            click.echo(f"{len(files)} frames in {files[0].parent if files else out}: {', '.join(f.name for f in files)}")
    except RunDirError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename or out}: {e.strerror or e}", 1)
