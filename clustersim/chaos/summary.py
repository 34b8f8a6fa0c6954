"""The preview over seeds: every metric with its mean and 95 % interval (Student t), hypotheses as the share
of seeds in which they held, Krkn's resiliency score, and the terminal summary."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from clustersim.chaos.preview import Prepared
from clustersim.sweep.stats import t_interval

__all__ = ["METRICS", "aggregate_preview", "format_preview"]

METRICS = {
    "pods_touched": "pods deleted, restarted or made unready",
    "nodes_touched": "nodes failed, NotReady, cordoned or tainted",
    "services_touched": "Services selecting a touched pod or failing requests",
    "ingress_rules_touched": "Ingress rules routing to a touched Service",
    "convergence_s": "seconds from the start until every workload is whole and nothing is Pending, for good",
    "pods_rescheduled": "pods created and bound after the start",
    "pdb_blocked_evictions": "evictions refused by a PodDisruptionBudget",
    "faults_injected": "fault injections (one per target)",
}


def _interval(values: list[float]) -> dict[str, Any]:
    v = np.array([x for x in values if x is not None], dtype=float)
    ok = v[~np.isnan(v)]
    mean, lo, hi = t_interval(ok)
    return {"mean": None if math.isnan(mean) else mean, "ci_low": None if math.isnan(lo) else lo,
            "ci_high": None if math.isnan(hi) else hi, "n": int(len(ok)), "missing": int(len(v) - len(ok)),
            "values": [None if math.isnan(x) else float(x) for x in v]}


def _hypotheses(prep: Prepared, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: dict[tuple[int, str], dict[str, list[bool | None]]] = {}
    for r in results:
        for h in r["hypotheses"]:
            rows.setdefault((h["experiment"], h["name"]), {"before": [], "after": []})[h["when"]].append(h["held"])
    out = []
    for (i, name), d in rows.items():
        entry: dict[str, Any] = {"experiment": prep.chaos.experiments[i].name, "probe": name}
        for when, vals in d.items():
            ev = [v for v in vals if v is not None]
            entry[f"held_{when}"] = (sum(ev) / len(ev)) if ev else None
            entry[f"evaluated_{when}"] = len(ev)
        after = entry.get("held_after")
        entry["verdict"] = None if after is None else ("held" if after == 1 else "violated" if after == 0 else "mixed")
        out.append(entry)
    return out


def aggregate_preview(prep: Prepared, results: list[dict[str, Any]]) -> dict[str, Any]:
    """The preview's findings (what preview.json holds)."""
    metrics = {k: {**_interval([r["metrics"][k] for r in results]), "meaning": METRICS[k]} for k in METRICS}
    services: dict[str, dict[str, Any]] = {}
    for key in sorted({k for r in results for k in r["services"]}):
        vals = [r["services"].get(key) for r in results]
        services[key] = {m: _interval([v[m] if v else math.nan for v in vals]) for m in ("success", "dip_s", "worst_step_success", "failed_requests")}
    touched = {kind: Counter(x for r in results for x in r["touched"][kind]) for kind in ("pods", "nodes", "services")}
    score_vals = [r["resiliency_score"] for r in results]
    slo_rows: dict[str, list[bool | None]] = {}
    reasons: dict[str, str] = {}
    for r in results:
        for s in r["slos"]:
            slo_rows.setdefault(s["name"], []).append(s["passed"])
            if s["reason"]:
                reasons[s["name"]] = s["reason"]
    slos = [{"name": n, "passed_fraction": (sum(bool(x) for x in v if x is not None) / len([x for x in v if x is not None]))
             if any(x is not None for x in v) else None, "not_evaluated": reasons.get(n)} for n, v in slo_rows.items()]
    return {
        "experiments": [{"name": e.name, "tool": e.tool, "source": e.source, "actions": len(e.actions)} for e in prep.chaos.experiments],
        "seeds": [r["seed"] for r in results], "window": {"start_s": prep.start_s, "experiment_end_s": prep.exp_end_s,
                                                          "run_end_s": prep.duration_s},
        "metrics": metrics, "services": services,
        "blast_radius": {k: [{"name": n, "seeds": c} for n, c in v.most_common()] for k, v in touched.items()},
        "hypotheses": _hypotheses(prep, results),
        "resiliency_score": {**_interval([math.nan if s is None else s for s in score_vals]), "slos": slos} if prep.slos else None,
        "faults": prep.compiled.faults, "fault_origins": prep.compiled.origins,
        "simplifications": prep.simplifications,
        "wall_s": sum(r["wall_s"] for r in results),
    }


def _ci(m: dict[str, Any], fmt: str = "{:.1f}") -> str:
    if m["mean"] is None:
        return "n/a" + (f" ({m['missing']} of {m['n'] + m['missing']} seeds undefined)" if m["missing"] else "")
    s = fmt.format(m["mean"])
    if m["ci_low"] is not None:
        s += f"  [{fmt.format(m['ci_low'])}, {fmt.format(m['ci_high'])}]"
    if m["missing"]:
        s += f"  ({m['missing']} seeds undefined)"
    return s


def format_preview(p: dict[str, Any]) -> str:
    """The terminal summary."""
    names = ", ".join(f"{e['tool']} {e['name']}" for e in p["experiments"])
    lines = [f"chaos preview: {names}; {len(p['seeds'])} seeds; "
             f"experiment at t={p['window']['start_s']:g} s, runs to t={p['window']['run_end_s']:g} s (mean, 95 % CI)"]
    for k in METRICS:
        lines.append(f"  {k:<24} {_ci(p['metrics'][k], '{:.2f}' if k.endswith('_s') else '{:.1f}')}")
    if p["services"]:
        lines.append("  Service                  success during the experiment     dip (s)")
        for key, s in p["services"].items():
            lines.append(f"  {key:<24} {_ci(s['success'], '{:.2%}'):<33} {_ci(s['dip_s'])}")
    for h in p["hypotheses"]:
        frac = "not evaluated" if h.get("held_after") is None else f"held in {h['held_after']:.0%} of seeds ({h['verdict']})"
        lines.append(f"  hypothesis {h['probe']!r} after the method: {frac}")
    if p["resiliency_score"] is not None:
        r = p["resiliency_score"]
        evaluated = sum(1 for s in r["slos"] if s["not_evaluated"] is None)
        lines.append(f"  Krkn resiliency score    {_ci(r, '{:.0f}')}  ({evaluated} of {len(r['slos'])} SLOs evaluated)")
    for kind in ("nodes", "services"):
        touched = [f"{x['name']} ({x['seeds']})" for x in p["blast_radius"][kind][:6]]
        if touched:
            lines.append(f"  {kind} touched (seeds): {', '.join(touched)}")
    if p["simplifications"]:
        lines.append(f"  {len(p['simplifications'])} simplifications and unmodelled fields: see preview.json")
    return "\n".join(lines)
