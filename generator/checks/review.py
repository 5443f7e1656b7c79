"""三审三校: hash the reviewed text, tell which sign-offs are missing or stale, and sign a stage into a file."""
from __future__ import annotations

import codecs
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.base import frontmatter, source
from generator.model.content import Page
from generator.base.dates import chinese_date
from generator.base.errors import BuildFailed, SiteError, error, warning
from generator.model.fields import Stage

REVIEW_STAGES = ("初审", "复审", "终审")
PROOF_STAGES = ("一校", "二校", "三校")
STAGES = REVIEW_STAGES + PROOF_STAGES
GROUP = {**dict.fromkeys(REVIEW_STAGES, "review"), **dict.fromkeys(PROOF_STAGES, "proof")}
_ATTRIBUTE = {"初审": "first", "复审": "second", "终审": "final", "一校": "first", "二校": "second", "三校": "third"}
# When several sign-offs are stale, the message names the latest; on the same day the higher stage wins.
_RANK = {"一校": 0, "二校": 1, "三校": 2, "初审": 3, "复审": 4, "终审": 5}
HASH_LENGTH = 16
_SPACES = re.compile(r"\s+")
_PLAIN = re.compile(r"[\w\u4e00-\u9fff·・][\w\u4e00-\u9fff·・ .\-]*")
_YAML_WORDS = {"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"}


def normalize(text: str) -> str:
    """Text as compared for sign-off: Unicode NFC, every run of whitespace (line breaks too) as one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def text_hash(title: str, summary: str, body: str) -> str:
    """The fingerprint a reviewer signs: a SHA-256 prefix of the normalized title, summary and body."""
    joined = "\x1f".join(normalize(part) for part in (title, summary, body))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def page_hash(page: Page) -> str:
    """The fingerprint of a page's current text."""
    return text_hash(page.meta.title, page.meta.summary, page.body)


def stage_of(page: Page, stage: str) -> Stage | None:
    """The recorded sign-off of one stage (None when nobody signed it)."""
    return getattr(getattr(page.meta, GROUP[stage]), _ATTRIBUTE[stage])


@dataclass(frozen=True)
class ReviewStatus:
    """Where a page stands in 三审三校: its text hash, each stage's sign-off, which are missing and which stale."""

    source: str
    title: str
    text_hash: str
    stages: dict[str, Stage | None]
    missing: tuple[str, ...]
    stale: tuple[str, ...]  # signed, but the text changed since (or signed by hand without a hash)

    @property
    def complete(self) -> bool:
        """True when all six stages are signed for exactly the current text."""
        return not self.missing and not self.stale

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """The stages still to sign (missing or stale), in workflow order."""
        return tuple(s for s in STAGES if s in self.missing or s in self.stale)

    def latest_stale(self) -> str | None:
        """The stale stage signed last: the text has changed at least since then."""
        if not self.stale:
            return None
        return max(self.stale, key=lambda s: (self.stages[s].date, _RANK[s]))

    def status_text(self) -> str:
        """A short Chinese status for lists and the ledger."""
        if self.complete:
            return "已审定"
        if self.stale:
            return "审后修改，需重审：" + "、".join(self.waiting_for)
        return "待签：" + "、".join(self.missing)


def status_of(page: Page) -> ReviewStatus:
    """Compare every sign-off of a page with the hash of its current text."""
    current = page_hash(page)
    stages = {s: stage_of(page, s) for s in STAGES}
    missing = tuple(s for s, signed in stages.items() if signed is None)
    stale = tuple(s for s, signed in stages.items() if signed is not None and signed.hash != current)
    return ReviewStatus(page.source, page.title, current, stages, missing, stale)


def signer(stage: str, signed: Stage) -> str:
    """A stage with its signer and date, e.g. 终审（王五，2023年9月12日）."""
    return f"{stage}（{signed.name}，{chinese_date(signed.date)}）"


def problems(page: Page, status: ReviewStatus, path: Path) -> list[SiteError]:
    """Warnings for a page whose sign-offs are missing or stale (the build decides what to publish)."""
    found = []
    # make runs in the project folder, where pages live under content/
    sign_hint = f"签署方法：make review-sign FILE=content/{page.source} STAGE=环节 NAME=姓名"
    if status.stale:
        latest = status.latest_stale()
        signed = status.stages[latest]
        unhashed = [s for s in status.stale if not status.stages[s].hash]
        message = (f"{signer(latest, signed)}之后内容又被修改过，需要重新审核" if latest not in unhashed else
                   f"{signer(latest, signed)}没有记录文本指纹（可能是手写的），需要用签署命令重新签署")
        found.append(warning(path, page.line_of(GROUP[latest], latest), message,
                             f"需要重新签署：{'、'.join(status.waiting_for)}。{sign_hint}", code="review.stale"))
    elif status.missing:
        done = len(STAGES) - len(status.missing)
        message = ("还没有送审：三审三校都未签署" if not done else f"审核未完成：还差 {'、'.join(status.missing)}")
        line = page.line_of(GROUP[status.missing[0]]) if done else 1
        found.append(warning(path, line, message + "，暂不能正式发布", sign_hint, code="review.missing"))
    return found


@dataclass(frozen=True)
class SourceFile:
    """A text file decoded with what is needed to write it back the same way: encoding, BOM and line ending."""

    text: str  # with \n line ends
    encoding: str
    bom: bytes
    newline: str

    @classmethod
    def read(cls, path: Path) -> "SourceFile":
        """Decode a content file as the loader does, remembering how it was stored; raise BuildFailed if unreadable."""
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BuildFailed([error(path, 1, f"无法读取文件（{exc.strerror}）", "检查文件名和路径是否正确。")]) from None
        source.decode(raw, path)  # refuses Word documents and binary files with a Chinese message
        bom = next((b for b in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) if raw.startswith(b)), b"")
        encoding = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}.get(bom)
        if encoding is None:
            encoding = "utf-8" if _is_utf8(raw) else "gb18030"
        text = raw[len(bom):].decode(encoding)
        newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
        return cls(re.sub(r"\r\n?", "\n", text), encoding, bom, newline)

    def encode(self, text: str) -> bytes:
        """A new text (with \n line ends) as bytes in this file's encoding, BOM and line ending."""
        return self.bom + text.replace("\n", self.newline).encode(self.encoding)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sign(path: Path, stage: str, name: str, on: date) -> str:
    """Record a sign-off (name, date, text hash) in a file's front matter; return a one-line confirmation."""
    name = " ".join(str(name).split())
    if stage not in STAGES:
        raise BuildFailed([error(path, 1, f"不认识的审核环节 “{stage}”", f"环节只能是 {'、'.join(STAGES)} 之一。")])
    if not name:
        raise BuildFailed([error(path, 1, "签署人姓名不能为空", "用 NAME=姓名 写上你的名字。")])
    clean, _notes = source.read_text(path)
    matter = frontmatter.split(clean, path)
    data = matter.data
    digest = text_hash(_text(data.get("title")), _text(data.get("summary")), matter.body)
    stored = SourceFile.read(path)
    signed = {"name": name, "date": on.isoformat(), "hash": digest}
    path.write_bytes(stored.encode(with_stage(stored.text, matter, stage, signed)))
    earlier = [s for s in STAGES[:STAGES.index(stage)] if not _signed(data, s)]
    note = f"（注意：{'、'.join(earlier)} 还没有签）" if earlier else ""
    return f"已签署{stage}：{name}，{chinese_date(on)}，文本指纹 {digest[:8]} — {path.name}{note}"


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _signed(data: dict, stage: str) -> bool:
    group = data.get(GROUP[stage])
    return isinstance(group, dict) and bool(group.get(stage))


def with_stage(text: str, matter: frontmatter.FrontMatter, stage: str, signed: dict) -> str:
    """The file text with one stage set in its `review:`/`proof:` block; every other line is kept as it was."""
    lines = text.split("\n")
    group = GROUP[stage]
    current = matter.data.get(group)
    entries = dict(current) if isinstance(current, dict) else {}
    entries[stage] = signed
    block = [f"{group}:"] + [f"  {key}: {_flow(entries[key])}" for key in _ordered(entries)]
    closing = matter.body_line - 2  # index of the closing --- line
    if (group,) in matter.positions:
        start = matter.positions[(group,)][0] - 1
        lines[start:_block_end(lines, start, closing)] = block
    else:
        lines[closing:closing] = block
    return "\n".join(lines)


def _ordered(entries: dict) -> list[str]:
    return [s for s in STAGES if s in entries] + [k for k in entries if k not in STAGES]


def _block_end(lines: list[str], start: int, limit: int) -> int:
    """One past the last indented line of the block that starts at `start` (comments between are included)."""
    last, index = start, start + 1
    while index < limit and (lines[index][:1] in (" ", "\t") or not lines[index].strip()
                             or lines[index].lstrip().startswith("#")):
        if lines[index][:1] in (" ", "\t") and lines[index].strip():
            last = index
        index += 1
    return last + 1


def _flow(value: object) -> str:
    """A value as one line of YAML flow style (JSON strings are valid YAML where quoting is needed)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return "null" if value is None else _scalar(str(value))


def _scalar(text: str) -> str:
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)
