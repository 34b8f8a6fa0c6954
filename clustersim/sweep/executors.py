"""Where runs execute: in this process, on a local process pool, or on a Dask distributed cluster.

Every executor takes picklable tasks and yields results as they finish; a run's result depends only
on its config and seed, so it is the same whatever executor and number of workers ran it.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

__all__ = ["DaskExecutor", "Executor", "InlineExecutor", "ProcessExecutor", "make_executor"]


class Executor(Protocol):
    """Runs ``fn`` over tasks and yields results in completion order."""

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        """Submit every task; yield each result as it is ready."""
        ...

    def close(self) -> None:
        """Cancel what has not started and release the workers."""
        ...


class InlineExecutor:
    """One run after another in this process (workers=1)."""

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        for task in tasks:
            yield fn(task)

    def close(self) -> None:
        pass


PARENT_POLL_S = 0.5


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: end this worker when the sweep that started it is gone.

    A SIGKILLed sweep cannot shut its pool down; its workers would wait on the task queue for ever.
    A worker whose parent dies is re-parented, so ``getppid()`` changes: the watch thread then ends
    the process (``os._exit``: no cleanup of the dead parent's resources is due). Portable, unlike
    Linux's PR_SET_PDEATHSIG, which also fires when the thread that forked the worker ends.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class ProcessExecutor:
    """A local process pool; at most ``workers`` runs at once; workers end with the sweep, even a killed one."""

    def __init__(self, workers: int) -> None:
        self.pool = cf.ProcessPoolExecutor(max_workers=workers, initializer=_exit_with_parent, initargs=(os.getpid(),))

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        futures = [self.pool.submit(fn, t) for t in tasks]
        for fut in cf.as_completed(futures):
            yield fut.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """A Dask distributed cluster at ``address``, or a LocalCluster of ``workers`` processes."""

    def __init__(self, workers: int, address: str | None = None) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise RuntimeError("the dask executor needs dask[distributed]: pip install 'clustersim[dask]'") from None
        self.cluster = None
        if address:
            self.client = Client(address)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, host="127.0.0.1")
            self.client = Client(self.cluster)

    def map_unordered(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        from dask.distributed import as_completed

        tasks = list(tasks)
        if not tasks:
            return
        futures = self.client.map(fn, tasks, pure=False)
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str, workers: int, address: str | None = None) -> Executor:
    """``local`` (inline when workers is 1) or ``dask``."""
    if kind == "dask":
        return DaskExecutor(workers, address)
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r} (local or dask)")
    if address:
        raise ValueError("--scheduler-address is for the dask executor")
    return InlineExecutor() if workers <= 1 else ProcessExecutor(workers)
