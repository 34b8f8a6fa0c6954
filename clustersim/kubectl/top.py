"""``kubectl top nodes|pods`` at a simulated time: metrics-server's latest scrape at or before it.

metrics-server serves only its last scrape, so ``top`` at ``t`` shows the usage sampled at the last
scrape time up to ``t``; a node's usage is the sum of its pods' (the simulator has no system overhead).
A node in the cluster with no pod in that scrape (unreachable) prints ``<unknown>``, as kubectl does.
"""

from __future__ import annotations

import pandas as pd

from clustersim.kubectl.format import tabwrite
from clustersim.kubectl.snapshot import nodes_at
from clustersim.rundir import RunDir, RunDirError

__all__ = ["NO_USAGE", "scrape_at", "top_nodes", "top_pods"]

NO_USAGE = ("no resource usage in this run: metrics-server runs for HorizontalPodAutoscalers and for runs with a usage model "
            "(a CpuLoad workload or a CpuStress or MemoryStress fault); without one every container's usage is 0")


def scrape_at(run: RunDir, t: float) -> tuple[float, pd.DataFrame]:
    """The time of the last scrape at or before ``t`` and its pod samples."""
    usage = run.frame("usage")
    if usage.empty:
        raise RunDirError(f"{run.path}: {NO_USAGE}")
    times = usage.loc[usage["t"] <= t, "t"]
    if times.empty:
        raise RunDirError(f"{run.path}: metrics not available yet at t={t:g} s (first scrape at t={usage['t'].min():g} s)")
    ts = float(times.max())
    return ts, usage[usage["t"] == ts]


def _cpu(m: float) -> str:
    return f"{int(m)}m"


def _mem(b: float) -> str:
    return f"{int(b) // (1024 * 1024)}Mi"


def top_pods(run: RunDir, t: float, namespace: str | None = "default", sort_by: str = "") -> str:
    """``kubectl top pods`` (``NAME CPU(cores) MEMORY(bytes)``; NAMESPACE first with all namespaces)."""
    _, s = scrape_at(run, t)
    if namespace is not None:
        s = s[s["namespace"] == namespace]
    s = _sorted(s, sort_by, ["namespace", "pod"])
    rows = [(["NAMESPACE"] if namespace is None else []) + ["NAME", "CPU(cores)", "MEMORY(bytes)"]]
    rows += [([r["namespace"]] if namespace is None else []) + [r["pod"], _cpu(r["cpu_m"]), _mem(r["memory_bytes"])]
             for _, r in s.iterrows()]
    return tabwrite(rows, terminated=True) if len(rows) > 1 else ""


def _sorted(df: pd.DataFrame, sort_by: str, default: list[str]) -> pd.DataFrame:
    if sort_by == "cpu":
        return df.sort_values(["cpu_m", *default], ascending=[False] + [True] * len(default), kind="stable")
    if sort_by == "memory":
        return df.sort_values(["memory_bytes", *default], ascending=[False] + [True] * len(default), kind="stable")
    return df.sort_values(default, kind="stable")


def top_nodes(run: RunDir, t: float, sort_by: str = "") -> str:
    """``kubectl top nodes`` (``NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%)``; percent of allocatable)."""
    _, s = scrape_at(run, t)
    nodes = nodes_at(run, t)
    per = s.groupby("node")[["cpu_m", "memory_bytes"]].sum()
    measured = nodes[nodes["node"].isin(per.index)].copy()
    measured["cpu_m"] = measured["node"].map(per["cpu_m"])
    measured["memory_bytes"] = measured["node"].map(per["memory_bytes"])
    measured = _sorted(measured, sort_by, []) if sort_by else measured
    rows = [["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]]
    for _, r in measured.iterrows():
        cpct = int(r["cpu_m"] / r["allocatable_cpu_m"] * 100) if r["allocatable_cpu_m"] else 0
        mpct = int(r["memory_bytes"] / r["allocatable_memory_bytes"] * 100) if r["allocatable_memory_bytes"] else 0
        rows.append([r["node"], _cpu(r["cpu_m"]), f"{cpct}%", _mem(r["memory_bytes"]), f"{mpct}%"])
    rows += [[n, "<unknown>", "<unknown>", "<unknown>", "<unknown>"] for n in nodes["node"] if n not in per.index]
    return tabwrite(rows, terminated=True)
