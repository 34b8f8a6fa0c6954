"""The seeded quick start, pinned: any change to its event timings or availability must be intended.

After an intended change: ``python -m tests.golden.regenerate`` and review the diff.
"""

from __future__ import annotations

import json

from tests.golden.regenerate import HERE, golden


def test_quickstart_matches_golden() -> None:
    assert golden() == json.loads((HERE / "quickstart.json").read_text())
