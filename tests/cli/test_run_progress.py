"""``clustersim run``'s progress bar: over simulated time, on a terminal only, never changing the results."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pandas as pd
import pytest

from clustersim.sim import build
from tests.conftest import ROOT, cli, make_config

CRASH = {"faults": [{"name": "NodeCrash", "args": {"at_s": 100, "nodes": ["n-3"]}}]}


@pytest.mark.parametrize("over", [{}, CRASH])
def test_a_run_in_slices_gives_the_same_frames(over: dict) -> None:
    cfg = make_config(duration_s=400.0, **over)
    whole = build(cfg).run()
    seen: list[float] = []
    sliced = build(cfg).run(progress=seen.append)
    for name in ("timeseries", "events", "pods", "pod_status", "node_status", "faults"):
        pd.testing.assert_frame_equal(getattr(whole, name), getattr(sliced, name), check_dtype=True)
    assert whole.summary == sliced.summary
    assert seen == sorted(seen) and seen[-1] == 400.0 and len(seen) == 200


def _run_cli(tmp_path: Path, *extra: str, tty: bool) -> str:
    cmd = [sys.executable, "-m", "clustersim", "run", str(ROOT / "configs" / "quickstart.yaml"), "--out", str(tmp_path / "o"),
           "--no-plot", *extra]
    env = {**os.environ, "CLUSTERSIM_PROGRESS_DELAY_S": "0"}
    if not tty:
        return subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stderr
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait() == 0
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_the_bar_shows_on_a_terminal_and_not_otherwise(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_tty = _run_cli(tmp_path, tty=True)
    assert "simulating" in on_tty and "900/900 sim s" in on_tty
    monkeypatch.setenv("CLUSTERSIM_PROGRESS_DELAY_S", "0")
    args = ("run", str(ROOT / "configs" / "quickstart.yaml"), "--out", str(tmp_path / "p"), "--no-plot")
    assert "simulating" not in cli(*args).stderr  # not a terminal
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert "simulating" not in cli(*args, "--quiet").stderr
