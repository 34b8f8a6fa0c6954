"""Tables to DataFrames with fixed column schemas (the only pandas import on the simulation path).

The recorder's tables are compressed Parquet (in memory or streamed to the run's folder); a frame
is read back from them whole, or, for the summary and the figure, only the rows and columns they
need (``metrics=``, ``reasons=``), so a large run never holds its whole history as Python objects.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clustersim.metrics.recorder import POD_FIELDS, POD_SCHEMA, Recorder
from clustersim.metrics.tables import Table

__all__ = ["DENIED_COLUMNS", "EVENT_COLUMNS", "EXPLANATION_COLUMNS", "FAULT_COLUMNS", "HOP_COLUMNS", "NODE_STATUS_COLUMNS",
           "POD_STATUS_COLUMNS", "REQUEST_COLUMNS", "SERIES_COLUMNS", "USAGE_COLUMNS", "denied_requests", "events", "events_of",
           "explanations", "faults", "finalize", "node_status", "pod_status", "pod_table", "pods", "requests", "schema_for",
           "table_frame", "table_of", "timeseries", "timeseries_of", "usage"]

SERIES_COLUMNS = ["t", "metric", "namespace", "name", "zone", "value"]
EVENT_COLUMNS = ["t", "kind", "namespace", "name", "reason", "message", "node", "type"]
FAULT_COLUMNS = ["fault", "index", "target", "t_inject", "t_recover"]
EXPLANATION_COLUMNS = ["t", "namespace", "pod", "profile", "cycle", "node", "stage", "plugin", "passed", "reason",
                       "raw_score", "score", "weight", "weighted", "chosen"]
_STRING = pd.StringDtype("pyarrow")  # "string": missing values are pd.NA
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # "str", pandas' default string dtype
_STRINGS = {"timeseries": _STRING, "events": _STRING, "pods": _STR, "pod_status": _STRING, "node_status": _STRING, "usage": _STRING}
POD_STATUS_COLUMNS = ["t", "uid", "phase", "ready", "restarts", "reason"]
NODE_STATUS_COLUMNS = ["t", "node", "zone", "exists", "ready", "unschedulable", "taints", "memory_pressure",
                       "allocatable_cpu_m", "allocatable_memory_bytes", "allocatable_pods"]
USAGE_COLUMNS = ["t", "namespace", "pod", "node", "cpu_m", "memory_bytes"]
OPTIONAL_TABLES = ("usage",)  # a run without rows for these writes no file
_FIRST_WINS = {POD_FIELDS.index("started_s"), POD_FIELDS.index("ready_s")}
_RESTARTS = POD_FIELDS.index("restarts")


def _mapper(dtype: pd.StringDtype) -> Any:
    return {pa.string(): dtype, pa.large_string(): dtype}.get


def _empty(name: str, schema: pa.Schema) -> pd.DataFrame:
    strings = _STRINGS.get(name, _STR)
    return pd.DataFrame({f.name: pd.Series([], dtype=strings if pa.types.is_string(f.type) else f.type.to_pandas_dtype())
                         for f in schema})


def schema_for(name: str, schema: pa.Schema) -> pa.Schema:
    """``schema`` with pandas' metadata for the frame's dtypes (``pd.read_parquet`` of a streamed file
    then gives the same frame)."""
    meta = pa.Schema.from_pandas(_empty(name, schema), preserve_index=False).metadata
    return schema.with_metadata(meta)


def _frame(table: pa.Table, name: str) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_mapper(_STRINGS.get(name, _STR)))


def table_frame(table: pa.Table, name: str) -> pd.DataFrame:
    """An Arrow table as the frame ``name`` (its string dtype)."""
    return _frame(table, name)


def timeseries_of(table: Table, metrics: list[str] | None = None) -> pd.DataFrame:
    """The timeseries frame of a table (only ``metrics``, if given)."""
    filters = None if metrics is None else pc.field("metric").isin(metrics)
    return _frame(table.read(filters=filters), "timeseries")


def timeseries(rec: Recorder, metrics: list[str] | None = None) -> pd.DataFrame:
    """Tidy step series: one row per change of a metric's value (only ``metrics``, if given)."""
    return timeseries_of(rec.tables["timeseries"], metrics)


def events_of(table: Table, reasons: list[str] | None = None, kinds: list[str] | None = None) -> pd.DataFrame:
    """The events frame of a table; only ``reasons`` and ``kinds``, if given (with both, the rows of either)."""
    filters = None
    if reasons is not None:
        filters = pc.field("reason").isin(reasons)
    if kinds is not None:
        by_kind = pc.field("kind").isin(kinds)
        filters = by_kind if filters is None else filters | by_kind
    return _frame(table.read(filters=filters), "events")


def events(rec: Recorder, reasons: list[str] | None = None, kinds: list[str] | None = None) -> pd.DataFrame:
    """Kubernetes-style events in time order (they are recorded in time order)."""
    return events_of(rec.tables["events"], reasons, kinds)


def pod_table(rec: Recorder) -> pa.Table:
    """Finished records plus the live ones, in creation order, with the late marks applied."""
    done = rec.tables["pod_records"].read()
    live = rec.pod_rows()
    if live:
        live_t = pa.Table.from_batches([pa.RecordBatch.from_struct_array(pa.array(live, type=pa.struct(list(POD_SCHEMA))))])
        done = pa.concat_tables([done.cast(POD_SCHEMA), live_t])
    done = done.sort_by("seq").drop_columns(["seq"])
    if not rec.late:
        return done
    cols = {name: done.column(name).to_pylist() for name in done.column_names}
    where = {uid: i for i, uid in enumerate(cols["uid"]) if uid in rec.late}
    for uid, marks in rec.late.items():
        i = where.get(uid)
        if i is None:
            continue
        for field, value in marks:
            col = cols[POD_FIELDS[field]]
            if field == _RESTARTS:
                col[i] += value
            elif field not in _FIRST_WINS or col[i] is None:
                col[i] = value
    return pa.table({name: pa.array(cols[name], type=done.schema.field(name).type) for name in done.column_names})


def pods(rec: Recorder) -> pd.DataFrame:
    """One lifecycle row per pod, in creation order."""
    return _frame(pod_table(rec), "pods")


def table_of(table: Table) -> pd.DataFrame:
    """The frame of a table with its frame's dtypes (its name says which)."""
    return _frame(table.read(), table.name)


def pod_status(rec: Recorder) -> pd.DataFrame:
    """Each change of a pod's phase, Ready condition, restart count or status reason, in time order."""
    return table_of(rec.tables["pod_status"])


def node_status(rec: Recorder) -> pd.DataFrame:
    """Each change of a node: created or deleted, Ready (True, False, Unknown), cordon, taints
    (``key=value:Effect``, comma separated), MemoryPressure, allocatable."""
    return table_of(rec.tables["node_status"])


def usage(rec: Recorder) -> pd.DataFrame:
    """Pod resource usage samples (metrics-server's scrapes): CPU millicores and memory bytes."""
    return table_of(rec.tables["usage"])


def finalize(rec: Recorder) -> pa.Table:
    """Complete the run's tables and return the pods table; a streamed run's ``pods.parquet`` is
    written in creation order (atomically) and the records it was assembled from are dropped."""
    rec.close()
    if rec.out is None:
        return pod_table(rec)
    path = rec.out / "pods.parquet"
    tmp = path.with_name(f".{path.name}.tmp")
    table = pod_table(rec)
    table = table.replace_schema_metadata(schema_for("pods", table.schema).metadata)
    import pyarrow.parquet as pq

    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    parts = rec.tables["pod_records"].path
    if parts is not None and Path(parts).exists():
        Path(parts).unlink()
    for name in OPTIONAL_TABLES:  # written only when the run has rows for them
        t = rec.tables.get(name)
        if t is not None and t.n_rows == 0 and t.path is not None and t.path.exists():
            t.path.unlink()
    return table


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


HOP_COLUMNS = ["failed_dns", "failed_load_balancer", "failed_ingress", "failed_routing", "failed_pod", "failed_external"]
REQUEST_COLUMNS = ["t", "source", "namespace", "service", "ingress", "rule", "requests", "failed", *HOP_COLUMNS]


def requests(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """Client requests per traffic step and stream: how many were sent, failed, and where they failed.

    ``source`` is in-cluster, external or ingress; ``ingress`` and ``rule`` name the Ingress rule that
    routed ingress requests; the ``failed_*`` columns split ``failed`` by hop: the DNS lookup, the load
    balancer (or the entry node), the ingress controller (no controller answering, or 404: no rule),
    Service routing (no endpoint in the rules; ingress 503), the pod (the endpoint did not answer),
    the external dependency.
    """
    df = pd.DataFrame.from_records(rows, columns=REQUEST_COLUMNS)
    for col in ("source", "namespace", "service", "ingress", "rule"):
        df[col] = df[col].astype("string")
    for col in ("requests", "failed", *HOP_COLUMNS):
        df[col] = df[col].astype("int64")
    return df


DENIED_COLUMNS = ["t", "user", "verb", "api_group", "resource", "subresource", "namespace", "name", "code", "reason", "message"]


def denied_requests(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """API requests the API server refused: one row each, with the user, the request and the 401/403 answer."""
    df = pd.DataFrame.from_records(rows, columns=DENIED_COLUMNS)
    df["code"] = df["code"].astype("int64")
    for col in DENIED_COLUMNS[1:]:
        if col != "code":
            df[col] = df[col].astype("string")
    return df
