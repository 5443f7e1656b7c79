"""The reviewer roster: an append-only journal of people, their stages and public keys, every change
signed by an administrator; the first entry is the root administrator whose public key
site_config.yaml pins (review.trust).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.base.errors import SiteError, error
from generator.checks.review import journal, keys
from generator.checks.review.records import STAGES, Person, canonical, parse_time, utc

FILE = "roster.jsonl"


@dataclass
class Roster:
    """The verified roster: every person's versions over time, and the lines that did not verify."""

    versions: dict[str, list[tuple[datetime, Person]]] = field(default_factory=dict)
    problems: list[SiteError] = field(default_factory=list)
    trusted: bool = False  # the root entry matched the pinned key

    def person_at(self, name: str, when: datetime) -> Person | None:
        """The person as the roster knew them at `when` (None if not on it then, or removed)."""
        found = None
        for since, person in self.versions.get(name, []):
            if utc(since) <= utc(when):
                found = person
        return None if found is None or found.removed else found

    def current(self, name: str) -> Person | None:
        """The person as the roster knows them now (None when absent or removed)."""
        found = self.versions.get(name)
        return None if not found or found[-1][1].removed else found[-1][1]

    def people(self) -> list[Person]:
        """Everyone on the roster now, by name."""
        return sorted(
            (p for p in (self.current(n) for n in self.versions) if p), key=lambda p: p.name
        )


def read(folder: Path, trust: str | None) -> Roster:
    """Read and verify the roster in `folder` against the pinned root key `trust`."""
    path = folder / FILE
    roster = Roster()
    lines = journal.read(path)
    if not trust:
        if lines:
            roster.problems.append(
                error(
                    path,
                    1,
                    "site_config.yaml 里没有固定管理员公钥（review.trust），审核名单无法核验",
                    "管理员运行 review init，把显示的公钥写进 site_config.yaml 的 review: trust:。",
                    code="review.trust",
                )
            )
        return roster
    for line in lines:
        problem = _apply(roster, line, trust, first=not roster.trusted and line is lines[0])
        if problem:
            roster.problems.append(
                error(
                    path,
                    line.number,
                    f"审核名单第 {line.number} 行无效（{problem}），已忽略",
                    "名单只能用 review roster 命令修改；请管理员核对这一行是谁改的。",
                    code="review.roster",
                )
            )
    return roster


def _apply(roster: Roster, line: journal.Line, trust: str, first: bool) -> str | None:
    record = line.record
    if record is None:
        return "不是有效的记录"
    if record.get("prev", "") != line.expected_prev:
        return "前后记录对不上，可能被删改或插入过"
    try:
        name, by, when = str(record["name"]), str(record["by"]), parse_time(record["time"])
        stages = tuple(str(s) for s in record.get("stages", []))
        person = Person(
            name,
            stages,
            bool(record.get("admin")),
            str(record["public"]),
            bool(record.get("removed")),
        )
    except (KeyError, TypeError, ValueError):
        return "缺少必要的内容"
    if any(s not in STAGES for s in stages):
        return "含有不认识的审核环节"
    if record.get("kind") == "root":
        if not first or person.public_key != trust or by != name:
            return "根管理员记录与 site_config.yaml 固定的公钥不符"
        signer_key = person.public_key
    else:
        admin = roster.person_at(by, when)
        if not roster.trusted or admin is None or not admin.admin:
            return f"签名人 {by} 不是管理员"
        signer_key = admin.public_key
    if not keys.verify(signer_key, canonical(record), str(record.get("sig", ""))):
        return f"{by} 的签名不对"
    history = roster.versions.setdefault(name, [])
    if history and utc(when) < utc(history[-1][0]):
        return "时间早于此人的上一条记录"
    history.append((when, person))
    roster.trusted = True
    return None
