"""The results folder of an experiment: one Parquet row set per run, each written atomically.

Layout of ``results/<experiment>/``::

    manifest.json            config hash, package version, seeds, design, start and end times, status
    runs/<run id>/           summary.parquet (one row), timeseries.parquet, events.parquet, faults.parquet
    errors/<run id>.json     a run that raised: its parameters, seed and error

A run's folder is written under a temporary name and renamed into place, so a folder that exists
is complete: an interrupted sweep loses nothing that finished, and ``--resume`` skips those runs.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["FRAMES", "ResultStore", "named"]

FRAMES = ("timeseries", "events", "faults")


def named(e: OSError, path: Path) -> OSError:
    """``e`` with the file it concerns (pyarrow's and some OS errors name none)."""
    if e.filename is not None:
        return e
    return OSError(e.errno, e.strerror or str(e), str(path))


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise named(e, path) from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process of that id
        return True
    return True


class ResultStore:
    """Reads and writes one experiment's results folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.runs_dir = self.root / "runs"
        self.errors_dir = self.root / "errors"

    def prepare(self) -> None:
        """Create the folders and drop temporaries left by a killed sweep."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.errors_dir.mkdir(parents=True, exist_ok=True)
        for tmp in self.runs_dir.glob(".tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)

    # ---- manifest
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None when the folder holds no experiment."""
        path = self.root / "manifest.json"
        if not path.is_file():
            return None
        data: dict[str, Any] = json.loads(path.read_text())
        return data

    def status(self) -> str | None:
        """The sweep's status; a "running" sweep whose process on this machine is gone (killed) is "interrupted"."""
        m = self.read_manifest()
        if m is None:
            return None
        status = str(m.get("status"))
        if status == "running" and m.get("host") == platform.node() and isinstance(m.get("pid"), int) and not _alive(m["pid"]):
            return "interrupted"
        return status

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        _write_json(self.root / "manifest.json", manifest)

    # ---- runs
    def completed(self) -> set[str]:
        """Run ids whose results are complete on disk."""
        if not self.runs_dir.is_dir():
            return set()
        return {p.name for p in self.runs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")}

    def write_run(self, run_id: str, row: dict[str, Any], frames: dict[str, pd.DataFrame],
                  ident: dict[str, Any] | None = None) -> None:
        """Write one finished run (summary row and frames) atomically; ``ident`` columns are added to each frame."""
        tmp = self.runs_dir / f".tmp-{run_id}-{os.getpid()}"
        final = self.runs_dir / run_id
        target = tmp / "summary.parquet"
        try:
            if tmp.exists():
                shutil.rmtree(tmp)
            tmp.mkdir(parents=True)
            pd.DataFrame([row]).to_parquet(target, index=False)
            for name, df in frames.items():
                table = pa.Table.from_pandas(df, preserve_index=False)
                for key, value in (ident or {}).items():
                    table = table.append_column(key, pa.array([value] * len(df)))
                target = tmp / f"{name}.parquet"
                pq.write_table(table, target)
            target = final
            if final.exists():  # a rerun of a run that raised before: replace
                shutil.rmtree(final)
            os.rename(tmp, final)
        except OSError as e:  # a full disk: no partial folder stays, and the message names the file
            shutil.rmtree(tmp, ignore_errors=True)
            raise named(e, target) from None
        err = self.errors_dir / f"{run_id}.json"
        if err.exists():
            err.unlink()

    def write_error(self, run_id: str, record: dict[str, Any]) -> None:
        """Record a run that raised."""
        self.errors_dir.mkdir(parents=True, exist_ok=True)
        _write_json(self.errors_dir / f"{run_id}.json", record)

    def errors(self) -> list[dict[str, Any]]:
        """Every recorded run error."""
        if not self.errors_dir.is_dir():
            return []
        return [json.loads(p.read_text()) for p in sorted(self.errors_dir.glob("*.json"))]

    def runs(self) -> pd.DataFrame:
        """One row per finished run, sorted by point and replication."""
        ids = sorted(self.completed())
        if not ids:
            return pd.DataFrame()
        df = pd.concat([pd.read_parquet(self.runs_dir / i / "summary.parquet") for i in ids], ignore_index=True)
        return df.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)

    def frame(self, name: str) -> pd.DataFrame:
        """One of ``FRAMES`` for every finished run, with the run's id, parameters and seed as columns."""
        if name not in FRAMES:
            raise ValueError(f"unknown frame {name!r}; one of {', '.join(FRAMES)}")
        parts = [pd.read_parquet(self.runs_dir / i / f"{name}.parquet") for i in sorted(self.completed())]
        parts = [p for p in parts if not p.empty]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
