"""Spread independent work over the machine's cores, keeping results in input order."""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS = 48  # below this, starting worker processes costs more than it saves


def workers() -> int:
    """How many processes to use: the cores this process may run on (WENMING_JOBS overrides)."""
    wanted = os.environ.get("WENMING_JOBS")
    if wanted and wanted.isdigit():
        return max(1, int(wanted))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def map_chunks(func: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int | None = None) -> list[R]:
    """Apply `func` to chunks of `items` (in worker processes when worth it) and concatenate the results in order.

    `func` takes a whole chunk so each worker can set up expensive helpers (a Markdown converter) once per chunk.
    """
    return list(imap_chunks(func, items, jobs))


def imap_chunks(func: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int | None = None,
                chunk: int | None = None) -> Iterator[R]:
    """Like map_chunks, yielding results in order as their chunks finish, so the caller can use (and drop) them
    while the workers go on; at most two chunks per worker are ahead of the caller, which bounds the memory
    that finished results take (`chunk` items each; default: a few chunks per worker)."""
    global _WORK
    jobs = workers() if jobs is None else jobs
    if jobs < 2 or len(items) < MIN_ITEMS or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        yield from func(items)
        return
    size = chunk or -(-len(items) // (jobs * 4))  # a few chunks per worker even out slow pages
    bounds = iter([(start, start + size) for start in range(0, len(items), size)])
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        # Forked workers inherit the function and the items: only chunk bounds travel to them, results come back.
        # Sending the items themselves would pickle every page once more (about 100 MB at 10,000 pages). With the
        # fork start method all workers are started at the first submit, so _WORK is needed only until then.
        previous, _WORK = _WORK, (func, items)
        try:
            pending = deque(pool.submit(_run_chunk, b) for b in islice(bounds, 2 * jobs))
        finally:
            _WORK = previous
        while pending:
            results = pending.popleft().result()
            following = next(bounds, None)
            if following is not None:
                pending.append(pool.submit(_run_chunk, following))
            yield from results


_WORK: tuple[Callable, Sequence] | None = None  # what the forked workers of the running imap_chunks work on


def _run_chunk(bounds: tuple[int, int]) -> list:
    func, items = _WORK
    return func(items[bounds[0]:bounds[1]])
