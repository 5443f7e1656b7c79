"""The desk's view of one site: its folders, config, content, review store, and the desk-owned work
folder."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

from generator import config as config_module
from generator.base.dates import build_time
from generator.base.errors import BuildFailed, SiteError
from generator.build.options import BuildOptions
from generator.config import SiteConfig
from generator.model.content import Site, load_site
from generator.desk import db

PREVIEW_PATH = "/_preview/"  # where the desk serves its own preview build (behind the login)
STAFF_PATH = PREVIEW_PATH + "_staff/"  # where it serves that build's staff folder (WeChat, LED)


@dataclass
class Workspace:
    """Everything a desk request needs to find: the site's files, the clock and the allowed host
    names."""

    config_path: Path
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    clock: Callable[[], datetime] = build_time
    secure_cookies: bool = False  # set when the desk is reached over HTTPS (behind a reverse proxy)
    db_path: Path | None = None
    # scrypt cost of new reviewer keys (None: the review module's; tests lower it)
    kdf_n: int | None = None
    build_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.config_path = self.config_path.resolve()
        if self.db_path is None:
            self.db_path = db.default_path(self.root)

    @property
    def root(self) -> Path:
        """The site's folder: the one holding site_config.yaml and content/."""
        return self.config_path.parent

    @property
    def content_dir(self) -> Path:
        """The content folder the desk reads and writes."""
        return self.root / "content"

    @property
    def work_dir(self) -> Path:
        """The desk's own folder for its preview build and cache (`.desk/` beside content/)."""
        return self.root / ".desk"

    @property
    def templates_dir(self) -> Path:
        """The site's templates folder (the shipped templates fill in what it lacks)."""
        own = self.root / "templates"
        return own if own.is_dir() else Path(__file__).resolve().parents[2] / "templates"

    def config(self) -> SiteConfig:
        """The site configuration as it is on disk now."""
        return config_module.load(self.config_path)

    def site(self, cfg: SiteConfig | None = None) -> tuple[Site | None, list[SiteError]]:
        """Every article including drafts, or None and the problems when some file cannot be
        read."""
        try:
            site = load_site(cfg or self.config(), self.content_dir, include_drafts=True)
        except BuildFailed as failed:
            return None, failed.problems
        return site, list(site.warnings)

    def preview_options(self, cfg: SiteConfig) -> tuple[SiteConfig, BuildOptions]:
        """The config and options of the desk's preview build: the site as it would be, under
        /_preview/."""
        parts = urlsplit(cfg.site.base_url)
        base = urlunsplit((parts.scheme, parts.netloc, PREVIEW_PATH, "", ""))
        preview_cfg = replace(cfg, site=replace(cfg.site, base_url=base))
        opts = BuildOptions(
            self.content_dir,
            self.work_dir / "preview",
            self.templates_dir,
            self.clock(),
            preview=True,
            cache_dir=self.work_dir / "cache",
            jobs=1,
            keep_cache=True,
            staff_dir=self.work_dir / "preview-staff",
        )
        return preview_cfg, opts

    def publish_options(self, cfg: SiteConfig) -> BuildOptions:
        """The options of a real build, as `make build` runs it (public/, the ledger, the shared
        cache)."""
        return BuildOptions(
            self.content_dir,
            self.root / "public",
            self.templates_dir,
            self.clock(),
            preview=False,
            cache_dir=self.root / ".cache",
            jobs=1,
            ledger=cfg.resolve(cfg.publish.ledger),
        )
