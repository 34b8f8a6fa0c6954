"""``clustersim data fetch``: files arrive checked (size and SHA-256) or not at all, from a URL or a folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from clustersim.config import ConfigError, load_config
from clustersim.data import DATASETS, DataFile, Dataset, FetchError, cache_dir, catalog, fetch, resolve
from tests.conftest import ROOT, cli, shared_path


def _dataset(src: Path, name: str = "tiny", body: bytes = b"t_s,node,event\n1,a,remove\n") -> Dataset:
    """A one-file dataset whose public source is a file: URL."""
    (src / "events.csv").write_bytes(body)
    f = DataFile("events.csv", (f"file://{src}/missing.csv", (src / "events.csv").as_uri()), len(body), hashlib.sha256(body).hexdigest())
    return Dataset(name, "test data", "tiny-folder", "test", (f,))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLUSTERSIM_DATA_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_fetch_from_a_file_url_checks_and_caches(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = _dataset(tmp_path)
    monkeypatch.setitem(catalog.DATASETS, "tiny", ds)
    log: list[str] = []
    folder = fetch("tiny", log=log.append)
    assert folder == cache / "tiny" and cache_dir() == cache
    assert (folder / "events.csv").read_bytes() == (tmp_path / "events.csv").read_bytes()
    assert "sha256 ok" in log[0] and (tmp_path / "events.csv").as_uri() in log[0]  # the first URL failed, the second served
    assert resolve("data:tiny/events.csv") == folder / "events.csv"
    fetch("tiny", log=log.append)
    assert log[-1].endswith("already cached")
    assert not list(folder.glob(".*part"))


def test_a_corrupted_download_leaves_nothing(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = _dataset(tmp_path)
    (tmp_path / "events.csv").write_bytes(b"t_s,node,event\n1,a,REMOVE\n")  # same size, other bytes
    monkeypatch.setitem(catalog.DATASETS, "tiny", ds)
    with pytest.raises(FetchError, match="checksum mismatch"):
        fetch("tiny")
    assert list((cache / "tiny").iterdir()) == []


def test_mirror_and_offline_folder(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    src.mkdir()
    ds = _dataset(src)
    monkeypatch.setitem(catalog.DATASETS, "tiny", ds)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "events.csv").write_bytes((src / "events.csv").read_bytes())
    fetch("tiny", mirror=mirror.as_uri(), force=True)
    offline = tmp_path / "offline" / "tiny-folder"
    offline.mkdir(parents=True)
    (offline / "events.csv").write_bytes((src / "events.csv").read_bytes())
    fetch("tiny", from_dir=offline.parent, force=True)
    assert resolve("data:tiny/events.csv").is_file()
    (tmp_path / "empty").mkdir()
    with pytest.raises(FetchError, match="no events.csv"):
        fetch("tiny", from_dir=tmp_path / "empty", force=True)


def test_missing_data_names_the_fetch_command(cache: Path) -> None:
    for config, dataset in (("trace-openb.yaml", "openb"), ("trace-google-failures.yaml", "google-2019")):
        with pytest.raises(ConfigError) as e:
            load_config(ROOT / "configs" / config)
        assert f"clustersim data fetch {dataset}" in str(e.value) and config in str(e.value)
        assert e.value.field.endswith(".path")


def test_cli_fetch_errors_are_one_line_exit_2_or_1(tmp_path: Path, cache: Path) -> None:
    bad = cli("data", "fetch", "nope")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "known: openb, google-2019" in bad.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = cli("data", "fetch", "openb", "--from", str(empty))
    assert missing.exit_code == 1 and "no openb_node_list_all_node.csv" in missing.stderr and "Traceback" not in missing.stderr
    listing = cli("data", "list")
    assert listing.exit_code == 0 and "data:openb/openb_pod_list_default.csv" in listing.stdout and "not fetched" in listing.stdout


def test_the_catalogue_checksums_are_those_of_the_reference_copies(tmp_path: Path, cache: Path) -> None:
    traces = shared_path("traces")
    for name, ds in DATASETS.items():
        fetch(name, from_dir=traces)
        for f in ds.files:
            assert (cache / name / f.name).stat().st_size == f.size
            assert all(u.startswith("https://") for u in f.urls)
