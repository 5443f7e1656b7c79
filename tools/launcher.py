"""Run the benchmark's commands from a small process of their own, so that a command's peak
memory is its own.

Linux counts a process's peak memory (`ru_maxrss`) from the memory of the process it was forked
from: a build started straight from the bench, which holds the phone photos and the in-process
LED measurements (about 150 MB), was reported at 150 MB even when it used 30. This launcher is
a fresh interpreter holding almost nothing; the bench sends it one command per line (JSON) and
reads back its wall time, peak memory, exit code and the end of its stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time


class Launcher:
    """The bench's side: `run(command, cwd, env)` → (seconds, peak MB, exit code, stderr tail)."""

    def __init__(self):
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tools.launcher"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, cwd=os.path.dirname(os.path.dirname(__file__)),
        )

    def run(self, command: list[str], cwd, env: dict[str, str]) -> tuple[float, int, int, str]:
        """Run one command to its end in the launcher."""
        self._process.stdin.write(json.dumps({"command": command, "cwd": str(cwd), "env": env}) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline())
        return answer["seconds"], answer["peak_kb"] // 1024, answer["code"], answer["stderr"]


def _serve() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        with tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            process = subprocess.Popen(job["command"], cwd=job["cwd"], env=job["env"],
                                       stdout=subprocess.DEVNULL, stderr=errors)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
            errors.seek(0)
            tail = errors.read()[-2000:].decode("utf-8", "replace")
        print(json.dumps({"seconds": seconds, "peak_kb": usage.ru_maxrss,
                          "code": os.waitstatus_to_exitcode(status), "stderr": tail}), flush=True)


if __name__ == "__main__":
    _serve()
