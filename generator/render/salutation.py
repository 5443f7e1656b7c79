"""A 倡议书's salutation written in the body, as real letters do, recognised so it is not indented as a
paragraph.

Two forms: the salutation alone in the first paragraph (`广大市民朋友：`), or a first paragraph that opens
with it (`尊敬的市民朋友们，……`). The body keeps everything else.
"""

from __future__ import annotations

import html
import re

_ALONE = re.compile(r"^\s*<p>([^<。！？，；：:]{2,24})[：:]\s*</p>\s*")
# Whom a salutation addresses; a line such as 我们倡议： names nobody and stays a paragraph.
_ADDRESSEE = re.compile(r"朋友|市民|居民|村民|乡亲|群众|同胞|同志|志愿者|同学|家长|师生|党员|干部|职工|各位|广大|全体|尊敬|亲爱")
_OPENING = re.compile(r"^\s*<p>((?:尊敬的|亲爱的|广大)[^<。！？，；：:]{1,20})[，,：:]\s*")


def split(body_html: str) -> tuple[str, str]:
    """(salutation without its colon, the rest of the body HTML); ("", body) when the body opens
    otherwise."""
    match = _ALONE.match(body_html)
    if match and _ADDRESSEE.search(match.group(1)) and not match.group(1).startswith(("我", "为")):
        return html.unescape(match.group(1)).strip(), body_html[match.end():]
    match = _OPENING.match(body_html)
    if match:
        return html.unescape(match.group(1)).strip(), "<p>" + body_html[match.end():]
    return "", body_html
