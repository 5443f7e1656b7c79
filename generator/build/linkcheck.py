"""Wires the broken-link check to one build: which output files exist, the anchors of its detail
pages and the pages that exist in content/ but are not published this time."""

from __future__ import annotations

from pathlib import Path

from generator.base.errors import SiteError
from generator.checks.links import LinkSite, broken_links, ids_in
from generator.config import SiteConfig
from generator.model.content import Site
from generator.render.bodies import Bodies
from generator.render.routes import Routes
from generator.render.templates import SHIPPED


def check(cfg: SiteConfig, loaded: Site, site: Site, routes: Routes, exists, bodies: Bodies,
          templates_dir: Path) -> list[SiteError]:
    """Every broken internal link of the published pages' bodies (severity from cfg.links.broken)
    ."""
    detail = {routes.page_path(p): p for p in site.pages if p.goes_to("site")}
    published = {p.source for p in site.pages}
    fixed_ids = _template_ids(templates_dir)

    def anchors(rel: str) -> set[str] | None:
        page = detail.get(rel)
        if page is None or page.source not in bodies:
            return None
        body = bodies[page.source]
        return (
            ids_in(body.html) | {heading_id for _level, heading_id, _name in body.toc} | fixed_ids
        )

    withheld = {
        routes.page_path(p): p.title
        for p in loaded.pages
        if p.source not in published and p.goes_to("site")
    }
    known = LinkSite(
        exists, anchors, withheld, routes.base_path, lambda p: routes.url(routes.page_path(p))
    )
    return broken_links(site, known, cfg.links.broken)


def _template_ids(templates_dir: Path) -> set[str]:
    """The fixed ids the page templates give (e.g. the main content), which a link may name too."""
    found: set[str] = set()
    for folder in (templates_dir, SHIPPED):
        for path in sorted(folder.glob("*.html")) if folder.is_dir() else ():
            found |= {i for i in ids_in(path.read_text(encoding="utf-8")) if "{" not in i}
    return found
