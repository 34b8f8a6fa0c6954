"""Put one mutated input where its seed was (siblings and ``..`` still resolve), feed it to the command a user
would, and check the bad-input contract: exit 0, or exit 2 with one line naming the file; no traceback, no
pydantic or regex internals, nothing half-written; and when ``validate`` accepts, a short run succeeds."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.fuzz.seeds import Seed
from tests.input.cli import Outcome, invoke

SHORT_S = 30.0  # simulated seconds of the run after an accepted validate
HANG_S = 60  # wall seconds after which an input counts as a hang (a guard, not a timing assertion)
MAX_RUN = (200, 1_000, 1_800.0)  # nodes, pods, simulated s: an accepted input larger is not run here (counted)
RUN_LENGTHS = (SHORT_S, 150.0, 600.0)  # simulated seconds tried in turn (faults must lie inside the run)
LEAKS = ("Traceback", "pydantic", "input_value", "For further information", "re.error", "Pattern", "object at 0x",
         "KeyError", "AttributeError", "TypeError", "IndexError", "RecursionError", "UnicodeDecodeError", "OverflowError")
TINY_CLUSTER = {"seed": 1, "duration_s": SHORT_S, "cluster": {"zones": ["zone-a", "zone-b"], "node_pools": [
    {"name": "pool", "count": 4, "capacity": {"cpu": "8", "memory": "32Gi", "pods": 110}}]}}


class Hang(Exception):
    """An input that ran past HANG_S wall seconds."""


@dataclass
class Verdict:
    """What happened to one input: 'refused', 'ran', 'accepted (too large to run here)'; and the wall time."""

    outcome: str = ""
    wall_s: float = 0.0
    notes: list[str] = field(default_factory=list)


@contextmanager
def hang_guard(seconds: int = HANG_S) -> Iterator[None]:
    """SIGALRM after ``seconds``: a hung reader or run raises Hang instead of stalling the suite."""

    def fire(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def place(seed: Seed, data: bytes, tmp: Path) -> Path:
    """Write ``data`` as the seed's file in a copy of its folder made of links (its siblings and its parent's
    entries), so relative references (``base: ../configs/x.yaml``, ``../examples/...``, a Krkn config's
    scenarios, an insights archive's ``config/pod/<ns>/``) resolve as they would for the original."""
    src = seed.path
    grand, parent = src.parent.parent, src.parent
    top = tmp / "in" / grand.name
    here = top / parent.name
    here.mkdir(parents=True)
    for entry in grand.iterdir():
        if entry.name != parent.name:
            (top / entry.name).symlink_to(entry)
    for entry in parent.iterdir():
        if entry.name != src.name:
            (here / entry.name).symlink_to(entry)
    target = here / src.name
    target.write_bytes(data)
    return target


def check_line(out: Outcome, names: tuple[Path, ...]) -> str:
    """Exit 2 and one ``error: <file>...`` line naming one of ``names``, with nothing internal in it."""
    assert out.crash is None, f"crash: {out.crash!r}"
    assert out.code == 2, f"exit {out.code}: {out.stderr[-2000:]}"
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, f"{len(lines)} lines on stderr: {out.stderr[:2000]}"
    line = lines[0]
    assert line.startswith("error: "), line
    assert any(str(n) in line or n.name in line for n in names), f"names no input file: {line}"
    leaked = [w for w in LEAKS if w in line]
    assert not leaked, f"leaks {leaked}: {line}"
    assert len(line) < 2_000, f"a line of {len(line)} characters"
    return line


def check_accepted(out: Outcome) -> None:
    assert out.crash is None, f"crash: {out.crash!r}"
    assert out.code == 0, f"exit {out.code}: {out.stderr[-2000:]}"
    assert "Traceback" not in out.stderr


def assert_nothing_written(out_dir: Path) -> None:
    assert not out_dir.exists() or not any(out_dir.iterdir()), f"left behind: {sorted(p.name for p in out_dir.iterdir())}"


def assert_whole(out_dir: Path, *files: str) -> None:
    names = {p.name for p in out_dir.iterdir()}
    assert set(files) <= names, f"missing {set(files) - names} in {sorted(names)}"
    hidden = [n for n in names if n.startswith(".") or n.endswith(".tmp")]
    assert not hidden, f"temporary files left: {hidden}"


def small_enough(cfg: Any) -> bool:
    from clustersim.config.size import run_size

    size = run_size(cfg)
    return size.nodes <= MAX_RUN[0] and size.pods <= MAX_RUN[1] and size.duration_s <= MAX_RUN[2]


def fuzz_config(path: Path, tmp: Path, v: Verdict) -> None:
    """validate; refused: run refuses it too and writes nothing; accepted: a SHORT_S run writes whole outputs."""
    from clustersim.config.load import load_config, parse_overrides

    out = invoke("validate", str(path))
    out_dir = tmp / "out"
    if out.code != 0:
        check_line(out, (path,))
        check_line(invoke("run", str(path), "--out", str(out_dir), "--no-plot", "-q"), (path,))
        assert_nothing_written(out_dir)
        v.outcome = "refused"
        return
    check_accepted(out)
    sets = _shortened(path)
    if not small_enough(load_config(path, parse_overrides(sets[1::2]))):
        v.outcome = "accepted (larger than the test runs)"
        return
    res = invoke("run", str(path), *sets, "--out", str(out_dir), "--no-plot", "-q")
    check_accepted(res)
    assert_whole(out_dir, "summary.json")
    v.outcome = "ran"


def _shortened(path: Path) -> list[str]:
    """``--set duration_s=...`` for the shortest of RUN_LENGTHS that validates (a fault at 120 s must lie
    inside the run), else nothing: the config's own duration."""
    for d in RUN_LENGTHS:
        if invoke("validate", str(path), "--set", f"duration_s={d}").code == 0:
            return ["--set", f"duration_s={d}"]
    return []


def _short_config(data: dict[str, Any], source: str) -> dict[str, Any]:
    """The design point's config with the shortest of RUN_LENGTHS that validates (else as it is)."""
    from clustersim.config.errors import ConfigError
    from clustersim.config.load import validate_dict

    for d in RUN_LENGTHS:
        try:
            validate_dict(dict(data, duration_s=d), source)
        except ConfigError:
            continue
        return dict(data, duration_s=d)
    return data


def fuzz_experiment(path: Path, tmp: Path, v: Verdict) -> None:
    """validate; refused: sweep refuses it too; accepted: the sweep's own run of the first and last design
    points (one replication each, SHORT_S simulated) succeeds and gives its metrics."""
    from clustersim.config.load import validate_dict
    from clustersim.sweep.design import design_points
    from clustersim.sweep.runner import _tasks, execute_run
    from clustersim.sweep.spec import load_experiment

    out = invoke("validate", str(path))
    out_dir = tmp / "out"
    if out.code != 0:
        check_line(out, (path,))
        check_line(invoke("sweep", str(path), "--out", str(out_dir), "--no-report"), (path,))
        assert_nothing_written(out_dir)
        v.outcome = "refused"
        return
    check_accepted(out)
    exp = load_experiment(path)
    points = design_points(exp.spec) or [{}]
    chosen = sorted({0, len(points) - 1})
    tasks = _tasks(exp, points, {p: range(1) for p in chosen}, set(), None)
    for task in tasks:
        task.config = _short_config(task.config, task.source)
        if not small_enough(validate_dict(task.config, task.source)):
            v.outcome = "accepted (larger than the test runs)"
            return
        res = execute_run(task)
        assert res.error is None, f"design point {task.point}: {res.error}"
    v.outcome = "ran"


def fuzz_manifest(path: Path, tmp: Path, v: Verdict) -> None:
    """validate; accepted: a config naming the manifests (the classes and profiles validate warned about
    defined) runs; refused: that config is refused too, naming the manifest file."""
    from clustersim.manifests.check import _undefined
    from clustersim.manifests.load import load_manifests

    out = invoke("validate", str(path))
    cfg_path = tmp / "run.yaml"
    if out.code != 0:
        check_line(out, (path,))
        v.outcome = "refused"
        return
    check_accepted(out)
    classes, profiles, _ = _undefined(load_manifests([path]))
    data = dict(TINY_CLUSTER, manifests=[str(path)],
                priority_classes=[{"name": c, "value": 0} for c in sorted(classes)],
                scheduler={"profiles": [{"scheduler_name": "default-scheduler"}, *({"scheduler_name": p} for p in sorted(profiles))]})
    cfg_path.write_text(yaml.safe_dump(data))
    fuzz_config(cfg_path, tmp, v)
    assert v.outcome != "refused", "validate accepted the manifests; a config naming them was refused"


def fuzz_snapshot(path: Path, tmp: Path, v: Verdict) -> None:
    """A config starting from the snapshot file: validated, then run (errors name the snapshot file)."""
    cfg_path = path.parent / "fuzz-run.yaml"
    cfg_path.write_text(yaml.safe_dump({"seed": 1, "duration_s": SHORT_S, "snapshot": {"path": path.name}}))
    out = invoke("validate", str(cfg_path))
    if out.code != 0:
        check_line(out, (path, path.parent))
        v.outcome = "refused"
        return
    fuzz_config(cfg_path, tmp, v)


def fuzz_chaos(path: Path, tmp: Path, v: Verdict) -> None:
    """validate (and chaos read); accepted: chaos preview of one seed on a four-node cluster runs."""
    out = invoke("validate", str(path))
    out_dir = tmp / "out"
    if out.code != 0:
        check_line(out, (path, path.parent))
        check_line(invoke("chaos", "read", str(path)), (path, path.parent))
        v.outcome = "refused"
        return
    check_accepted(out)
    check_accepted(invoke("chaos", "read", str(path)))
    cluster = tmp / "cluster.yaml"
    cluster.write_text(yaml.safe_dump({**TINY_CLUSTER, "deployments": [{"name": "web", "replicas": 4, "containers": [
        {"name": "c", "image": "img:1", "requests": {"cpu": "100m", "memory": "64Mi"}}]}]}))
    check_accepted(invoke("validate", str(cluster)))
    res = invoke("chaos", "preview", str(path), "--cluster", str(cluster), "--seeds", "1", "--start", "5",
                 "--tail", "10", "--horizon", str(SHORT_S), "--out", str(out_dir))
    if res.code == 2:  # the preview may refuse what it cannot map onto this cluster, in one line
        v.notes.append(check_line(res, (path, path.parent)))
        v.outcome = "read; preview refused"
        return
    check_accepted(res)
    v.outcome = "ran"


READERS = {"config": fuzz_config, "experiment": fuzz_experiment, "manifest": fuzz_manifest,
           "snapshot": fuzz_snapshot, "chaos": fuzz_chaos}


def fuzz_one(seed: Seed, data: bytes, tmp: Path) -> Verdict:
    v = Verdict()
    path = place(seed, data, tmp)
    t0 = time.perf_counter()
    with hang_guard():
        READERS[seed.kind](path, tmp, v)
    v.wall_s = time.perf_counter() - t0
    return v
