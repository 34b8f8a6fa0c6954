"""Google ClusterData 2019 ``machine_events`` (newline-delimited JSON, optionally gzipped).

``time`` is microseconds from the trace start (0: before the window); ``type`` 1 ADD, 2 REMOVE, 3
UPDATE. A REMOVE followed by an ADD of the same machine is an outage (failure or repair); the
switch id is the machine's rack, a failure domain.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd

from clustersim.traces.schema import TraceError

__all__ = ["machine_events", "outages"]

TYPES = {"1": "ADD", "2": "REMOVE", "3": "UPDATE"}


def machine_events(path: str | Path) -> pd.DataFrame:
    """Columns ``t_s`` (seconds), ``machine``, ``event`` (ADD, REMOVE, UPDATE), ``rack``; in time order."""
    p = Path(path)
    opener = gzip.open if p.suffix == ".gz" else open
    rows = []
    try:
        with opener(p, "rt") as fh:  # type: ignore[operator]
            for n, line in enumerate(fh):
                if not line.strip():
                    continue
                try:
                    e = json.loads(line)
                    rows.append((int(e["time"]) / 1e6, str(e["machine_id"]), TYPES[str(e["type"])], str(e.get("switch_id", ""))))
                except (ValueError, KeyError):
                    raise TraceError(str(p), f"line {n + 1}", "not a machine event") from None
    except OSError as e:
        raise TraceError(str(p), "", e.strerror or "cannot read file") from None
    df = pd.DataFrame(rows, columns=["t_s", "machine", "event", "rack"])
    return df.sort_values("t_s", kind="stable").reset_index(drop=True)


def outages(events: pd.DataFrame) -> pd.DataFrame:
    """Each REMOVE with the machine's next ADD: ``machine``, ``rack``, ``down_s``, ``up_s`` (NaN: never back)."""
    out = []
    for machine, g in events[events["event"] != "UPDATE"].groupby("machine", sort=False):
        down = None
        rack = g["rack"].iloc[0]
        for t, ev in zip(g["t_s"], g["event"], strict=True):
            if ev == "REMOVE":
                if down is None:
                    down = t
            elif down is not None:
                out.append((machine, rack, down, t))
                down = None
        if down is not None:
            out.append((machine, rack, down, float("nan")))
    return pd.DataFrame(out, columns=["machine", "rack", "down_s", "up_s"]).sort_values("down_s", kind="stable").reset_index(drop=True)
