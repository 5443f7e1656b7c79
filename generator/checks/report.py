"""The text `make check` prints: what waits for which stage, every finding, and each channel's freshness."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import SiteConfig
from generator.model.content import Site
from generator.base.dates import chinese_date
from generator.base.errors import SiteError
from generator.checks.review import STAGES, signer

if TYPE_CHECKING:  # only for the type hint; the package imports this module
    from generator.checks import CheckResult


def pending_report(site: Site, cfg: SiteConfig, result: "CheckResult", *, today: date) -> str:
    """The full check report as one string (the CLI prints it)."""
    parts = [f"发布检查（{chinese_date(today)}）", "", *_review_section(site, result), "",
             *_problem_section(cfg, result.problems), "", "更新情况", *(f"  {f.text}" for f in result.freshness)]
    return "\n".join(parts) + "\n"


def _review_section(site: Site, result: "CheckResult") -> list[str]:
    statuses = result.statuses
    done = sum(1 for s in statuses.values() if s.complete)
    out = [f"三审三校：共 {len(statuses)} 篇，已审定 {done} 篇，待审 {len(statuses) - done} 篇"]
    for stage in STAGES:
        # Each page is listed once, under the first stage it still needs, in workflow order.
        waiting = [s for s in statuses.values() if not s.stale and s.missing and s.missing[0] == stage]
        if waiting:
            out.append(f"  待{stage}（{len(waiting)} 篇）：")
            out += [f"    {s.source}《{s.title}》" for s in sorted(waiting, key=lambda s: s.source)]
    stale = sorted((s for s in statuses.values() if s.stale), key=lambda s: s.source)
    if stale:
        out.append(f"  审后又修改、需要重新审核（{len(stale)} 篇）：")
        for status in stale:
            latest = status.latest_stale()
            out.append(f"    {status.source}《{status.title}》：{signer(latest, status.stages[latest])}之后有改动，"
                       f"需重签 {'、'.join(status.waiting_for)}")
    if done == len(statuses):
        out.append("  全部内容都已审定。")
    return out


def _problem_section(cfg: SiteConfig, problems: list[SiteError]) -> list[str]:
    errors = [p for p in problems if p.is_error]
    if not problems:
        return ["没有发现问题：个人信息、敏感信息、同意书、占位和残留、用词、标点和公众号限制都检查过了。"]
    out = [f"发现的问题：错误 {len(errors)} 个（会阻止发布），警告 {len(problems) - len(errors)} 个"]
    for problem in sorted(problems, key=SiteError.sort_key):
        shown = problem.format().replace(problem.path, _relative(cfg, problem.path), 1)
        out += ["  " + line for line in shown.split("\n")]
    return out


def _relative(cfg: SiteConfig, path: str) -> str:
    """Paths from the project folder, which is what staff see in their file manager."""
    try:
        return Path(path).resolve().relative_to(cfg.root.resolve()).as_posix()
    except ValueError:
        return path
