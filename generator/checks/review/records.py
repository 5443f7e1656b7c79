"""The records of 三审三校: stages, people, signed events, canonical bytes, article ids and the refusal
error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from generator.base.hashing import sha256_hex

REVIEW_STAGES = ("初审", "复审", "终审")
PROOF_STAGES = ("一校", "二校", "三校")
STAGES = ("初审", "一校", "复审", "二校", "三校", "终审")  # the order in which they are signed
ROOT = "content/_review"  # shown in messages; the store itself works under any content folder
# signatures made for this tool cannot be replayed elsewhere
_DOMAIN = b"wenming-changshan-review-v1\n"


class ReviewRefused(Exception):
    """An action that is not allowed (wrong password, stage out of order, …), told in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Person:
    """One reviewer as the verified roster knows them: the stages they may sign and their public
    key."""

    name: str
    stages: tuple[str, ...]
    admin: bool
    public_key: str  # base64 of the raw Ed25519 public key
    removed: bool = False


@dataclass(frozen=True)
class Event:
    """One verified history event: an approval, a return or a withdrawal of one article's
    revision."""

    kind: str  # "approve" | "return" | "withdraw"
    article: str  # identity: the path under content/
    revision: str  # "sha256:<hex>" (the withdrawn live revision for a withdrawal)
    stage: str  # empty for a withdrawal
    signer: str
    time: datetime
    reason: str = ""
    path: str = ""  # the history file and line the event was read from
    line: int = 0

    @property
    def label(self) -> str:
        """What the event is, in Chinese: 签署终审, 退回复审, 撤稿."""
        return {"approve": f"签署{self.stage}", "return": f"退回{self.stage}", "withdraw": "撤稿"}[
            self.kind
        ]


def canonical(record: dict) -> bytes:
    """The bytes that are signed: the record without its signature as sorted, compact UTF-8 JSON."""
    data = {k: v for k, v in record.items() if k != "sig"}
    return _DOMAIN + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                                default=_plain).encode("utf-8")


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def line_hash(line: str) -> str:
    """The hash that chains one line of an append-only file to the next."""
    return sha256_hex(line)


def article_id(source: str) -> str:
    """A file-name-safe, one-to-one spelling of an article's identity (its path under content/)."""
    return source.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")


def source_of(article: str) -> str:
    """The article identity an article_id() spells."""
    return article.replace("%2F", "/").replace("%5C", "\\").replace("%25", "%")


def stamp(now: datetime) -> str:
    """A time as stored in records: ISO 8601 with its UTC offset, to the second."""
    aware = now if now.tzinfo else now.astimezone()
    return aware.replace(microsecond=0).isoformat()


def parse_time(text: str) -> datetime:
    """A stored time back as an aware datetime (ValueError when it is not one)."""
    value = datetime.fromisoformat(str(text))
    if value.tzinfo is None:
        raise ValueError("time without offset")
    return value


def aware(now: datetime) -> datetime:
    """`now` with a time zone (naive times are taken as local time)."""
    return now if now.tzinfo else now.astimezone()


def utc(now: datetime) -> datetime:
    """`now` in UTC, for comparisons."""
    return aware(now).astimezone(timezone.utc)
