"""The publishing safety gate: 三审三校, personal data, consent, wording, punctuation, ledger and freshness."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..config import SiteConfig
from ..content import Site
from ..errors import SiteError
from . import consent, freshness, ledger, privacy, punctuation, review, wording
from .freshness import FreshnessLine
from .report import pending_report
from .review import STAGES, ReviewStatus, SourceFile, sign

__all__ = ["run_checks", "CheckResult", "mask_site", "sign", "pending_report", "fix_file", "ReviewStatus",
           "FreshnessLine", "STAGES"]


@dataclass(frozen=True)
class CheckResult:
    """Everything the gate found: problems, which pages are not fully reviewed, review statuses, freshness, ledger."""

    problems: list[SiteError]
    unreviewed: frozenset[str]  # page.source of every page with a missing or stale sign-off
    statuses: dict[str, ReviewStatus]  # by page.source
    freshness: list[FreshnessLine]
    ledger_csv: bytes


def run_checks(site: Site, cfg: SiteConfig, *, today: date) -> CheckResult:
    """Run every check on the site as loaded (before `mask_site`, whose masking would change the text hashes)."""
    statuses = {page.source: review.status_of(page) for page in site.pages}
    problems: list[SiteError] = []
    for page in site.pages:
        problems += review.problems(page, statuses[page.source], site.content_dir / page.source)
    problems += privacy.check_site(site, cfg) + consent.check_site(site, cfg) + wording.check_site(site, cfg)
    if cfg.wording.punctuation:
        problems += punctuation.check_site(site)
    unreviewed = frozenset(source for source, status in statuses.items() if not status.complete)
    published = [p for p in site.pages
                 if not p.meta.draft and not (cfg.publish.require_review and p.source in unreviewed)]
    return CheckResult(
        problems=sorted(dict.fromkeys(problems), key=SiteError.sort_key),
        unreviewed=unreviewed,
        statuses=statuses,
        freshness=freshness.lines(published, cfg.freshness, today),
        ledger_csv=ledger.ledger_csv(site.pages, statuses),
    )


def mask_site(site: Site, cfg: SiteConfig) -> tuple[Site, list[SiteError]]:
    """Copies of the pages with personal data masked in every published text, plus one warning per masked item.

    The warnings equal the privacy warnings `run_checks` reports when cfg.privacy.mask is on, so a caller that
    shows both can drop duplicates with `dict.fromkeys`. Source files are never touched.
    """
    allowed = privacy.allowed_numbers(cfg, site.content_dir)
    pages, notes = [], []
    for page in site.pages:
        masked, found = privacy.mask_page(page, site.content_dir / page.source, allowed)
        pages.append(masked)
        notes += found
    return replace(site, pages=tuple(pages)), sorted(notes, key=SiteError.sort_key)


def fix_file(path: Path, *, write: bool = False) -> tuple[str, str] | None:
    """The safe punctuation fixes of one file as (old_text, new_text), None when there is nothing to fix.

    Texts use \\n line ends. With write=True the fixed text is saved in the file's own encoding, BOM and line
    ending; otherwise nothing is written, so the CLI can show a diff first.
    """
    stored = SourceFile.read(path)
    fixed = punctuation.fix_text(stored.text)
    if fixed == stored.text:
        return None
    if write:
        path.write_bytes(stored.encode(fixed))
    return stored.text, fixed
