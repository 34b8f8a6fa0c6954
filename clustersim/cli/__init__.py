"""The ``clustersim`` command: one module per command group, each adding its commands to ``cli``."""

from clustersim.cli import chaos, data, export, kubectl, reference, run, sweep, validate, view  # noqa: F401  (add the commands)
from clustersim.cli.common import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli()
