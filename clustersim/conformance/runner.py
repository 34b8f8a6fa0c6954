"""Check cases against the registered adapters; the command-line entry point."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from clustersim.conformance.registry import ADAPTERS, TOLERANCES, UNORDERED

__all__ = ["check_case", "main", "run_cases"]


def check_case(case: dict[str, Any]) -> str | None:
    """None when the case passes, else a one-line reason."""
    adapter = ADAPTERS.get(case["kind"])
    if adapter is None:
        return f"kind {case['kind']!r} is not supported"
    try:
        got = adapter(case["input"])
    except NotImplementedError as e:
        return str(e)
    except Exception as e:  # an adapter bug is a failure of this case, not of the runner
        return f"{type(e).__name__}: {e}"
    expected = case["expected"]
    got_cmp = {k: got.get(k) for k in expected}
    unordered = UNORDERED.get(case["kind"], set())
    tolerant = TOLERANCES.get(case["kind"], {})
    # a key ending in _not_equal asserts the result differs from the value given (README_2 "Expected-value variants")
    negated = {k for k in expected if k.endswith("_not_equal")}
    plain = {k for k in expected if k not in negated and k not in tolerant}
    ok = _normal({k: got_cmp[k] for k in plain}, unordered) == _normal({k: expected[k] for k in plain}, unordered)
    ok = ok and all(got_cmp[k] != expected[k] for k in negated)
    ok = ok and all(_close(got_cmp[k], expected[k], tol) for k, tol in tolerant.items() if k in expected)
    if not ok:
        return f"expected {json.dumps(expected)}, got {json.dumps(got_cmp, default=str)}"
    return None


def _close(got: Any, want: Any, rel: float) -> bool:
    """``assert.InEpsilon``: |got - want| <= rel x |want| (so 0 must be exactly 0)."""
    if not isinstance(got, int | float) or not isinstance(want, int | float):
        return bool(got == want)
    return abs(got - want) <= rel * abs(want)


def _normal(values: dict[str, Any], unordered: set[str]) -> dict[str, Any]:
    """The lists under ``unordered`` keys sorted by their items' JSON text."""
    if not unordered:
        return values
    return {k: sorted(v, key=lambda x: json.dumps(x, sort_keys=True)) if k in unordered and isinstance(v, list) else v
            for k, v in values.items()}


def run_cases(cases: list[dict[str, Any]], kinds: list[str] | None = None) -> tuple[int, list[tuple[str, str]]]:
    """(passed, [(case id, reason)]) over the cases whose kind starts with one of ``kinds``."""
    passed, failed = 0, []
    for case in cases:
        if kinds and not any(case["kind"].startswith(k) for k in kinds):
            continue
        why = check_case(case)
        if why is None:
            passed += 1
        else:
            failed.append((case["id"], why))
    return passed, failed


def main(argv: list[str] | None = None) -> int:
    """CLI entry: prints failing cases and ``N passed, M failed``; exit 1 on any failure, 2 on bad input."""
    ap = argparse.ArgumentParser(prog="python -m clustersim.conformance", description=__doc__.split("\n")[0])
    ap.add_argument("cases", type=Path)
    ap.add_argument("--kind", action="append", help="only kinds starting with this prefix (repeatable)")
    args = ap.parse_args(argv)
    try:
        cases = json.loads(args.cases.read_text())["cases"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"error: {args.cases}: cannot read cases: {e}", file=sys.stderr)
        return 2
    if not isinstance(cases, list) or not all(isinstance(c, dict) and isinstance(c.get("kind"), str) for c in cases):
        print(f"error: {args.cases}: cases: expected a list of cases with a kind", file=sys.stderr)
        return 2
    if args.kind and not any(c["kind"].startswith(k) for c in cases for k in args.kind):
        prefixes = sorted({c["kind"].split("_")[0].split(".")[0].split("/")[0] for c in cases})
        print(f"error: {args.cases}: --kind {' '.join(args.kind)}: no case kind starts with it (kinds start with: {', '.join(prefixes)})",
              file=sys.stderr)
        return 2
    passed, failed = run_cases(cases, args.kind)
    for case_id, why in failed:
        print(f"FAIL {case_id}: {why}")
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0
