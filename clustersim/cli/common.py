"""What every command shares: the group, and one line plus an exit code for bad input."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

__all__ = ["EXIT_BAD_INPUT", "cli", "fail", "one_line", "request_fast_exit", "write_failure"]

EXIT_BAD_INPUT = 2
# set by a command whose outputs are all written: the console script then ends the process with
# os._exit instead of tearing down every object of a large run one by one (seconds to minutes)
FAST_EXIT = [False]


def request_fast_exit() -> None:
    """Everything this command writes is written and closed: skip the interpreter's teardown."""
    FAST_EXIT[0] = True


def write_failure(e: OSError, where: object) -> str:
    """One line for a failed write (a full disk, a read-only folder), naming the path that failed."""
    return f"cannot write {e.filename or where}: {e.strerror or e}"


MAX_LINE = 800  # characters of an error line


def one_line(message: str, limit: int = MAX_LINE) -> str:
    """``message`` on one line of at most about ``limit`` characters."""
    flat = " ".join(message.splitlines())
    if len(flat) <= limit:
        return flat
    return f"{flat[: limit - 120]} [... {len(flat) - limit + 40:,} characters left out ...] {flat[-80:]}"


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (2: bad input; 1: a failed run).

    Always one line: line breaks inside a quoted value become spaces, and a message that quotes a huge
    value (a 100,000-character name) keeps its head, which names the file and field, and its end."""
    click.echo(f"error: {one_line(message)}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clustersim")
def cli() -> None:
    """Simulate a Kubernetes-style cluster: scheduling, failures, recovery."""
