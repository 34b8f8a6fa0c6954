"""Fingerprints of whole runs: one SHA-256 per output frame of each shipped config, to check that a
change meant to be exact (a faster path, a smaller object) leaves every frame identical.

    python benchmarks/digest_runs.py > before.json      # on the old code
    python benchmarks/digest_runs.py --compare before.json

Runs every config under ``configs/`` (shortened to ``--duration`` simulated seconds when longer)
plus a small version of the cluster benchmark, and hashes each frame's values column by column.
Not a test (a deliberate change of behaviour changes the digests); a tool for reviewing a change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
FRAMES = ("timeseries", "events", "pods", "faults", "requests", "pod_status", "node_status", "usage")
sys.path.insert(0, str(ROOT / "benchmarks"))


def digest(df: pd.DataFrame) -> str:
    """Order-sensitive hash of a frame's column names, dtypes and values."""
    h = hashlib.sha256()
    for col in df.columns:
        h.update(f"{col}:{df[col].dtype}".encode())
        h.update(pd.util.hash_pandas_object(df[col].astype(object), index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def runs(duration: float, root: Path = ROOT) -> dict[str, Any]:
    """Config name -> validated config."""
    from bench_cluster import config

    from clustersim.config import load_config
    from clustersim.config.load import validate_dict

    out: dict[str, Any] = {}
    for path in sorted((root / "configs").glob("*.yaml")):
        cfg = load_config(path)
        if cfg.duration_s > duration:
            cfg = cfg.model_copy(update={"duration_s": duration})
        out[path.stem] = cfg
    out["bench-small"] = validate_dict(config(100, 2000, 0.5, 2.0, 1), "bench-small")
    return out


def main() -> None:
    """Print (or compare) the digests."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=3600.0)
    ap.add_argument("--compare", help="a JSON file printed earlier: report the frames that differ")
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose configs to run (default: this one)")
    a = ap.parse_args()
    from clustersim.sim import run

    result: dict[str, dict[str, str]] = {}
    for name, cfg in runs(a.duration, a.root).items():
        r = run(cfg)
        result[name] = {f: digest(getattr(r, f)) for f in FRAMES}
        text = json.dumps(r.summary, sort_keys=True, default=str).replace(str(a.root.resolve()), "<root>")
        result[name]["summary"] = hashlib.sha256(text.encode()).hexdigest()[:16]
        print(f"{name}: {len(r.events)} events, {len(r.pods)} pods", file=sys.stderr)
    if a.compare:
        old = json.loads(Path(a.compare).read_text())
        bad = [(n, f) for n in result for f in result[n] if old.get(n, {}).get(f) != result[n][f]]
        for n, f in bad:
            print(f"DIFFERS: {n} {f}")
        print("all identical" if not bad else f"{len(bad)} frame(s) differ")
        sys.exit(1 if bad else 0)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
