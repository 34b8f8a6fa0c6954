"""The clustersim trace schema (CSV or Parquet) and readers for it and for the adapters' formats.

Pods (one row per pod): ``name``, ``created_s`` (arrival, seconds from trace start), ``deleted_s``
(end; empty: runs to the end of the replay) or ``duration_s``, ``cpu_m`` (millicores), ``memory_mib``,
optional ``gpu_milli`` (thousandths of GPUs, shareable), ``gpu_models`` (allowed GPU models, ``|``
separated), ``namespace``, ``priority``.

Nodes (one row per node): ``name``, ``cpu_m``, ``memory_mib``, optional ``gpu`` (count), ``gpu_model``,
``zone``. GPUs are modelled as the extended resource ``clustersim.io/gpu-milli`` (1000 per GPU), so
fractional requests share GPUs by amount (the per-GPU packing of the openb paper is not modelled);
GPU models become the node label ``clustersim.io/gpu-model``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["GPU_MODEL_LABEL", "GPU_RESOURCE", "NODE_COLUMNS", "NODE_EVENT_COLUMNS", "POD_COLUMNS", "TraceError", "node_configs",
           "read_node_events", "read_nodes", "read_pods"]

GPU_RESOURCE = "clustersim.io/gpu-milli"
GPU_MODEL_LABEL = "clustersim.io/gpu-model"
POD_COLUMNS = ("name", "created_s", "deleted_s", "duration_s", "cpu_m", "memory_mib", "gpu_milli", "gpu_models", "namespace", "priority")
NODE_COLUMNS = ("name", "cpu_m", "memory_mib", "gpu", "gpu_model", "zone")


class TraceError(ValueError):
    """A trace that cannot be read: ``<file>: <column>: <message>``."""

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source, self.field, self.message = source, field, message
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")


def _read(path: str | Path) -> pd.DataFrame:
    p = Path(path)
    try:
        return pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p)
    except FileNotFoundError:
        raise TraceError(str(p), "", "no such file") from None
    except (ValueError, OSError) as e:
        raise TraceError(str(p), "", f"cannot read: {e}") from None


def _need(df: pd.DataFrame, cols: tuple[str, ...], source: str) -> None:
    for c in cols:
        if c not in df.columns:
            raise TraceError(source, c, "required column missing")


def read_pods(path: str | Path, fmt: str = "clustersim") -> pd.DataFrame:
    """Pods in the clustersim schema, from a clustersim or ``openb`` file; sorted by arrival."""
    src = str(path)
    df = _read(path)
    if fmt == "openb":
        _need(df, ("name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "creation_time", "deletion_time"), src)
        gpu = df["num_gpu"].fillna(0).astype("int64")
        milli = df["gpu_milli"].fillna(0).astype("int64")
        out = pd.DataFrame({
            "name": df["name"], "created_s": df["creation_time"].astype(float), "deleted_s": df["deletion_time"].astype(float),
            "cpu_m": df["cpu_milli"].astype("int64"), "memory_mib": df["memory_mib"].astype("int64"),
            # one whole or shared GPU: gpu_milli of it; several GPUs: whole ones
            "gpu_milli": (gpu.where(gpu > 1, 0) * 1000 + milli.where(gpu == 1, 0)).astype("int64"),
            "gpu_models": df["gpu_spec"].astype(object).fillna("").astype(str) if "gpu_spec" in df else "",
        })
    elif fmt == "clustersim":
        _need(df, ("name", "created_s", "cpu_m", "memory_mib"), src)
        out = df.copy()
        if "deleted_s" not in out:
            out["deleted_s"] = out["created_s"] + out["duration_s"] if "duration_s" in out else float("nan")
        for col, default in (("gpu_milli", 0), ("gpu_models", ""), ("namespace", "default"), ("priority", 0)):
            if col not in out:
                out[col] = default
    else:
        raise TraceError(src, "format", f"unknown trace format {fmt!r} (clustersim, openb)")
    if (out["cpu_m"] < 0).any() or (out["memory_mib"] < 0).any():
        raise TraceError(src, "cpu_m", "negative request")
    if "namespace" not in out:
        out["namespace"] = "default"
    if "priority" not in out:
        out["priority"] = 0
    return out.sort_values("created_s", kind="stable").reset_index(drop=True)


def read_nodes(path: str | Path, fmt: str = "clustersim") -> pd.DataFrame:
    """Nodes in the clustersim schema, from a clustersim or ``openb`` node list."""
    src = str(path)
    df = _read(path)
    if fmt == "openb":
        _need(df, ("sn", "cpu_milli", "memory_mib", "gpu"), src)
        return pd.DataFrame({"name": df["sn"], "cpu_m": df["cpu_milli"], "memory_mib": df["memory_mib"], "gpu": df["gpu"].fillna(0),
                             "gpu_model": df["model"].fillna("") if "model" in df else "", "zone": ""})
    if fmt != "clustersim":
        raise TraceError(src, "format", f"unknown trace format {fmt!r} (clustersim, openb)")
    _need(df, ("name", "cpu_m", "memory_mib"), src)
    out = df.copy()
    for col, default in (("gpu", 0), ("gpu_model", ""), ("zone", "")):
        if col not in out:
            out[col] = default
    return out


def node_configs(nodes: pd.DataFrame, max_pods: int = 110) -> list[dict[str, Any]]:
    """``cluster.nodes`` entries for a node table."""
    out = []
    for r in nodes.itertuples(index=False):
        cap: dict[str, Any] = {"cpu": f"{int(r.cpu_m)}m", "memory": f"{int(r.memory_mib)}Mi", "pods": max_pods}
        labels = {}
        if int(r.gpu or 0) > 0:
            cap[GPU_RESOURCE] = int(r.gpu) * 1000
            if str(r.gpu_model):
                labels[GPU_MODEL_LABEL] = str(r.gpu_model)
        entry: dict[str, Any] = {"name": str(r.name).lower(), "capacity": cap, "labels": labels}
        if str(r.zone or ""):
            entry["zone"] = str(r.zone)
        out.append(entry)
    return out


NODE_EVENT_COLUMNS = ("t_s", "node", "event", "cpu_m", "memory_mib")


def read_node_events(path: str | Path) -> pd.DataFrame:
    """Node events in the clustersim schema: ``t_s``, ``node``, ``event`` (add, remove, update) and, for
    updates, the new ``cpu_m`` and ``memory_mib``; in time order."""
    src = str(path)
    df = _read(path)
    _need(df, ("t_s", "node", "event"), src)
    bad = sorted(set(df["event"]) - {"add", "remove", "update"})
    if bad:
        raise TraceError(src, "event", f"unknown event {bad[0]!r} (add, remove, update)")
    if (df["event"] == "update").any():
        _need(df, ("cpu_m", "memory_mib"), src)
    return df.sort_values("t_s", kind="stable").reset_index(drop=True)
