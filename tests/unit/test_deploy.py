"""`deploy` uploads public/ to a real OpenSSH server with rsync: only changed files, deletions last, dry runs
that change nothing, and no upload at all when the build has errors.

The test starts Debian's sshd on 127.0.0.1 on a free port, with a throwaway host key and user key. It is
skipped (saying why) only when sshd or rsync are missing or sshd cannot start on this machine.
"""
from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import config
from generator.deploy import parse_itemized, rsync_passes
from tests.conftest import MINIMAL_CONFIG, STORY

ROOT = Path(__file__).resolve().parents[2]
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
OTHER = STORY.replace("好人张三", "好人李四").replace("person: 张三", "person: 李四").replace("who: 张三", "who: 李四")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """A private sshd on 127.0.0.1: yields (port, user key, known_hosts file)."""
    if not (os.path.exists(SSHD) and shutil.which("rsync") and shutil.which("ssh-keygen")):
        pytest.skip("没有 sshd、rsync 或 ssh-keygen：make test 会安装 openssh-server 和 rsync")
    work = tmp_path_factory.mktemp("sshd")
    _keygen(work / "host_key")
    _keygen(work / "user_key")
    (work / "authorized_keys").write_text((work / "user_key.pub").read_text())
    os.chmod(work / "authorized_keys", 0o600)
    port = _free_port()
    (work / "sshd_config").write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {work / 'host_key'}",
        f"AuthorizedKeysFile {work / 'authorized_keys'}", f"PidFile {work / 'sshd.pid'}",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
        "PermitRootLogin prohibit-password", f"AllowUsers {getpass.getuser()}", ""]))
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(work / "sshd_config")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for _ in range(100):
        if server.poll() is not None:
            pytest.skip(f"sshd 在这台机器上启动不了：{server.stdout.read().strip()[-300:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    host_key = (work / "host_key.pub").read_text().split()
    (work / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}\n")
    yield port, work / "user_key", work / "known_hosts"
    server.terminate()
    server.wait(timeout=10)


def _site(make_site, sshd, server_dir: Path, files: dict) -> Path:
    port, key, known = sshd
    deploy = (f"deploy:\n  method: rsync\n  target: {getpass.getuser()}@127.0.0.1:{server_dir.as_posix()}/\n"
              f"  port: {port}\n  identity: {key}\n  known_hosts: {known}\n")
    return make_site(files, MINIMAL_CONFIG + deploy)


def _deploy(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "deploy", "--config", str(root / "site_config.yaml"),
                           *extra], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "WENMING_JOBS": "1"})


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # a real sshd and rsync: `make test` runs it, `make test-fast` does not
def test_deploy_uploads_the_site_then_only_what_changed_and_deletes_last(make_site, sshd, tmp_path):
    server = tmp_path / "srv/wenming"
    server.mkdir(parents=True)
    (server / "old-page.html").write_text("旧文件")
    root = _site(make_site, sshd, server, {"content/stories/a.md": STORY, "content/stories/b.md": OTHER})

    dry = _deploy(root, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "演习（没有改动服务器）" in dry.stdout and "删除：old-page.html" in dry.stdout
    assert [p.name for p in server.iterdir()] == ["old-page.html"], "a dry run changes nothing on the server"

    first = _deploy(root)
    assert first.returncode == 0, first.stderr
    public = _tree(root / "public")
    assert _tree(server) == public, "the server holds exactly the built site"
    assert "好人李四" in (server / "stories/b/index.html").read_text(encoding="utf-8")

    again = _deploy(root)
    assert "上传 0 个文件" in again.stdout and "删除 0 个文件" in again.stdout, again.stdout

    (root / "content/stories/b.md").unlink()
    third = _deploy(root)
    assert third.returncode == 0, third.stderr
    assert not (server / "stories/b/index.html").exists()
    assert "stories/b/index.html" in third.stdout.split("删除")[-1] or "删除：stories/b/index.html" in third.stdout
    assert _tree(server) == _tree(root / "public")


def test_a_build_with_errors_is_not_uploaded(make_site, sshd, tmp_path):
    server = tmp_path / "srv/site"
    server.mkdir(parents=True)
    broken = STORY.replace("date: 2023-09-11", "date: 2023-13-45")
    root = _site(make_site, sshd, server, {"content/stories/a.md": broken})
    done = _deploy(root)
    assert done.returncode == 1
    assert "没有上传" in done.stderr and "content/stories/a.md" in done.stderr.replace(str(root) + "/", "")
    assert list(server.iterdir()) == []


def test_rsync_passes_send_first_and_delete_last(make_site):
    root = make_site({}, MINIMAL_CONFIG + "deploy:\n  target: web@10.0.0.8:/srv/wenming/\n  port: 2222\n")
    send, delete = rsync_passes(config.load(root / "site_config.yaml"), root / "public", dry_run=True)
    assert "--delete" not in send and "--delay-updates" in send and "--dry-run" in send
    assert "--delete" in delete and "--existing" in delete and "--ignore-existing" in delete
    assert send[-1] == "web@10.0.0.8:/srv/wenming/" and "-p 2222" in send[send.index("-e") + 1]


def test_itemized_output_is_read_as_files():
    out = "cd+++++++++ stories/\n<f+++++++++ stories/a/index.html\n<f.st...... index.html\n*deleting   old.html\n" \
          "*deleting   gone/\n.d..t...... ./\n"
    result = parse_itemized(out)
    assert result.uploaded == ["stories/a/index.html", "index.html"] and result.deleted == ["old.html"]


def test_a_target_without_its_folder_is_refused(make_site):
    from generator.base.errors import BuildFailed

    root = make_site({}, MINIMAL_CONFIG + "deploy:\n  target: web@10.0.0.8\n")
    with pytest.raises(BuildFailed) as failed:
        config.load(root / "site_config.yaml")
    assert "deploy.target" in failed.value.problems[0].message
