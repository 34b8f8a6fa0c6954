"""``clustersim config-reference``."""

from __future__ import annotations

import click

from clustersim.cli.common import cli


@cli.command("config-reference")
def reference_cmd() -> None:
    """Print the configuration reference (Markdown), generated from the models."""
    from clustersim.config.reference import reference_markdown

    click.echo(reference_markdown(), nl=False)
