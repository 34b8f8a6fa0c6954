"""Regenerate the golden quick-start summary after an intended change of behaviour:

    python -m tests.golden.regenerate

Review the diff of tests/golden/quickstart.json before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

from clustersim.config import load_config
from clustersim.sim import run

HERE = Path(__file__).parent
KEYS = ("target", "t_inject", "t_not_ready", "t_tainted", "t_evicted", "evicted_pods", "t_replacements_created",
        "t_replacements_scheduled", "t_replacements_ready", "convergence_s")


def golden() -> dict:
    """The pinned numbers of the seeded quick start."""
    result = run(load_config(HERE.parents[1] / "configs" / "quickstart.yaml"))
    fault = result.summary["faults"][0]
    return {
        "faults": {k: fault[k] for k in KEYS},
        "deployments": {k: {f: round(v, 9) if isinstance(v, float) else v for f, v in d.items()}
                        for k, d in result.summary["deployments"].items()},
        "pods_created": result.summary["pods_created"],
        "events": len(result.events),
    }


if __name__ == "__main__":
    (HERE / "quickstart.json").write_text(json.dumps(golden(), indent=2) + "\n")
