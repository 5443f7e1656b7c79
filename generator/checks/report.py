"""The text `make check` prints: what waits for which stage, every finding, and each channel's
freshness."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import SiteConfig
from generator.model.content import Site
from generator.base.dates import chinese_date
from generator.base.errors import SiteError
from generator.checks.review import short

if TYPE_CHECKING:  # only for the type hint; the package imports this module
    from generator.checks import CheckResult


def pending_report(site: Site, cfg: SiteConfig, result: "CheckResult", *, today: date) -> str:
    """The full check report as one string (the CLI prints it)."""
    parts = [
        f"发布检查（{chinese_date(today)}）",
        "",
        *_review_section(site, result),
        "",
        *_problem_section(cfg, result.problems),
        "",
        "更新情况",
        *(f"  {f.text}" for f in result.freshness),
    ]
    return "\n".join(parts) + "\n"


def _review_section(site: Site, result: "CheckResult") -> list[str]:
    statuses = result.statuses
    if not statuses:
        return ["三审三校：本站没有启用审核（publish.require_review: false）"]
    done = sum(1 for s in statuses.values() if s.complete)
    out = [f"三审三校：共 {len(statuses)} 篇，已审定 {done} 篇，待审 {len(statuses) - done} 篇"]
    for status in sorted(statuses.values(), key=lambda s: s.article):
        if status.complete:
            continue
        out.append(f"  {status.article}《{status.title}》")
        out.append(f"    在线版本：{short(status.live) if status.live else '无（未发布）'}"
                   f"　当前版本：{short(status.working)}　{status.status_text()}")
        if status.signed:
            out.append("    已签：" + "、".join(f"{s}（{e.signer}，{chinese_date(e.time.date())}）"
                                            for s, e in status.signed.items()))
        if status.next_stage and not status.returned:
            out.append(
                f"    等待：{status.next_stage}（{'、'.join(_entitled(result, status.next_stage)) or '名单上无人可签'}）"
            )
        for event in status.returned:
            out.append(f"    退回：{event.signer}在{event.stage}退回，理由：{event.reason}")
    if done == len(statuses):
        out.append("  全部内容都已审定。")
    return out


def _entitled(result: "CheckResult", stage: str) -> list[str]:
    return [p.name for p in result.people if stage in p.stages]


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
