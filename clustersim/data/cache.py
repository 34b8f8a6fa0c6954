"""Where fetched datasets live, and how a config's ``data:<dataset>/<file>`` reference finds its file."""

from __future__ import annotations

import os
from pathlib import Path

from clustersim.data.catalog import DATASETS

__all__ = ["DATA_PREFIX", "DataMissing", "cache_dir", "is_data_ref", "resolve"]

DATA_PREFIX = "data:"
ENV_VAR = "CLUSTERSIM_DATA_DIR"


class DataMissing(LookupError):
    """A referenced dataset file is not in the cache (or the reference names no known file)."""


def cache_dir() -> Path:
    """``$CLUSTERSIM_DATA_DIR``, else ``$XDG_CACHE_HOME/clustersim/data``, else ``~/.cache/clustersim/data``."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clustersim" / "data"


def is_data_ref(path: str) -> bool:
    """Is ``path`` a ``data:`` reference rather than a file path?"""
    return path.startswith(DATA_PREFIX)


def resolve(ref: str) -> Path:
    """The cached file of ``data:<dataset>/<file>``; DataMissing (naming the fetch command) when absent."""
    dataset, _, name = ref.removeprefix(DATA_PREFIX).partition("/")
    ds = DATASETS.get(dataset)
    if ds is None:
        raise DataMissing(f"unknown dataset {dataset!r} in {ref!r} (known: {', '.join(DATASETS)})")
    if ds.file(name) is None:
        raise DataMissing(f"dataset {dataset} has no file {name!r} (files: {', '.join(f.name for f in ds.files)})")
    path = cache_dir() / dataset / name
    if not path.is_file():
        raise DataMissing(f"{ref} is not downloaded: run `clustersim data fetch {dataset}` "
                          f"(or `clustersim data fetch {dataset} --from DIR` for an offline copy); cache: {cache_dir()}")
    return path
