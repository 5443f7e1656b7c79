"""Articles as the form sees them: read a file into form values, turn the form back into an ordinary
Markdown file with front matter, validate it with the real content model, and save it without
overwriting others' edits.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from generator.base.hashing import sha256_hex
from generator.base import frontmatter, source, yamlio
from generator.base.errors import BuildFailed, Problems, SiteError
from generator.config import SiteConfig
from generator.model.content import FOLDER_TYPES, TYPE_FOLDERS, load_page
from generator.desk.formspec import CHANNEL_NAMES, Field, fields_for

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")
_UNSAFE = set('\\/:*?"<>|\0') | {"\n", "\r", "\t"}


@dataclass
class Draft:
    """What the form holds: the type, the front-matter values by key, the body, and the file's hash
    when opened."""

    page_type: str
    values: dict = field(default_factory=dict)
    body: str = ""
    base: str = ""  # sha256 of the file's bytes when the form was opened ("" for a new article)
    source: str = ""  # path under content/ ("" until first saved)


class Conflict(Exception):
    """Someone else saved the file after this form was opened."""

    def __init__(self, current_text: str, current_hash: str):
        super().__init__("conflict")
        self.current_text, self.current_hash = current_text, current_hash


def file_hash(raw: bytes) -> str:
    """The hash that tells whether a file changed since a form was opened."""
    return sha256_hex(raw)


def open_article(content_dir: Path, rel: str) -> Draft:
    """Read a content file into a Draft (BuildFailed when its front matter cannot be read)."""
    path = safe_path(content_dir, rel)
    raw = source.read_bytes(path)
    text, _ = source.text_from_bytes(raw, path)
    matter = frontmatter.split(text, path)
    values = matter.data if isinstance(matter.data, dict) else {}
    return Draft(FOLDER_TYPES[Path(rel).parts[0]], dict(values), matter.body, file_hash(raw), rel)


def safe_path(content_dir: Path, rel: str) -> Path:
    """The file of an article path, refused (KeyError) unless it is a .md file in a type folder
    under content/."""
    path = (content_dir / rel).resolve()
    parts = Path(rel).parts
    if (
        not path.is_relative_to(content_dir.resolve())
        or len(parts) < 2
        or parts[0] not in FOLDER_TYPES
        or path.suffix != ".md"
        or any(p.startswith((".", "_")) for p in parts)
    ):
        raise KeyError(rel)
    return path


def from_form(page_type: str, form: dict[str, list[str]], cfg: SiteConfig, old: dict) -> dict:
    """Front-matter values from the submitted form over the old values (keys the form does not show
    are kept)."""
    values = dict(old)
    for spec in fields_for(page_type, cfg):
        value = _read(spec, form)
        if value in (None, "", [], {}):
            values.pop(spec.key, None)
        else:
            values[spec.key] = value
    return values


def to_text(values: dict, body: str) -> str:
    """An ordinary Markdown file: YAML front matter between --- lines, a blank line, the body."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return "---\n" + yamlio.dump(_typed(values), flow_lists=True) + "---\n\n" + body + "\n"


def _typed(value):
    """Dates, numbers and true/false read back as text are written unquoted again (2024-05-01, 28),
    as by hand."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        # read back as the same text: no quotes needed
        return float(value) if "." in value else int(value)
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def validate(cfg: SiteConfig, content_dir: Path, rel: str, text: str) -> list[SiteError]:
    """The errors the content model finds in the text (nothing is written)."""
    problems = Problems()
    try:
        load_page(cfg, content_dir / rel, rel, problems, text.encode("utf-8"))
    except BuildFailed as failed:
        return failed.problems
    return problems.errors


def new_source(page_type: str, values: dict) -> str:
    """Where a new article is saved: <type folder>/<date>-<title>.md, as `make new` names it."""
    title = (
        "".join(c for c in str(values.get("title", "")) if c not in _UNSAFE).strip(" .") or "新文章"
    )
    day = values.get("date")
    prefix = day.isoformat() if isinstance(day, date) else date.today().isoformat()
    return f"{TYPE_FOLDERS[page_type]}/{prefix}-{title[:60]}.md"


def save(content_dir: Path, rel: str, text: str, base: str) -> str:
    """Write the file atomically unless it changed since the form was opened (Conflict); return the
    new hash."""
    path = safe_path(content_dir, rel)
    if path.exists():
        raw = path.read_bytes()
        if file_hash(raw) != base:
            raise Conflict(raw.decode("utf-8", errors="replace"), file_hash(raw))
    elif base:
        raise Conflict("", "")  # it was deleted meanwhile
    data = text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.desk-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return file_hash(data)


def _read(spec: Field, form: dict[str, list[str]]):
    one = (form.get(spec.key) or [""])[0].strip()
    kind = spec.widget
    if kind == "check":
        return True if one else None
    if kind == "channels":
        return [c for c in CHANNEL_NAMES if c in form.get(spec.key, [])]
    if kind == "list":
        return [t.strip() for t in one.replace("、", ",").replace("，", ",").split(",") if t.strip()]
    if kind == "lines":
        return [t.strip() for t in one.splitlines() if t.strip()]
    if kind == "date":
        return _date(one)
    if kind == "datetime":
        return _datetime(one)
    if kind in ("int", "number"):
        return _number(one, int if kind == "int" else float)
    if kind == "consent":
        return _consent(spec.key, form)
    if kind == "photos":
        return _photos(form)
    return one


def _date(text: str):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return text  # left as typed: the content model names the mistake


def _datetime(text: str):
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return text


def _number(text: str, kind):
    try:
        return kind(text) if text else None
    except ValueError:
        return text


def _consent(key: str, form: dict[str, list[str]]) -> dict | None:
    who = (form.get(f"{key}.who") or [""])[0].strip()
    if not who:
        return None
    return {"who": who, "date": _date((form.get(f"{key}.date") or [""])[0].strip()),
            "scope": list(form.get(f"{key}.scope", [])),
            "channels": [c for c in CHANNEL_NAMES if c in form.get(f"{key}.channels", [])]}


def _photos(form: dict[str, list[str]]) -> list[dict]:
    rows = []
    for i in range(20):
        src = (form.get(f"photos.{i}.src") or [""])[0].strip()
        if not src:
            continue
        row = {"src": src, "alt": (form.get(f"photos.{i}.alt") or [""])[0].strip()}
        caption = (form.get(f"photos.{i}.caption") or [""])[0].strip()
        if caption:
            row["caption"] = caption
        rows.append(row)
    return rows
