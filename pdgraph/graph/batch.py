"""A batch over worker processes: results in input order, a bounded number of items in flight.

Every step of the work is independent per assessment, so a corpus is spread over one process
per core. `WorkerPool.map` differs from ``multiprocessing.Pool.imap`` in two ways that keep
memory flat at any corpus size:

- the input is read lazily: at most ``window`` items are handed out and not yet collected
  (``imap`` reads the whole input at once, and an input may be one graph's text per item);
- results come back in input order, so whatever the consumer writes is the same for any number
  of workers.

Processes are forked (POSIX) with the job function set beforehand, so it may be a closure and
the workers share what the parent loaded (shapes, compiled patterns) instead of copying it. Fork
the pool before opening an on-disk Oxigraph store in the parent: children must not inherit an
open database. Elsewhere, or with one job, the work runs in this process, in the same order.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_JOB: dict[str, Callable[[Any], Any]] = {}


def default_jobs() -> int:
    """One worker per core (the cores this process may run on)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run(item: Any) -> Any:
    return _JOB["function"](item)


class WorkerPool:
    """``with WorkerPool(function, jobs) as pool: for result in pool.map(items): …``."""

    def __init__(self, function: Callable[[Any], Any], jobs: int | None = None, window: int | None = None):
        self.function = function
        self.jobs = max(1, jobs if jobs is not None else default_jobs())
        self.window = window or 8 * self.jobs
        self._pool = None

    @property
    def parallel(self) -> bool:
        return self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods()

    def __enter__(self) -> WorkerPool:
        if self.parallel:
            _JOB["function"] = self.function
            gc.collect()
            gc.freeze()  # children would otherwise touch (and so copy) every inherited object at their first GC
            try:
                self._pool = multiprocessing.get_context("fork").Pool(self.jobs)
            finally:
                gc.unfreeze()
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            if exc[0] is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None
        _JOB.pop("function", None)

    def map(self, items: Iterable[Any]) -> Iterator[Any]:
        """The function's result for each item, in input order."""
        if self._pool is None:
            yield from (self.function(item) for item in items)
            return
        pending: deque = deque()
        for item in items:
            pending.append(self._pool.apply_async(_run, (item,)))
            if len(pending) >= self.window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
