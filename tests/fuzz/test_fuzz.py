"""The fuzz corpus (issue 18): CLUSTERSIM_FUZZ_N hostile inputs (300 by default, the CI number) mutated from
the shipped configs and experiments and ../shared's manifests, chaos files and snapshots, each through the
command a user would give it. Each must be refused with one line naming its file (exit 2, no traceback,
nothing written) or be accepted and then run (a short run, the sweep's own runs, a one-seed chaos preview).

Reproduce one input: ``CLUSTERSIM_FUZZ_ONLY=17 pytest tests/fuzz -q``; more inputs locally:
``CLUSTERSIM_FUZZ_N=3000``; another corpus: ``CLUSTERSIM_FUZZ_SEED=2``. ``CLUSTERSIM_FUZZ_KEEP=DIR`` keeps
each input's bytes in DIR (``<index>-<seed file>``).
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import shared_path
from tests.fuzz.harness import fuzz_one
from tests.fuzz.mutate import mutate
from tests.fuzz.seeds import KINDS, Seed, seeds

N = int(os.environ.get("CLUSTERSIM_FUZZ_N", "300"))
CORPUS_SEED = os.environ.get("CLUSTERSIM_FUZZ_SEED", "18")
ONLY = os.environ.get("CLUSTERSIM_FUZZ_ONLY")
KIND_WEIGHTS = {"config": 35, "manifest": 20, "experiment": 12, "chaos": 18, "snapshot": 15}
assert set(KIND_WEIGHTS) == set(KINDS)
FOCUS = {"experiment": ("axes", "overrides", "design"), "config": ("faults", "workloads", "deployments", "cloud", "auth", "networking")}
RESULTS: Counter[tuple[str, str]] = Counter()
SLOWEST: list[tuple[float, str]] = []


def draw(index: int) -> tuple[Seed, random.Random]:
    """Input ``index``: its seed file and the generator of its mutations (the same on every machine)."""
    rng = random.Random(f"{CORPUS_SEED}/{index}")
    by_kind = {k: [s for s in ALL if s.kind == k] for k in KINDS}
    kinds = [k for k in KINDS if by_kind[k]]
    kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
    return rng.choice(by_kind[kind]), rng


ALL = seeds()
INDICES = [int(ONLY)] if ONLY else list(range(N))


def _id(i: int) -> str:
    return f"{i:04d}-{draw(i)[0].label}"


@pytest.fixture(scope="module", autouse=True)
def _report() -> object:
    yield
    if RESULTS:  # shown with -s or on failure: what the corpus did
        print("\nfuzz corpus:", ", ".join(f"{k}/{o}: {n}" for (k, o), n in sorted(RESULTS.items())))
        print("slowest:", ", ".join(f"{w:.1f} s {what}" for w, what in sorted(SLOWEST, reverse=True)[:5]))


@pytest.mark.skipif(bool(os.environ.get("CLUSTERSIM_FUZZ_SEEDS")), reason="CLUSTERSIM_FUZZ_SEEDS narrows the seeds")
def test_the_corpus_draws_from_every_kind_of_input() -> None:
    shared_path("manifests"), shared_path("chaos"), shared_path("snapshots")
    kinds = Counter(draw(i)[0].kind for i in range(300))
    assert set(kinds) == set(KINDS), kinds
    assert len({draw(i)[0].path for i in range(300)}) >= 60  # most seed files are mutated at least once


@pytest.mark.parametrize("index", INDICES, ids=_id)
def test_hostile_input_is_refused_in_one_line_or_runs(index: int, tmp_path: Path) -> None:
    seed, rng = draw(index)
    if not seed.path.is_file():
        shared_path(*seed.path.parts[-3:])  # missing reference data: skip outside CI, fail under CI
    mutant = mutate(rng, seed.path.read_bytes(), json_style=seed.path.suffix == ".json", focus=FOCUS.get(seed.kind, ()))
    keep = os.environ.get("CLUSTERSIM_FUZZ_KEEP")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / f"{index:04d}-{seed.path.name}").write_bytes(mutant.data)
    try:
        verdict = fuzz_one(seed, mutant.data, tmp_path)
    except Exception as e:  # name the input: the assertion alone does not say what was fed in
        raise AssertionError(f"{seed.path} mutated ({mutant.what}): {type(e).__name__}: {e}") from e
    RESULTS[(seed.kind, verdict.outcome)] += 1
    if os.environ.get("CLUSTERSIM_FUZZ_VERBOSE"):
        print(f"\n#{index} {seed.label} ({mutant.what[:80]}): {verdict.outcome} {' '.join(verdict.notes)[-200:]}")
    SLOWEST.append((verdict.wall_s, f"#{index} {seed.label} ({mutant.what[:60]})"))
