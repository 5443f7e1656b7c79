"""The offline loop player: one self-contained HTML page per screen, with its playlist embedded."""
from __future__ import annotations

from pathlib import Path

import jinja2

from .playlist import ScreenLoop

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "led"
RELOAD_MS = 5 * 60 * 1000  # how often a player served over http looks for a new playlist


def render_player(loop: ScreenLoop, data: dict, templates: Path = TEMPLATES) -> bytes:
    """index.html for one screen: shows the frames 1:1 at the screen's size, by the playlist's schedule."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    # The playlist goes in through |tojson, which escapes < > & ' so no text can end the <script>.
    html = env.get_template("player.html").render(
        title=loop.title or loop.name, width=loop.width, height=loop.height, data=data, reload_ms=RELOAD_MS)
    return html.encode("utf-8")
