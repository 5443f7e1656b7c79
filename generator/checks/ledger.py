"""The 审核台账: one CSV row per article with the signers and dates of its live revision, both
fingerprints and its status, ready for Excel; made from the verified history, so `make clean` loses
nothing."""

from __future__ import annotations

import codecs
import csv
import io
from typing import Callable

from generator.model.content import TYPE_NAMES, Page
from generator.checks.consent import CHANNEL_NAMES
from generator.checks.review import STAGES, ArticleStatus

HEADER = ("标题", "类型", "发布渠道", *(f"{s}{part}" for s in STAGES for part in ("人", "日期")),
          "在线版本指纹", "当前版本指纹", "发布日期", "状态", "文件")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # Excel would run these as formulas


def rows(pages: tuple[Page, ...] | list[Page], statuses: dict[str, ArticleStatus],
         hide: Callable[[str], str] = str) -> list[list[str]]:
    """The ledger rows, newest publication date first, then by file, so the order never changes
    between runs.

    `hide` masks personal data in the title and file name (privacy.mask when masking is on)."""
    ordered = sorted(pages, key=lambda p: (-p.date.toordinal(), p.source))
    return [_row(page, statuses.get(page.source), hide) for page in ordered]


def _row(page: Page, status: ArticleStatus | None, hide: Callable[[str], str]) -> list[str]:
    signed = []
    approvals = status.live_signed if status else {}
    for stage in STAGES:
        record = approvals.get(stage)
        signed += [record.signer, record.time.date().isoformat()] if record else ["", ""]
    channels = "、".join(CHANNEL_NAMES.get(c, c) for c in page.outputs)
    live = status.live or "" if status else ""
    return [
        _cell(hide(page.title)),
        TYPE_NAMES.get(page.type, page.type),
        channels,
        *map(_cell, signed),
        live,
        status.working if status else "",
        page.date.isoformat(),
        status.status_text() if status else "未启用审核",
        hide(page.source),
    ]


def _cell(text: str) -> str:
    """Neutralise text Excel would read as a formula (CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def ledger_csv(pages: tuple[Page, ...] | list[Page], statuses: dict[str, ArticleStatus],
               hide: Callable[[str], str] = str) -> bytes:
    """The whole ledger as CSV bytes: UTF-8 with a BOM and CRLF line ends, which Excel opens
    correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(pages, statuses, hide))
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
