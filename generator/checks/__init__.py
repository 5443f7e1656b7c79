"""The publishing safety gate: 三审三校, personal data, consent, wording, punctuation, ledger and
freshness."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from generator.config import SiteConfig
from generator.base.cache import Cache, is_missing
from generator.base.hashing import digest
from generator.model.content import Page, Site
from generator.base.parallel import map_chunks
from generator.base.errors import SiteError
from generator.checks import (
    consent,
    freshness,
    placeholders,
    privacy,
    punctuation,
    sensitive,
    spacing,
    wording,
)
from generator.checks.freshness import FreshnessLine
from generator.checks.report import pending_report
from generator.checks.review import STAGES, ArticleStatus
from generator.checks.sourcefile import SourceFile

__all__ = ["run_checks", "CheckResult", "mask_site", "pending_report", "fix_file", "ArticleStatus",
           "FreshnessLine", "STAGES"]


@dataclass(frozen=True)
class CheckResult:
    """Everything the checks found: problems, the review statuses they were given, freshness, the
    pages checked."""

    problems: list[SiteError]
    # by page.source (from the review step; empty when review is off)
    statuses: dict[str, ArticleStatus]
    freshness: list[FreshnessLine]
    pages: tuple[Page, ...]
    people: tuple = ()  # the verified roster, for `check` to say who can sign what is next


@dataclass(frozen=True)
class _Setup:
    """What every page's checks share: public numbers, the wording dictionary and the config's
    switches."""

    content_dir: Path
    allowed: frozenset[str]
    entries: tuple
    masking: bool
    strict_consent: bool
    block_wording: bool
    punctuation: bool
    placeholders: bool = True  # placeholder findings are errors
    categories: tuple = ()  # sensitive-information categories (content/_data/sensitive.yaml)

    def page_problems(self, pages: list[Page]) -> list[list[SiteError]]:
        """Every finding of each page (a whole chunk at a time, so it can run in a worker process) .
        """
        return [self._one(page) for page in pages]

    def _one(self, page: Page) -> list[SiteError]:
        path = self.content_dir / page.source
        found = privacy.page_findings(page, path, self.allowed, masking=self.masking)
        found += privacy.name_findings(page, path, self.allowed)
        found += consent.check_page(page, path, self.strict_consent)
        found += wording.page_findings(page, path, list(self.entries), self.block_wording)
        found += placeholders.page_findings(page, path, self.placeholders)
        found += sensitive.page_findings(page, path, self.categories, self.strict_consent)
        found += spacing.page_findings(page, path)
        if self.punctuation:
            found += punctuation.page_findings(page, path)
        return found


def run_checks(
    site: Site,
    cfg: SiteConfig,
    *,
    today: date,
    cache: Cache | None = None,
    jobs: int = 1,
    statuses: dict[str, ArticleStatus] | None = None,
    people: tuple = (),
    extra: list[SiteError] = (),
) -> CheckResult:
    """Run every check on the pages to publish (the review step chose them; `statuses` are its
    findings).

    Each page's findings depend only on its text and the shared setup, so with a cache an unchanged
    page is not checked again, and the others are spread over `jobs` processes.
    """
    entries, problems = wording.load_dictionary(cfg.resolve(cfg.wording.dictionary))
    categories, found = sensitive.load(site.content_dir)
    problems += found
    setup = _Setup(
        site.content_dir,
        privacy.allowed_numbers(cfg, site.content_dir),
        tuple(entries),
        cfg.privacy.mask,
        cfg.privacy.consent == "error",
        cfg.wording.block,
        cfg.wording.punctuation,
        cfg.checks.placeholders == "error",
        categories,
    )
    problems += privacy.data_findings(site.content_dir, setup.allowed)
    problems += placeholders.data_findings(site.content_dir, setup.placeholders)
    problems += _page_findings(site, setup, cache or Cache(None, ""), jobs)
    # findings made elsewhere (the review step's records that do not verify)
    problems += list(extra)
    live = {source for source, status in (statuses or {}).items() if status.live}
    published = [
        p for p in site.pages if not p.meta.draft and (statuses is None or p.source in live)
    ]
    return CheckResult(
        problems=sorted(dict.fromkeys(problems), key=SiteError.sort_key),
        statuses=dict(statuses or {}),
        freshness=freshness.lines(published, cfg.freshness, today),
        pages=site.pages,
        people=tuple(people),
    )


def _page_findings(site: Site, setup: _Setup, cache: Cache, jobs: int) -> list[SiteError]:
    # Not digest(setup): a frozenset's repr follows string hashing, which changes from run to run.
    setup_key = digest(
        str(setup.content_dir),
        sorted(setup.allowed),
        setup.entries,
        setup.masking,
        setup.strict_consent,
        setup.block_wording,
        setup.punctuation,
        setup.placeholders,
        setup.categories,
    )
    keys = {page.source: digest(setup_key, page.identity) for page in site.pages}
    found = {page.source: cache.get("checks", keys[page.source]) for page in site.pages}
    todo = [page for page in site.pages if is_missing(found[page.source])]
    for page, problems in zip(todo, map_chunks(setup.page_problems, todo, jobs)):
        found[page.source] = problems
        cache.put("checks", keys[page.source], problems)
    return [problem for page in site.pages for problem in found[page.source]]


def mask_site(site: Site, cfg: SiteConfig) -> tuple[Site, list[SiteError]]:
    """Copies of the pages with personal data masked in every published text, plus one warning per
    masked item.

    The warnings equal the privacy warnings `run_checks` reports when cfg.privacy.mask is on, so a
    caller that shows both can drop duplicates with `dict.fromkeys`. Source files are never touched.
    """
    allowed = privacy.allowed_numbers(cfg, site.content_dir)
    pages, notes = [], []
    for page in site.pages:
        masked, found = privacy.mask_page(page, site.content_dir / page.source, allowed)
        pages.append(masked)
        notes += found
    return replace(site, pages=tuple(pages)), sorted(notes, key=SiteError.sort_key)


def fix_file(path: Path, *, write: bool = False) -> tuple[str, str] | None:
    """The safe punctuation fixes of one file as (old_text, new_text), None when there is nothing to
    fix.

    Texts use \\n line ends. With write=True the fixed text is saved in the file's own encoding, BOM
    and line ending; otherwise nothing is written, so the CLI can show a diff first.
    """
    stored = SourceFile.read(path)
    fixed = punctuation.fix_text(stored.text)
    if fixed == stored.text:
        return None
    if write:
        path.write_bytes(stored.encode(fixed))
    return stored.text, fixed
