"""Find personal data (IDs, phones, bank cards, addresses, plates) in published text and mask it."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Callable

from generator.base import source, yamlio
from generator.base.hashing import digest
from generator.config import SiteConfig
from generator.model.content import Page
from generator.base.errors import BuildFailed, SiteError, error, warning

KIND_NAMES = {"id": "身份证号", "phone": "手机号", "landline": "固定电话", "bankcard": "银行卡号",
              "address": "详细住址", "plate": "车牌号"}
ALLOW_FILE = "_data/privacy.yaml"  # under content/: public office numbers that may be published
DATA_SUFFIXES = (".yaml", ".yml", ".json", ".csv")

# Staff type full-width digits and brackets; scan their ASCII twins. One char maps to one char, so
# offsets hold.
_FULL = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺｘ（）－＋\u3000"
_HALF = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZx()-+ "
_SCAN = str.maketrans(_FULL, _HALF)

# a number starts here: not inside a word, a longer number or a decimal
_EDGE = r"(?<![0-9A-Za-z])(?<!\d[.,])"
_END = r"(?![0-9A-Za-z])"
_ID = re.compile(_EDGE + r"(\d{6} ?\d{8} ?\d{3}[\dXx]|\d{15})" + _END)
_BANKCARD = re.compile(
    _EDGE + r"([3-69]\d{15,18}|[3-69]\d{3}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)" + _END
)
_MOBILE = re.compile(_EDGE + r"(?P<cc>(?:\(\+?86\)|(?:\+|00)?86)[ -]?)?"
                     r"(?P<num>1[3-9]\d[ -]?\d{4}[ -]?\d{4})" + _END)
_LANDLINE = re.compile(_EDGE + r"(?:\((?P<a1>0\d{2,3})\)|(?P<a2>0\d{2,3})[ -])"
                       r" ?(?P<local>[2-9]\d{6,7})(?:-\d{1,4})?" + _END)
_PROVINCES_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"(?<![A-Za-z0-9])(?P<p>[{_PROVINCES_ABBR}][A-HJ-NP-Z])[·•・.\- ]?(?P<rest>[A-HJ-NP-Z0-9]{{5,"
    rf"6}}){_END}"
)
_NUM = "0-9一二三四五六七八九十百零〇"
# A road, street, lane, village or housing estate name, then a house number and unit words.
# Characters that
# usually start a clause (在/住/于…) cannot be part of the name, so the match begins at the place name.
_PLACE = r"[^\s\d在住于到至从是的了和与及向往位居，。、；：！？“”（）《》]"
_ADDRESS = re.compile(
    rf"{_PLACE}{{1,12}}?(?:大道|大街|路|街|巷|弄|胡同|村|新村|小区|社区|花园|公寓|苑|园|府|组)(?:[{_NUM}]+组)?"
    rf" ?[{_NUM}]+ ?(?:号(?![门线台机窗口位床文令楼])|幢|栋|单元|室|弄)"
    rf"(?:[{_NUM}\-之 ]*(?:号楼|号|幢|栋|单元|楼|层|室|座))*")
_TOWNSHIP = re.compile(r"(?:街道|镇|乡|县|市)")
_PROVINCE_CODES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
                            "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split())
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# A number right after one of these labels is an order, serial or tracking number, not a person's.
_NUMBER_LABEL = re.compile(r"(?:订单|单号|编号|流水|快递|运单|批次|批号|工单|发票|证书号|条码|序列号|货号)[号码：:\s]*$")


@dataclass(frozen=True)
class Hit:
    """One piece of personal data: its kind, where it is in the text, and its masked form."""

    kind: str
    start: int
    end: int
    masked: str


def digits(text: str) -> str:
    """Only the ASCII digits of a text (after full-width ones are folded)."""
    return re.sub(r"\D", "", text.translate(_SCAN))


def valid_id(number: str) -> bool:
    """True for an 18-digit resident ID with a valid GB 11643 checksum, or a 15-digit one with a
    valid date."""
    number = number.replace(" ", "").upper()
    if number[:2] not in _PROVINCE_CODES or number[2:6] == "0000":
        return False
    if len(number) == 15:
        return _valid_date(1900 + int(number[6:8]), number[8:10], number[10:12])
    if len(number) != 18 or not _valid_date(int(number[6:10]), number[10:12], number[12:14]):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def _valid_date(year: int, month: str, day: str) -> bool:
    try:
        return 1900 <= year <= 2099 and bool(date(year, int(month), int(day)))
    except ValueError:
        return False


def luhn(number: str) -> bool:
    """True when a digit string passes the Luhn check used by bank cards."""
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _id_hit(m: re.Match, text: str) -> str | None:
    number = m.group(1).replace(" ", "").upper()
    if not valid_id(number) or (len(number) == 15 and _labelled(text, m.start())):
        return None
    return number[:2] + "*" * (len(number) - 5) + number[-3:]


def _bankcard_hit(m: re.Match, text: str) -> str | None:
    number = digits(m.group(1))
    if not 16 <= len(number) <= 19 or not luhn(number) or _labelled(text, m.start()):
        return None
    return "*" * (len(number) - 4) + number[-4:]


def _mobile_hit(m: re.Match, text: str) -> str | None:
    if _labelled(text, m.start()):
        return None
    number = digits(m.group("num"))
    return (m.group("cc") or "") + number[:3] + "****" + number[-4:]


def _landline_hit(m: re.Match, text: str) -> str | None:
    if _labelled(text, m.start()):
        return None
    local = m.group("local")
    return f"{m.group('a1') or m.group('a2')}-{'*' * (len(local) - 3)}{local[-3:]}"


def _plate_hit(m: re.Match, text: str) -> str | None:
    rest = m.group("rest")
    numbers = sum(c.isdigit() for c in rest)
    if len(rest) == 5 and numbers < 3:  # ordinary plates carry at most two letters
        return None
    if len(rest) == 6 and not (
        (rest[0] in "DF" and rest[2:].isdigit()) or (rest[:5].isdigit() and rest[5] in "DF")
    ):
        # six characters only for new-energy plates (D/F first, or last on large vehicles)
        return None
    return f"{m.group('p')}·{'*' * (len(rest) - 2)}{rest[-2:]}"


def _address_hit(m: re.Match, text: str) -> str | None:
    """Cut the address after its last 乡/镇/街道 (or county/city); with none, nothing of it may stay."""
    levels = list(_TOWNSHIP.finditer(m.group(0)))
    return m.group(0)[:levels[-1].end()] if levels else "***"


def _labelled(text: str, start: int) -> bool:
    return bool(_NUMBER_LABEL.search(text[max(0, start - 8):start]))


# In priority order: where two detectors match overlapping text, the earlier (more specific) one
# wins.
_DETECTORS: tuple[tuple[str, re.Pattern, Callable[[re.Match, str], str | None]], ...] = (
    ("id", _ID, _id_hit),
    ("bankcard", _BANKCARD, _bankcard_hit),
    ("phone", _MOBILE, _mobile_hit),
    ("landline", _LANDLINE, _landline_hit),
    ("plate", _PLATE, _plate_hit),
    ("address", _ADDRESS, _address_hit),
)


# What each detector's match must contain; texts without it skip that detector's (slower) pattern.
_LONG_NUMBER = re.compile(r"\d[\d ()-]{5,}\d")
_PRECHECK = {
    "id": _LONG_NUMBER,
    "bankcard": _LONG_NUMBER,
    "phone": _LONG_NUMBER,
    "landline": _LONG_NUMBER,
    "plate": re.compile(r"[A-Za-z]"),
    "address": re.compile(r"[号幢栋室弄]|单元"),
}
_NEEDS_SCAN = re.compile("[" + re.escape(_FULL) + "]")


def find(text: str, allowed: frozenset[str] = frozenset()) -> list[Hit]:
    """Every piece of personal data in a text, in order; numbers listed in `allowed` (digits only)
    are skipped."""
    # translate is slow on long text
    scan = text.translate(_SCAN) if _NEEDS_SCAN.search(text) else text
    hits: list[Hit] = []
    for kind, pattern, check in _DETECTORS:
        if not _PRECHECK[kind].search(scan):  # a cheap necessary condition keeps long texts fast
            continue
        for m in pattern.finditer(scan):
            masked = check(m, scan)
            if masked is None or any(h.start < m.end() and m.start() < h.end for h in hits):
                continue
            if kind not in ("address", "plate") and _number_key(m.group(0)) in allowed:
                continue
            hits.append(Hit(kind, m.start(), m.end(), masked))
    return sorted(hits, key=lambda h: h.start)


def _number_key(text: str) -> str:
    number = digits(text)
    return number[2:] if len(number) == 13 and number.startswith("86") else number


def mask(text: str, allowed: frozenset[str] = frozenset()) -> str:
    """The text with every piece of personal data replaced by its masked form."""
    for hit in reversed(find(text, allowed)):
        text = text[:hit.start] + hit.masked + text[hit.end:]
    return text


def excerpt(text: str, hit: Hit, hits: list[Hit], around: int = 10) -> str:
    """A short quotation around `hit` with every hit in the text masked (cut addresses end in ***) .
    """
    shown, position, start, end = "", 0, 0, 0
    for other in hits:
        shown += text[position:other.start]
        start = len(shown) if other is hit else start
        shown += other.masked + (
            "***" if other.kind == "address" and not other.masked.endswith("***") else ""
        )
        end = len(shown) if other is hit else end
        position = other.end
    shown += text[position:]
    left, right = max(0, start - around), min(len(shown), end + around)
    while left > 0 and _joined(shown[left - 1]):
        left -= 1  # never cut a neighbouring number or word in half
    while right < len(shown) and _joined(shown[right]):
        right += 1
    quote = " ".join(shown[left:right].split())
    return ("…" if left else "") + quote + ("…" if right < len(shown) else "")


def _joined(char: str) -> bool:
    return (char.isascii() and char.isalnum()) or char in "-*·"


@dataclass(frozen=True)
class Text:
    """One published piece of a page: its words, the file line they start on, a Chinese label, its
    key path."""

    text: str
    line: int
    label: str
    key: tuple = ()  # empty for the Markdown body
    prose: bool = True  # running text (checked for punctuation), not a name or a place field

    def line_at(self, offset: int) -> int:
        """The file line of a character offset in this text."""
        return self.line + self.text.count("\n", 0, offset)

    def col_at(self, offset: int) -> int:
        """The column of a character offset (1 for front-matter values, whose column is the key's) .
        """
        return offset - self.text.rfind("\n", 0, offset) if not self.key else 1


PROSE_FIELDS = {"title": "标题", "summary": "摘要", "cover_alt": "封面图说明", "photo_alt": "照片说明"}
DETAIL_FIELDS = {"author": "作者", "source": "来源", "editor": "责任编辑", "person": "人物", "honour": "荣誉",
                 "township": "乡镇", "community": "村社", "place": "地点", "organiser": "主办单位",
                 "team": "服务队", "salutation": "称呼"}
LIST_FIELDS = {"issuer": "倡议单位", "tags": "标签"}


def page_texts(page: Page) -> list[Text]:
    """Every text of a page that readers see: body, title, summary, alt texts, captions, LED text,
    names, places."""
    meta = page.meta
    found = [Text(page.body, page.body_line, "正文")]
    for key, label in (PROSE_FIELDS | DETAIL_FIELDS).items():
        value = getattr(meta, key, "")
        if value:
            found.append(Text(value, page.line_of(key), label, (key,), key in PROSE_FIELDS))
    for key, label in LIST_FIELDS.items():
        found += [
            Text(v, page.line_of(key, i), label, (key, i), False)
            for i, v in enumerate(getattr(meta, key, ()))
        ]
    for i, photo in enumerate(getattr(meta, "photos", ())):
        found += [
            Text(value, page.line_of("photos", i, key), label, ("photos", i, key))
            for key, label, value in (
                ("alt", "图片说明", photo.alt),
                ("caption", "图注", photo.caption),
            )
            if value
        ]
    found += [
        Text(v, page.line_of("led", "text", i), "LED 文字", ("led", "text", i))
        for i, v in enumerate(meta.led.text)
    ]
    return found


def allowed_numbers(cfg: SiteConfig, content_dir: Path) -> frozenset[str]:
    """Public numbers that may appear: the site's own contact line and the allow list in
    content/_data/privacy.yaml."""
    entries = [cfg.site.contact]
    path = content_dir / ALLOW_FILE
    if path.is_file():
        try:
            data = yamlio.parse(source.read_text(path)[0]).data
        except (yamlio.YamlProblem, BuildFailed):
            # a broken allow list allows nothing; the data-file scan still reports its numbers
            data = None
        entries += (
            [str(v) for v in (data or {}).get("allow", []) or []] if isinstance(data, dict) else []
        )
    keys = {_number_key(entry[h.start:h.end]) for entry in entries for h in find(entry)}
    return frozenset(keys | {digits(e) for e in entries[1:] if digits(e)})


def page_findings(
    page: Page, path: Path, allowed: frozenset[str], masking: bool
) -> list[SiteError]:
    """One problem per piece of personal data in a page, quoting a masked excerpt at the real file
    line."""
    found = []
    for text in page_texts(page):
        hits = find(text.text, allowed)
        found += [_problem(path, text, hit, hits, masking) for hit in hits]
    return found


_BODY_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)>\s]+)")


def page_names(page: Page) -> list[Text]:
    """The names a page is published under: its file name, its own slug, and the file names of its
    images."""
    found = [Text(page.source, 1, "文件名", ("file",), False)]
    if ("slug",) in page.positions:  # (a slug made from the file name is covered by the file name)
        found.append(Text(page.slug, page.line_of("slug"), "网址名（slug）", ("slug",), False))
    meta = page.meta
    for key in ("cover", "photo"):
        if getattr(meta, key, ""):
            found.append(Text(getattr(meta, key), page.line_of(key), "图片文件名", (key,), False))
    found += [Text(p.src, page.line_of("photos", i, "src"), "图片文件名", ("photos", i, "src"), False)
              for i, p in enumerate(getattr(meta, "photos", ()))]
    for m in _BODY_IMAGE.finditer(page.body):
        found.append(
            Text(
                m.group(1),
                page.body_line + page.body.count("\n", 0, m.start()),
                "图片文件名",
                ("body",),
                False,
            )
        )
    return found


def name_findings(page: Page, path: Path, allowed: frozenset[str]) -> list[SiteError]:
    """Personal data in a page's file name, slug or image file names: always an error, whatever the
    masking.

    These names become URLs, sitemap entries, LED frame names, playlist and search entries, which
    masking cannot reach. The problem names the file with the number masked (path and message
    alike), so it is never echoed.
    """
    shown = Path(mask(str(path), allowed))
    found = []
    for text in page_names(page):
        hits = find(text.text, allowed)
        for hit in hits[:1]:  # one problem per name is enough: it has to be renamed anyway
            kinds = "、".join(dict.fromkeys(KIND_NAMES[h.kind] for h in hits))
            found.append(
                error(
                    shown,
                    text.line,
                    f"{text.label}里有{kinds}：“{mask(text.text, allowed)}”",
                    _NAME_HINT.get(text.key[0], _NAME_HINT["image"]),
                    1,
                    f"privacy.name.{hit.kind}",
                )
            )
    return found


_NAME_HINT = {
    "file": "文件名会变成网址，出现在网站地图、搜索、LED 播放清单和审核台账里，无法遮盖：请给文件改名"
            "（例如用人名拼音和日期），号码不要写进文件名。",
    "slug": "网址名会出现在网址、网站地图和 LED 画面文件名里，无法遮盖：请把号码从 slug 里删掉。",
    "image": "图片文件名会原样出现在网址里，无法遮盖：请给图片文件改名（例如 zhang-1.jpg），并改这里的引用。",
}


def _problem(path: Path, text: Text, hit: Hit, hits: list[Hit], masking: bool) -> SiteError:
    kind = KIND_NAMES[hit.kind]
    quote = excerpt(text.text, hit, hits)
    line, col = text.line_at(hit.start), text.col_at(hit.start)
    if masking:
        return warning(path, line, f"{text.label}里有{kind}，发布时遮盖为 “{hit.masked}”：“{quote}”",
                       "源文件不会被改动；如果它本不该出现在文章里，请直接删除。", col, f"privacy.{hit.kind}")
    return error(
        path, line, f"{text.label}里有{kind}：“{quote}”", _hint(hit), col, f"privacy.{hit.kind}"
    )


def _hint(hit: Hit) -> str:
    if hit.kind == "address":
        return f"公开发布的地址只写到乡镇（街道），例如 “{hit.masked}”。"
    public = "；如果这是单位对外公开的电话，把它加进 content/_data/privacy.yaml 的 allow 列表" \
        if hit.kind in ("phone", "landline") else ""
    return f"个人信息不能公开发布：请删除，或改写成 “{hit.masked}”{public}。"


def data_findings(content_dir: Path, allowed: frozenset[str]) -> list[SiteError]:
    """Personal data in content/_data files; always blocking, because data files are never masked.
    """
    folder = content_dir / "_data"
    found: list[SiteError] = []
    if not folder.is_dir():
        return found
    for path in sorted(
        p for p in folder.iterdir() if p.suffix.lower() in DATA_SUFFIXES and p.is_file()
    ):
        try:
            text = source.read_text(path)[0]
        except BuildFailed as failed:
            found += failed.problems
            continue
        whole, hits = Text(text, 1, "数据文件"), find(text, allowed)
        for hit in hits:
            found.append(error(path, whole.line_at(hit.start), f"数据文件里有{KIND_NAMES[hit.kind]}："
                               f"“{excerpt(text, hit, hits)}”", "数据文件会原样用于网站，不会自动遮盖。" + _hint(hit),
                               whole.col_at(hit.start), f"privacy.{hit.kind}"))
    return found


def mask_page(page: Page, path: Path, allowed: frozenset[str]) -> tuple[Page, list[SiteError]]:
    """A copy of the page with personal data masked in every published text, and one warning per
    masked item."""
    notes = page_findings(page, path, allowed, masking=True)
    if not notes:
        return page, []
    meta, hide = page.meta, (lambda value: mask(value, allowed))
    changes: dict[str, object] = {
        k: hide(getattr(meta, k)) for k in PROSE_FIELDS | DETAIL_FIELDS if hasattr(meta, k)
    }
    changes |= {k: tuple(map(hide, getattr(meta, k))) for k in LIST_FIELDS if hasattr(meta, k)}
    if hasattr(meta, "photos"):
        changes["photos"] = tuple(
            replace(p, alt=hide(p.alt), caption=hide(p.caption)) for p in meta.photos
        )
    changes["led"] = replace(meta.led, text=tuple(map(hide, meta.led.text)))
    masked_text = hide(page.source_text)
    masked = replace(
        page,
        meta=replace(meta, **changes),
        body=hide(page.body),
        source_text=masked_text,
        key=digest(page.identity, masked_text),
    )
    return masked, notes
