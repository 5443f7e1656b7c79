"""Parallel maps work with every start method (Windows has only `spawn`) and without processes at all."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.base import parallel
from tests.conftest import MINIMAL_CONFIG

ROOT = Path(__file__).resolve().parents[2]


def _square_all(chunk):
    return [(n * n, os.getpid()) for n in chunk]


def test_spawn_keeps_results_in_order_and_uses_workers(monkeypatch):
    monkeypatch.setenv("WENMING_START_METHOD", "spawn")
    items = list(range(200))
    results = parallel.map_chunks(_square_all, items, jobs=2)
    assert [square for square, _ in results] == [n * n for n in items]
    assert {pid for _, pid in results} - {os.getpid()}, "the chunks ran in worker processes"


def test_bounded_results_arrive_in_order_chunk_by_chunk(monkeypatch):
    monkeypatch.setenv("WENMING_START_METHOD", "spawn")
    made = parallel.imap_chunks(_square_all, list(range(100)), jobs=2, chunk=7)
    assert [square for square, _ in made] == [n * n for n in range(100)]


def test_a_platform_without_fork_still_builds_in_process(monkeypatch):
    """As on Windows: asking for `fork` (or any method) fails; the work is done here, in order."""
    def refuse(method=None):
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", refuse)
    results = parallel.map_chunks(_square_all, list(range(100)), jobs=4)
    assert [square for square, _ in results] == [n * n for n in range(100)]
    assert {pid for _, pid in results} == {os.getpid()}


def test_the_module_keeps_no_global_work():
    assert not hasattr(parallel, "_WORK")


def _site(root: Path, count: int) -> Path:
    from tools.corpus import write_corpus

    root.mkdir(parents=True)
    (root / "site_config.yaml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    write_corpus(root, count)
    return root


@pytest.mark.slow  # a whole build in child processes: `make test` runs it, `make test-fast` does not
@pytest.mark.parametrize("method", ["spawn"])
def test_a_spawn_only_build_of_many_pages_matches_one_in_process(tmp_path, method):
    """The command line with WENMING_START_METHOD=spawn (what Windows does) builds 60 pages like one process."""
    root = _site(tmp_path / "site", 60)
    outputs = {}
    for name, env in (("spawn", {"WENMING_START_METHOD": method, "WENMING_JOBS": "2"}), ("one", {"WENMING_JOBS": "1"})):
        out = tmp_path / name
        done = subprocess.run([sys.executable, "-m", "generator", "build", "--config", str(root / "site_config.yaml"),
                               "--out", str(out), "--no-cache", "--build-time", "2026-06-01T08:00"],
                              cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "内部错误" not in done.stderr
        outputs[name] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert len(outputs["spawn"]) > 60
    assert outputs["spawn"].keys() == outputs["one"].keys()
    different = [rel for rel in outputs["one"] if outputs["spawn"][rel] != outputs["one"][rel]]
    assert different == []


_PREVIEW_BUILD = """
import sys, threading
from pathlib import Path
from generator import config
from generator.base import parallel
from generator.base.dates import parse_datetime
from generator.build.options import BuildOptions
from generator.build.pipeline import build

asked = []
parallel.start_context = lambda environ=None: asked.append(1)  # None: the chunks run here
if sys.argv[2] == "threaded":  # as in the preview server, whose watcher thread runs beside a rebuild
    threading.Thread(target=threading.Event().wait, daemon=True).start()
root = Path(sys.argv[1])
build(config.load(root / "site_config.yaml"),
      BuildOptions(root / "content", root / ".preview", Path("templates"),
                   parse_datetime("2026-06-01T08:00"), preview=True, jobs=2))
print(len(asked))
"""


@pytest.mark.parametrize("process, wanted", [("alone", True), ("threaded", False)])
def test_a_preview_uses_workers_only_while_no_other_thread_runs(tmp_path, process, wanted):
    """`build --preview` and the preview server's first build use every core; a rebuild beside
    the server's threads never forks."""
    root = _site(tmp_path / "site", 60)
    done = subprocess.run([sys.executable, "-c", _PREVIEW_BUILD, str(root), process], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (int(done.stdout.split()[-1]) > 0) == wanted


@pytest.fixture
def worker_allowed(monkeypatch):
    """Other tests in this process may leave a thread running (a server's); these tests are about
    the worker, so it is allowed to start (the threaded case is tested on its own below)."""
    monkeypatch.setattr(parallel, "alone", lambda: True)


def _pid_and_sum(*numbers):
    return os.getpid(), sum(numbers)


def _refuse(word):
    raise ValueError(f"不收 {word}")


class _TwoPartError(Exception):
    def __init__(self, text, size):  # pickles, but unpickles only with both arguments
        super().__init__(text)
        self.size = size


def _refuse_in_two_parts():
    raise _TwoPartError("太宽", 12)


def _sleep_then_die():
    time.sleep(0.2)
    os._exit(9)  # as when the worker is killed or runs out of memory: no answer comes


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_a_call_beside_runs_in_a_worker_and_returns_its_value(worker_allowed, monkeypatch, method):
    monkeypatch.setenv("WENMING_START_METHOD", method)
    pid, total = parallel.beside(_pid_and_sum, 1, 2, 3, jobs=2).result()
    assert total == 6 and pid != os.getpid()


def test_a_call_beside_raises_the_workers_exception_here(worker_allowed, monkeypatch):
    monkeypatch.setenv("WENMING_START_METHOD", "spawn")
    call = parallel.beside(_refuse, "假名", jobs=2)
    with pytest.raises(ValueError, match="不收 假名"):
        call.result()


def test_an_exception_that_cannot_cross_arrives_as_a_runtime_error(worker_allowed, monkeypatch):
    monkeypatch.setenv("WENMING_START_METHOD", "spawn")
    with pytest.raises(RuntimeError, match="_TwoPartError: 太宽"):
        parallel.beside(_refuse_in_two_parts, jobs=2).result()


def test_a_worker_that_dies_without_answering_is_redone_here(worker_allowed, monkeypatch):
    monkeypatch.setenv("WENMING_START_METHOD", "fork")
    call = parallel.beside(_sleep_then_die, jobs=2)
    monkeypatch.setattr(parallel.os, "_exit", lambda code: None)  # (here, the redone call returns)
    assert call.result() is None


@pytest.mark.parametrize("jobs, threaded", [(1, False), (2, True)])
def test_a_call_beside_runs_here_with_one_job_or_beside_other_threads(jobs, threaded):
    waiting = threading.Event()
    other = threading.Thread(target=waiting.wait, daemon=True)
    if threaded:
        other.start()
    try:
        pid, total = parallel.beside(_pid_and_sum, 4, 5, jobs=jobs).result()
    finally:
        waiting.set()
        if threaded:
            other.join()  # the tests after this one run alone again
    assert (pid, total) == (os.getpid(), 9)


def test_stopping_a_call_beside_ends_its_worker(worker_allowed, monkeypatch):
    monkeypatch.setenv("WENMING_START_METHOD", "fork")
    call = parallel.beside(time.sleep, 30, jobs=2)
    process = call._process
    assert process is not None and process.is_alive()
    call.stop()
    assert not process.is_alive()
