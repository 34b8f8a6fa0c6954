"""The preview's outputs: ``preview.json``, ``figures/*.png`` and a self-contained ``report.html`` (figures
embedded), each file written under a temporary name and renamed, so nothing is half-written."""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from clustersim.chaos.metrics import BIN_S  # noqa: E402
from clustersim.chaos.summary import METRICS, format_preview  # noqa: E402

__all__ = ["write_preview"]


def _band(rows: list[list[float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    width = max(len(r) for r in rows)
    a = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        a[i, : len(r)] = r
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(a, axis=0), np.nanquantile(a, 0.05, axis=0), np.nanquantile(a, 0.95, axis=0)


def _window(ax: Any, p: dict[str, Any]) -> None:
    w = p["window"]
    ax.axvspan(w["start_s"], max(w["experiment_end_s"], w["start_s"] + BIN_S), color="tab:red", alpha=0.08, label="experiment")


def _success_figure(p: dict[str, Any], results: list[dict[str, Any]]) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 4))
    for key in sorted({k for r in results for k in r["series"]}):
        rows = [r["series"].get(key, []) for r in results if r["series"].get(key)]
        med, lo, hi = _band(rows)
        t = np.arange(len(med)) * BIN_S
        ax.plot(t, med, label=key)
        ax.fill_between(t, lo, hi, alpha=0.2)
    _window(ax, p)
    ax.set(xlabel="simulated time (s)", ylabel="request success (fraction)", title="Request success per Service (median, 5-95 % of seeds)")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def _serving_figure(p: dict[str, Any], results: list[dict[str, Any]]) -> Figure:
    fig, ax = plt.subplots(figsize=(9, 3.5))
    med, lo, hi = _band([r["serving"] for r in results])
    t = np.arange(len(med)) * BIN_S
    ax.plot(t, med, color="tab:green")
    ax.fill_between(t, lo, hi, color="tab:green", alpha=0.2)
    _window(ax, p)
    ax.set(xlabel="simulated time (s)", ylabel="serving / desired replicas", title="Workloads serving (median, 5-95 % of seeds)")
    ax.set_ylim(-0.02, 1.02)
    fig.tight_layout()
    return fig


def _metrics_figure(p: dict[str, Any]) -> Figure:
    names = [k for k in METRICS if p["metrics"][k]["mean"] is not None]
    fig, ax = plt.subplots(figsize=(9, 3.5))
    means = [p["metrics"][k]["mean"] for k in names]
    err = [[m - (p["metrics"][k]["ci_low"] if p["metrics"][k]["ci_low"] is not None else m) for k, m in zip(names, means, strict=True)],
           [(p["metrics"][k]["ci_high"] if p["metrics"][k]["ci_high"] is not None else m) - m for k, m in zip(names, means, strict=True)]]
    ax.barh(names, means, xerr=err, color="tab:blue", alpha=0.7, capsize=3)
    ax.set(title="Blast radius and recovery (mean, 95 % CI)", xlabel="count, or seconds for *_s")
    fig.tight_layout()
    return fig


def _hypotheses_figure(p: dict[str, Any]) -> Figure | None:
    hs = [h for h in p["hypotheses"] if h.get("held_after") is not None]
    if not hs:
        return None
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(hs) + 1.5))
    ax.barh([h["probe"] for h in hs], [h["held_after"] for h in hs], color="tab:purple", alpha=0.7)
    ax.set(xlim=(0, 1), xlabel="fraction of seeds in which it held after the method", title="Steady-state hypotheses")
    fig.tight_layout()
    return fig


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def write_preview(p: dict[str, Any], results: list[dict[str, Any]], out: Path) -> list[str]:
    """Write preview.json, figures/*.png and report.html into ``out``; the names written."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(exist_ok=True)
    figures = {"request_success": _success_figure(p, results), "serving": _serving_figure(p, results), "metrics": _metrics_figure(p)}
    hyp = _hypotheses_figure(p)
    if hyp is not None:
        figures["hypotheses"] = hyp
    pngs = {name: _png(fig) for name, fig in figures.items()}
    for name, data in pngs.items():
        _atomic_write(out / "figures" / f"{name}.png", data)
    _atomic_write(out / "preview.json", (json.dumps(_clean(p), indent=2, default=str) + "\n").encode())
    body = "".join(f'<h2>{html.escape(n.replace("_", " "))}</h2><img alt="{n}" src="data:image/png;base64,{base64.b64encode(d).decode()}">'
                   for n, d in pngs.items())
    simpl = "".join(f"<li>{html.escape(s)}</li>" for s in p["simplifications"])
    faults = "".join(f"<li><code>{html.escape(f['name'])}</code> {html.escape(json.dumps(f['args'])[:300])}</li>" for f in p["faults"])
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>chaos preview</title>"
            f"<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto}}pre{{background:#f6f6f6;padding:1em}}</style></head>"
            f"<body><h1>Chaos preview</h1><pre>{html.escape(format_preview(p))}</pre>{body}"
            f"<h2>Faults injected (the catalogue's terms)</h2><ul>{faults}</ul>"
            f"<h2>Simplifications and what is not modelled</h2><ul>{simpl}</ul></body></html>")
    _atomic_write(out / "report.html", page.encode())
    return ["preview.json", "report.html", *(f"figures/{n}.png" for n in pngs)]
