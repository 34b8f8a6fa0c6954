"""``clustersim view``: a run's (or a sweep's) interactive page, one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

import click

from clustersim.cli.common import cli, fail


@cli.command("view")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The HTML file (default: PATH/view.html).")
def view_cmd(path: Path, out: Path | None) -> None:
    """Write the interactive page of a run folder (clustersim run --out) or a sweep's results folder.

    The page needs no network: open it in any browser. Panels share zoom and a time cursor; the event
    log filters and sorts; for a sweep, click a design point to see its runs.
    """
    from clustersim.dashboard import write_run_page, write_sweep_page
    from clustersim.rundir import RunDirError, read_run

    target = out or path / "view.html"
    try:
        if (path / "manifest.json").is_file() and (path / "runs").is_dir():
            panels = write_sweep_page(path, target)
        else:
            panels = write_run_page(read_run(path), target)
    except (RunDirError, FileNotFoundError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.filename or target}: {e.strerror or e}", 1)
    click.echo(f"View: {target} ({len(panels)} panels; open it in a browser)")
