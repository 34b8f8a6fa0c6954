"""``python -m clustersim`` runs the CLI."""

from clustersim.cli import main

main()
