"""Stories that name a person need their consent; a child under 14 needs a guardian's (PIPL art. 25,
28, 31)."""

from __future__ import annotations

from pathlib import Path

from generator.model.content import Page
from generator.base.errors import SiteError, error, warning
from generator.model.fields import Consent, consent_name

CHANNEL_NAMES = {"site": "网站", "wechat": "公众号", "led": "LED屏"}
# Staff may write channels in Chinese in the consent record; read them as the channel ids.
_CHANNEL_ALIASES = {"网站": "site", "门户": "site", "公众号": "wechat", "微信": "wechat", "微信公众号": "wechat",
                    "led": "led", "LED": "led", "LED屏": "led", "大屏": "led", "电子屏": "led"}
_EXAMPLE = "consent: {who: 本人姓名, date: 2023-09-11, scope: [姓名, 照片, 事迹], channels: [site, wechat, led]}"


def check_page(page: Page, path: Path, strict: bool) -> list[SiteError]:
    """Consent problems of one page: missing record, a record for someone else, missing guardian
    record, channels or scope not covered. `consent` may list one record per person the story names.
    """
    meta = page.meta
    person = getattr(meta, "person", "")
    minor = getattr(meta, "minor", False)
    if not person and not minor and not meta.consent:
        return []
    make = error if strict else warning
    found = _matching(page, path, person, make)
    if minor and meta.guardian_consent is None:
        found.append(
            make(
                path,
                page.line_of("minor"),
                "未满十四周岁的未成年人，必须有监护人同意（guardian_consent）",
                "请补上 guardian_consent: {who: 监护人姓名（与孩子的关系）, date: …, scope: […], channels: […]}；"
                "没有监护人同意时，只写姓氏加“某”，不放照片。",
                code="consent.guardian",
            )
        )
    for index, record in enumerate(meta.consent):
        key = ("consent", index) if len(meta.consent) > 1 else ("consent",)
        found += _coverage(page, path, key, record, make, photo=consent_name(record.who) == person)
    if getattr(meta, "guardian_consent", None) is not None:
        found += _coverage(
            page, path, ("guardian_consent",), meta.guardian_consent, make, photo=True
        )
    return found


def _matching(page: Page, path: Path, person: str, make) -> list[SiteError]:
    """The person has a record of their own, and every other record is for someone the text names.
    """
    meta, found = page.meta, []
    records = meta.consent
    lines = [
        page.line_of(*(("consent", i) if len(records) > 1 else ("consent",)), "who")
        for i in range(len(records))
    ]
    mismatched = person and not getattr(meta, "minor", False) and meta.consent_for(person) is None
    if mismatched and not records:
        found.append(make(path, page.line_of("person"), f"文章写了人物 “{person}”，但没有记录本人同意（consent）",
                          f"公开发布个人的姓名、照片和事迹要有本人同意。请补上：{_EXAMPLE}", code="consent.missing"))
    elif mismatched:
        shown = "、".join(f"“{r.who}”" for r in records)
        found.append(make(path, lines[0], f"同意记录写的是 {shown}，但人物（person）是 “{person}”",
                          "consent 的 who 要写同意发布的人本人的姓名，与 person 一致；文章写到几个人时，consent "
                          "写成列表，每人一条。", code="consent.person"))
    text = "\n".join((meta.title, meta.summary, page.body, *meta.led.text))
    for record, line in zip(records, lines):
        name = consent_name(record.who)
        if name != person and name not in text and not mismatched:
            found.append(make(path, line, f"同意记录写的是 “{record.who}”，但文章里没有写到这个人",
                              "检查 who 里的姓名是否写错；不再写到这个人，就删去这条记录。", code="consent.who"))
    return found


def _coverage(
    page: Page, path: Path, key: tuple, record: Consent, make, photo: bool
) -> list[SiteError]:
    """The consent must cover every channel the page goes to, the name, and (for the page's own
    person, when the page has pictures) photos."""
    found = []
    agreed = {_CHANNEL_ALIASES.get(c, c) for c in record.channels}
    missing = [CHANNEL_NAMES.get(c, c) for c in page.outputs if c not in agreed]
    if missing:
        found.append(
            make(
                path,
                page.line_of(*key, "channels"),
                f"{record.who} 的同意没有包括 {'、'.join(missing)}",
                "只能在同意过的渠道发布：补充同意，或在 outputs 里去掉这些渠道。",
                code="consent.channel",
            )
        )
    needed = ["姓名"] + (["照片"] if photo and _has_photo(page) else [])
    uncovered = [s for s in needed if s not in record.scope]
    if uncovered:
        found.append(
            make(
                path,
                page.line_of(*key, "scope"),
                f"{record.who} 的同意范围不包括{'、'.join(uncovered)}",
                "补充同意，或去掉文章里相应的内容。",
                code="consent.scope",
            )
        )
    return found


def _name(text: str) -> str:
    return "".join(str(text).split())


def _has_photo(page: Page) -> bool:
    meta = page.meta
    return bool(getattr(meta, "photo", "") or meta.cover or getattr(meta, "photos", ()))
