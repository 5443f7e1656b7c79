"""Sensitive personal information (PIPL art. 28): a category word (health, disability, religion,
biometrics, minors, precise location, finance) in the same sentence as a person's name, or in a
later sentence of the same paragraph that refers back to them, needs that person's consent naming
the category.

The categories and their words are in content/_data/sensitive.yaml. Texts without any category word
never tag names (checks.names), so most pages cost a regular-expression search only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.base import source, yamlio
from generator.base.errors import BuildFailed, SiteError, error, warning
from generator.checks import names as person_names, privacy
from generator.checks.privacy import Text, page_texts
from generator.model.content import Page
from generator.model.fields import Consent, consent_name

DICTIONARY = "_data/sensitive.yaml"  # under content/
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
_PARAGRAPH = re.compile(r"(?:[^\n]+\n?)+")


@dataclass(frozen=True)
class Category:
    """One kind of sensitive information: its id, name, the consent words that cover it, and how to
    find it."""

    key: str
    name: str
    scope: tuple[str, ...]
    pattern: str  # one regular expression of its terms and patterns
    exceptions: tuple[str, ...] = ()

    def covered_by(self, scope: tuple[str, ...]) -> bool:
        """True when a consent's scope names this category (by its name or one of its words)."""
        return any(word in scope for word in (self.name, *self.scope))


@dataclass(frozen=True)
class Mention:
    """A category word said of a person: who, which category, the word, and its offset in the
    text."""

    person: str
    category: Category
    word: str
    start: int


def load(content_dir: Path) -> tuple[tuple[Category, ...], list[SiteError]]:
    """The categories of content/_data/sensitive.yaml and its problems (a missing file is a warning)
    ."""
    path = content_dir / DICTIONARY
    if not path.is_file():
        return (), [warning(path, 1, "找不到敏感个人信息词典，本次没有检查健康、残疾、宗教、未成年人等敏感信息",
                            "从发布工具自带的 content/_data/sensitive.yaml 复制一份到这里。",
                            code="sensitive.dictionary")]
    try:
        doc = yamlio.parse(source.read_text(path)[0])
    except BuildFailed as failed:
        return (), failed.problems
    except yamlio.YamlProblem as exc:
        return (), [
            error(path, exc.line, exc.message, exc.hint, exc.col, code="sensitive.dictionary")
        ]
    data = doc.data.get("categories") if isinstance(doc.data, dict) else None
    if not isinstance(data, dict):
        return (), [error(path, 1, "敏感信息词典要写在 categories: 下面", "参考文件开头的说明。",
                          code="sensitive.dictionary")]
    found, problems = [], []
    for key, item in data.items():
        category = _category(str(key), item)
        if category is None:
            problems.append(error(path, doc.where(("categories", key))[0], f"敏感信息类别 “{key}” 格式不对",
                                  "每一类要写 name 和 terms（或 patterns）。", code="sensitive.dictionary"))
        else:
            found.append(category)
    return tuple(found), problems


def _category(key: str, item: object) -> Category | None:
    if not isinstance(item, dict) or not item.get("name"):
        return None
    words = [re.escape(str(t)) for t in item.get("terms") or []] + [
        str(p) for p in item.get("patterns") or []
    ]
    if not words:
        return None
    try:
        re.compile("|".join(words))
    except re.error:
        return None
    scope = tuple(str(s) for s in item.get("scope") or ())
    return Category(
        key,
        str(item["name"]),
        scope,
        "|".join(words),
        tuple(str(e) for e in item.get("except") or ()),
    )


def words_in(text: str, categories: tuple[Category, ...]) -> list[tuple[int, str, Category]]:
    """Every category word in a text as (offset, word, category), skipping the listed exceptions."""
    found = []
    for category in categories:
        for m in re.finditer(category.pattern, text):
            if not any(
                _inside(text, m.start(), m.group(0), phrase) for phrase in category.exceptions
            ):
                found.append((m.start(), m.group(0), category))
    return sorted(found, key=lambda hit: (hit[0], hit[2].key))


def _inside(text: str, start: int, word: str, phrase: str) -> bool:
    """True when the word at `start` is part of an occurrence of the exception phrase."""
    if word not in phrase:
        return False
    return any(
        text.startswith(phrase, i)
        for i in range(max(0, start - len(phrase) + len(word)), start + 1)
    )


def mentions(
    text: str, categories: tuple[Category, ...], known: tuple[str, ...] = ()
) -> list[Mention]:
    """Category words said of a named person: in the same sentence, or in a later sentence of the
    paragraph that refers back (他/她) to the last person named. Names only come into it where a word
    was found.
    """
    if not categories or not words_in(text, categories):
        return []
    found = []
    for paragraph in _PARAGRAPH.finditer(text):
        if not words_in(paragraph.group(0), categories):
            continue
        last: list[str] = []
        for sentence in _SENTENCE.finditer(paragraph.group(0)):
            words, start = sentence.group(0), paragraph.start() + sentence.start()
            people = list(
                dict.fromkeys(_canonical(n, known) for n in person_names.find(words, known))
            )
            who = people or (last[-1:] if person_names.refers_back(words) else [])
            found += [
                Mention(p, cat, word, start + offset)
                for p in who
                for offset, word, cat in words_in(words, categories)
            ]
            last = people or last
    return found


def _canonical(name: person_names.Name, known: tuple[str, ...]) -> str:
    """老汪 or 汪师傅 is the known 汪志强 when only one known person has that surname."""
    if name.full or name.text in known:
        return name.text
    text = name.text
    surname = text[1] if len(text) == 2 and text[0] in "老小" else text[0]
    same = [k for k in known if k[0] == surname]
    return same[0] if len(same) == 1 else text


def known_names(page: Page) -> tuple[str, ...]:
    """The people the front matter names: the story's person and everyone a consent record is
    for."""
    found = [getattr(page.meta, "person", "")] + [consent_name(c.who) for c in consents(page)]
    return tuple(dict.fromkeys(n for n in found if n))


def consents(page: Page) -> tuple[Consent, ...]:
    """Every consent record of a page: `consent` (one record or a list) and the guardian's."""
    guardian = getattr(page.meta, "guardian_consent", None)
    return page.meta.consent + ((guardian,) if guardian else ())


def page_findings(
    page: Page, path: Path, categories: tuple[Category, ...], strict: bool
) -> list[SiteError]:
    """One finding per person and category said of them without a consent naming that category."""
    if not categories:
        return []
    make, known, seen, found = (error if strict else warning), known_names(page), set(), []
    for text in page_texts(page):
        if not text.prose:
            continue
        addresses = [h for h in privacy.find(text.text) if h.kind == "address"]
        for mention in mentions(text.text, categories, known):
            key = (mention.person, mention.category.key)
            if key in seen or _covered(page, mention) or _in_address(mention, addresses):
                continue
            seen.add(key)
            found.append(_problem(make, path, text, mention, page))
    return found


def _in_address(mention: Mention, addresses: list) -> bool:
    """A house number is already the privacy check's finding (an error, or masked): not reported
    twice."""
    return mention.category.key == "location" and any(
        h.start <= mention.start < h.end for h in addresses
    )


def _covered(page: Page, mention: Mention) -> bool:
    meta = page.meta
    for record in consents(page):
        if consent_name(record.who) == mention.person and mention.category.covered_by(record.scope):
            return True
    # The story's own child is the consent check's business: a guardian's record, or
    # consent.guardian.
    return mention.category.key == "minor" and mention.person == getattr(meta, "person", "") and \
        (getattr(meta, "minor", False) or getattr(meta, "guardian_consent", None) is not None)


def _problem(make, path: Path, text: Text, mention: Mention, page: Page) -> SiteError:
    category, person = mention.category, mention.person
    has_record = any(consent_name(c.who) == person for c in consents(page))
    hint = (
        f"在 {person} 的同意记录的 scope 里加上 “{category.name}”（要先征得本人书面同意），或删去这部分内容。"
        if has_record
        else f"给 {person} 补一条同意记录：consent: [{{who: {person}, date: …, scope: [姓名, "
        f"事迹, {category.name}]}}]；没有本人同意就删去这部分内容，或不写姓名。"
    )
    return make(path, text.line_at(mention.start), f"{text.label}写到了 {person} 的{category.name}信息"
                f"（“{mention.word}”），属于敏感个人信息，同意记录里没有这一项", hint, text.col_at(mention.start),
                f"sensitive.{category.key}")
