"""Quantities parse as Kubernetes' resource.Quantity does (table-driven, like quantity_test.go)."""

from __future__ import annotations

import pytest

from clustersim.api.quantity import QuantityError, cpu_millis, to_int_value


@pytest.mark.parametrize(("text", "millis"), [
    ("250m", 250), ("1.5", 1500), ("1", 1000), (2, 2000), ("0.1m", 1), ("100u", 1), ("1e3", 1_000_000),
    ("1k", 1_000_000), ("0", 0), (".5", 500), ("1E-3", 1), (0.25, 250),
])
def test_cpu_to_millicores(text: str | int | float, millis: int) -> None:
    assert cpu_millis(text) == millis


@pytest.mark.parametrize(("text", "value"), [
    ("2Gi", 2 * 2**30), ("1G", 10**9), ("128974848", 128974848), ("129e6", 129_000_000), ("123Mi", 123 * 2**20),
    ("1.5Ki", 1536), ("1.5", 2), ("1Ei", 2**60), ("1M", 10**6), ("1m", 1), (5, 5),
])
def test_memory_to_bytes_rounds_up(text: str | int, value: int) -> None:
    assert to_int_value(text) == value


@pytest.mark.parametrize("bad", ["", "abc", "1.2.3", "1Gb", "Gi", "1 Gi", "--1", "1e", "1ki", "0x10", True, float("inf")])
def test_malformed_quantities_rejected(bad: object) -> None:
    with pytest.raises(QuantityError):
        cpu_millis(bad)  # type: ignore[arg-type]
