"""Stories that name a person need their consent; a child under 14 needs a guardian's (PIPL art. 25, 28, 31)."""
from __future__ import annotations

from pathlib import Path

from generator.model.content import Page
from generator.base.errors import SiteError, error, warning
from generator.model.fields import Consent

CHANNEL_NAMES = {"site": "网站", "wechat": "公众号", "led": "LED屏"}
# Staff may write channels in Chinese in the consent record; read them as the channel ids.
_CHANNEL_ALIASES = {"网站": "site", "门户": "site", "公众号": "wechat", "微信": "wechat", "微信公众号": "wechat",
                    "led": "led", "LED": "led", "LED屏": "led", "大屏": "led", "电子屏": "led"}
_EXAMPLE = "consent: {who: 本人姓名, date: 2023-09-11, scope: [姓名, 照片, 事迹], channels: [site, wechat, led]}"


def check_page(page: Page, path: Path, strict: bool) -> list[SiteError]:
    """Consent problems of one story: missing record, missing guardian record, channels or scope not covered."""
    meta = page.meta
    person = getattr(meta, "person", "")
    minor = getattr(meta, "minor", False)
    if not person and not minor:
        return []
    make = error if strict else warning
    found = []
    if meta.consent is None and not minor:
        found.append(make(path, page.line_of("person"), f"文章写了人物 “{person}”，但没有记录本人同意（consent）",
                          f"公开发布个人的姓名、照片和事迹要有本人同意。请补上：{_EXAMPLE}", code="consent.missing"))
    if minor and meta.guardian_consent is None:
        found.append(make(path, page.line_of("minor"), "未满十四周岁的未成年人，必须有监护人同意（guardian_consent）",
                          "请补上 guardian_consent: {who: 监护人姓名（与孩子的关系）, date: …, scope: […], channels: […]}；"
                          "没有监护人同意时，只写姓氏加“某”，不放照片。", code="consent.guardian"))
    if meta.consent is not None and person and _name(person) not in _name(meta.consent.who):
        found.append(make(path, page.line_of("consent", "who"), f"同意书是 “{meta.consent.who}” 的，文章写的人物却是 “{person}”",
                          "本人同意（consent）的 who 要写文章人物本人的姓名；别人的同意不能代替。", code="consent.person"))
    for key, record in (("consent", meta.consent), ("guardian_consent", getattr(meta, "guardian_consent", None))):
        if record is not None:
            found += _coverage(page, path, key, record, make)
    return found


def _coverage(page: Page, path: Path, key: str, record: Consent, make) -> list[SiteError]:
    """The consent must cover every channel the page goes to, the name, and photos when the page has any."""
    found = []
    agreed = {_CHANNEL_ALIASES.get(c, c) for c in record.channels}
    missing = [CHANNEL_NAMES.get(c, c) for c in page.outputs if c not in agreed]
    if missing:
        found.append(make(path, page.line_of(key, "channels"), f"{record.who} 的同意没有包括 {'、'.join(missing)}",
                          "只能在同意过的渠道发布：补充同意，或在 outputs 里去掉这些渠道。", code="consent.channel"))
    needed = ["姓名"] + (["照片"] if _has_photo(page) else [])
    uncovered = [s for s in needed if s not in record.scope]
    if uncovered:
        found.append(make(path, page.line_of(key, "scope"), f"{record.who} 的同意范围不包括{'、'.join(uncovered)}",
                          "补充同意，或去掉文章里相应的内容。", code="consent.scope"))
    return found


def _name(text: str) -> str:
    return "".join(str(text).split())


def _has_photo(page: Page) -> bool:
    meta = page.meta
    return bool(getattr(meta, "photo", "") or meta.cover or getattr(meta, "photos", ()))
