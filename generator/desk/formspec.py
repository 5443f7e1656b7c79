"""The fields of the article form per content type, with the scaffold's Chinese explanations and a
widget each."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.config import CHANNELS, HONOUR_LEVELS, SiteConfig
from generator.model import scaffold

CHANNEL_NAMES = {"site": "网站", "wechat": "公众号", "led": "LED 大屏"}
CONSENT_SCOPE = ("姓名", "照片", "事迹")
# signatures live in content/_review/; the crop point stays as written
SKIPPED = {"review", "proof", "cover_focus"}
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
# Where the scaffold's note explains how to type YAML, the form needs its own words.
_LABELS = {"outputs": "发布渠道", "draft": "草稿（暂不发布）", "minor": "人物未满 14 周岁",
           "consent": "本人同意发布的记录", "guardian_consent": "监护人同意记录（未成年人必填）"}
_HELP = {
    "outputs": "不勾选就按这一类文章的默认渠道发布",
    "draft": "勾选后只在预览里看得到，不会发布",
    "minor": "勾选后必须填写下面的监护人同意记录",
    "consent": "谁同意、哪天同意、同意公开哪些内容、在哪些渠道发布；没有本人同意的记录不能发布",
    "guardian_consent": "人物未满 14 周岁时，由监护人同意；填写方法同上",
    "tags": "用逗号或顿号分开，例如 志愿服务、孝老爱亲",
    "issuer": "倡议单位，一行写一个",
    "photos": "每张照片写路径（例如 images/activities/照片.jpg）、说明（必填）和图注；可以先在下面“在正文里插入照片”上传",
}


@dataclass(frozen=True)
class Field:
    """One form field: the front-matter key, a short label, the scaffold's explanation and how it
    is entered."""

    key: str
    label: str
    help: str
    # text, textarea, date, datetime, list, lines, check, channels, choice, int, number, image, …
    widget: str
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
        out.append(
            Field(
                key,
                _LABELS.get(key) or label_of(note),
                _HELP.get(key, note),
                widget,
                tuple(choices),
                key in _REQUIRED,
            )
        )
    return out


def label_of(note: str) -> str:
    """The field's name from its explanation: the words before the first bracket or punctuation
    mark."""
    return re.split(r"[（(，。,：:；]", note, maxsplit=1)[0].strip() or note
