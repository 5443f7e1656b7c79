"""The desk's use of the approvals module: the inbox rows, the state of each article per channel,
and the live revision's text; everything goes through `generator.checks.review` (the desk never
writes signatures itself).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.checks import review
from generator.config import SiteConfig
from generator.model.content import TYPE_NAMES, Page, Site
from generator.desk.accounts import Account
from generator.desk.formspec import CHANNEL_NAMES
from generator.desk.workspace import Workspace

STATES = {"mine": "等我处理", "waiting": "审核中", "returned": "已退回", "live": "已发布", "changed": "已发布·修改待审",
          "withdrawn": "已撤稿", "draft": "草稿"}


@dataclass(frozen=True)
class Row:
    """One article in the inbox: the page, its approval status, its state and whether it waits for
    me."""

    page: Page
    status: object  # review.ArticleStatus
    state: str  # a key of STATES
    mine: bool

    @property
    def type_name(self) -> str:
        """The content type in Chinese."""
        return TYPE_NAMES[self.page.type]

    @property
    def channels(self) -> list[tuple[str, str]]:
        """(channel name, what is on it) for every channel the article goes to."""
        if self.status.withdrawn is not None:
            return [(CHANNEL_NAMES[c], "已撤下") for c in self.page.outputs]
        on = "审定版本在线" if self.status.live else "未上线"
        return [(CHANNEL_NAMES[c], on) for c in self.page.outputs]


def store_for(ws: Workspace, cfg: SiteConfig):
    """The review store of the site's content, anchored at the administrator key pinned in the
    config."""
    options = {"kdf_n": ws.kdf_n} if ws.kdf_n else {}
    return review.ReviewStore.for_config(cfg, ws.content_dir, now=ws.clock(), **options)


def rows(site: Site, store, account: Account, writers: dict[str, str]) -> list[Row]:
    """Every article's row; `writers` maps an article to the account that last saved it on the
    desk."""
    out = []
    for page in site.pages:
        status = store.status(page)
        state = state_of(page, status)
        mine = (state in ("waiting", "changed") and status.next_stage in account.stages) or \
               (state == "returned" and writers.get(page.source) == account.name)
        out.append(Row(page, status, state, mine))
    return sorted(out, key=lambda r: (not r.mine, -r.page.date.toordinal(), r.page.source))


def state_of(page: Page, status) -> str:
    """The article's state: withdrawn, returned, live, changed (live with an edit waiting), waiting
    or draft."""
    if status.withdrawn is not None:
        return "withdrawn"
    if status.returned:
        return "returned"
    if page.meta.draft:
        return "draft"
    if status.live and status.live == status.working:
        return "live"
    return "changed" if status.live else "waiting"


def page_of(site: Site | None, source: str) -> Page | None:
    """The page read from a content-relative path, or None."""
    return next((p for p in site.pages if p.source == source), None) if site else None


def live_text(site: Site, store, source: str) -> str | None:
    """The source text of the article's live (fully approved) revision, or None when none is
    live."""
    page = page_of(site, source)
    if page is None or store.status(page).live is None:
        return None
    selection = review.select(replace(site, pages=(page,)), store, preview=False)
    page = next((p for p in selection.pages if p.source == source), None)
    return page.source_text if page is not None else None


def may_withdraw(store, name: str) -> bool:
    """True when the person is entitled to 终审 (and so to 撤稿)."""
    return any(p.name == name and "终审" in p.stages for p in store.people())
