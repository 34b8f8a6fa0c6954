"""Run the ``clustersim`` command in this process and check the bad-input contract."""

from __future__ import annotations

from dataclasses import dataclass

from click.testing import CliRunner

from clustersim.cli import cli


@dataclass
class Outcome:
    """Exit code, output, and the exception that escaped the command (None when it exited normally)."""

    code: int
    stdout: str
    stderr: str
    crash: BaseException | None


def invoke(*args: str) -> Outcome:
    """``clustersim ARGS`` in-process; an exception other than SystemExit is a crash."""
    res = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    crash = res.exception if res.exception is not None and not isinstance(res.exception, SystemExit) else None
    return Outcome(res.exit_code, res.stdout, res.stderr, crash)


def assert_bad_input(out: Outcome, source: str, field: str = "", words: str = "") -> str:
    """Exit 2, one line ``error: <source>: <field>...`` on stderr, no traceback; returns the line."""
    assert out.crash is None, repr(out.crash)
    assert out.code == 2, (out.code, out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    head = f"error: {source}: {field}" if field else f"error: {source}"
    assert lines[0].startswith(head), lines[0]
    assert words in lines[0], lines[0]
    assert "Traceback" not in out.stderr
    return lines[0]
