"""Write a new content file with every front-matter field of its type and a Chinese comment on each.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from generator.config import SiteConfig
from generator.model.content import TYPE_FOLDERS
from generator.base.errors import BuildFailed, error

TYPES = ("story", "activity", "letter", "page", "slide")

_COMMON = [
    ("title", "{title}", "标题（必填）。微信标题不超过 32 个字"),
    ("date", "{today}", "发布日期，例如 2024-05-01 或 2024年5月1日"),
    ("summary", "", "摘要，一两句话，不超过 120 个字；公众号摘要也用它"),
    ("tags", "[]", "标签，例如 [志愿服务, 孝老爱亲]"),
    ("author", "", "作者或通讯员，不超过 8 个字"),
    ("source", "常山县文明办", "来源"),
    ("editor", "", "责任编辑"),
    ("cover", "", "封面图片路径，例如 images/封面.jpg；不用封面就留空"),
    ("cover_alt", "", "封面图片的文字说明（有封面时必填）"),
    ("cover_focus", "[]", "公众号封面裁剪时保留的中心点，例如 [0.5, 0.4]；留空表示正中"),
    ("slug", "", "网址名，留空会按文件名自动生成拼音"),
    ("draft", "false", "草稿：true 表示暂不发布"),
    ("expires", "", "下线日期，例如 2025-06-30：过了这天网站、公众号和大屏都不再发布；留空表示一直发布"),
    ("aliases", "[]", "旧网址，改了 slug 或合并文章时写上，例如 [/stories/old-name/]，旧网址会跳转到这里"),
    ("outputs", "[]", "发布渠道 site（网站）/wechat（公众号）/led（大屏），留空按类型默认"),
    ("consent", "", "文中写到的人同意发布的记录 {who: 姓名, date: 2024-05-01, scope: [姓名, 照片, 事迹], "
     "channels: [site, wechat, led]}；写到几个人就写成列表，每人一条；写到健康、残疾等敏感信息要在 scope 里写明"),
]
_BY_TYPE = {
    "story": [
        ("person", "", "人物姓名"),
        ("category", "助人为乐", "类别：助人为乐 / 见义勇为 / 诚实守信 / 敬业奉献 / 孝老爱亲"),
        ("honour", "", "所获荣誉，例如 2024年第二季度“常山好人”"),
        ("honour_level", "县", "荣誉级别：县 / 市 / 省 / 中国好人榜"),
        ("township", "", "所在乡镇或街道"),
        ("community", "", "所在村或社区（不要写门牌号）"),
        ("photo", "", "人物照片路径"),
        ("photo_alt", "", "人物照片的文字说明"),
        ("minor", "false", "人物未满 14 周岁时写 true，并填写监护人同意"),
        ("guardian_consent", "", "未成年人的监护人同意记录，格式同上"),
    ],
    "activity": [
        ("start", "", "开始时间，例如 2024-05-01 08:30"),
        ("end", "", "结束时间"),
        ("place", "", "地点，写到乡镇、村或社区即可"),
        ("organiser", "", "组织单位"),
        ("team", "", "志愿服务队伍"),
        ("participants", "", "参与人数（数字）"),
        ("service_hours", "", "服务总时长（小时，数字）"),
        ("photos", "[]", "活动照片，每张写 {src: 路径, alt: 说明, caption: 图注}"),
    ],
    "letter": [
        ("issuer", "[常山县文明办]", "倡议单位，可以写多个"),
        ("signed", "{today}", "落款日期"),
        ("salutation", "广大市民朋友们", "称呼，会自动加上冒号"),
    ],
    "page": [("menu", "", "在主菜单中的位置（数字）；不进菜单就留空")],
    "slide": [],
}
_LED = "led:                  # LED 大屏设置（可不填）：text 屏幕文字、duration 秒数、screens 屏幕、start/end 日期、weekdays 星期、time 时段、priority、emergency"
_WECHAT = "wechat:               # 公众号专用（可不填）：title 公众号标题（32 字内）、digest 摘要（120 字内）、author 作者"
_BODY = {
    "letter": "（开头一段：说明为什么发出倡议。）\n\n一、（第一条倡议。）\n\n二、（第二条倡议。）\n\n（结尾一段：表达希望，不写“此致敬礼”。）\n",
    "slide": "第一幅标语的第一行\n第一幅标语的第二行\n\n---\n\n第二幅标语\n",
}
_DEFAULT_BODY = "在这里写正文。段落之间空一行。\n"


def placeholder_sentences() -> tuple[str, ...]:
    """The prompts a new file's body starts with (without list numbers): left in, they must not be
    published."""
    found = []
    for text in (*_BODY.values(), _DEFAULT_BODY):
        for line in text.split("\n"):
            line = line.strip().lstrip("一二三四五六七八九十、").strip()
            if line and line != "---":
                found.append(line)
    return tuple(dict.fromkeys(found))


def field_notes(page_type: str) -> list[tuple[str, str]]:
    """Each front-matter field of a type with its Chinese explanation, in the order a new file lists
    them."""
    return [(key, comment) for key, _value, comment in _COMMON + _BY_TYPE[page_type]]


def render(page_type: str, title: str, today: date) -> str:
    """The text of a new file: front matter with every field commented, then a body placeholder."""
    rows = _COMMON + _BY_TYPE[page_type]
    lines = ["---"]
    for key, value, comment in rows:
        value = (
            value.format(title=json.dumps(title, ensure_ascii=False), today=today.isoformat())
            if "{t" in value
            else value
        )
        lines.append(f"{key}: {value}".rstrip().ljust(20) + f"  # {comment}")
    lines += [_LED, _WECHAT, "---", "", _BODY.get(page_type, _DEFAULT_BODY)]
    return "\n".join(lines)


def create(content_dir: Path, page_type: str, title: str, today: date, cfg: SiteConfig) -> Path:
    """Write the new file under content/<type folder>/ and return its path; never overwrite an
    existing file."""
    safe_title = "".join(c for c in title if c not in '\\/:*?"<>|').strip() or "新文章"
    path = content_dir / TYPE_FOLDERS[page_type] / f"{today.isoformat()}-{safe_title}.md"
    if path.exists():
        raise BuildFailed([error(path, 1, "同名文件已经存在，没有覆盖", "换一个标题，或直接编辑这个文件。")])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(page_type, title, today), encoding="utf-8")
    return path
