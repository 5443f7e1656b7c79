"""The options of one build: where to read and write, the clock, and how.

Kept apart from `build` so the command line can decide "nothing changed" without importing the
renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from generator.build.writer import default_staff_dir


@dataclass(frozen=True)
class BuildOptions:
    """Where to read and write, and how: the CLI and the preview server fill these in."""

    content_dir: Path
    out_dir: Path
    templates_dir: Path
    now: datetime
    preview: bool = False
    cache_dir: Path | None = None
    jobs: int | None = None  # worker processes; None = one per core
    ledger: Path | None = None  # where to write the 审核台账 CSV; None for previews and tests
    # where to write the nginx map of old addresses; None for previews and tests
    nginx_map: Path | None = None
    progress: Callable[[str], None] | None = None  # called with short status lines on long builds
    future: bool = False  # publish pages dated after the build time too (previews always show them)
    # keep the cache in memory for the next build of this process (the preview server)
    keep_cache: bool = False
    # `check`: run every check and render every output, report every problem, write nothing
    dry: bool = False
    staff_dir: Path | None = None  # WeChat and LED staff files; None = beside out_dir (see staff)
    # The preview's two steps (see serve): "site" draws no LED frame and no WeChat bundle and
    # publishes only the website, "staff" publishes only the staff folder; None publishes both.
    only: str | None = None
    # called as soon as the output folders are swapped in, before the cache is saved (the preview
    # tells its open pages to reload then: nothing the pages read is written after it)
    published: Callable[[], None] | None = None

    @property
    def staff(self) -> Path:
        """The staff folder of this build: staff_dir, or `staff/` beside `public/` (`X-staff/`
        beside `X/`)."""
        return self.staff_dir if self.staff_dir is not None else default_staff_dir(self.out_dir)
