"""What every command shares: the group, and one line plus an exit code for bad input."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

__all__ = ["EXIT_BAD_INPUT", "cli", "fail"]

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (2: bad input; 1: a failed run)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clustersim")
def cli() -> None:
    """Simulate a Kubernetes-style cluster: scheduling, failures, recovery."""
