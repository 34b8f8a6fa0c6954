"""``clustersim chaos``: chaos experiment files read onto the fault catalogue, and their dry run."""

from __future__ import annotations

from pathlib import Path

import click

from clustersim.cli.common import cli, fail


@cli.group("chaos")
def chaos() -> None:
    """Chaos Mesh, LitmusChaos, Krkn and Chaos Toolkit experiments, predicted before they run."""


def _vars(items: tuple[str, ...]) -> None:
    from clustersim.chaos.chaostoolkit import VARIABLES

    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--var: {item}: expected name=value")
        VARIABLES[key] = value


@chaos.command("read")
@click.argument("experiments", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lenient", is_flag=True, help="Skip documents of unknown kinds (and missing Krkn scenario files) with a warning.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", help="A Chaos Toolkit configuration value (repeatable).")
def read_cmd(experiments: tuple[Path, ...], lenient: bool, variables: tuple[str, ...]) -> None:
    """Read EXPERIMENTS and list what each becomes in the fault catalogue, field by field."""
    from clustersim.chaos import ChaosError, load_chaos

    _vars(variables)
    from clustersim.chaos.compile import check_actions

    try:
        cs = load_chaos(list(experiments), lenient=lenient)
        check_actions(cs.experiments)
    except ChaosError as e:
        fail(str(e))
    for w in cs.warnings:
        click.echo(f"warning: {w}", err=True)
    for name in sorted(cs.litmus_experiments):
        click.echo(f"LitmusChaos ChaosExperiment {name}: env defaults for the engines")
    if cs.slos:
        click.echo(f"{len(cs.slos)} SLOs")
    for x in cs.experiments:
        click.echo(f"{x.tool} {x.name} ({x.source}): {len(x.actions)} action(s)")
        for a in x.actions:
            extra = f"  [needs {a.problem[0]}: {a.problem[1]}]" if a.problem else ""
            click.echo(f"  {a.fault} {a.targets} {a.params} at {a.timing.at_s:g} s{extra}")
        for h in x.hypotheses:
            click.echo(f"  hypothesis {h.name}: {h.kind}")
        for s in x.simplifications:
            click.echo(f"  simplified: {s}")
        for s in x.not_modelled:
            click.echo(f"  not modelled: {s}")


@chaos.command("preview")
@click.argument("experiments", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--cluster", required=True, type=click.Path(path_type=Path), help="A cluster snapshot (List file or folder) or a config.")
@click.option("--seeds", type=click.IntRange(min=1, max=10_000), default=20, show_default=True, help="Runs, one seed each.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: results/chaos-preview).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Runs at once.")
@click.option("--scheduler-address", default=None, help="Dask scheduler address (default: a LocalCluster).")
@click.option("--start", "start_s", type=click.FloatRange(min=0), default=60.0, show_default=True, help="Steady state before the experiment (s).")
@click.option("--tail", "tail_s", type=click.FloatRange(min=0), default=600.0, show_default=True, help="Seconds simulated after the experiment ends.")
@click.option("--horizon", "horizon_s", type=click.FloatRange(min=1), default=600.0, show_default=True,
              help="How long an endless schedule (cron, @every, a Krkn daemon) runs.")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True,
              help="Requests/s per Service of a bare snapshot.")
@click.option("--slo", "slo_files", multiple=True, type=click.Path(path_type=Path), help="A Krkn SLO/alert file (repeatable).")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", help="A Chaos Toolkit configuration value (repeatable).")
@click.option("--seed", "seed0", type=click.IntRange(min=0), default=0, show_default=True, help="Root seed of the replications.")
@click.option("--lenient", is_flag=True, help="Skip documents of unknown kinds (and missing Krkn scenario files) with a warning.")
def preview_cmd(experiments: tuple[Path, ...], cluster: Path, seeds: int, out: Path | None, executor: str, workers: int,
                scheduler_address: str | None, start_s: float, tail_s: float, horizon_s: float, rate: float,
                slo_files: tuple[Path, ...], variables: tuple[str, ...], seed0: int, lenient: bool) -> None:
    """Predict what EXPERIMENTS do to --cluster: blast radius, request success and its dip, convergence, with 95 % CIs."""
    from clustersim.chaos import ChaosError
    from clustersim.chaos.preview import prepare, run_seeds
    from clustersim.chaos.report import write_preview
    from clustersim.chaos.summary import aggregate_preview, format_preview
    from clustersim.config.errors import ConfigError
    from clustersim.sweep.design import replication_seed

    _vars(variables)
    try:
        prep = prepare(list(experiments), cluster, start_s=start_s, tail_s=tail_s, horizon_s=horizon_s, rate=rate,
                       slo_files=list(slo_files), lenient=lenient)
    except (ChaosError, ConfigError) as e:
        fail(str(e))
    seed_list = [replication_seed(seed0, r) for r in range(seeds)]
    from tqdm.auto import tqdm

    with tqdm(total=seeds, desc="chaos preview", unit="run", disable=None) as bar:
        try:
            results = run_seeds(prep, seed_list, executor, workers, scheduler_address, progress=lambda n: bar.update(n - bar.n))
        except (RuntimeError, ValueError) as e:
            fail(str(e), 1)
    summary = aggregate_preview(prep, results)
    out = out or Path("results") / "chaos-preview"
    try:
        files = write_preview(summary, results, out)
    except OSError as e:
        fail(f"{out}: {e.strerror or e}", 1)
    click.echo(format_preview(summary))
    click.echo(f"Outputs in {out}: {', '.join(files)}")
