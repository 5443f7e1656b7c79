"""The front-matter fields of each content type, as typed dataclasses read by `schema`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from generator.base import dates
from generator.base.errors import FieldError


def _key(name: str, **extra) -> dict:
    return {"metadata": {"key": name, **extra}}


@dataclass(frozen=True)
class Consent:
    """A person's (or guardian's) agreement to be published: who, when, what, where."""

    who: str
    date: date
    scope: tuple[str, ...] = ("姓名", "照片", "事迹")
    channels: tuple[str, ...] = ("site", "wechat", "led")


def consent_name(who: str) -> str:
    """The person's name in a consent's `who`: 吴丽娟（叶子涵的母亲） → 吴丽娟."""
    return re.split(r"[（(\s,，、]", who.strip(), maxsplit=1)[0]


@dataclass(frozen=True)
class Photo:
    """An image with its required alt text and an optional caption."""

    src: str
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class LedOptions:
    """How a page appears on LED screens: its text, timing and schedule."""

    text: tuple[str, ...] = ()
    duration: float | None = None
    screens: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    weekdays: tuple[int, ...] = ()  # 1 = Monday … 7 = Sunday
    time: tuple[str, ...] = ()  # daily windows such as "07:00-09:00" or "22:00-02:00" (overnight)
    priority: int = 0
    emergency: bool = False

    def __post_init__(self):
        for day in self.weekdays:
            if not 1 <= day <= 7:
                raise FieldError("weekdays", f"led.weekdays 只能是 1（周一）到 7（周日），现在有 {day}")
        for window in self.time:
            parse_window(window)
        if self.start and self.end and self.end < self.start:
            raise FieldError("end", "led.end 不能早于 led.start")


@dataclass(frozen=True)
class WechatOptions:
    """What the 公众号 version uses instead of the page's own fields (each is optional): a shorter
    title, the digest, the author shown in the editor."""

    title: str = ""
    digest: str = ""
    author: str = ""


def parse_window(window: str) -> tuple[str, str]:
    """Split a daily time window "HH:MM-HH:MM" into normalised start and end strings."""
    parts = (
        str(window)
        .replace("—", "-")
        .replace("～", "-")
        .replace("~", "-")
        .replace("至", "-")
        .split("-")
    )
    if len(parts) != 2:
        raise ValueError(f"时间段 “{window}” 要写成 07:00-09:00 这样的形式")
    start, end = (dates.parse_time(p) for p in parts)
    return start.strftime("%H:%M"), end.strftime("%H:%M")


@dataclass(frozen=True)
class Common:
    """Fields every content type has."""

    title: str
    date: date
    summary: str = ""
    tags: tuple[str, ...] = ()
    author: str = ""
    source: str = ""  # 来源
    editor: str = ""  # 责任编辑
    cover: str = ""
    cover_alt: str = ""
    cover_focus: tuple[float, ...] = ()  # x, y between 0 and 1: the point WeChat cover crops keep
    slug: str = ""
    draft: bool = False
    expires: date | None = None  # taken off every channel after this day
    aliases: tuple[str, ...] = ()  # old addresses of this page that redirect to it
    outputs: tuple[str, ...] = ()
    led: LedOptions = LedOptions()
    wechat: WechatOptions = WechatOptions()
    consent: tuple[Consent, ...] = ()  # one record, or one per person the page names

    def consent_for(self, name: str) -> Consent | None:
        """The consent record for a person (matched on the name in its `who`), if any."""
        return next((c for c in self.consent if consent_name(c.who) == name), None)

    def __post_init__(self):
        if not self.title.strip():
            raise FieldError("title", "标题（title）不能为空")
        if self.cover_focus and (
            len(self.cover_focus) != 2 or not all(0 <= v <= 1 for v in self.cover_focus)
        ):
            raise FieldError("cover_focus", "cover_focus 要写两个 0 到 1 之间的数，例如 [0.5, 0.3]")
        if self.expires and self.expires < self.date:
            raise FieldError("expires", "下线日期（expires）不能早于发布日期（date）")
        for alias in self.aliases:
            if not alias.startswith("/") or "://" in alias or ".." in alias.split("/"):
                raise FieldError("aliases", f"旧网址 “{alias}” 要写成以 / 开头的站内路径，例如 /stories/old-name/")
        unknown = [o for o in self.outputs if o not in ("site", "wechat", "led")]
        if unknown:
            raise FieldError("outputs", f"outputs 只能包含 site、wechat、led，不认识 “{unknown[0]}”")


@dataclass(frozen=True)
class Story(Common):
    """榜样人物 (身边好人 / 最美人物)."""

    person: str = ""
    category: str = ""
    honour: str = ""
    honour_level: str = ""
    township: str = ""
    community: str = ""
    photo: str = ""
    photo_alt: str = ""
    minor: bool = False  # the person is under 14: guardian consent is required
    guardian_consent: Consent | None = None


@dataclass(frozen=True)
class Activity(Common):
    """志愿服务活动."""

    start: datetime | None = None
    end: datetime | None = None
    place: str = ""
    organiser: str = ""
    team: str = ""
    participants: int | None = None
    service_hours: float | None = None
    photos: tuple[Photo, ...] = ()

    def __post_init__(self):
        super().__post_init__()
        if self.start and self.end and self.end < self.start:
            raise FieldError("end", "活动结束时间（end）不能早于开始时间（start）")
        if self.participants is not None and self.participants < 0:
            raise FieldError("participants", "参与人数（participants）不能是负数")
        if self.service_hours is not None and self.service_hours < 0:
            raise FieldError("service_hours", "服务时长（service_hours）不能是负数")


@dataclass(frozen=True)
class Letter(Common):
    """倡议书."""

    issuer: tuple[str, ...] = ()
    signed: date | None = None
    salutation: str = ""


@dataclass(frozen=True)
class Plain(Common):
    """A plain page such as 关于我们 or 联系我们."""

    menu: int | None = None  # position in the main menu; absent = not in the menu


@dataclass(frozen=True)
class SlideSet(Common):
    """A file of slogan slides for LED screens; the body holds the slides, separated by lines of
    ---."""


FIELDS_BY_TYPE = {
    "story": Story,
    "activity": Activity,
    "letter": Letter,
    "page": Plain,
    "slide": SlideSet,
}
