"""The offline loop player: one self-contained HTML page per screen, with its playlist embedded."""
from __future__ import annotations

from generator.formats.led.playlist import ScreenLoop
from generator.render.templates import Templates

TEMPLATE = "led/player.html"
RELOAD_MS = 5 * 60 * 1000  # how often a player served over http looks for a new playlist


def render_player(loop: ScreenLoop, data: dict, templates: Templates) -> bytes:
    """index.html for one screen: shows the frames 1:1 at the screen's size, by the playlist's
    schedule."""
    # The playlist goes in through |tojson, which escapes < > & ' so no text can end the <script>.
    html = templates.render(
        TEMPLATE,
        dict(
            title=loop.title or loop.name,
            width=loop.width,
            height=loop.height,
            data=data,
            reload_ms=RELOAD_MS,
        ),
    )
    return html.encode("utf-8")
