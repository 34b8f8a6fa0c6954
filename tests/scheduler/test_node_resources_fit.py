"""NodeResourcesFit, table-driven as in noderesources/fit_test.go and least_allocated_test.go."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim.scheduler.cache import FLOAT_EXACT_LIMIT
from clustersim.scheduler.framework import CycleState
from clustersim.scheduler.plugins.node_resources_fit import NodeResourcesFit
from tests.scheduler.helpers import GI, pod, table

FIT = NodeResourcesFit()


@pytest.mark.parametrize(("name", "existing", "incoming", "want_fit", "want_reasons"), [
    ("empty node fits", [], pod(1000, GI), True, []),
    ("exactly full fits", [pod(3000, GI, uid="e")], pod(1000, 3 * GI), True, []),
    ("cpu over", [pod(3500, 0, uid="e")], pod(1000, 0), False, ["Insufficient cpu"]),
    ("memory over", [pod(0, 4 * GI, uid="e")], pod(0, 1), False, ["Insufficient memory"]),
    ("both over", [pod(4000, 4 * GI, uid="e")], pod(1, 1), False, ["Insufficient cpu", "Insufficient memory"]),
    ("no requests always fits resources", [pod(4000, 4 * GI, uid="e")], pod(None, None), True, []),
    ("gpu missing on node", [], pod(0, 0, scalar={"nvidia.com/gpu": 1}), False, ["Insufficient nvidia.com/gpu"]),
])
def test_filter(name: str, existing: list, incoming, want_fit: bool, want_reasons: list[str]) -> None:
    t = table(("n1", 4000, 4 * GI))
    for i, p in enumerate(existing):
        p.meta.uid = f"e{i}"
        t.add_pod(p, "n1")
    assert bool(FIT.filter(CycleState(), incoming, t, np.array([0]))[0]) is want_fit, name
    if not want_fit:
        assert FIT.reasons(CycleState(), incoming, t, 0)[1] == want_reasons


def test_pod_count_limit() -> None:
    t = table(("n1", 4000, 4 * GI), pods=1)
    t.add_pod(pod(1, 1, uid="e"), "n1")
    assert not FIT.filter(CycleState(), pod(1, 1), t, np.array([0]))[0]
    assert FIT.reasons(CycleState(), pod(1, 1), t, 0)[1] == ["Too many pods"]


def test_extended_resource_fits_when_available() -> None:
    t = table(("g1", 4000, GI), scalar={"g1": {"nvidia.com/gpu": 2}})
    t.add_pod(pod(0, 0, scalar={"nvidia.com/gpu": 1}, uid="e"), "g1")
    assert FIT.filter(CycleState(), pod(0, 0, scalar={"nvidia.com/gpu": 1}), t, np.array([0]))[0]
    assert not FIT.filter(CycleState(), pod(0, 0, scalar={"nvidia.com/gpu": 2}), t, np.array([0]))[0]


@pytest.mark.parametrize(("strategy", "want"), [
    # least_allocated_test.go "nothing scheduled, resources requested, differently sized nodes":
    # node1 4000m/10000, node2 6000m/10000; pod 3000m/5000 -> cpu (4000-3000)*100/4000=25, mem 50 -> 37; node2 50,50 -> 50
    ("LeastAllocated", [37, 50]),
    # most_allocated: cpu 75, mem 50 -> 62; node2 50, 50 -> 50
    ("MostAllocated", [62, 50]),
])
def test_scores(strategy: str, want: list[int]) -> None:
    t = table(("node1", 4000, 10000), ("node2", 6000, 10000))
    plugin = NodeResourcesFit.from_args({"scoringStrategy": {"type": strategy}})
    p = pod(None, None)
    p = pod(3000, 5000)
    assert plugin.score(CycleState(), p, t, np.array([0, 1])).tolist() == want


def test_non_zero_defaults_in_scoring_only() -> None:
    t = table(("n1", 1000, 1000 * 2**20))
    # no requests: scored as 100m and 200Mi -> cpu 90, mem 80 -> 85
    assert FIT.score(CycleState(), pod(None, None), t, np.array([0])).tolist() == [85]
    # explicit zero stays zero -> 100
    assert FIT.score(CycleState(), pod(0, 0), t, np.array([0])).tolist() == [100]


def test_float_fast_path_equals_integer_arithmetic() -> None:
    rng = np.random.default_rng(3)
    t = table(*[(f"n{i}", int(rng.integers(1, 64_000)), int(rng.integers(1, FLOAT_EXACT_LIMIT - 1))) for i in range(300)])
    for j in range(200):
        p = pod(int(rng.integers(0, 70_000)), int(rng.integers(0, 2**40)), uid=f"x{j}")
        got = FIT.score(CycleState(), p, t, t.candidates())
        alloc_c, alloc_m = t.alloc_cpu[:300], t.alloc_mem[:300]
        sc = np.maximum((alloc_c - t.nz_cpu[:300] - p.spec.requests.nonzero_cpu_m) * 100 // alloc_c, 0)
        sm = np.maximum((alloc_m - t.nz_mem[:300] - p.spec.requests.nonzero_memory) * 100 // alloc_m, 0)
        assert got.astype(np.int64).tolist() == ((sc + sm) // 2).tolist()
        t.add_pod(p, f"n{j % 300}")


def test_weight_out_of_range_is_rejected_with_upstream_field() -> None:
    with pytest.raises(ValueError, match=r"^scoringStrategy.resources\[1\].weight"):
        NodeResourcesFit.from_args({"scoringStrategy": {"resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 0}]}})
