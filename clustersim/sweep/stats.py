"""Statistics over replications: mean, standard deviation, Student-t 95% interval and quantiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

__all__ = ["QUANTILES", "aggregate", "half_width", "t_interval"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """(mean, lower, upper) of the Student-t interval for the mean; NaN bounds with fewer than 2 values."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if len(v) < 2:
        return mean, float("nan"), float("nan")
    sem = float(v.std(ddof=1)) / np.sqrt(len(v))
    h = float(sps.t.ppf(0.5 + confidence / 2, len(v) - 1)) * sem
    return mean, mean - h, mean + h


def half_width(values: np.ndarray) -> float:
    """Half-width of the 95% interval (NaN with fewer than 2 values)."""
    m, lo, hi = t_interval(values)
    return (hi - lo) / 2


def aggregate(runs: pd.DataFrame, params: list[str], metrics: list[str]) -> pd.DataFrame:
    """One row per (design point, metric): n, missing, mean, std, ci_low, ci_high, half_width, quantiles.

    ``missing`` counts runs where the metric is undefined (NaN), e.g. a run that never converged;
    the statistics are over the others.
    """
    rows = []
    keys = params or []
    groups = runs.groupby(keys, sort=False, dropna=False) if keys else [((), runs)]
    for key, df in groups:
        key = key if isinstance(key, tuple) else (key,)
        for m in metrics:
            v = df[m].to_numpy(float) if m in df else np.full(len(df), np.nan)
            ok = v[~np.isnan(v)]
            mean, lo, hi = t_interval(ok)
            row = dict(zip(keys, key, strict=True))
            row.update(metric=m, n=len(ok), missing=int(len(v) - len(ok)), mean=mean,
                       std=float(ok.std(ddof=1)) if len(ok) > 1 else float("nan"),
                       ci_low=lo, ci_high=hi, half_width=(hi - lo) / 2)
            for q in QUANTILES:
                row[f"q{int(q * 100):02d}"] = float(np.quantile(ok, q)) if len(ok) else float("nan")
            rows.append(row)
    return pd.DataFrame(rows)
