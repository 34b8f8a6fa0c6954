"""Rows to DataFrames with fixed column schemas (the only pandas import on the simulation path)."""

from __future__ import annotations

import pandas as pd

from clustersim.metrics.recorder import POD_FIELDS, Recorder

__all__ = ["EVENT_COLUMNS", "EXPLANATION_COLUMNS", "FAULT_COLUMNS", "NODE_STATUS_COLUMNS", "POD_STATUS_COLUMNS", "REQUEST_COLUMNS",
           "SERIES_COLUMNS", "USAGE_COLUMNS", "events", "explanations", "faults", "node_status", "pod_status", "pods", "requests",
           "timeseries", "usage"]

SERIES_COLUMNS = ["t", "metric", "namespace", "name", "zone", "value"]
EVENT_COLUMNS = ["t", "kind", "namespace", "name", "reason", "message", "node", "type"]
FAULT_COLUMNS = ["fault", "index", "target", "t_inject", "t_recover"]
EXPLANATION_COLUMNS = ["t", "namespace", "pod", "profile", "cycle", "node", "stage", "plugin", "passed", "reason",
                       "raw_score", "score", "weight", "weighted", "chosen"]


def timeseries(rec: Recorder) -> pd.DataFrame:
    """Tidy step series: one row per change of a metric's value."""
    df = pd.DataFrame.from_records(rec.series, columns=SERIES_COLUMNS)
    for col in ("metric", "namespace", "name", "zone"):
        df[col] = df[col].astype("string")
    return df


def events(rec: Recorder) -> pd.DataFrame:
    """Kubernetes-style events in time order."""
    df = pd.DataFrame.from_records(rec.events, columns=EVENT_COLUMNS)
    df = df.sort_values("t", kind="stable").reset_index(drop=True)
    for col in EVENT_COLUMNS[1:]:
        df[col] = df[col].astype("string")
    return df


def pods(rec: Recorder) -> pd.DataFrame:
    """One lifecycle row per pod."""
    df = pd.DataFrame.from_records(rec.pod_rows(), columns=list(POD_FIELDS))
    for col in ("created_s", "scheduled_s", "started_s", "ready_s", "deletion_s", "deleted_s"):
        df[col] = df[col].astype("float64")
    for col in ("restarts", "request_cpu_m", "request_memory_bytes"):
        df[col] = df[col].astype("int64")
    return df


POD_STATUS_COLUMNS = ["t", "uid", "phase", "ready", "restarts", "reason"]
NODE_STATUS_COLUMNS = ["t", "node", "zone", "exists", "ready", "unschedulable", "taints", "memory_pressure",
                       "allocatable_cpu_m", "allocatable_memory_bytes", "allocatable_pods"]
USAGE_COLUMNS = ["t", "namespace", "pod", "node", "cpu_m", "memory_bytes"]


def pod_status(rec: Recorder) -> pd.DataFrame:
    """Each change of a pod's phase, Ready condition, restart count or status reason, in time order."""
    df = pd.DataFrame.from_records(rec.pod_states, columns=POD_STATUS_COLUMNS)
    df["t"] = df["t"].astype("float64")
    for col in ("uid", "phase", "reason"):
        df[col] = df[col].astype("string")
    df["ready"] = df["ready"].astype("bool")
    df["restarts"] = df["restarts"].astype("int64")
    return df


def node_status(rec: Recorder) -> pd.DataFrame:
    """Each change of a node: created or deleted, Ready (True, False, Unknown), cordon, taints
    (``key=value:Effect``, comma separated), MemoryPressure, allocatable."""
    df = pd.DataFrame.from_records(rec.node_states, columns=NODE_STATUS_COLUMNS)
    df["t"] = df["t"].astype("float64")
    for col in ("node", "zone", "ready", "taints"):
        df[col] = df[col].astype("string")
    for col in ("exists", "unschedulable", "memory_pressure"):
        df[col] = df[col].astype("bool")
    for col in NODE_STATUS_COLUMNS[-3:]:
        df[col] = df[col].astype("int64")
    return df


def usage(rec: Recorder) -> pd.DataFrame:
    """Pod resource usage samples (metrics-server's scrapes): CPU millicores and memory bytes."""
    df = pd.DataFrame.from_records(rec.usage, columns=USAGE_COLUMNS)
    df["t"] = df["t"].astype("float64")
    for col in ("namespace", "pod", "node"):
        df[col] = df[col].astype("string")
    for col in ("cpu_m", "memory_bytes"):
        df[col] = df[col].astype("int64")
    return df


def faults(rec: Recorder) -> pd.DataFrame:
    """One row per injected fault and target."""
    df = pd.DataFrame.from_records(rec.faults, columns=FAULT_COLUMNS)
    df["t_recover"] = df["t_recover"].astype("float64")
    df["t_inject"] = df["t_inject"].astype("float64")
    return df


def explanations(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Scheduling explanations: per pod cycle, node and plugin, the filter verdict or the score.

    ``stage`` is ``filter`` (``passed``, ``reason``), ``score`` (``raw_score``, normalised ``score``,
    ``weight``, ``weighted``) or ``total`` (the weighted sum, and ``chosen`` for the node picked).
    """
    df = pd.DataFrame.from_records(rows, columns=EXPLANATION_COLUMNS)
    for col in ("raw_score", "score", "weight", "weighted"):
        df[col] = df[col].astype("Int64")
    for col in ("passed", "chosen"):
        df[col] = df[col].astype("boolean")
    return df


REQUEST_COLUMNS = ["t", "namespace", "service", "requests", "failed"]


def requests(rows: list[tuple[float, str, str, int, int]]) -> pd.DataFrame:
    """Client requests per traffic step and Service: how many were sent and how many failed."""
    df = pd.DataFrame.from_records(rows, columns=REQUEST_COLUMNS)
    df["requests"] = df["requests"].astype("int64")
    df["failed"] = df["failed"].astype("int64")
    return df
