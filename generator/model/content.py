"""The content model: read every file under content/, validate it, and return one Site."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

from generator.model import fields
from generator.base import frontmatter, limits, schema, slugs, source
from generator.base.cache import Cache
from generator.base.hashing import digest
from generator.config import SiteConfig
from generator.base.errors import BuildFailed, Problems, SiteError, error, warning

FOLDER_TYPES = {
    "stories": "story",
    "activities": "activity",
    "letters": "letter",
    "pages": "page",
    "slides": "slide",
}
TYPE_FOLDERS = {v: k for k, v in FOLDER_TYPES.items()}
TYPE_NAMES = {"story": "榜样人物", "activity": "志愿服务", "letter": "倡议书", "page": "页面", "slide": "标语"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
SKIPPED_DIRS = {"_data", "_review", "images"}
# sign-offs written in the file itself (before issue 11)
LEGACY_BLOCKS = {"review": "三审", "proof": "三校"}


@dataclass(frozen=True)
class Page:
    """One content file: its type, typed front matter, Markdown body and where each field was
    written."""

    source: str  # path relative to the content folder, with forward slashes
    type: str
    meta: fields.Common
    body: str
    body_line: int
    slug: str
    positions: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    source_text: str = field(default="", compare=False, repr=False)
    # a digest of the file's path and bytes (see `identity`)
    key: str = field(default="", compare=False, repr=False)
    # A page read from an approved snapshot: image src → the snapshot's copy (None for a working
    # file)
    images: dict | None = field(default=None, compare=False, hash=False, repr=False)

    def __getstate__(self) -> dict:
        # The texts travel as UTF-8 bytes (pickling a str keeps a UTF-8 copy inside it: see
        # markdown.Rendered),
        # and the body, the end of the text, is not stored twice.
        state = dict(self.__dict__)
        text, body = state.pop("source_text"), state.pop("body")
        state["text"] = text.encode()
        state["body"] = len(text) - len(body) if body and text.endswith(body) else body.encode()
        return state

    def __setstate__(self, state: dict) -> None:
        text = state.pop("text").decode()
        body = state.pop("body")
        state.update(source_text=text, body=text[body:] if isinstance(body, int) else body.decode())
        for name, value in state.items():
            object.__setattr__(self, name, value)  # frozen: the dataclass forbids plain assignment

    @property
    def identity(self) -> str:
        """A digest that changes whenever the page's text does: cheaper than hashing the text again
        for each key."""
        return self.key or digest(self.source, self.source_text)

    @property
    def title(self) -> str:
        """The page title."""
        return self.meta.title

    @property
    def date(self) -> date:
        """The publication date."""
        return self.meta.date

    @property
    def folder(self) -> str:
        """The content folder of this page's type (stories, activities, …)."""
        return TYPE_FOLDERS[self.type]

    def line_of(self, *key_path) -> int:
        """The file line where a front-matter key was written (1 when unknown)."""
        path = tuple(key_path)
        while path and path not in self.positions:
            path = path[:-1]
        return self.positions.get(path, (1, 1))[0]

    def goes_to(self, channel: str) -> bool:
        """True when this page is published on the channel (site, wechat or led)."""
        return channel in self.outputs

    @property
    def outputs(self) -> tuple[str, ...]:
        """The channels this page goes to: its own `outputs`, else the type's default (filled in by
        load_site)."""
        return self.meta.outputs


@dataclass(frozen=True)
class Site:
    """Every page of the site, read and validated, plus the content folder it came from."""

    pages: tuple[Page, ...]
    content_dir: Path
    warnings: tuple[SiteError, ...] = ()

    def of_type(self, page_type: str) -> list[Page]:
        """Pages of one type, newest first (ties broken by slug for stable output)."""
        chosen = [p for p in self.pages if p.type == page_type]
        return sorted(chosen, key=lambda p: (-p.date.toordinal(), p.slug))

    def find_image(self, page: Page, src: str) -> Path | None:
        """The file an image reference points to: beside the page first, then under content/; None
        if missing."""
        return find_image(self.content_dir, page, src)


def find_image(content_dir: Path, page: Page, src: str) -> Path | None:
    """The image file `src` names for `page` (beside the page, then under content/), never outside
    content/.

    A page read from an approved snapshot sees only the images kept with the snapshot.
    """
    if page.images is not None:
        kept = page.images.get(src)
        return Path(kept) if kept and Path(kept).is_file() else None
    if not src or "://" in src or src.startswith(("/", "data:")):
        return None
    root = content_dir.resolve()
    for base in (content_dir / Path(page.source).parent, content_dir):
        candidate = (base / src).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def load_site(
    cfg: SiteConfig, content_dir: Path, include_drafts: bool = False, cache: Cache | None = None,
    speller: slugs.Speller | None = None,
) -> Site:
    """Read and validate every content file; raise BuildFailed listing every problem in every file.

    With a cache, a file whose bytes are unchanged since the last build is not parsed again.
    `speller` spells Chinese file names (default: one of this cache).
    """
    problems = Problems()
    pages = []
    cache = cache or Cache(None, "")
    speller = speller or slugs.Speller(cache)
    files = content_files(content_dir, problems)
    # a page not parsed again asks for no spelling: its name's is kept for when it is edited
    speller.keep([path.stem for path in files])
    spell = speller.slug
    for path in files:
        rel = path.relative_to(content_dir).as_posix()
        try:
            key, raw = _file_key(path, rel, cache)
            page, notes = cache.memo(
                "pages", key,
                lambda: _parse(cfg, path, rel, raw or source.read_bytes(path), key, spell)
            )
        except BuildFailed as failed:
            problems.extend(failed.problems)
            continue
        problems.extend(notes)
        if page is not None and (include_drafts or not page.meta.draft):
            pages.append(page)
    problems.raise_if_errors()
    return Site(tuple(pages), content_dir, tuple(problems.warnings))


def _file_key(path: Path, rel: str, cache: Cache) -> tuple[str, bytes | None]:
    """The content key of a file, and its bytes when they had to be read.

    A kept cache (the preview server) trusts a file whose size, times and inode are as it last saw
    them, as its file watcher does; every other build reads and hashes every file.
    """
    if cache.seen_files is None:
        raw = source.read_bytes(path)
        return digest(rel, raw), raw
    try:
        stat = path.stat()
    except OSError:
        stat = None
    signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino) if stat else None
    seen = cache.seen_files.get(rel)
    if signature and seen and seen[0] == signature:
        return seen[1], None
    raw = source.read_bytes(path)
    key = digest(rel, raw)
    if signature:
        cache.seen_files[rel] = (signature, key)
    return key, raw


def content_files(content_dir: Path, problems: Problems) -> list[Path]:
    """Every Markdown file under a type folder, in sorted order; links leading outside content/ are
    skipped."""
    if not content_dir.is_dir():
        raise BuildFailed([error(content_dir, 1, "找不到内容文件夹", "检查 --content 参数或在项目根目录运行。")])
    found: list[Path] = []
    _scan(content_dir, ".", content_dir.resolve(), problems, found)
    return found


def _scan(folder: Path, top: str, root: Path, problems: Problems, found: list[Path]) -> None:
    """A folder's files (sorted), then its subfolders (sorted, links to folders not followed), like
    os.walk."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if not _is_dir(entry) and _accept(
            folder, entry.name, entry.is_symlink(), top, root, problems
        ):
            found.append(folder / entry.name)
    for entry in entries:
        name = entry.name
        if entry.is_symlink() and not name.startswith("."):
            _linked_folder(folder / name, root, problems)
        elif _is_dir(entry) and not name.startswith(".") and name not in SKIPPED_DIRS:
            _scan(folder / name, name if top == "." else top, root, problems, found)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link that loops: reported as a file that cannot be read
        return False


def _linked_folder(path: Path, root: Path, problems: Problems) -> None:
    """Links to folders are never followed (no loops, nothing from outside); say so for each one."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return  # a broken or looping link: _accept reported it with the files
    if target.is_dir():
        where = "content/ 以外的文件夹" if not target.is_relative_to(root) else "content/ 里的另一个文件夹"
        problems.add(warning(path, 1, f"这是指向{where}的链接，不会读取里面的文章",
                             "把文件夹本身放进 content/，不要用快捷方式或链接。", code="content.symlink"))


def _accept(
    folder: Path, name: str, is_link: bool, top: str, root: Path, problems: Problems
) -> bool:
    # Runs for every file of every build: plain string tests first (the listing already knows what
    # is a link).
    suffix = os.path.splitext(name)[1].lower()
    if name.startswith((".", "_", "~$")) or suffix in IMAGE_SUFFIXES:
        return False
    path = folder / name
    if is_link and not _link_inside(path, root, problems):
        return False
    bad = slugs.problem(name, check_length=False) if suffix == ".md" else None
    if bad:
        problems.add(error(folder / slugs.shown(name), 1, f"文件名{bad}",
                           "把文件改个名字：只用汉字、字母、数字和 -。", code="content.filename"))
        return False
    if suffix != ".md":
        if suffix in (".docx", ".doc", ".wps", ".txt"):
            problems.add(warning(path, 1, f"{path.suffix} 文件不会发布", "文章要保存为 .md 纯文本文件。",
                                 code="content.suffix"))
        return False
    if top == "." or top not in FOLDER_TYPES:
        problems.add(error(path, 1, "文章放错了文件夹",
                           f"请放进 {'、'.join(f'content/{k}/' for k in FOLDER_TYPES)} 之一。"))
        return False
    return True


def _link_inside(path: Path, root: Path, problems: Problems) -> bool:
    """True for a link to a file inside content/; a link outside, broken or looping gets a warning.
    """
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        target = None
    except OSError as exc:
        target = None if exc.errno == 40 else False  # ELOOP: a loop; anything else: broken
    if target is None:
        problems.add(warning(path, 1, "这个链接绕成了一个圈（链接循环），已跳过", "删掉这个链接。", code="content.symlink"))
        return False
    if target is False:
        problems.add(warning(path, 1, "这个链接指向的文件不存在，已跳过", "删掉这个链接。", code="content.symlink"))
        return False
    if not target.is_relative_to(root):
        problems.add(warning(path, 1, "这是指向 content/ 以外的链接，已跳过", "把文件本身放进 content/。",
                             code="content.symlink"))
        return False
    return True


def _parse(
    cfg: SiteConfig, path: Path, rel: str, raw: bytes, key: str, spell: Callable[[str], str]
) -> tuple[Page, list[SiteError]]:
    """Parse one file's bytes into a Page and its warnings; BuildFailed with all its errors."""
    problems = Problems()
    page = load_page(cfg, path, rel, problems, raw, spell)
    problems.raise_if_errors()
    return (replace(page, key=key) if page else page), problems.items


def _within_limits(path: Path, matter, meta, problems: Problems) -> bool:
    """Refuse bodies nested past the limit and pages with too many tags, before Markdown sees them.
    """
    deep = limits.deepest_nesting(matter.body)
    if deep:
        problems.add(error(path, matter.body_line + deep[0] - 1,
                           f"列表或引用套得太深（{deep[1]} 层，上限 {limits.MAX_NESTING} 层）",
                           "正文的列表一般只需两三层：检查缩进或行首的 - 和 > 是不是写多了。", code="limits.nesting"))
        return False
    tags = getattr(meta, "tags", ()) or ()
    if len(tags) > limits.MAX_TAGS:
        problems.add(
            error(
                path,
                matter.line_of(("tags",)),
                f"标签太多（{len(tags)} 个，上限 {limits.MAX_TAGS} 个）",
                "每篇文章选几个最贴切的标签即可。",
                code="limits.tags",
            )
        )
        return False
    return True


def load_page(
    cfg: SiteConfig, path: Path, rel: str, problems: Problems, raw: bytes | None = None,
    spell: Callable[[str], str] = slugs.slugify,
) -> Page | None:
    """Read one file into a Page, adding its problems to `problems` (None when it has errors);
    `spell` makes the slug of a file name (the default spells it afresh)."""
    text, notes = source.text_from_bytes(source.read_bytes(path) if raw is None else raw, path)
    problems.extend(notes)
    matter = frontmatter.split(text, path)
    problems.extend(matter.warnings)
    if _refuse_legacy(path, matter, problems):
        return None
    page_type = FOLDER_TYPES[Path(rel).parts[0]]
    meta, schema_problems = schema.build(fields.FIELDS_BY_TYPE[page_type], matter.data)
    for p in schema_problems:
        problems.add(error(path, matter.line_of(p.path), p.message, p.hint))
    if meta is None:
        return None
    if not _within_limits(path, matter, meta, problems):
        return None
    slug = meta.slug.strip() or spell(Path(rel).stem) or f"{meta.date:%Y-%m-%d}-{page_type}"
    unsafe = slugs.problem(slug)
    if unsafe:
        problems.add(
            error(
                path,
                matter.line_of(("slug",)),
                f"网址名（slug）“{slugs.shown(slug)}” {unsafe}",
                "slug 只用小写字母、数字和 -，例如 slug: li-a-yi-zao-can。",
                code="slug.unsafe",
            )
        )
        return None
    if not meta.outputs:
        meta = replace(meta, outputs=cfg.outputs_for(page_type))
    return Page(rel, page_type, meta, matter.body, matter.body_line, slug, matter.positions, text)


def _refuse_legacy(path: Path, matter: frontmatter.FrontMatter, problems: Problems) -> bool:
    """Old `review:`/`proof:` blocks are refused: sign-offs are signed records now, not lines anyone
    can type."""
    found = [key for key in LEGACY_BLOCKS if key in matter.data]
    for key in found:
        problems.add(
            error(
                path,
                matter.line_of((key,)),
                f"文件头里的 {key}:（{LEGACY_BLOCKS[key]}记录）已不再使用",
                "审核改为本人用密码签名的记录。删除这一块（可运行 python -m generator review migrate "
                "自动删除），再请审核人用 review sign 重新签署。",
                code="review.legacy",
            )
        )
    return bool(found)
