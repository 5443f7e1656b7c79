"""What the history says, for people: `review history` (every revision, what changed between them,
who signed what) and the printable 互联网信息发布审核表 of one article."""

from __future__ import annotations

import difflib
from datetime import datetime
from html import escape
from pathlib import Path

from generator.base import source
from generator.config import SiteConfig
from generator.checks.consent import CHANNEL_NAMES
from generator.checks.review import snapshots
from generator.checks.review.fingerprint import short
from generator.checks.review.records import STAGES, Event
from generator.checks.review.store import Ledger, ReviewStore


def revisions(ledger: Ledger) -> list[str]:
    """The revisions named in a history, in the order they first appear."""
    return list(
        dict.fromkeys(e.revision for e in ledger.events if e.kind != "withdraw" and e.revision)
    )


def snapshot_text(store: ReviewStore, article: str, revision: str) -> str | None:
    """The source text of a kept revision (None when it is not kept)."""
    path = snapshots.folder_of(store.dir, article, revision) / "article.md"
    try:
        return source.read_text(path)[0]
    except Exception:  # noqa: BLE001 - a missing or unreadable snapshot is shown as such
        return None


def char_diff(old: str, new: str, context: int = 12) -> list[str]:
    """The changes from `old` to `new`, character by character: one line per change,
    [-removed-]{+added+}."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        line = old.count("\n", 0, a0) + 1
        before = old[max(0, a0 - context):a0].replace("\n", "⏎")
        after = old[a1:a1 + context].replace("\n", "⏎")
        removed = f"[-{old[a0:a1]}-]".replace("\n", "⏎") if a1 > a0 else ""
        added = f"{{+{new[b0:b1]}+}}".replace("\n", "⏎") if b1 > b0 else ""
        out.append(f"第 {line} 行：…{before}{removed}{added}{after}…")
    return out


def history_text(store: ReviewStore, article: str, cfg: SiteConfig) -> str:
    """The whole history of an article as text: revisions, their signatures and returns, diffs,
    withdrawals."""
    ledger = store.ledger(article)
    out = [f"审核记录：{article}"]
    working = _working_revision(store, article)
    live = ledger.live()
    previous_text = None
    for number, revision in enumerate(revisions(ledger) + ([working] if working and working not in
                                                             revisions(ledger) else []), 1):
        marks = [m for m, yes in (("在线", revision == live), ("当前文件", revision == working)) if yes]
        out.append(f"\n版本 {number}：{short(revision)}{'（' + '、'.join(marks) + '）' if marks else ''}")
        text = (
            snapshot_text(store, article, revision)
            if revision != working or revision in revisions(ledger)
            else _read(store.content_dir / article)
        )
        if previous_text is not None and text is not None:
            changes = char_diff(previous_text, text)
            out += ["  与上一版相比：" + ("无文字改动（图片或其他内容有变）" if not changes else "")]
            out += [f"    {c}" for c in changes[:40]]
        previous_text = text if text is not None else previous_text
        for event in ledger.events:
            if event.revision == revision and event.kind != "withdraw":
                reason = f"，理由：{event.reason}" if event.reason else ""
                out.append(f"  {event.time:%Y-%m-%d %H:%M} {event.label}：{event.signer}{reason}")
        state = ledger.revisions.get(revision)
        if state is None or not state.approvals:
            out.append("  （还没有人签署）")
        elif state.complete_at is None:
            out.append(f"  待签：{'、'.join(s for s in STAGES if s not in state.approvals)}")
    for event in ledger.events:
        if event.kind == "withdraw":
            out.append(
                f"\n{event.time:%Y-%m-%d %H:%M} 撤稿：{event.signer}"
                + (f"，原因：{event.reason}" if event.reason else "")
            )
    for problem in ledger.problems:
        out.append("\n" + problem.format())
    return "\n".join(out)


def _working_revision(store: ReviewStore, article: str) -> str | None:
    try:
        page, _raw = store._working(article)
    except Exception:  # noqa: BLE001 - a deleted or broken working file has no working revision
        return None
    return store.status(page).working


def _read(path: Path) -> str | None:
    try:
        return source.read_text(path)[0]
    except Exception:  # noqa: BLE001
        return None


def sheet_html(store: ReviewStore, article: str, cfg: SiteConfig, now: datetime) -> str:
    """The printable 审核表 of an article's live revision (or its newest signed one) from the verified
    history."""
    ledger = store.ledger(article)
    shown = ledger.live() or (revisions(ledger)[-1] if revisions(ledger) else None)
    page, _problems = snapshots.load(store.dir, article, shown, cfg) if shown else (None, [])
    title = page.title if page else article
    channels = "、".join(CHANNEL_NAMES.get(c, c) for c in page.outputs) if page else ""
    state = ledger.revisions.get(shown) if shown else None
    rows = "".join(
        _stage_row(stage, state.approvals.get(stage) if state else None) for stage in STAGES
    )
    withdrawn = ledger.withdrawn
    status = "已审定，在线" if shown and shown == ledger.live() else ("已撤稿" if withdrawn else "未审定")
    extra = (
        (
            f"<tr><th>撤稿</th><td>{escape(withdrawn.signer)}</td><td>{withdrawn.time:%Y-%m-%d %H:%M}</td>"
            f"<td>{escape(withdrawn.reason)}</td></tr>"
        )
        if withdrawn
        else ""
    )
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>互联网信息发布审核表 · {escape(title)}</title>
<style>body{{font-family:"Noto Serif CJK SC","SimSun",serif;max-width:46em;margin:2em auto;color:#000}}
h1{{text-align:center;font-size:1.5em;letter-spacing:.2em}}table{{width:100%;border-collapse:collapse}}
th,td{{border:1px solid #000;padding:.5em;text-align:left;vertical-align:top}}th{{width:7em}}
.fp{{font-family:monospace;font-size:.8em;word-break:break-all}}footer{{margin-top:1em;font-size:.8em}}</style>
</head><body><h1>互联网信息发布审核表</h1>
<table><tr><th>标题</th><td colspan="3">{escape(title)}</td></tr>
<tr><th>文件</th><td colspan="3">content/{escape(article)}</td></tr>
<tr><th>发布渠道</th><td colspan="3">{escape(channels)}</td></tr>
<tr><th>版本指纹</th><td colspan="3" class="fp">{escape(shown or '（无人签署）')}</td></tr>
<tr><th>状态</th><td colspan="3">{status}</td></tr>
<tr><th>环节</th><th>签署人</th><th>时间</th><th>意见</th></tr>
{rows}{extra}</table>
<footer>本表由审核记录（content/_review/）生成，每个签名都已用本人公钥核验。生成时间：{now:%Y-%m-%d %H:%M}</footer>
</body></html>
"""


def _stage_row(stage: str, event: Event | None) -> str:
    if event is None:
        return f"<tr><th>{stage}</th><td></td><td></td><td>未签</td></tr>"
    return (
        f"<tr><th>{stage}</th><td>{escape(event.signer)}</td><td>{event.time:%Y-%m-%d %H:%M}</td>"
        f"<td>同意（已核验签名）</td></tr>"
    )
