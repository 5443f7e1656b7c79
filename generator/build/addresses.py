"""Addresses between builds: the record of every URL each page has had (to notice a changed slug)
and the nginx redirect map, both written outside the website folder."""

from __future__ import annotations

import json
from pathlib import Path

from generator.base.hashing import digest
from generator.base.errors import SiteError
from generator.build.options import BuildOptions
from generator.build.writer import write_file
from generator.formats.site import redirects
from generator.model.content import Site
from generator.render.routes import Routes


def record_path(opts: BuildOptions) -> Path | None:
    """Where the URL record of this output folder is kept (beside the cache; none without a cache)
    ."""
    return (
        opts.cache_dir / f"urls-{digest(str(opts.out_dir.resolve()))}.json"
        if opts.cache_dir
        else None
    )


def _previous(opts: BuildOptions) -> dict[str, list[str]]:
    path = record_path(opts)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def moved_warnings(site: Site, routes: Routes, opts: BuildOptions) -> list[SiteError]:
    """Warnings for published pages whose address changed without an alias (real builds only)."""
    return [] if opts.preview else redirects.moved(site, routes, _previous(opts))


def save(site: Site, routes: Routes, opts: BuildOptions) -> None:
    """After a real build: remember every page's addresses and write the nginx redirect map."""
    if opts.preview:
        return
    path = record_path(opts)
    if path is not None:
        record = redirects.url_record(site, routes, _previous(opts))
        write_file(path, json.dumps(record, ensure_ascii=False, indent=0).encode())
    if opts.nginx_map is not None:
        write_file(opts.nginx_map, redirects.nginx_map(site, routes))
