"""The figures of ``../shared/calibration/README.md``, read from its tables (not copied into the code).

Used by ``benchmarks/fit_timing.py`` (the fits start from these figures) and by the tests that check the
fidelity table's published column against the file. Each reader names the row it reads and fails with
one line naming the file and the row when the text does not have the expected shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CalibrationError", "DEFAULT", "Pull", "k1", "n_row", "p1_p2", "rows", "s1"]

DEFAULT = (Path(__file__).resolve().parents[1] / ".." / "shared" / "calibration" / "README.md").resolve()
MB = {"MB": 1.0, "GB": 1000.0}  # the rows' sizes are decimal megabytes


class CalibrationError(ValueError):
    """The calibration file lacks a row, or a row's text is not in the shape this reader knows."""


@dataclass(frozen=True)
class Pull:
    """One published pull time: image size (MB), layers, whether the registry had it warm, seconds."""

    size_mb: float
    layers: int
    warm: bool
    seconds: float


def rows(path: Path = DEFAULT) -> dict[str, tuple[str, str]]:
    """Row id -> (value, conditions) of every calibration table row (``| S1 | value | conditions | ...``)."""
    out: dict[str, tuple[str, str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| ([A-Z]\d+) \| (.*?) \| (.*?) \|", line)
        if m:
            out[m.group(1)] = (m.group(2), m.group(3))
    return out


def _row(table: dict[str, tuple[str, str]], rid: str) -> tuple[str, str]:
    if rid not in table:
        raise CalibrationError(f"calibration: row {rid} is missing")
    return table[rid]


def _mid(text: str) -> float:
    """A figure or the middle of a published range ("6.0-6.1")."""
    lo, _, hi = text.partition("-")
    return (float(lo) + float(hi)) / 2 if hi else float(lo)


def s1(table: dict[str, tuple[str, str]]) -> tuple[int, dict[float, dict[str, float]]]:
    """Row S1: (pods per node when full, {percent full: {"p50": s, "p90": s, "p99": s}})."""
    value, cond = _row(table, "S1")
    per_node = re.search(r"x (\d+) pods", cond)
    fills = re.search(r"at ([\d / ]+) % of the cluster full", value)
    if per_node is None or fills is None:
        raise CalibrationError("calibration: row S1: expected 'N nodes x M pods' and 'at a / b / ... % of the cluster full'")
    pcts = [float(x) for x in fills.group(1).split("/")]
    out: dict[float, dict[str, float]] = {p: {} for p in pcts}
    for stat, figs in re.findall(r"(p\d+) ([\d. /]+) s", value):
        vals = [float(x) for x in figs.split("/")]
        if len(vals) != len(pcts):
            raise CalibrationError(f"calibration: row S1: {stat} has {len(vals)} figures for {len(pcts)} fills")
        for p, v in zip(pcts, vals, strict=True):
            out[p][stat] = v
    return int(per_node.group(1)), out


def p1_p2(table: dict[str, tuple[str, str]]) -> list[Pull]:
    """Rows P1 (concurrent cold pulls) and P2 (pairs: the first cold, later ones warm), as published."""
    pulls = [Pull(float(n) * MB[unit], int(k), False, float(t))
             for n, unit, k, t in re.findall(r"(\d+) (MB|GB) (\d+) layers? ([\d.]+) s", _row(table, "P1")[0])]
    pat = r"(\d+) (MB|GB) (\d+) layers? first pair ([\d.]+(?:-[\d.]+)?) s, later(?: pairs)? ([\d.]+(?:-[\d.]+)?) s"
    for n, unit, k, first, later in re.findall(pat, _row(table, "P2")[0]):
        size = float(n) * MB[unit]
        pulls += [Pull(size, int(k), False, _mid(first)), Pull(size, int(k), True, _mid(later))]
    if len(pulls) < 6:
        raise CalibrationError("calibration: rows P1-P2: expected 'SIZE MB|GB K layer(s) T s' figures")
    return pulls


def k1(table: dict[str, tuple[str, str]]) -> tuple[float, float, float]:
    """Row K1's three p50s: full restores at a 10 s min-sync, MinimizeIPTablesRestore, then a 1 s min-sync."""
    figs = [float(x) for x in re.findall(r"about ([\d.]+) s", _row(table, "K1")[0])]
    if len(figs) < 3:
        raise CalibrationError("calibration: row K1: expected three 'about N s' figures")
    return figs[0], figs[1], figs[2]


def n_row(table: dict[str, tuple[str, str]], rid: str) -> tuple[int, dict[float, float]]:
    """Rows N1, N2: (nodes added at once, {quantile: seconds}) of the newest measurement (before the first ';')."""
    value = _row(table, rid)[0]
    scale = re.search(r"scale (\d+) -> (\d+)", value)
    figs = re.findall(r"p([\d.]+) ([\d.]+) s", value.split(";")[0])
    if scale is None or not figs:
        raise CalibrationError(f"calibration: row {rid}: expected 'scale A -> B nodes: pNN T s, ...'")
    return int(scale.group(2)) - int(scale.group(1)), {round(float(q) / 100, 6): float(t) for q, t in figs}
