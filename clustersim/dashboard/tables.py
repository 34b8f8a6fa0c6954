"""The logging view (the event log: filterable by reason, type, object and text; sortable by any column)
and the scheduler's explanation per pod. Filtering happens in the page: the full rows stay in one
source and the shown source is refilled from it on every change of a filter."""

from __future__ import annotations

from typing import Any

import pandas as pd
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource, CustomJS, DataTable, Div, NumberFormatter, Select, TableColumn, TextInput

from clustersim.dashboard.cursor import TimeCursor
from clustersim.dashboard.data import event_rows, scheduling_rows
from clustersim.rundir import RunDir

__all__ = ["event_log", "scheduler_explanations"]

ALL = "(all)"

FILTER_JS = """
const full = all.data, keys = Object.keys(full), n = full[keys[0]].length;
const out = {}; for (const k of keys) out[k] = [];
const want = {};
for (const [col, w] of Object.entries(selects)) { if (w.value !== ALL) want[col] = w.value; }
const needles = {};
for (const [col, w] of Object.entries(texts)) { if (w.value) needles[col] = w.value.toLowerCase(); }
for (let i = 0; i < n; i++) {
  let ok = true;
  for (const [col, v] of Object.entries(want)) { if (full[col][i] !== v) { ok = false; break; } }
  if (ok) for (const [col, v] of Object.entries(needles)) { if (!String(full[col][i]).toLowerCase().includes(v)) { ok = false; break; } }
  if (ok) for (const k of keys) out[k].push(full[k][i]);
}
shown.data = out;
shown.selected.indices = [];
count.text = out[keys[0]].length + ' of ' + n + ' rows';
"""


def _filtered(df: pd.DataFrame, name: str, selects: dict[str, Select], texts: dict[str, TextInput],
              count: Div) -> tuple[ColumnDataSource, ColumnDataSource]:
    data: dict[str, Any] = {c: df[c].tolist() for c in df.columns}
    full = ColumnDataSource(data, name=f"{name}-all")
    shown = ColumnDataSource(dict(data), name=f"{name}-shown")
    cb = CustomJS(args={"all": full, "shown": shown, "selects": selects, "texts": texts, "count": count, "ALL": ALL}, code=FILTER_JS)
    for w in (*selects.values(), *texts.values()):
        w.js_on_change("value", cb)
    return full, shown


def event_log(run: RunDir, cursor: TimeCursor, width: int = 1100) -> Any:
    """``kubectl get events`` as a table: time, TYPE, REASON, OBJECT, MESSAGE (and namespace, node)."""
    df = event_rows(run)
    reasons = sorted(set(df["reason"]))
    selects = {"reason": Select(title="reason", value=ALL, options=[ALL, *reasons], name="events-reason", width=220),
               "type": Select(title="type", value=ALL, options=[ALL, "Normal", "Warning"], name="events-type", width=120)}
    texts = {"object": TextInput(title="object contains", name="events-object", width=220),
             "message": TextInput(title="message contains", name="events-message", width=260)}
    count = Div(text=f"{len(df)} of {len(df)} rows", name="events-count")
    _, shown = _filtered(df, "events", selects, texts, count)
    cols = [TableColumn(field="t", title="time (s)", width=70, formatter=NumberFormatter(format="0.000")),
            TableColumn(field="type", title="TYPE", width=70),
            TableColumn(field="reason", title="REASON", width=150), TableColumn(field="object", title="OBJECT", width=230),
            TableColumn(field="namespace", title="NAMESPACE", width=80), TableColumn(field="node", title="NODE", width=80),
            TableColumn(field="message", title="MESSAGE", width=520)]
    table = DataTable(source=shown, columns=cols, width=width, height=360, sortable=True, reorderable=False, index_position=None, name="events-table")
    shown.selected.js_on_change("indices", cursor.callback(
        "shown.selected.indices.length ? shown.data.t[shown.selected.indices[0]] : null", shown=shown))
    head = Div(text="<h3>Event log</h3><p>The run's events with <code>kubectl get events</code>'s columns; click a column "
                    "header to sort, a row to move the time cursor there.</p>")
    return column(head, row(*selects.values(), *texts.values(), count), table, name="panel-events")


def scheduler_explanations(run: RunDir, width: int = 1100) -> Any:
    """Per pod: why it landed where it did, or why nowhere (events, and per-node plugin verdicts if recorded)."""
    df = scheduling_rows(run)
    if df.empty:
        return None
    pods = list(dict.fromkeys(df["pod"]))
    failed = df[df["what"] == "FailedScheduling"]["pod"]
    first = failed.iloc[0] if len(failed) else pods[0]
    pick = Select(title="pod", value=first, options=pods, name="scheduler-pod", width=360)
    count = Div(text="", name="scheduler-count")
    _, shown = _filtered(df, "scheduler", {"pod": pick}, {}, count)
    shown.data = {c: df[df["pod"] == first][c].tolist() for c in df.columns}
    count.text = f"{int((df['pod'] == first).sum())} of {len(df)} rows"
    cols = [TableColumn(field="t", title="time (s)", width=70, formatter=NumberFormatter(format="0.000")),
            TableColumn(field="stage", title="stage", width=70),
            TableColumn(field="what", title="reason / plugin", width=170), TableColumn(field="node", title="node", width=110),
            TableColumn(field="verdict", title="verdict", width=260), TableColumn(field="message", title="message", width=520)]
    table = DataTable(source=shown, columns=cols, width=width, height=240, sortable=True, reorderable=False, index_position=None,
                      name="scheduler-table")
    note = "" if not run.frame("explanations").empty else (
        " Per-node, per-plugin verdicts and scores are recorded for the pods named in <code>scheduler.explain_pods</code>.")
    head = Div(text="<h3>Scheduler's explanation per pod</h3><p>Where the scheduler put the pod and why, or why it could not "
                    f"(FailedScheduling says how many nodes each filter rejected).{note}</p>")
    return column(head, row(pick, count), table, name="panel-scheduler")
