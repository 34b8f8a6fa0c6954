"""The simulation environment: SimPy's clock and event heap, plus seeded random streams."""

from __future__ import annotations

import zlib

import numpy as np
import simpy

__all__ = ["ClusterEnv"]


class ClusterEnv(simpy.Environment):
    """A ``simpy.Environment`` that owns the run's randomness.

    Each component asks for its own named stream; streams are derived from one ``SeedSequence`` and
    the stream name, so adding a fault does not change the arrival stream of a workload.
    """

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def rng(self, name: str) -> np.random.Generator:
        """The random stream for component ``name`` (created once, then reused)."""
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(self.seed, spawn_key=(zlib.crc32(name.encode()),))
            gen = self._streams[name] = np.random.default_rng(seq)
        return gen

    @property
    def events_scheduled(self) -> int:
        """SimPy events scheduled so far (SimPy 4's event-id counter; costs nothing to read)."""
        return int(next(self._eid))  # type: ignore[attr-defined]
