"""Upload the built website (public/) to the web server with rsync over ssh, changed files only.

Two passes keep the live site whole while it changes: the first sends new and changed files and puts
them all in place at its end (--delay-updates), the second only deletes what the build no longer
has. A page is never removed before the pages that stop linking to it are replaced, and a new page
is there before any page links to it. Files are compared by content (--checksum), so a rebuild that
made the same bytes sends nothing.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from generator.config import SiteConfig


@dataclass
class DeployResult:
    """What rsync sent and deleted (or would have, in a dry run)."""

    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


class DeployProblem(Exception):
    """A deploy that cannot run or failed, with a Chinese message for the staff."""


def ssh_command(cfg: SiteConfig) -> list[str]:
    """The ssh command rsync logs in with: batch mode (never a password prompt), the configured port
    and keys."""
    settings = cfg.deploy
    command = ["ssh", "-o", "BatchMode=yes"]
    if settings.port:
        command += ["-p", str(settings.port)]
    if settings.identity:
        command += ["-i", str(cfg.resolve(settings.identity)), "-o", "IdentitiesOnly=yes"]
    if settings.known_hosts:
        command += [
            "-o",
            f"UserKnownHostsFile={cfg.resolve(settings.known_hosts)}",
            "-o",
            "StrictHostKeyChecking=yes",
        ]
    return command


def rsync_passes(cfg: SiteConfig, site_dir: Path, dry_run: bool) -> list[list[str]]:
    """The two rsync commands: send new and changed files, then delete what the site no longer has.
    """
    common = [
        "rsync",
        "--recursive",
        "--links",
        "--times",
        "--checksum",
        "--compress",
        "--itemize-changes",
        "--chmod=D755,F644",
        "-e",
        shlex.join(ssh_command(cfg)),
    ] + (["--dry-run"] if dry_run else [])
    source = site_dir.as_posix().rstrip("/") + "/"
    send = common + ["--delay-updates", source, cfg.deploy.target]
    delete = common + ["--delete", "--existing", "--ignore-existing", source, cfg.deploy.target]
    return [send, delete]


def parse_itemized(output: str) -> DeployResult:
    """The files an rsync --itemize-changes run sent and deleted (folders are left out)."""
    result = DeployResult()
    for line in output.splitlines():
        if line.startswith("*deleting"):
            name = line.split(None, 1)[1].strip()
            if not name.endswith("/"):
                result.deleted.append(name)
        elif len(line) > 12 and line[0] in "<>c" and line[1] == "f":
            result.uploaded.append(line[12:].strip())
    return result


def deploy(cfg: SiteConfig, site_dir: Path, dry_run: bool = False,
           run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> DeployResult:
    """Upload `site_dir` to the configured target; raise DeployProblem (in Chinese) when it cannot.
    """
    if not cfg.deploy.target:
        raise DeployProblem("site_config.yaml 里还没有写上传到哪里：加上\n"
                            "deploy:\n  method: rsync\n  target: 用户名@服务器:/srv/wenming/")
    if not (site_dir / "index.html").is_file():
        raise DeployProblem(f"{site_dir} 里没有网站首页：先运行 make build 生成网站。")
    for tool in ("rsync", "ssh"):
        if shutil.which(tool) is None:
            raise DeployProblem(
                f"没有找到 {tool}：请安装 rsync 和 openssh-client（sudo apt-get install rsync openssh-client）"
                f"。"
            )
    result = DeployResult()
    for command in rsync_passes(cfg, site_dir, dry_run):
        done = run(command, capture_output=True, text=True, encoding="utf-8", errors="replace")
        if done.returncode != 0:
            raise DeployProblem(
                f"上传到 {cfg.deploy.target} 失败（rsync 返回 {done.returncode}），服务器上的网站"
                f"没有被删改到一半：第一步只加文件，第二步才删旧文件。\nrsync 的说明：{done.stderr.strip()[-600:]}"
            )
        step = parse_itemized(done.stdout)
        result.uploaded += step.uploaded
        result.deleted += step.deleted
    return result


def summary(result: DeployResult, target: str, dry_run: bool, shown: int = 20) -> str:
    """A Chinese report of a deploy, listing at most `shown` files of each kind."""
    verb = "会" if dry_run else "已"
    lines = [f"{'演习（没有改动服务器）' if dry_run else '上传完成'}：{verb}上传 {len(result.uploaded)} 个文件，"
             f"{verb}删除 {len(result.deleted)} 个文件 → {target}"]
    for label, names in (("上传", result.uploaded), ("删除", result.deleted)):
        lines += [f"  {label}：{name}" for name in names[:shown]]
        if len(names) > shown:
            lines.append(f"  ……另有 {len(names) - shown} 个文件{label}")
    return "\n".join(lines)
