"""Replication statistics against textbook values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from clustersim.sweep.stats import aggregate, t_interval


def test_t_interval_matches_the_textbook() -> None:
    # n=5, mean 10, s=2: half-width t(0.975, 4) * 2 / sqrt(5) = 2.776445 * 0.894427 = 2.483325
    v = np.array([8.0, 9.0, 10.0, 11.0, 12.0]) * (2 / math.sqrt(2.5))
    v = v - v.mean() + 10
    mean, lo, hi = t_interval(v)
    assert math.isclose(mean, 10) and math.isclose((hi - lo) / 2, 2.483325, rel_tol=1e-5)


def test_interval_undefined_with_one_value() -> None:
    mean, lo, hi = t_interval(np.array([3.0, np.nan]))
    assert mean == 3.0 and math.isnan(lo) and math.isnan(hi)


def test_aggregate_counts_missing_and_groups_by_point() -> None:
    runs = pd.DataFrame({"p": [1, 1, 1, 2, 2], "m": [1.0, 3.0, np.nan, 5.0, 7.0]})
    st = aggregate(runs, ["p"], ["m"]).set_index("p")
    assert st.loc[1, "n"] == 2 and st.loc[1, "missing"] == 1 and st.loc[1, "mean"] == 2.0
    assert st.loc[2, "q50"] == 6.0 and math.isclose(st.loc[2, "std"], math.sqrt(2))
    assert st.loc[2, "ci_low"] < 6.0 < st.loc[2, "ci_high"]
