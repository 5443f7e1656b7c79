"""Placeholders and leftovers that must never be published: bare image names, CMS debris, the
scaffold's own sentences and data marked as sample. Also the lead text WeChat takes for a digest,
which skips all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.base import source, yamlio
from generator.base.errors import BuildFailed, SiteError, error, warning
from generator.checks.privacy import DATA_SUFFIXES, page_texts
from generator.model.content import Page
from generator.model.scaffold import placeholder_sentences

# A paragraph that is only the word for a picture, or only an image file name (what a CMS leaves
# for a photo).
_PICTURE_WORD = re.compile(r"^[\[【（(]?(?:图片|图|照片|配图|插图|图片\d+|此处插入图片|此处插图)[\]】）)]?$")
_IMAGE_NAME = re.compile(r"^[\w\-.（）()\u3400-\u9fff]+\.(?:png|jpe?g|gif|webp|bmp|tiff?)$", re.I)
# CMS debris: labels of the page furniture around an article, pasted with it.
_DEBRIS_LINE = re.compile(r"^[（(【\[]?(?:责任编辑|编辑|审核|审稿|校对|签发|发布时间|发布日期|点击数|"
                          r"点击量|浏览次数|阅读次数|访问量|字号)\s*[:：]")
_DEBRIS_ANYWHERE = re.compile(r"【(?:打印|关闭|关闭窗口|返回顶部|收藏)】|分享到\s*[:：]|扫一扫在手机[上打]|"
                              r"上一篇\s*[:：]|下一篇\s*[:：]|字号\s*[:：]?\s*大\s*中\s*小")
# Data or text marked as sample, demo or test: （样例） 【示例数据】 (演示) 样例数据 …
_SAMPLE = re.compile(r"[（(【\[〔]\s*(?:样例|示例|演示|测试|样本|虚构|模拟)(?:数据|内容|数字)?\s*[）)】\]〕]|"
                     r"(?:样例|示例|演示|测试|虚构|模拟)数据|×××|XXX|ＸＸＸ|○○○|（待补充）|\(待补充\)|【待补充】|"
                     r"\bTODO\b|\bTBD\b")
# Bylines and source lines: fine in the body, never a digest.
_BYLINE = re.compile(r"^[（(【\[]?(?:本报讯|本网讯|本台讯|讯)[）)】\]]?\s*(?:[（(][^）)]{0,30}[）)])?\s*|"
                     r"^(?:[（(]?(?:通讯员|记者|特约记者|见习记者)[^，。）)]{0,20}[）)]?\s*)+")
_CREDIT_LINE = re.compile(r"^[（(]?(?:通讯员|记者|文|图|摄影|作者|文/图|文图|来源|稿源|转自)\s*[ :：/／]|"
                          r"^.{0,30}(?:通讯员|记者).{0,20}(?:报道|供稿|摄)[）)]?$")
_MARKUP = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|<[^>]+>|[*_`~#>]+|^\s*(?:[-+]|\d+[.)])\s+"
)
FILE_NOTE = "数据文件"
DICTIONARY_FILES = {"wording.yaml", "sensitive.yaml", "privacy.yaml"}


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a Markdown body: its plain text and the file line it starts on."""

    text: str
    line: int


def paragraphs(body: str, first_line: int) -> list[Paragraph]:
    """The body's paragraphs as plain text (markup and image syntax removed), with their file lines.
    """
    found, lines, start = [], [], first_line
    for number, raw in enumerate(body.split("\n") + [""], first_line):
        if raw.strip():
            start = start if lines else number
            lines.append(raw.strip())
        elif lines:
            found.append(Paragraph(plain(" ".join(lines)), start))
            lines = []
    return found


def plain(text: str) -> str:
    """A Markdown snippet as the words a reader sees (link texts kept, images, tags and markers
    dropped)."""
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or "", text).split())


def leftover(text: str) -> str:
    """Why a paragraph is a leftover that must not be published ("" when it is ordinary text)."""
    if _PICTURE_WORD.match(text) or (_IMAGE_NAME.match(text) and " " not in text):
        return f"只有 “{text}”，是图片没有插进来留下的占位"
    if _DEBRIS_LINE.match(text) or _DEBRIS_ANYWHERE.search(text):
        return f"是从网页后台复制来的编辑信息：“{text[:20]}”"
    return ""


def page_findings(page: Page, path: Path, blocking: bool) -> list[SiteError]:
    """Leftovers in the body, scaffold sentences left in, and sample marks in any published text of
    a page."""
    make = error if blocking else warning
    found = []
    for para in paragraphs(page.body, page.body_line):
        reason = leftover(para.text)
        if reason:
            found.append(
                make(
                    path,
                    para.line,
                    f"正文这一段{reason}",
                    _hint(para.text),
                    code="placeholder.leftover",
                )
            )
    scaffold = placeholder_sentences()
    for text in page_texts(page):
        kept = [s for s in scaffold if s in text.text]
        kept += [text.text.strip()] if text.key == ("title",) and text.text.strip() == "新文章" else []
        for sentence in kept:
            found.append(make(path, text.line_at(max(text.text.find(sentence), 0)),
                              f"{text.label}里还留着新建文章时的提示文字 “{sentence}”",
                              "把它换成真正的内容，或删掉。", code="placeholder.scaffold"))
        for mark in _SAMPLE.finditer(text.text):
            found.append(
                make(
                    path,
                    text.line_at(mark.start()),
                    f"{text.label}里有 “{mark.group(0)}”：这是样例或" "待补充的内容，不能公开发布",
                    "换成核实过的真实内容，再删掉这个标记。",
                    text.col_at(mark.start()),
                    "placeholder.sample",
                )
            )
    return found


def _hint(text: str) -> str:
    if text.startswith(("责任编辑", "编辑", "审核", "审稿", "校对", "签发")):
        return "删掉这一行；责任编辑写在文件头的 editor 里，发布时会自动排在文末。"
    if leftover(text).startswith("只有"):
        return "插入图片要写成 ![图片说明](images/文件名.jpg)；不用图片就删掉这一段。"
    return "删掉这一段：它是网页上的按钮或统计，不是文章的内容。"


def data_findings(content_dir: Path, blocking: bool) -> list[SiteError]:
    """Values in content/_data files marked as sample (the comments are not published and are not
    read)."""
    folder, make, found = content_dir / "_data", (error if blocking else warning), []
    if not folder.is_dir():
        return found
    for path in sorted(
        p for p in folder.iterdir() if p.suffix.lower() in DATA_SUFFIXES and p.is_file()
    ):
        if path.name in DICTIONARY_FILES or path.suffix.lower() not in (".yaml", ".yml"):
            continue
        try:
            doc = yamlio.parse(source.read_text(path)[0])
        except (BuildFailed, yamlio.YamlProblem):
            continue  # the file's own reader reports a broken file
        for key, value in _strings(doc.data, ()):
            mark = _SAMPLE.search(value)
            if mark:
                found.append(
                    make(
                        path,
                        doc.where(key)[0],
                        f"数据文件里有 “{mark.group(0)}”：“{value[:40]}” 是样例"
                        "数据，不能公开发布",
                        "换成核定的真实数据（同时更新来源和截至日期），再删掉这个标记；"
                        "在那之前这一项不会显示。",
                        code="placeholder.sample",
                    )
                )
    return found


def _strings(data: object, key: tuple):
    if isinstance(data, dict):
        for name, value in data.items():
            yield from _strings(value, key + (name,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, key + (index,))
    elif isinstance(data, str):
        yield key, data


def is_sample(value: object) -> bool:
    """True for a data value (or any string inside it) marked as sample, which is never published.
    """
    return any(_SAMPLE.search(text) for _key, text in _strings(value, ()))


def lead_text(page: Page, length: int) -> str:
    """The first `length` characters of the body's prose: what WeChat shows as the digest when there
    is none.

    Headings, placeholders, debris, scaffold sentences, bylines and credit or source lines are
    skipped.
    """
    scaffold, words = placeholder_sentences(), []
    for para in paragraphs(page.body, page.body_line):
        text = _BYLINE.sub("", para.text).strip()
        if (
            not text
            or leftover(text)
            or _CREDIT_LINE.match(text)
            or any(s in text for s in scaffold)
        ):
            continue
        if _SAMPLE.search(text) or page.body.split("\n")[
            para.line - page.body_line
        ].lstrip().startswith("#"):
            continue
        words.append(text)
        if sum(map(len, words)) >= length:
            break
    return "".join(words)[:length]
