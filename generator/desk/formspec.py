"""The fields of the article form per content type, with the scaffold's Chinese explanations and a widget each."""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.config import CHANNELS, HONOUR_LEVELS, SiteConfig
from generator.model import scaffold

CHANNEL_NAMES = {"site": "网站", "wechat": "公众号", "led": "LED 大屏"}
CONSENT_SCOPE = ("姓名", "照片", "事迹")
SKIPPED = {"review", "proof", "cover_focus"}  # signatures live in content/_review/; the crop point stays as written
_WIDGETS = {
    "date": "date", "signed": "date", "start": "datetime", "end": "datetime",
    "summary": "textarea", "issuer": "lines", "tags": "list",
    "draft": "check", "minor": "check", "outputs": "channels",
    "category": "choice", "honour_level": "choice",
    "participants": "int", "menu": "int", "service_hours": "number",
    "cover": "image", "photo": "image",
    "consent": "consent", "guardian_consent": "consent", "photos": "photos",
}
_REQUIRED = {"title", "date"}


@dataclass(frozen=True)
class Field:
    """One form field: the front-matter key, a short label, the scaffold's explanation and how it is entered."""

    key: str
    label: str
    help: str
    widget: str  # text, textarea, date, datetime, list, lines, check, channels, choice, int, number, image, …
    choices: tuple[str, ...] = ()
    required: bool = False


def fields_for(page_type: str, cfg: SiteConfig) -> list[Field]:
    """The form's fields for a content type, in the scaffold's order."""
    out = []
    for key, note in scaffold.field_notes(page_type):
        if key in SKIPPED:
            continue
        widget = _WIDGETS.get(key, "text")
        choices = {"category": cfg.types.categories, "honour_level": HONOUR_LEVELS,
                   "outputs": CHANNELS}.get(key, ())
        out.append(Field(key, label_of(note), note, widget, tuple(choices), key in _REQUIRED))
    return out


def label_of(note: str) -> str:
    """The field's name from its explanation: the words before the first bracket or punctuation mark."""
    return re.split(r"[（(，。,：:；]", note, maxsplit=1)[0].strip() or note
