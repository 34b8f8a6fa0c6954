"""``clustersim data``: the public datasets the trace configs replay (fetch into the cache, list)."""

from __future__ import annotations

from pathlib import Path

import click

from clustersim.cli.common import cli, fail


@cli.group("data")
def data_group() -> None:
    """Public trace datasets: fetch them into the local cache, list what is cached."""


@data_group.command("fetch")
@click.argument("names", nargs=-1, required=True, metavar="DATASET...")
@click.option("--from", "from_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Copy from an offline folder (e.g. ../shared/traces) instead of downloading.")
@click.option("--mirror", default=None, metavar="URL", help="Download from this base URL (https: or file:) instead of the public source.")
@click.option("--force", is_flag=True, help="Fetch again even when the cached files check out.")
def fetch_cmd(names: tuple[str, ...], from_dir: Path | None, mirror: str | None, force: bool) -> None:
    """Fetch DATASET (openb, google-2019) into the cache; every file's SHA-256 is checked."""
    from clustersim.data import DATASETS, FetchError, fetch

    for name in names:
        if name not in DATASETS:
            fail(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})")
    if from_dir is not None and not from_dir.is_dir():
        fail(f"{from_dir}: --from: no such folder")
    for name in names:
        try:
            folder = fetch(name, from_dir=from_dir, mirror=mirror, force=force, log=click.echo)
        except FetchError as e:
            fail(str(e), 1)
        except OSError as e:
            fail(f"{e.filename or name}: {e.strerror or e}", 1)
        click.echo(f"{name}: in {folder} (terms: {DATASETS[name].licence})")


@data_group.command("list")
def list_cmd() -> None:
    """The datasets, their files and whether each is cached."""
    from clustersim.data import DATASETS, cache_dir

    click.echo(f"cache: {cache_dir()}")
    for ds in DATASETS.values():
        click.echo(f"{ds.name}: {ds.title}")
        for f in ds.files:
            path = cache_dir() / ds.name / f.name
            state = "cached" if path.is_file() and path.stat().st_size == f.size else "not fetched"
            click.echo(f"  data:{ds.name}/{f.name}  {f.size:>9,} B  {state}")
