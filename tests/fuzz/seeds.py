"""The inputs the fuzzer mutates: the shipped configs and experiments, and the reference manifests, chaos
files and snapshots of ../shared (each read by the reader a user would reach with it)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, SHARED

KINDS = ("config", "experiment", "manifest", "chaos", "snapshot")
SUFFIXES = (".yaml", ".yml", ".json")
# trace configs read a dataset cache (tests/conftest.py trace_data); their trace readers have their own tests
NEEDS_DATA = ("trace-",)


@dataclass(frozen=True)
class Seed:
    """One file to mutate and the kind of reader it goes to."""

    kind: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.path.name}"


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SUFFIXES) if root.is_dir() else []


def seeds() -> list[Seed]:
    """Every seed, in a fixed order (the fuzzer's draws index into it)."""
    out = [Seed("config", p) for p in sorted((ROOT / "configs").glob("*.yaml")) if not p.name.startswith(NEEDS_DATA)]
    out += [Seed("config", p) for p in sorted((ROOT / "configs" / "faults").glob("*.yaml"))]
    out += [Seed("experiment", p) for p in sorted((ROOT / "experiments").glob("*.yaml"))
            if not any(p.read_text().find(f"configs/{n}") >= 0 for n in NEEDS_DATA)]
    out += [Seed("manifest", p) for p in _files(SHARED / "manifests")]
    out += [Seed("chaos", p) for p in _files(SHARED / "chaos") + _files(ROOT / "examples" / "chaos")]
    out += [Seed("snapshot", p) for p in _files(SHARED / "snapshots")]
    only = os.environ.get("CLUSTERSIM_FUZZ_SEEDS")  # e.g. "managed,spot": mutate only seeds whose path has one
    return [s for s in out if any(w in str(s.path) for w in only.split(","))] if only else out
