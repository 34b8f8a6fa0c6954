"""Read a run folder (what ``clustersim run --out DIR`` writes): the one place that knows its layout.

Every command that looks at a finished run (``get``, ``describe``, ``events``, ``top``, ``export``,
``view``) reads it through ``read_run``, so a change of how runs are written (for example Parquet in
parts) is absorbed here and nowhere else. Frames a run does not have (an older run, or a feature it did
not use) come back empty with their columns, so callers show what is present and skip what is absent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clustersim.config.models import SimConfig
from clustersim.metrics import frames as fr
from clustersim.metrics.recorder import POD_FIELDS

__all__ = ["FRAME_COLUMNS", "RunDir", "RunDirError", "is_run_dir", "read_run"]

FRAME_COLUMNS: dict[str, list[str]] = {
    "timeseries": fr.SERIES_COLUMNS, "events": fr.EVENT_COLUMNS, "pods": list(POD_FIELDS), "faults": fr.FAULT_COLUMNS,
    "pod_status": fr.POD_STATUS_COLUMNS, "node_status": fr.NODE_STATUS_COLUMNS, "usage": fr.USAGE_COLUMNS,
    "requests": fr.REQUEST_COLUMNS, "explanations": fr.EXPLANATION_COLUMNS,
}
REQUIRED = ("summary.json", "config.yaml", "timeseries.parquet", "events.parquet")


class RunDirError(Exception):
    """Not a readable run folder; ``str(e)`` is one line naming the path."""


def is_run_dir(path: Path) -> bool:
    """Does ``path`` look like a run folder?"""
    return path.is_dir() and all((path / name).is_file() for name in REQUIRED)


@dataclass
class RunDir:
    """A finished run on disk: its summary, resolved config and frames (read on first use)."""

    path: Path
    summary: dict[str, Any]
    config_data: dict[str, Any]
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _config: SimConfig | None = field(default=None, repr=False)

    @property
    def config(self) -> SimConfig:
        """The resolved config as the run used it (validated as a model; files it named are not reread)."""
        if self._config is None:
            try:
                self._config = SimConfig.model_validate(self.config_data)
            except ValueError as e:
                raise RunDirError(f"{self.path / 'config.yaml'}: not a clustersim config: {str(e).splitlines()[0]}") from None
        return self._config

    @property
    def duration_s(self) -> float:
        """Simulated time of the run."""
        return float(self.summary.get("duration_s", self.config_data.get("duration_s", 0.0)))

    def has(self, name: str) -> bool:
        """Is frame ``name`` present and non-empty?"""
        return not self.frame(name).empty

    def frame(self, name: str) -> pd.DataFrame:
        """Frame ``name`` (empty with its columns when the run has none)."""
        if name not in self._frames:
            path = self.path / f"{name}.parquet"
            if path.is_file():
                try:
                    df = pd.read_parquet(path)
                except (OSError, ValueError) as e:
                    raise RunDirError(f"{path}: cannot read: {e}") from None
            else:
                df = pd.DataFrame({c: pd.Series(dtype="object") for c in FRAME_COLUMNS.get(name, [])})
            self._frames[name] = df
        return self._frames[name]


def read_run(path: str | Path) -> RunDir:
    """Open a run folder; RunDirError (one line naming the path) if it is not one."""
    p = Path(path)
    if not p.exists():
        raise RunDirError(f"{p}: no such folder")
    if not p.is_dir():
        raise RunDirError(f"{p}: not a folder (a run folder is what `clustersim run CONFIG --out DIR` writes)")
    if (p / "manifest.json").is_file() and (p / "runs").is_dir():
        raise RunDirError(f"{p}: a sweep's results folder, not a run folder (`clustersim view` shows sweeps)")
    missing = [name for name in REQUIRED if not (p / name).is_file()]
    if missing:
        raise RunDirError(f"{p}: not a run folder (no {missing[0]}; `clustersim run CONFIG --out DIR` writes one)")
    try:
        summary = json.loads((p / "summary.json").read_text())
        config = yaml.safe_load((p / "config.yaml").read_text())
    except (OSError, ValueError, yaml.YAMLError) as e:
        raise RunDirError(f"{p}: cannot read the run's summary or config: {str(e).splitlines()[0]}") from None
    if not isinstance(summary, dict) or not isinstance(config, dict):
        raise RunDirError(f"{p}: summary.json or config.yaml is not a mapping")
    return RunDir(p, summary, config)
