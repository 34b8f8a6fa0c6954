"""Write a run's outputs atomically: each file goes to a temporary name, then is renamed."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clustersim.metrics.summary import NODE_FAULTS
from clustersim.sim import RunResult

__all__ = ["STREAMED", "atomic_folder", "config_yaml", "format_summary", "write_outputs"]

# frames a run given an output folder writes there itself, as it runs (usage only when the run has any)
STREAMED = ("timeseries", "events", "pods", "pod_status", "node_status", "usage")


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item"):
        return obj.item()
    return obj


def _atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise e if e.filename is not None else OSError(e.errno, e.strerror or str(e), str(path)) from None


@contextlib.contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` to write into; on success it replaces ``out`` whole, on failure it goes.

    So ``out`` is never half-written: a full disk leaves no folder that looks complete but lacks
    files, and an earlier complete ``out`` stays as it was until the new one is whole.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            os.rename(out, old)
        os.rename(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


LONG_LIST = 50  # a list of mappings with more items than this is written one flow mapping per line
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def config_yaml(config: dict[str, Any]) -> str:
    """The resolved config as YAML: block style, except that the items of long lists of mappings (a
    trace's or a manifest's thousands of pods and nodes) are one JSON flow mapping per line, which is
    YAML too and about twenty times faster to write than PyYAML's representer makes it."""
    return "".join(_yaml_lines(config, "", getattr(yaml, "CSafeDumper", yaml.SafeDumper)))


def _long(value: Any) -> bool:
    return isinstance(value, list) and len(value) > LONG_LIST and all(isinstance(v, dict) for v in value)


def _has_long(value: Any) -> bool:
    return isinstance(value, dict) and any(_long(v) or _has_long(v) for v in value.values())


def _yaml_lines(data: dict[str, Any], indent: str, dumper: Any) -> list[str]:
    out: list[str] = []
    for key, value in data.items():
        name = key if _PLAIN_KEY.match(key) else json.dumps(key)
        if _long(value):
            out.append(f"{indent}{name}:\n")
            out.extend(f"{indent}- {json.dumps(v, ensure_ascii=True, allow_nan=False)}\n" for v in value)
        elif _has_long(value):
            out.append(f"{indent}{name}:\n")
            out.extend(_yaml_lines(value, indent + "  ", dumper))
        else:
            chunk = yaml.dump({key: value}, Dumper=dumper, sort_keys=False)
            out.extend(f"{indent}{line}\n" for line in chunk.splitlines())
    return out


def write_outputs(result: RunResult, out: Path, plot: bool = True) -> list[str]:
    """Write summary.json, the Parquet frames, the resolved config and the plot; return file names."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    summary = _clean({**result.summary, "stats": result.stats})
    _atomic(out / "summary.json", lambda p: p.write_text(json.dumps(summary, indent=2) + "\n"))
    files.append("summary.json")
    streamed = result.out is not None and result.out.resolve() == out.resolve()
    names = ["timeseries", "events", "pods", "faults", "pod_status", "node_status"] + [
        n for n in ("explanations", "requests", "usage", "denied_requests") if (streamed and n in STREAMED and (out / f"{n}.parquet").is_file())
        or not (streamed and n in STREAMED) and not getattr(result, n).empty]
    for name in names:
        if streamed and name in STREAMED:
            files.append(f"{name}.parquet")  # written while the run ran
            continue
        df: pd.DataFrame = getattr(result, name)
        _atomic(out / f"{name}.parquet", lambda p, df=df: df.to_parquet(p, index=False))
        files.append(f"{name}.parquet")
    config = result.config.model_dump(mode="json")
    _atomic(out / "config.yaml", lambda p: p.write_text(config_yaml(config)))
    files.append("config.yaml")
    if plot:
        from clustersim.report import PLOT_METRICS, plot_run

        fig = plot_run(result.select_timeseries(list(PLOT_METRICS)), result.faults, result.summary)
        # zlib level 1: a few percent larger, the encoding several times faster
        _atomic(out / "replicas.png", lambda p: fig.savefig(p, dpi=110, format="png", pil_kwargs={"compress_level": 1}))
        files.append("replicas.png")
    return files


def _t(v: Any) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"t={v:.1f} s"


def _d(v: Any, what: str) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"  (+{v:.1f} s {what})"


def format_summary(result: RunResult, source: str) -> str:
    """A short human-readable summary."""
    s, st = result.summary, result.stats
    lines = [f"clustersim: {source}, seed {result.seed}, {s['duration_s']:.0f} s simulated in "
             f"{result.runtime_s:.2f} s wall ({st['sim_events']:,} SimPy events)"]
    for f in s["faults"]:
        lines.append(f"Fault {f['fault']} on {f['target']} at t={f['t_inject']:.1f} s")
        if f["fault"] in NODE_FAULTS and f["fault"] != "NodeDrain":
            lines.append(f"  node NotReady           {_t(f.get('t_not_ready'))}{_d(f.get('detection_s'), 'detection')}")
            lines.append(f"  NoExecute taint         {_t(f.get('t_tainted'))}{_d(f.get('taint_s'), 'rate limiter')}")
            lines.append(f"  pods evicted ({f.get('evicted_pods', 0)})        {_t(f.get('t_evicted'))}{_d(f.get('toleration_s'), 'toleration')}")
            if "recovered_by" in f:  # a managed cluster: the cloud's side of the path
                lines += _cloud_path(f)
            ready = _t(f.get("t_replacements_ready"))
            lines.append(f"  replacements Ready      {ready}{_d(f.get('replacement_s'), 'create, schedule, pull, start')}")
        conv = f.get("convergence_s")
        lines.append(f"  convergence             {'not converged by the end' if conv is None else f'{conv:.1f} s after injection'}")
    if s["deployments"] or s.get("addons"):  # a trace replay may have none: no empty table
        lines.append("Deployment            desired  availability  mean ready/desired  first whole at")
        for key, d in (*s["deployments"].items(), *s.get("addons", {}).items()):
            av = "-" if d["availability"] is None else f"{100 * d['availability']:.1f} %"
            mr = "-" if d["mean_ready_ratio"] is None else f"{100 * d['mean_ready_ratio']:.1f} %"
            lines.append(f"  {key:<20}{d['desired']:>7}  {av:>12}  {mr:>18}  {_t(d['initial_ready_s'])}" if len(key) <= 20 else
                         f"  {key}\n  {'':<20}{d['desired']:>7}  {av:>12}  {mr:>18}  {_t(d['initial_ready_s'])}")
        lines.append("(availability: share of time, after the Deployment was first whole, with all desired replicas serving)")
    if s.get("services"):
        lines.append("Service                 type          >=1 endpoint  all endpoints  requests  failed  success")
        for key, sv in s["services"].items():
            pct = lambda v: "-" if v is None else f"{100 * v:.1f} %"  # noqa: E731
            ratio = "-" if sv["success_ratio"] is None else f"{100 * sv['success_ratio']:.2f} %"
            if len(key) > 21:  # a long name on its own line
                lines.append(f"  {key}")
                key = ""
            lines.append(f"  {key:<22}{sv['type']:<14}{pct(sv['any_endpoint']):>12}  {pct(sv['all_desired']):>13}  "
                         f"{sv['requests']:>8}  {sv['failed_requests']:>6}  {ratio:>7}")
            where = ", ".join(f"{hop} {n}" for hop, n in sv.get("failed_by_hop", {}).items() if n)
            if where:
                lines.append(f"    failed at: {where}")
            if sv.get("via_ingress"):
                v = sv["via_ingress"]
                ratio = "-" if v["success_ratio"] is None else f"{100 * v['success_ratio']:.2f} %"
                lines.append(f"    through Ingress rules: {v['requests']} requests, {v['failed_requests']} failed, {ratio}")
    if s.get("cloud"):
        lines += _pools(s["cloud"])
    if s.get("ingress_rules"):
        lines.append("Ingress rule                                      backend         requests  failed  success")
        for key, r in s["ingress_rules"].items():
            ratio = "-" if r["success_ratio"] is None else f"{100 * r['success_ratio']:.2f} %"
            lines.append(f"  {key:<48}{r['backend'] or '-':<14}{r['requests']:>9}  {r['failed_requests']:>6}  {ratio:>7}")
            where = ", ".join(f"{hop} {n}" for hop, n in r["failed_by_hop"].items() if n)
            if where:
                lines.append(f"    failed at: {where}")
    if s["pods_pending_at_end"]:
        lines.append(f"{s['pods_pending_at_end']} pod(s) still Pending at the end (see FailedScheduling in events.parquet)")
    return "\n".join(lines)


def _cloud_path(f: dict[str, Any]) -> list[str]:
    """The managed path of a node fault: VM gone, Node deleted, orphans deleted, new capacity."""
    out = []
    for key, label in (("t_instance_gone", "VM gone"), ("t_node_deleted", "Node deleted (cloud)"),
                       ("t_orphans_deleted", f"orphans deleted ({f.get('orphans_deleted') or 0})"),
                       ("t_scale_up_triggered", "scale-up triggered"), ("t_new_node_ready", "new node Ready")):
        if f.get(key) is not None:
            out.append(f"  {label:<24}{_t(f[key])}")
    cap = f.get("capacity_from")
    out.append(f"  recovered by            {f['recovered_by']}" + (f" (capacity: {cap})" if cap else ""))
    return out


def _pools(cloud: dict[str, Any]) -> list[str]:
    """Per node pool: VMs at the end and at peak, VM hours and cost."""
    lines = ["Node pool             type           capacity    VMs end/peak  VM hours      cost"]
    for name, p in cloud["pools"].items():
        lines.append(f"  {name:<20}{p['instance_type']:<15}{p['capacity_type']:<12}{p['vms_at_end']:>5}/{p['vms_peak']:<6}"
                     f"{p['vm_hours']:>10.2f}  {p['cost']:>8.2f}")
    a = cloud["autoscaler"]
    lines.append(f"  total cost {cloud['total_cost']:.2f} (list prices per hour x VM hours); scale-ups {a['scale_ups']}, "
                 f"scale-downs {a['scale_downs']}, nodes deleted by the cloud node lifecycle controller {cloud['nodes_deleted_by_ccm']}")
    return lines
