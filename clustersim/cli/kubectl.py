"""``clustersim get|describe|events|top``: kubectl's queries, asked of a finished run at a simulated time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from clustersim.cli.common import cli, fail

OUTPUTS = click.Choice(["wide", "yaml", "json"])


def parse_time(value: str | None, param: str = "--at") -> float | None:
    """Seconds of simulated time: ``470``, ``470s``, ``7m50s``, ``1h``; None passes through."""
    if value is None:
        return None
    text, total, num = value.strip(), 0.0, ""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0}
    try:
        if text and text[-1].isdigit():
            return float(text)
        for ch in text:
            if ch in units:
                total += float(num) * units[ch]
                num = ""
            else:
                num += ch
        if num or not text:
            raise ValueError
    except ValueError:
        fail(f"{param}: not a time {value!r} (seconds, or like 7m50s)")
    return total


def _open(run_dir: Path) -> Any:
    from clustersim.rundir import RunDirError, read_run

    try:
        return read_run(run_dir)
    except RunDirError as e:
        fail(str(e))


def _guard(action: Callable[[], str]) -> None:
    """Print what the query returns; a RunDirError (bad folder, unknown object) is one line, exit 2 or 1."""
    from clustersim.rundir import RunDirError

    try:
        out = action()
    except RunDirError as e:
        fail(str(e), 1 if "not found" in str(e) or "metrics not available" in str(e) or "no resource usage" in str(e) else 2)
    click.echo(out, nl=False)


def _at(run: Any, at: str | None) -> float:
    t = parse_time(at)
    return run.duration_s if t is None else t


def _ns(namespace: str, all_namespaces: bool) -> str | None:
    return None if all_namespaces else namespace


@cli.command("get")
@click.argument("resource", type=click.Choice(["pods", "pod", "po", "nodes", "node", "no", "deployments", "deployment", "deploy",
                                               "services", "service", "svc"]))
@click.argument("args", nargs=-1, required=True, metavar="[NAME...] RUN_DIR")
@click.option("--at", "at", default=None, metavar="T", help="Simulated time (seconds, or like 7m50s; default: the end of the run).")
@click.option("-n", "--namespace", default="default", show_default=True)
@click.option("-A", "--all-namespaces", is_flag=True, help="Every namespace (a NAMESPACE column first).")
@click.option("-o", "--output", type=OUTPUTS, default=None, help="wide: more columns; yaml or json: the objects.")
def get_cmd(resource: str, args: tuple[str, ...], at: str | None, namespace: str, all_namespaces: bool, output: str | None) -> None:
    """List pods, nodes, deployments or services of a finished run as they were at --at, like kubectl get."""
    from clustersim.kubectl import get

    *names, run_dir = args
    run = _open(Path(run_dir))
    t = _at(run, at)

    def action() -> str:
        text = get(run, resource, t, _ns(namespace, all_namespaces), output or "", tuple(names))
        if not text:
            click.echo(f"No resources found in {namespace} namespace." if not all_namespaces else "No resources found", err=True)
        return text

    _guard(action)


@cli.group("describe")
def describe_group() -> None:
    """Show a pod or node of a finished run in detail at a simulated time, like kubectl describe."""


@describe_group.command("pod")
@click.argument("name")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--at", "at", default=None, metavar="T", help="Simulated time (default: the end of the run).")
@click.option("-n", "--namespace", default="default", show_default=True)
def describe_pod_cmd(name: str, run_dir: Path, at: str | None, namespace: str) -> None:
    """Describe pod NAME: status, containers, conditions, tolerations and its events up to --at."""
    from clustersim.kubectl import describe_pod

    run = _open(run_dir)
    _guard(lambda: describe_pod(run, name, _at(run, at), namespace))


@describe_group.command("node")
@click.argument("name")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--at", "at", default=None, metavar="T", help="Simulated time (default: the end of the run).")
def describe_node_cmd(name: str, run_dir: Path, at: str | None) -> None:
    """Describe node NAME: labels, taints, conditions, capacity, its pods and their requests, its events."""
    from clustersim.kubectl import describe_node

    run = _open(run_dir)
    _guard(lambda: describe_node(run, name, _at(run, at)))


@cli.command("events")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--for", "for_obj", default=None, metavar="KIND/NAME", help="Only events of this object (pod/web-x, node/node-4).")
@click.option("--reason", default=None, help="Only this reason (NodeNotReady, Scheduled, ...).")
@click.option("--types", "type_", type=click.Choice(["Normal", "Warning"]), default=None, help="Only this event type.")
@click.option("--since", default=None, metavar="T", help="From this simulated time.")
@click.option("--until", default=None, metavar="T", help="Up to this simulated time (LAST SEEN is relative to it).")
@click.option("-n", "--namespace", default=None, help="Only this namespace (default: all).")
@click.option("-o", "--output", type=OUTPUTS, default=None)
def events_cmd(run_dir: Path, for_obj: str | None, reason: str | None, type_: str | None, since: str | None, until: str | None,
               namespace: str | None, output: str | None) -> None:
    """The run's event log like kubectl events: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE."""
    from clustersim.kubectl import events_table

    if for_obj is not None and "/" not in for_obj:
        fail(f"--for: expected KIND/NAME, got {for_obj!r}")
    run = _open(run_dir)
    window = {"since": parse_time(since, "--since"), "until": parse_time(until, "--until")}
    _guard(lambda: events_table(run, output or "", for_obj=for_obj, reason=reason, type_=type_, namespace=namespace, **window))


@cli.command("top")
@click.argument("resource", type=click.Choice(["nodes", "node", "no", "pods", "pod", "po"]))
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--at", "at", default=None, metavar="T", help="Simulated time (default: the end of the run).")
@click.option("-n", "--namespace", default="default", show_default=True)
@click.option("-A", "--all-namespaces", is_flag=True)
@click.option("--sort-by", type=click.Choice(["cpu", "memory"]), default=None)
def top_cmd(resource: str, run_dir: Path, at: str | None, namespace: str, all_namespaces: bool, sort_by: str | None) -> None:
    """CPU and memory of nodes or pods at --at, from metrics-server's last scrape, like kubectl top."""
    from clustersim.kubectl import top_nodes, top_pods

    run = _open(run_dir)
    t = _at(run, at)
    if resource.startswith("no"):
        _guard(lambda: top_nodes(run, t, sort_by or ""))
    else:
        _guard(lambda: top_pods(run, t, _ns(namespace, all_namespaces), sort_by or ""))
