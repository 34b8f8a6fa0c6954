"""Processes and disks: a killed sweep takes its workers with it and is never left "running"; a run's
or a sweep's outputs are whole or absent, and a write that fails names its path."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clustersim.sweep.store import ResultStore
from tests.conftest import ROOT
from tests.input.cli import invoke

QUICKSTART = ROOT / "configs" / "quickstart.yaml"


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _experiment(tmp_path: Path, duration_s: float, replications: int) -> Path:
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"name: e\nbase: {QUICKSTART}\noverrides: {{duration_s: {duration_s}}}\nreplications: {replications}\n"
                   "metrics: [availability_min]\n")
    return exp


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_workers_exit_when_the_sweep_is_killed(tmp_path: Path) -> None:
    exp = _experiment(tmp_path, 300_000, 4)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "clustersim", "sweep", str(exp), "--workers", "2", "--out", str(out), "--no-report"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    workers: set[int] = set()
    for _ in range(300):  # until both workers run (they fork when the first run is submitted)
        workers = _children(proc.pid)
        if len(workers) >= 2 and (out / "manifest.json").exists():
            break
        time.sleep(0.1)
    assert len(workers) >= 2, "the sweep did not start its workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30  # a hang detector, not a speed requirement
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert left == [], "workers outlived their killed sweep"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running" and ResultStore(out).status() == "interrupted"


def test_a_failing_write_leaves_no_run_folder_and_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import clustersim.output as output

    real = output._atomic

    def no_space(tmp: Path) -> None:
        tmp.write_bytes(b"half")  # part of the file, then the disk is full (an error naming no file, as pyarrow's)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def full_disk(path: Path, write: object) -> None:
        real(path, no_space if path.name == "config.yaml" else write)

    monkeypatch.setattr(output, "_atomic", full_disk)
    out = tmp_path / "out"
    res = invoke("run", str(QUICKSTART), "--out", str(out), "--no-plot", "-q")
    assert res.crash is None and res.code == 1, res.stderr
    line = res.stderr.strip()
    assert "\n" not in line and line.startswith("error: cannot write ") and "config.yaml: No space left on device" in line, line
    assert not out.exists() and not any(tmp_path.iterdir()), list(tmp_path.iterdir())
    # an earlier, complete folder stays as it was
    monkeypatch.setattr(output, "_atomic", real)
    assert invoke("run", str(QUICKSTART), "--out", str(out), "--no-plot", "-q").code == 0
    before = sorted(p.name for p in out.iterdir())
    monkeypatch.setattr(output, "_atomic", full_disk)
    assert invoke("run", str(QUICKSTART), "--out", str(out), "--no-plot", "-q").code == 1
    assert sorted(p.name for p in out.iterdir()) == before and "config.yaml" in before


def _small_files(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # writes past it fail with EFBIG (Python ignores SIGXFSZ)


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_disk_that_refuses_writes(tmp_path: Path, command: str) -> None:
    """A real failure of the OS: files may not grow past 4 KiB (no root or special filesystem needed)."""
    out = tmp_path / "out"
    target = QUICKSTART if command == "run" else _experiment(tmp_path, 900, 2)
    args = [str(target), "--out", str(out)] + (["--no-plot", "-q"] if command == "run" else ["--no-report"])
    p = subprocess.run([sys.executable, "-m", "clustersim", command, *args], capture_output=True, text=True, cwd=tmp_path,
                       preexec_fn=lambda: _small_files(4096), timeout=300, check=False)
    assert p.returncode == 1, p.stdout + p.stderr
    line = p.stderr.strip().splitlines()[-1]
    assert "Traceback" not in p.stderr and line.startswith("error: cannot write ") and str(tmp_path) in line, p.stderr
    assert "File too large" in line
    if command == "run":
        assert not out.exists()
    else:
        store = ResultStore(out)
        assert store.status() in ("failed", "interrupted") and not list(store.runs_dir.glob(".tmp-*"))
