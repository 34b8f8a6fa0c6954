"""The simulation environment: SimPy's clock and event heap, plus seeded random streams."""

from __future__ import annotations

import zlib

import numpy as np
import simpy

__all__ = ["ClusterEnv", "RandomStream"]

_BLOCK = 4096


class RandomStream:
    """Draws from one numpy Generator, fetched in blocks: a numpy call costs microseconds, a draw here does not.

    The sequence depends only on the generator's seed and the order of calls, so runs stay reproducible.
    """

    __slots__ = ("gen", "_buf", "_i")

    def __init__(self, gen: np.random.Generator) -> None:
        self.gen = gen
        self._buf: list[float] = []
        self._i = 0

    def random(self) -> float:
        """A uniform draw in [0, 1)."""
        if self._i >= len(self._buf):
            self._buf = self.gen.random(_BLOCK).tolist()
            self._i = 0
        u = self._buf[self._i]
        self._i += 1
        return u

    def integers(self, n: int) -> int:
        """A uniform integer in [0, n) (``random`` inline: the scheduler breaks ties with this)."""
        i = self._i
        if i >= len(self._buf):
            self._buf = self.gen.random(_BLOCK).tolist()
            i = 0
        self._i = i + 1
        k = int(self._buf[i] * n)
        return k if k < n else n - 1

    def exponential(self, scale: float) -> float:
        """An exponential draw with mean ``scale``."""
        return -scale * float(np.log1p(-self.random()))


class ClusterEnv(simpy.Environment):
    """A ``simpy.Environment`` that owns the run's randomness.

    Each component asks for its own named stream; streams are derived from one ``SeedSequence`` and
    the stream name, so adding a fault does not change the arrival stream of a workload.
    """

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}
        self._fast: dict[str, RandomStream] = {}

    def rng(self, name: str) -> np.random.Generator:
        """The random stream for component ``name`` (created once, then reused)."""
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(self.seed, spawn_key=(zlib.crc32(name.encode()),))
            gen = self._streams[name] = np.random.default_rng(seq)
        return gen

    def stream(self, name: str) -> RandomStream:
        """A buffered stream over the generator of ``name`` (for draws in hot paths)."""
        st = self._fast.get(name)
        if st is None:
            st = self._fast[name] = RandomStream(self.rng(f"{name}#stream"))
        return st

    @property
    def events_scheduled(self) -> int:
        """SimPy events scheduled so far (SimPy 4's event-id counter; costs nothing to read)."""
        return int(next(self._eid))  # type: ignore[attr-defined]
