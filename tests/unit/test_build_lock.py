"""One build at a time: a second build waits for the first, or says in Chinese that another build is running;
the preview server takes the same lock."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from generator.build import lock as lock_module
from generator.build.lock import BuildLock, lock_path
from generator.cli import main
from tests.conftest import STORY

ROOT = Path(__file__).resolve().parents[2]
HOLD = "import sys, time; from pathlib import Path; from generator.build.lock import BuildLock\n" \
       "with BuildLock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(float(sys.argv[2]))\n"


def _hold(path: Path, seconds: float) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_second_build_gives_up_with_a_chinese_message(make_site, capsys, monkeypatch):
    root = make_site({"content/stories/a.md": STORY})
    monkeypatch.setattr(lock_module, "WAIT_SECONDS", 0.3)
    child = _hold(lock_path(root), 30)
    try:
        code = main(["build", "--config", str(root / "site_config.yaml")])
    finally:
        child.kill()
        child.wait()
    said = capsys.readouterr().err
    assert code == 1 and f"另一个构建正在运行（进程 {child.pid}）" in said
    assert "输出文件夹" in said and "没有创建" in said and not (root / "public").exists()


def test_a_second_build_waits_for_the_first(make_site, capsys):
    root = make_site({"content/stories/a.md": STORY})
    child = _hold(lock_path(root), 1.0)
    code = main(["build", "--config", str(root / "site_config.yaml")])
    child.wait()
    said = capsys.readouterr()
    assert code == 0 and "等它结束后再开始" in said.err and "完成" in said.out


def test_the_lock_is_free_again_when_its_holder_is_killed(tmp_path):
    child = _hold(tmp_path / "build.lock", 60)
    child.kill()
    child.wait()
    with BuildLock(tmp_path / "build.lock", wait=0):
        pass


def test_the_preview_waits_for_a_running_build(make_site):
    from generator.cli import options_for
    from generator.serve import Preview

    root = make_site({"content/stories/a.md": STORY})
    args = type("Args", (), {"content": None, "no_cache": False})()
    preview = Preview(root / "site_config.yaml", lambda c, now: options_for(args, c, True, now=now))
    with BuildLock(lock_path(root)):
        worker = threading.Thread(target=preview.rebuild)
        worker.start()
        time.sleep(0.5)
        assert worker.is_alive() and not (root / ".preview").exists(), "the preview must wait"
    worker.join(60)
    assert (root / ".preview/index.html").is_file() and preview.problems == []
