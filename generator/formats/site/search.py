"""Full-text Chinese search that runs in the browser: a character-bigram index in sharded JSON
files."""

from __future__ import annotations

import json
import re
from array import array
from bisect import bisect_left, insort
import unicodedata
from collections import Counter
from html import unescape
from html.parser import HTMLParser
from typing import Callable, Iterator

from generator.base.hashing import short_sha256

INDEX_DIR = "search/data/"  # every index file lives under this output folder
FORMAT = 1  # bump when the file layout changes, so an old cached page never reads a new index
SHARD_BYTES = 24_000  # aim for shards of about this size: one query fetches a few of them
MAX_SHARDS = 4096
BLOCK_DOCS = 256  # see SearchIndex.blocks
TITLE_BONUS = 4  # a term in the title outranks any number of mentions in the body
MAX_TF = 3

# Runs of Han characters become overlapping bigrams; runs of Latin letters and digits become words.
# The browser (templates/static/showcase.js) tokenises queries with exactly these rules.
_TOKENS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A 64-letter alphabet that needs no escaping in JSON: digits 0-31 end a number, 32-63 continue it.
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "li",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "br",
        "section",
        "article",
        "figure",
        "figcaption",
        "blockquote",
        "ul",
        "ol",
        "dl",
        "table",
        "time",
    }
)
_SKIPPED = frozenset({"script", "style", "template", "noscript", "svg", "button", "form"})
_SKIPPED_CLASSES = frozenset({"meta"})  # the 发布时间/来源/作者 line of articles: noise in every excerpt
_VOID = frozenset(
    {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "area", "col", "embed"}
)


def index_texts(
    pages: list[tuple[str, str, str]], base_path: str, shard_bytes: int = SHARD_BYTES
) -> dict[str, bytes]:
    """Index (url, title, text) of each published page, its text as `page_text` extracts it; return
    the index files by output path under search/data/. Ties in the ranking keep the order of
    `pages`: pass them newest first.
    """
    index = SearchIndex(base_path, shard_bytes)
    return dict(index.rebuild(pages, [digest_of(doc) for doc in pages]))


def digest_of(doc: tuple[str, str, str]) -> str:
    """A key for one document's (url, title, text): equal keys mean an identical document file and
    terms."""
    return short_sha256("\0".join(doc))


class SearchIndex:
    """The index of a list of documents, kept so that a later build can update it instead of
    starting over.

    Documents are numbered in the order given (newest first: the browser ranks ties by number). When
    the list keeps its length and only some documents change, `update` re-codes only the terms those
    documents use, which after editing one story is a few hundred terms instead of every posting of
    every page.
    """

    def __init__(
        self, base_path: str, shard_bytes: int = SHARD_BYTES, block_docs: int = BLOCK_DOCS
    ):
        self.base_path, self.shard_bytes, self.block_docs = base_path, shard_bytes, block_docs
        # The coded postings of common terms, in blocks of `block_docs` document numbers: an edit
        # codes one or two
        # blocks again instead of a list that names nearly every page (see _coded).
        self.blocks: dict[str, dict[int, str]] = {}
        # per document number: its digest_of key (or any key that changes with it)
        self.keys: list[str] = []
        # Each posting packed into one int (doc << 3 | weight), in order, in a compact array:
        # tuples would take
        # ~20 times the memory, and 10,000 pages have millions of postings.
        self.postings: dict[str, array] = {}
        self.shards = 1
        self.by_shard: list[dict[str, str]] = [{}]  # shard → {term: coded postings}
        self.file_keys: dict[str, str] = {}  # output path → digest of its bytes
        self._size = 0  # the estimate _shard_count works from, kept up to date

    def rebuild(
        self, docs: list[tuple[str, str, str]], keys: list[str]
    ) -> Iterator[tuple[str, bytes]]:
        """Index (url, title, text) documents from scratch, yielding every index file (consume them
        all).

        Document files are made one at a time as they are taken, so a large site's texts are not all
        held as JSON at once.
        """
        self.keys, self.postings, self.file_keys = list(keys), {}, {}
        for number, (_, title, text) in enumerate(docs):
            for term, weight in term_weights(title, text).items():
                self.postings.setdefault(term, array("I")).append(number << 3 | weight)
        self._size = sum(_term_size(term, p) for term, p in self.postings.items())
        files = self._regroup()
        files.update((_doc_path(number), doc) for number, doc in enumerate(docs))
        for path, item in files.items():
            data = item if isinstance(item, bytes) else self._document(item)
            self.file_keys[path] = _key(data)
            yield path, data

    def texts(self, wanted: set[str], read: Callable[[str, str], bytes | None]) -> dict[str, str]:
        """The texts of indexed documents by key, read back from their published files when those
        are current.

        `read(path, key)` returns a published file's bytes if it still has that key, else None. A
        build that must index afresh (a page was added) gets unchanged pages' texts this way instead
        of rendering them.
        """
        found = {}
        for number, key in enumerate(self.keys):
            path = _doc_path(number)
            data = read(path, self.file_keys.get(path, "")) if key in wanted else None
            if data is not None:
                found[key] = json.loads(data)["x"]
        return found

    def can_update(self, keys: list[str]) -> bool:
        """True when `update` applies: the same number of documents and fewer than half of them
        changed."""
        return len(keys) == len(self.keys) and 2 * sum(
            a != b for a, b in zip(keys, self.keys)
        ) < max(len(keys), 1)

    def changed(self, keys: list[str]) -> list[int]:
        """The numbers of documents whose key differs from the indexed one (call after can_update)
        ."""
        return [n for n, (a, b) in enumerate(zip(keys, self.keys)) if a != b]

    def update(self, keys: list[str], docs: dict[int, tuple[str, str, str]],
               read: Callable[[str, str], bytes | None] | None = None) -> dict[str, bytes]:
        """Replace the documents numbered in `docs` (the `changed` ones); return only the files
        whose bytes change.

        `read(path, key)` (see `texts`) gives the published document files: the old postings of
        a changed document are then found from its own terms, else by a pass over every term."""
        # each touched term's share of the size estimate before this update
        before: dict[str, int] = {}

        def touch(term: str, postings) -> None:
            if term not in before:
                before[term] = _term_size(term, postings) if postings else 0

        old = self._old_terms(docs, read)
        for term, postings in self.postings.items() if old is None else old:
            for number in docs:
                at = bisect_left(postings, number << 3)
                if at < len(postings) and postings[at] >> 3 == number:
                    touch(term, postings)
                    del postings[at]
        for number, (_, title, text) in sorted(docs.items()):
            for term, weight in term_weights(title, text).items():
                touch(term, self.postings.get(term))
                insort(self.postings.setdefault(term, array("I")), number << 3 | weight)
        touched = sorted(before)
        for term in touched:
            postings = self.postings[term]
            self._size += (_term_size(term, postings) if postings else 0) - before[term]
            if not postings:
                del self.postings[term]
        self.keys, shards_before = list(keys), self.shards
        if _shard_count(self._size, self.shard_bytes) != self.shards:
            files = self._regroup()
        else:
            dirty = set()
            for term in touched:
                shard = shard_of(term, self.shards)
                dirty.add(shard)
                if term in self.postings:
                    self.by_shard[shard][term] = self._coded(term, docs)
                else:
                    self.by_shard[shard].pop(term, None)
                    self.blocks.pop(term, None)
            files = {_shard_path(n): _json(self.by_shard[n]) for n in sorted(dirty)}
        for number, doc in docs.items():
            files[_doc_path(number)] = self._document(doc)
        changed = {
            path: data for path, data in files.items() if self.file_keys.get(path) != _key(data)
        }
        self.file_keys.update((path, _key(data)) for path, data in changed.items())
        for number in range(self.shards, shards_before):
            # shards beyond a smaller count are no longer published
            self.file_keys.pop(_shard_path(number), None)
        return changed

    def _old_terms(self, docs, read) -> list[tuple[str, array]] | None:
        """(term, postings) of every term the changed documents had, read from their published
        files (their terms are those of the title and text stored there); None when a file is
        not there as indexed."""
        if read is None:
            return None
        terms: set[str] = set()
        for number in docs:
            path = _doc_path(number)
            data = read(path, self.file_keys.get(path, "")) if number < len(self.keys) else None
            if data is None:
                return None
            doc = json.loads(data)
            terms.update(term_weights(doc["t"], doc["x"]))
        return [(term, self.postings[term]) for term in sorted(terms) if term in self.postings]

    def _regroup(self) -> dict[str, bytes]:
        """Choose the shard count for the current size and code every shard again."""
        self.shards = _shard_count(self._size, self.shard_bytes)
        self.by_shard, self.blocks = [{} for _ in range(self.shards)], {}
        for term in sorted(self.postings):
            self.by_shard[shard_of(term, self.shards)][term] = self._coded(term)
        files = {
            INDEX_DIR
            + "meta.json": _json({"format": FORMAT, "shards": self.shards, "docs": len(self.keys)})
        }
        files.update((_shard_path(n), _json(self.by_shard[n])) for n in range(self.shards))
        return files

    def _coded(self, term: str, changed=None) -> str:
        """A term's coded postings; for a common term, only the blocks holding `changed` documents
        are coded again.

        A block's first number is a gap from the last document before it, so a change can also alter
        the first code of the next block that has any document: that block is coded again too.
        """
        postings = self.postings[term]
        if len(postings) <= self.block_docs:
            self.blocks.pop(term, None)
            return code_postings(postings)
        blocks = self.blocks.get(term)
        if blocks is None or changed is None:
            wanted = {value >> 3 for value in postings}
            blocks = self.blocks[term] = {}
        else:
            wanted = set(changed)
            # the next block with a document, whose first gap may have changed
            for number in changed:
                after = bisect_left(
                    postings, (number // self.block_docs + 1) * self.block_docs << 3
                )
                if after < len(postings):
                    wanted.add(postings[after] >> 3)
        for block in {number // self.block_docs for number in wanted}:
            low = bisect_left(postings, block * self.block_docs << 3)
            high = bisect_left(postings, (block + 1) * self.block_docs << 3)
            if low < high:
                blocks[block] = code_postings(
                    postings[low:high], postings[low - 1] >> 3 if low else 0
                )
            else:
                blocks.pop(block, None)
        return "".join(blocks[block] for block in sorted(blocks))

    def _document(self, doc: tuple[str, str, str]) -> bytes:
        # URLs are stored relative to the site root, so the index works wherever the site is
        # mounted.
        url, title, text = doc
        relative = url[len(self.base_path):] if url.startswith(self.base_path) else url
        return _json({"u": relative, "t": title, "x": text})


def _doc_path(number: int) -> str:
    return f"{INDEX_DIR}d/{number}.json"


def _shard_path(number: int) -> str:
    return f"{INDEX_DIR}s/{number}.json"


def _key(data: bytes) -> str:
    return short_sha256(data)


def _term_size(term: str, postings) -> int:
    # Roughly two bytes per posting plus the term itself (see _shard_count).
    return 2 * len(postings) + len(term.encode()) + 6


def tokens(text: str) -> list[str]:
    """The index terms of a text, in order: overlapping Han bigrams and lower-case words.

    A lone Han character is no term: indexing every character would make the index 70 % bigger,
    so queries need at least two characters (the search page says so).
    """
    found = []
    for run in _TOKENS.findall(normalise(text)):
        if not _CJK.match(run):
            found.append(run)
        elif len(run) > 1:
            found += [run[i:i + 2] for i in range(len(run) - 1)]
    return found


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case: how both the index and the query see
    text."""
    return unicodedata.normalize("NFKC", text).lower()


def shard_of(token: str, shards: int) -> int:
    """The shard a term lives in: FNV-1a over its characters, which the browser computes the same
    way."""
    value = 0x811C9DC5
    # every indexed character is in the Basic Multilingual Plane: ord() == charCodeAt()
    for char in token:
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def code_postings(packed, previous: int = 0) -> str:
    """Postings packed as doc << 3 | weight (docs ascending, weights 1-7), after doc `previous`, as
    delta-coded variable-length numbers in a JSON-safe alphabet (the browser's search.js decodes
    them)."""
    out = []
    for value in packed:
        # the weight stays in the low bits: (doc - previous) << 3 | weight
        gap = value - (previous << 3)
        previous = value >> 3
        out.append(_SHORT_CODES[gap] if gap < len(_SHORT_CODES) else _number_code(gap))
    return "".join(out)


def _number_code(value: int) -> str:
    out = []
    while value >= 32:
        out.append(_DIGITS[32 + (value & 31)])
        value >>= 5
    out.append(_DIGITS[value])
    return "".join(out)


# Most gaps are small (common terms appear in page after page): their codes are looked up, not
# computed.
_SHORT_CODES = [_number_code(value) for value in range(1 << 10)]


def page_text(html: str) -> str:
    """The readable text of a page's <article> (else <main>), one line per block, without scripts,
    forms or hidden parts."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    chosen = parser.article or parser.main
    lines = (" ".join(line.split()) for line in "".join(chosen).splitlines())
    return "\n".join(line for line in lines if line)


_DROPPED = re.compile(
    r'<(script|style|button|template|noscript|svg|form)\b.*?</\1>|<dl class="meta">.*?</dl>', re.S
)
_BLOCK = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|tr|td|th|table|thead|tbody|figure|figcaption|section|"
    r"article|main|blockquote|pre|header|footer|nav|aside|hr|br)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")


def article_text(html: str) -> str:
    """`page_text` for the generator's own article markup, by regular expressions: about ten times
    faster.

    It relies on what our templates guarantee (the meta line is one <dl class="meta">, hidden
    controls are buttons); tests check it gives the same text as `page_text` on every page of the
    sample site.
    """
    html = _DROPPED.sub("", html)
    text = unescape(_TAG.sub("", _BLOCK.sub("\n", html)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def term_weights(title: str, text: str) -> dict[str, int]:
    """How strongly each term marks a page: its count in the text (capped) plus a bonus for title
    terms."""
    weights = {t: n if n < MAX_TF else MAX_TF for t, n in Counter(tokens(text)).items()}
    for term in set(tokens(title)):
        weights[term] = weights.get(term, 0) + TITLE_BONUS
    return weights


def _shard_count(size: int, shard_bytes: int) -> int:
    """Shards for an index of about `size` bytes (two per posting plus each term); a power of two
    keeps them tidy."""
    shards = 1
    while shards < MAX_SHARDS and size / shards > shard_bytes:
        shards *= 2
    return shards


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class _TextParser(HTMLParser):
    """Collects the text of <main> and of its first <article>, skipping scripts, forms and hidden
    elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.main: list[str] = []
        self.article: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, starts a skipped subtree)
        self._skipping = 0
        self._in_main = self._in_article = 0
        self._article_done = False

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            self._break(tag)
            return
        names = dict(attrs)
        skip = (tag in _SKIPPED or "hidden" in names or "data-search-ignore" in names
                or not _SKIPPED_CLASSES.isdisjoint((names.get("class") or "").split()))
        self._stack.append((tag, skip))
        self._skipping += skip
        self._in_main += tag == "main"
        self._in_article += tag == "article" and not self._article_done
        self._break(tag)

    def handle_endtag(self, tag):
        if tag in _VOID or not any(t == tag for t, _ in self._stack):
            return
        while self._stack:  # close anything left open inside this element, as browsers do
            open_tag, skip = self._stack.pop()
            self._skipping -= skip
            self._break(open_tag)
            self._in_main -= open_tag == "main"
            if open_tag == "article" and self._in_article:
                self._in_article, self._article_done = 0, True
            if open_tag == tag:
                return

    def handle_data(self, data):
        if self._skipping or not self._in_main:
            return
        self.main.append(data)
        if self._in_article:
            self.article.append(data)

    def _break(self, tag: str) -> None:
        if tag in _BLOCKS and self._in_main and not self._skipping:
            self.main.append("\n")
            if self._in_article:
                self.article.append("\n")
