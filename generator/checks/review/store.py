"""The review store: the roster, the people's keys, every article's history and the kept revisions,
all under content/_review/; signing, returning and withdrawing write there, reading verifies
everything offline.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.base import source
from generator.base.errors import SiteError
from generator.config import SiteConfig
from generator.model import content
from generator.model.content import Page
from generator.checks.review import fingerprint, history, journal, keys, policy, roster, snapshots
from generator.checks.review.records import (
    STAGES,
    Event,
    Person,
    ReviewRefused,
    canonical,
    parse_time,
    stamp,
    utc,
)

FOLDER = "_review"
_NAME = re.compile(r"^[\w\u00b7\u30fb\u4e00-\u9fff .\-]{1,40}$")


@dataclass(frozen=True)
class ArticleStatus:
    """Where one article stands: working and live revisions, the stages signed for the working one,
    what is next."""

    article: str
    working: str
    live: str | None
    signed: dict[str, Event]
    next_stage: str | None
    returned: list[Event]
    withdrawn: Event | None
    problems: list[SiteError]
    title: str = ""
    # the approvals of the live revision
    live_signed: dict[str, Event] = field(default_factory=dict)

    @property
    def missing(self) -> tuple[str, ...]:
        """The stages the working revision still needs, in order."""
        return tuple(s for s in STAGES if s not in self.signed)

    @property
    def complete(self) -> bool:
        """True when the working revision is the live one."""
        return self.live is not None and self.live == self.working

    def status_text(self) -> str:
        """A short Chinese status for lists and the ledger."""
        if self.withdrawn and not self.complete:
            return f"已撤稿（{self.withdrawn.signer}）"
        if self.complete:
            return "已审定"
        head = "审后修改，待重审" if self.live else "未审定"
        if self.returned:
            return f"{head}：已被退回（{self.returned[-1].reason}）"
        return f"{head}：待{self.next_stage}" if self.next_stage else head


@dataclass
class Ledger:
    """What the history says about one article: every verified event and each revision's state."""

    events: list[Event] = field(default_factory=list)
    revisions: dict[str, policy.RevisionState] = field(default_factory=dict)
    withdrawn: Event | None = None
    problems: list[SiteError] = field(default_factory=list)

    def live(self) -> str | None:
        """The newest revision with all six approvals that is not withdrawn (completed after the
        last 撤稿)."""
        done = [
            (utc(s.complete_at), rev)
            for rev, s in self.revisions.items()
            if s.complete_at is not None
        ]
        if self.withdrawn is not None:
            done = [(t, rev) for t, rev in done if t > utc(self.withdrawn.time)]
        return max(done)[1] if done else None


class ReviewStore:
    """Reviewers, keys, histories and snapshots of one content folder (see docs/design/approvals.md)
    ."""

    def __init__(
        self,
        content_dir: Path,
        trust: str | None,
        *,
        separation: bool = True,
        kdf_n: int = keys.SCRYPT_N,
        cfg: SiteConfig | None = None,
        now: datetime | None = None,
    ):
        self.content_dir = Path(content_dir)
        self.dir = self.content_dir / FOLDER
        self.trust = trust or None
        self.separation = separation
        self.kdf_n = kdf_n  # scrypt cost of keys made through this store (tests only lower it)
        self.cfg = cfg
        self.now = now
        self._roster: roster.Roster | None = None

    @classmethod
    def open(cls, content_dir: Path, trust: str | None, **options) -> "ReviewStore":
        """The store of a content folder, verified against the pinned root key `trust`."""
        return cls(content_dir, trust, **options)

    @classmethod
    def for_config(cls, cfg: SiteConfig, content_dir: Path, **options) -> "ReviewStore":
        """The store as the config sets it up (trust anchor and separation of duties)."""
        return cls(
            content_dir, cfg.review.trust, separation=cfg.review.separation, cfg=cfg, **options
        )

    # roster -------------------------------------------------------------------------------------------------
    @property
    def roster(self) -> roster.Roster:
        """The verified roster (read once)."""
        if self._roster is None:
            self._roster = roster.read(self.dir, self.trust)
        return self._roster

    def people(self) -> list[Person]:
        """Everyone on the verified roster now."""
        return self.roster.people()

    def init_admin(self, name: str, password: str, now: datetime) -> str:
        """Start a roster with its root administrator; return the public key to pin as
        review.trust."""
        if journal.read(self.dir / roster.FILE):
            raise ReviewRefused("审核名单已经存在（content/_review/roster.jsonl），不能再初始化")
        name = _check_name(name)
        keyfile, public = keys.new_key(name, password, n=self.kdf_n)
        record = {
            "v": 1,
            "kind": "root",
            "name": name,
            "stages": [],
            "admin": True,
            "public": public,
            "removed": False,
            "by": name,
            "time": stamp(now),
            "prev": "",
        }
        record["sig"] = keys.sign(keys.unlock(keyfile, password), canonical(record))
        self._write_key(name, keyfile)
        journal.append(self.dir / roster.FILE, record)
        self.trust, self._roster = public, None
        return public

    def add_person(self, name: str, stages: list[str], *, admin: bool, password: str,
                   by: str, by_password: str, now: datetime) -> None:
        """Add someone to the roster (or change their stages and key), signed by the administrator
        `by`."""
        name = _check_name(name)
        bad = [s for s in stages if s not in STAGES]
        if bad:
            raise ReviewRefused(f"不认识的审核环节 “{bad[0]}”（只能是 {'、'.join(STAGES)}）")
        private = self._admin_key(by, by_password)
        keyfile, public = keys.new_key(name, password, n=self.kdf_n)
        self._roster_record(
            private,
            {
                "kind": "person",
                "name": name,
                "stages": list(dict.fromkeys(stages)),
                "admin": admin,
                "public": public,
                "removed": False,
                "by": by,
            },
            now,
        )
        self._write_key(name, keyfile)

    def remove_person(self, name: str, *, by: str, by_password: str, now: datetime) -> None:
        """Take someone off the roster (their earlier signatures stay valid)."""
        person = self.roster.current(name)
        if person is None:
            raise ReviewRefused(f"{name} 不在审核名单上")
        private = self._admin_key(by, by_password)
        self._roster_record(
            private,
            {
                "kind": "person",
                "name": name,
                "stages": list(person.stages),
                "admin": person.admin,
                "public": person.public_key,
                "removed": True,
                "by": by,
            },
            now,
        )

    def check_password(self, name: str, password: str) -> bool:
        """True when `password` opens `name`'s key and that key is the one on the roster."""
        try:
            return self._private(name, password) is not None
        except ReviewRefused:
            return False

    def _admin_key(self, by: str, password: str):
        admin = self.roster.current(by)
        if admin is None or not admin.admin:
            raise ReviewRefused(f"{by} 不是管理员，不能修改审核名单")
        return self._private(by, password)

    def _roster_record(self, private, fields: dict, now: datetime) -> None:
        record = {
            "v": 1,
            **fields,
            "time": stamp(now),
            "prev": journal.tail_hash(self.dir / roster.FILE),
        }
        record["sig"] = keys.sign(private, canonical(record))
        journal.append(self.dir / roster.FILE, record)
        self._roster = None

    def _private(self, name: str, password: str):
        person = self.roster.current(name)
        if person is None:
            raise ReviewRefused(f"{name} 不在审核名单上（或名单未通过核验）")
        try:
            keyfile = json.loads((self.dir / "keys" / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ReviewRefused(f"找不到 {name} 的密钥文件（content/_review/keys/{name}.json）") from None
        private = keys.unlock(keyfile, password)
        if keys.public_of(private) != person.public_key:
            raise ReviewRefused(f"{name} 的密钥文件与审核名单上的公钥不符")
        return private

    def _write_key(self, name: str, keyfile: dict) -> None:
        folder = self.dir / "keys"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.json").write_text(
            json.dumps(keyfile, ensure_ascii=False, indent=1), encoding="utf-8"
        )

    # actions ------------------------------------------------------------------------------------------------
    def sign(self, article: str, stage: str, signer: str, password: str, now: datetime) -> Event:
        """Sign `stage` of the article's working revision (kept as a snapshot first)."""
        page, raw = self._working(article)
        rev = fingerprint.revision(page, self._find)
        state = self.ledger(article).revisions.get(rev.fingerprint, policy.RevisionState())
        why = policy.refuse_approve(
            state, stage, self.roster.current(signer), signer, page.meta.author, self.separation
        )
        if why:
            raise ReviewRefused(why)
        private = self._private(signer, password)
        snapshots.keep(self.dir, page, rev, raw)
        return self._append(private, "approve", article, rev.fingerprint, stage, signer, "", now)

    def return_(
        self, article: str, stage: str, signer: str, password: str, reason: str, now: datetime
    ) -> Event:
        """Return the working revision at `stage` with a reason the writer will see."""
        page, _raw = self._working(article)
        rev = fingerprint.revision(page, self._find)
        state = self.ledger(article).revisions.get(rev.fingerprint, policy.RevisionState())
        why = policy.refuse_return(state, stage, self.roster.current(signer), signer, reason)
        if why:
            raise ReviewRefused(why)
        private = self._private(signer, password)
        return self._append(
            private, "return", article, rev.fingerprint, stage, signer, reason.strip(), now
        )

    def withdraw(
        self, article: str, signer: str, password: str, reason: str, now: datetime
    ) -> Event:
        """撤稿: take the article off every channel at the next build (history keeps everything)."""
        why = policy.refuse_withdraw(self.roster.current(signer), signer)
        if why:
            raise ReviewRefused(why)
        ledger = self.ledger(article)
        if not ledger.events and not (self.content_dir / article).is_file():
            raise ReviewRefused(f"找不到文章 {article}")
        private = self._private(signer, password)
        return self._append(
            private, "withdraw", article, ledger.live() or "", "", signer, reason.strip(), now
        )

    def _append(self, private, kind, article, revision, stage, signer, reason, now) -> Event:
        path = history.path_of(self.dir, article)
        events = self.history(article)
        # this computer's clock is behind: keep the order
        if events and utc(now) < utc(events[-1].time):
            now = events[-1].time
        record = history.record_of(kind, article, revision, stage, signer, stamp(now), reason,
                                   journal.tail_hash(path))
        record["sig"] = keys.sign(private, canonical(record))
        journal.append(path, record)
        return Event(
            kind,
            article,
            revision,
            stage,
            signer,
            parse_time(record["time"]),
            reason.strip(),
            str(path),
            len(journal.read(path)),
        )

    def config(self) -> SiteConfig:
        """The site config articles are read with: the one given, else site_config.yaml beside
        content/."""
        if self.cfg is None:
            from generator import config as config_module

            path = self.content_dir.parent / "site_config.yaml"
            if not path.is_file():
                raise ReviewRefused(f"找不到配置文件 {path}")
            self.cfg = config_module.load(path)
        return self.cfg

    def _working(self, article: str) -> tuple[Page, bytes]:
        self.config()
        path = self.content_dir / article
        if not path.is_file():
            raise ReviewRefused(f"找不到文章 content/{article}")
        raw = source.read_bytes(path)
        from generator.base.errors import Problems

        problems = Problems()
        page = content.load_page(self.cfg, path, article, problems, raw)
        problems.raise_if_errors()
        return page, raw

    def _find(self, page: Page, src: str) -> Path | None:
        return content.find_image(self.content_dir, page, src)

    # reading ------------------------------------------------------------------------------------------------
    def history(self, article: str) -> list[Event]:
        """The article's verified events, oldest first (forged or out-of-policy lines left out)."""
        return self.ledger(article).events

    def ledger(self, article: str, author_of=None) -> Ledger:
        """Replay the article's history: verify every line, then apply the rules in order."""
        events, problems = history.read(self.dir, article, self.roster, self._clock())
        ledger = Ledger(problems=list(self.roster.problems) + problems)
        if author_of is None:
            # one read of each revision's snapshot, however many stages it has
            authors: dict[str, str] = {}

            def author_of(article_: str, revision: str) -> str:
                if revision not in authors:
                    authors[revision] = self._author(article_, revision)
                return authors[revision]
        for event in events:
            why = self._replay(ledger, event, author_of)
            if why:
                ledger.problems.append(_refused(event, why))
            else:
                ledger.events.append(event)
        return ledger

    def _replay(self, ledger: Ledger, event: Event, author_of) -> str | None:
        person = self.roster.person_at(event.signer, event.time)
        if event.kind == "withdraw":
            why = policy.refuse_withdraw(person, event.signer)
            if not why:
                ledger.withdrawn = event
            return why
        state = ledger.revisions.setdefault(event.revision, policy.RevisionState())
        if event.kind == "approve":
            author = author_of(event.article, event.revision)
            why = policy.refuse_approve(
                state, event.stage, person, event.signer, author, self.separation
            )
        else:
            why = policy.refuse_return(state, event.stage, person, event.signer, event.reason)
        if not why:
            policy.apply(state, event)
        return why

    def _author(self, article: str, revision: str) -> str:
        folder = snapshots.folder_of(self.dir, article, revision)
        try:
            from generator.base import frontmatter

            text, _notes = source.read_text(folder / "article.md")
            return str(frontmatter.split(text, folder / "article.md").data.get("author") or "")
        # noqa: BLE001 - a missing snapshot is reported when the revision is loaded
        except Exception:
            return ""

    def _clock(self) -> datetime:
        return self.now or datetime.now().astimezone()

    def status(self, page: Page) -> ArticleStatus:
        """Where a working page stands: its revision, the live one, what is signed, what comes
        next."""
        ledger = self.ledger(page.source)
        working = fingerprint.revision(page, self._find).fingerprint
        state = ledger.revisions.get(working, policy.RevisionState())
        live = ledger.live()
        live_state = ledger.revisions.get(live) if live else None
        return ArticleStatus(page.source, working, live, dict(state.approvals), state.next_stage(),
                             list(state.returns), ledger.withdrawn, ledger.problems, page.title,
                             dict(live_state.approvals) if live_state else {})


def _refused(event: Event, why: str) -> SiteError:
    from generator.base.errors import error

    return error(event.path, event.line, f"审核记录不算数（{event.signer}{event.label}：{why}），已忽略",
                 "这条记录违反三审三校规则；请核对是谁写入的。", code="review.policy")


def _check_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not _NAME.match(name) or name.startswith("."):
        raise ReviewRefused(f"姓名 “{name}” 不能用作审核人（只能用汉字、字母、数字和空格，最多 40 个字）")
    return name
