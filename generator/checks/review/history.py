"""One article's history: an append-only journal of signed events (approve, return, withdraw), read
and checked against the roster: every line must chain to the one before, name this article and carry
its signer's signature.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from generator.base.errors import SiteError, error
from generator.checks.review import journal, keys
from generator.checks.review.records import Event, article_id, canonical, parse_time, utc
from generator.checks.review.roster import Roster

FOLDER = "history"
KINDS = ("approve", "return", "withdraw")
CLOCK_SKEW = timedelta(minutes=10)


def path_of(review_dir: Path, article: str) -> Path:
    """The history file of an article."""
    return review_dir / FOLDER / f"{article_id(article)}.jsonl"


def articles(review_dir: Path) -> list[str]:
    """Every article that has a history file, sorted."""
    from generator.checks.review.records import source_of

    folder = review_dir / FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        source_of(p.name[: -len(".jsonl")]) for p in folder.iterdir() if p.name.endswith(".jsonl")
    )


def read(
    review_dir: Path, article: str, roster: Roster, now: datetime
) -> tuple[list[Event], list[SiteError]]:
    """The events of an article whose signature verifies, oldest first, and a problem for every
    other line."""
    path = path_of(review_dir, article)
    events, problems, last = [], [], None
    for line in journal.read(path):
        event, why = _verify(line, article, roster, path)
        if event is not None and utc(event.time) > utc(now) + CLOCK_SKEW:
            event, why = None, f"时间 {event.time:%Y-%m-%d %H:%M} 还没到"
        if event is not None and last is not None and utc(event.time) < utc(last):
            event, why = None, "时间早于前一条记录"
        if event is None:
            code = "review.future" if why.endswith("还没到") else "review.forged"
            problems.append(error(path, line.number, f"审核记录无效（{why}），已忽略：《{article}》",
                                  "审核记录只能用 review 命令写入；请核对这一行是谁改的。", code=code))
            continue
        events.append(event)
        last = event.time
    return events, problems


def _verify(
    line: journal.Line, article: str, roster: Roster, path: Path
) -> tuple[Event | None, str]:
    record = line.record
    if record is None:
        return None, "不是有效的记录"
    try:
        event = Event(
            str(record["kind"]),
            str(record["article"]),
            str(record["revision"]),
            str(record.get("stage", "")),
            str(record["signer"]),
            parse_time(record["time"]),
            str(record.get("reason", "")),
            str(path),
            line.number,
        )
    except (KeyError, TypeError, ValueError):
        return None, "缺少必要的内容"
    who = f"{event.signer}{event.label}"
    if event.kind not in KINDS:
        return None, f"不认识的记录类型 {event.kind}"
    if event.article != article:
        return None, f"{who}：这条记录属于另一篇文章《{event.article}》"
    if record.get("prev", "") != line.expected_prev:
        return None, f"{who}：前后记录对不上，可能被删改、复制或插入过"
    person = roster.person_at(event.signer, event.time)
    if person is None:
        return None, f"{who}：{event.signer} 当时不在审核名单上"
    if not keys.verify(person.public_key, canonical(record), str(record.get("sig", ""))):
        return None, f"{who}：签名不对（记录被改过或不是本人签的）"
    return event, ""


def record_of(
    kind: str,
    article: str,
    revision: str,
    stage: str,
    signer: str,
    time: str,
    reason: str,
    prev: str,
) -> dict:
    """An unsigned history record."""
    return {
        "v": 1,
        "kind": kind,
        "article": article,
        "revision": revision,
        "stage": stage,
        "signer": signer,
        "time": time,
        "reason": reason,
        "prev": prev,
    }
