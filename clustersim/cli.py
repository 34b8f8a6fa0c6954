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
@click.argument("configs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a config value by dotted key.")
def validate_cmd(configs: tuple[Path, ...], sets: tuple[str, ...]) -> None:
    """Check CONFIGS without running them (exit 2 on the first error)."""
    try:
        overrides = parse_overrides(sets)
        for path in configs:
            load_config(path, overrides)
            click.echo(f"{path}: ok")
    except ConfigError as e:
        _fail(str(e))


@cli.command("config-reference")
def reference_cmd() -> None:
    """Print the configuration reference (Markdown), generated from the models."""
    from clustersim.config.reference import reference_markdown

    click.echo(reference_markdown(), nl=False)


def main() -> None:
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
