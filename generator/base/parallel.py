"""Spread independent work over the machine's cores, keeping results in input order.

Works with every start method: each task carries its function and its own slice of the items, so
nothing relies on a worker inheriting the parent's memory (Windows and macOS start workers with
`spawn`). WENMING_START_METHOD chooses the method (`spawn`, `forkserver`, `fork`); where worker
processes cannot be started at all the work is done in this process, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
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
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


def alone() -> bool:
    """True when this process runs one thread only, so a forked worker inherits no lock another
    thread holds and nothing another thread uses can be taken away (the CLI's builds; not the
    preview server's or the 编审台's rebuilds)."""
    return threading.active_count() == 1


def start_context(environ: dict | None = None):
    """The multiprocessing context to start workers with, or None when this platform cannot start
    any.

    WENMING_START_METHOD picks one (to test a spawn-only build on Linux); otherwise the platform's
    default.
    """
    environ = os.environ if environ is None else environ
    wanted = environ.get("WENMING_START_METHOD") or None
    try:
        return multiprocessing.get_context(wanted)
    except (ValueError, OSError, NotImplementedError):
        return None


def map_chunks(
    func: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int | None = None
) -> list[R]:
    """Apply `func` to chunks of `items` (in worker processes when worth it) and concatenate the
    results in order.

    `func` takes a whole chunk so each worker can set up expensive helpers (a Markdown converter)
    once per chunk. It must be picklable (a module-level function or a method of a small frozen
    dataclass).
    """
    return list(imap_chunks(func, items, jobs))


def imap_chunks(func: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int | None = None,
                chunk: int | None = None) -> Iterator[R]:
    """Like map_chunks, yielding results in order as their chunks finish, so the caller can use (and
    drop) them while the workers go on; at most two chunks per worker are on their way, which bounds
    the memory that items in transit and finished results take (`chunk` items each; default: a few
    chunks per worker).
    """
    jobs = workers() if jobs is None else jobs
    context = start_context() if jobs >= 2 and len(items) >= MIN_ITEMS else None
    if context is None:
        yield from func(items)
        return
    size = chunk or -(-len(items) // (jobs * 4))  # a few chunks per worker even out slow pages
    bounds = iter(range(0, len(items), size))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        def submit(start: int):
            return pool.submit(_run_chunk, func, items[start:start + size])

        pending = deque(submit(start) for start in islice(bounds, 2 * jobs))
        while pending:
            results = pending.popleft().result()
            following = next(bounds, None)
            if following is not None:
                pending.append(submit(following))
            yield from results


def _run_chunk(func: Callable[[Sequence[T]], list[R]], chunk: Sequence[T]) -> list[R]:
    """What a worker runs: the function on its slice (a module-level function, so every start method
    can call it)."""
    return func(chunk)


class Beside:
    """One call running in a worker process beside this one (see `beside`); `result()` waits for its
    value or raises its exception, `stop()` ends it unfinished."""

    def __init__(self, func: Callable[..., R], args: tuple, context) -> None:
        self._func, self._args = func, args
        self._process = None
        if context is not None:
            receiving, sending = context.Pipe(duplex=False)
            self._process = context.Process(target=_run_beside, args=(sending, func, args),
                                            daemon=True)
            self._process.start()
            sending.close()  # the child holds the only sending end: its death ends recv()
            self._receiving = receiving

    def result(self) -> R:
        """The call's value, from the worker, or worked out here when no worker runs or the worker
        died without an answer (killed, out of memory)."""
        if self._process is None:
            return self._func(*self._args)
        try:
            ok, value = self._receiving.recv()
        except EOFError:
            ok, value = True, self._func(*self._args)
        finally:
            self._receiving.close()
            self._process.join()
            self._process = None
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """End the worker without waiting for its value (the build stopped)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._receiving.close()
            self._process = None


def beside(func: Callable[..., R], *args, jobs: int) -> Beside:
    """Start `func(*args)` in a worker process, so that this process can go on with other work,
    when `jobs` ≥ 2 and no other thread runs (see alone); else it runs here when its result is
    asked for. `func` and `args` are pickled under `spawn`, as in map_chunks."""
    context = start_context() if jobs >= 2 and alone() else None
    return Beside(func, args, context)


def _run_beside(sending, func: Callable[..., R], args: tuple) -> None:
    """What a Beside worker runs: the call, its value or exception sent back once."""
    try:
        answer = (True, func(*args))
    except BaseException as exc:  # noqa: BLE001 - the parent raises it
        answer = (False, _portable(exc))
    try:
        sending.send(answer)
    except Exception as exc:  # a value that does not pickle
        sending.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    sending.close()


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when the parent can unpickle it, else a RuntimeError naming it: an
    exception whose __init__ takes other arguments than its args pickles but does not unpickle,
    and the parent would fail on it instead of reporting it."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any failure means it cannot cross
        return RuntimeError(f"{type(exc).__name__}: {exc}")
