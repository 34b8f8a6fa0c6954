"""``clustersim run``: one config, its outputs written to a folder."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from clustersim.cli.common import cli, fail, request_fast_exit, write_failure
from clustersim.config.errors import ConfigError
from clustersim.config.load import load_config, parse_overrides


@cli.command("run")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--seed", type=int, default=None, help="Override the config's seed.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a config value by dotted key (repeatable).")
@click.option("--no-plot", is_flag=True, help="Skip the PNG plot.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar (it shows only on a terminal, for runs over a few seconds).")
def run_cmd(config: Path, out: Path, seed: int | None, sets: tuple[str, ...], no_plot: bool, quiet: bool) -> None:
    """Run CONFIG and write summary.json, Parquet frames, the resolved config and a plot to --out."""
    from clustersim.sweep.spec import is_experiment

    if is_experiment(config):
        fail(f"{config}: is an experiment file (it has base:, axes: or design:); run it with: clustersim sweep {config}")
    try:
        overrides = parse_overrides(sets)
        if seed is not None:
            overrides["seed"] = seed
        cfg = load_config(config, overrides)
    except ConfigError as e:
        fail(str(e))
    from clustersim.output import atomic_folder, format_summary, write_outputs
    from clustersim.sim import run

    try:
        with atomic_folder(out) as tmp:  # everything goes to a temporary folder, renamed to --out when whole
            with progress_bar(cfg.duration_s, enabled=not quiet and sys.stderr.isatty()) as bar:
                result = run(cfg, progress=bar, out=tmp)  # the tables stream into it as the run goes
            files = write_outputs(result, tmp, plot=not no_plot)
    except OSError as e:
        fail(write_failure(e, out), 1)
    except Exception as e:  # a bug, not bad input: one line, exit 1
        fail(f"simulation failed: {type(e).__name__}: {e}", 1)
    click.echo(format_summary(result, str(config)))
    click.echo(f"Outputs in {out}: {', '.join(files)}")
    request_fast_exit()


PROGRESS_DELAY_S = 2.0  # wall seconds before the bar appears: quick runs print nothing (CLUSTERSIM_PROGRESS_DELAY_S overrides)


@contextlib.contextmanager
def progress_bar(duration_s: float, enabled: bool) -> Iterator[Callable[[float], None] | None]:
    """A tqdm bar over simulated time (None when disabled, so the run goes in one piece)."""
    if not enabled:
        yield None
        return
    import os

    from tqdm.auto import tqdm

    delay = float(os.environ.get("CLUSTERSIM_PROGRESS_DELAY_S", PROGRESS_DELAY_S))
    bar = tqdm(total=round(duration_s, 1), unit="sim s", desc="simulating", delay=delay, dynamic_ncols=True,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} sim s [{elapsed}<{remaining}]")

    def update(t: float) -> None:
        bar.update(round(t, 1) - bar.n)

    try:
        yield update
    finally:
        bar.close()
