"""The run's tidy frames as one CSV or Parquet file each."""

from __future__ import annotations

import os
from pathlib import Path

from clustersim.rundir import FRAME_COLUMNS, RunDir

__all__ = ["write_tidy"]


def write_tidy(run: RunDir, out: Path, fmt: str) -> list[Path]:
    """Write every frame the run has as ``<frame>.csv`` or ``<frame>.parquet`` in ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FRAME_COLUMNS:
        if not (run.path / f"{name}.parquet").is_file():
            continue
        df = run.frame(name)
        path = out / f"{name}.{fmt}"
        tmp = path.with_name(f".{path.name}.tmp")
        if fmt == "csv":
            df.to_csv(tmp, index=False)
        else:
            df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
        written.append(path)
    return written
