"""Fill the cache: download each file of a dataset (or copy it from an offline folder) and check it.

A file is written to a temporary name, its size and SHA-256 compared with the catalogue, and only then
renamed into place, so an interrupted or corrupted fetch never leaves a file that looks good.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from clustersim.data.cache import cache_dir
from clustersim.data.catalog import DATASETS, DataFile, Dataset

__all__ = ["FetchError", "fetch", "sha256_of"]

CHUNK = 1 << 16
TIMEOUT_S = 60


class FetchError(RuntimeError):
    """A dataset could not be fetched: no source answered, or the bytes were not the expected ones."""


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _download(url: str, tmp: Path) -> None:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp, tmp.open("wb") as out:  # noqa: S310 (https or file URLs)
        shutil.copyfileobj(resp, out, CHUNK)


def _local_copy(src_dir: Path, ds: Dataset, f: DataFile) -> Path | None:
    for candidate in (src_dir / f.name, src_dir / ds.folder / f.name, src_dir / ds.name / f.name):
        if candidate.is_file():
            return candidate
    return None


def _sources(ds: Dataset, f: DataFile, from_dir: Path | None, mirror: str | None) -> list[tuple[str, Callable[[Path], None]]]:
    if from_dir is not None:
        src = _local_copy(from_dir, ds, f)
        if src is None:
            raise FetchError(f"{from_dir}: no {f.name} (looked in the folder, {ds.folder}/ and {ds.name}/)")
        return [(str(src), lambda tmp: shutil.copyfile(src, tmp))]
    urls = [f"{mirror.rstrip('/')}/{f.name}"] if mirror else list(f.urls)
    return [(u, lambda tmp, u=u: _download(u, tmp)) for u in urls]  # type: ignore[misc]


def _fetch_file(ds: Dataset, f: DataFile, dest: Path, from_dir: Path | None, mirror: str | None) -> str:
    """Fetch one file into ``dest``; returns the source used."""
    tmp = dest.with_name(f".{dest.name}.part")
    problems = []
    for where, get in _sources(ds, f, from_dir, mirror):
        try:
            get(tmp)
        except (urllib.error.URLError, OSError, ValueError) as e:
            problems.append(f"{where}: {getattr(e, 'reason', None) or e}")
            continue
        size, digest = tmp.stat().st_size, sha256_of(tmp)
        if size != f.size or digest != f.sha256:
            tmp.unlink(missing_ok=True)
            problems.append(f"{where}: checksum mismatch ({size:,} bytes, sha256 {digest[:12]}…; expected {f.size:,}, {f.sha256[:12]}…)")
            continue
        os.replace(tmp, dest)
        return where
    tmp.unlink(missing_ok=True)
    raise FetchError(f"{ds.name}/{f.name}: " + "; ".join(problems))


def fetch(name: str, from_dir: Path | None = None, mirror: str | None = None, force: bool = False,
          log: Callable[[str], None] = lambda _: None) -> Path:
    """Fetch dataset ``name`` into the cache (files already there with the right checksum are kept).

    ``from_dir``: copy from an offline folder instead of downloading; ``mirror``: a base URL (``https:``
    or ``file:``) that holds the files under their names. Returns the dataset's cache folder.
    """
    ds = DATASETS.get(name)
    if ds is None:
        raise FetchError(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})")
    folder = cache_dir() / ds.name
    folder.mkdir(parents=True, exist_ok=True)
    for f in ds.files:
        dest = folder / f.name
        if not force and dest.is_file() and dest.stat().st_size == f.size and sha256_of(dest) == f.sha256:
            log(f"{ds.name}/{f.name}: already cached")
            continue
        where = _fetch_file(ds, f, dest, from_dir, mirror)
        log(f"{ds.name}/{f.name}: {f.size:,} bytes from {where}, sha256 ok")
    return folder
