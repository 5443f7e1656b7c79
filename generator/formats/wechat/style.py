"""The article stylesheet, generated from the config, and its inlining into style="" with
css-inline."""

from __future__ import annotations

from dataclasses import dataclass

import css_inline

from generator.config import Wechat
from generator.formats.wechat import transform


def mix(colour: str, other: str, amount: float) -> str:
    """Blend two #rrggbb colours (amount 0 → colour, 1 → other); the editor wants plain hex, never
    color-mix()."""
    a, b = _rgb(colour), _rgb(other)
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b))


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@dataclass(frozen=True)
class _Look:
    """The values the rules are written from: the account's settings plus colours derived from them.
    """

    size: int
    text: str
    accent: str
    muted: str  # captions and notes: still ≥ 4.5:1 on white for the default #333333
    rule: str  # hairlines and table borders
    soft: str  # the accent's pale tint behind brand blocks
    shade: str  # a pale grey behind quotes, code and fact boxes
    # the full text declaration every paragraph repeats, so the editor's defaults cannot leak in
    base: str
    small: str


def _look(wx: Wechat) -> _Look:
    text = wx.text_colour
    return _Look(
        size=wx.font_size,
        text=text,
        accent=wx.accent_colour,
        muted=mix(text, "#ffffff", 0.3),
        rule=mix(text, "#ffffff", 0.85),
        soft=mix(wx.accent_colour, "#ffffff", 0.92),
        shade=mix(text, "#ffffff", 0.95),
        base=f"font-size:{wx.font_size}px;line-height:{wx.line_height};letter-spacing:{wx.letter_spacing};color:{text}",
        small=f"font-size:{wx.font_size - 2}px;line-height:1.6",
    )


def stylesheet(wx: Wechat) -> str:
    """The CSS for one account; every property in it is on the lint allow-list (checked by the
    tests)."""
    look = _look(wx)
    return "\n".join(_text_rules(look, wx.letter_spacing) + _block_rules(look) + _frame_rules(look)
                     + _letter_rules(look))


def _text_rules(k: _Look, spacing: str) -> list[str]:
    return [
        ".wx-guard{font-size:0;line-height:0;margin:0;padding:0}",
        # long URLs wrap
        f".wx-article{{{k.base};margin:0;padding:0 8px;box-sizing:border-box;word-break:"
        f"break-word}}",
        ".wx-body{margin:0;padding:0}",
        f"p{{{k.base};margin:0 0 1.2em;padding:0;text-align:justify}}",
        f"h1,h2,h3,h4,h5,h6{{margin:1.6em 0 0.8em;padding:0;font-weight:bold;line-height:1.5;color:"
        f"{k.text};"
        f"letter-spacing:{spacing}}}",
        # Headings stay within 1.2× the body size (research §8 req. 12).
        f"h2{{font-size:{round(k.size * 1.2)}px;color:{k.accent};padding-left:8px;border-left:4px "
        f"solid {k.accent}}}",
        f"h3{{font-size:{round(k.size * 1.1)}px}}",
        f"h4,h5,h6{{font-size:{k.size}px}}",
        f"strong,b{{font-weight:bold;color:{k.text}}}",
        f"a{{color:{k.accent};border-bottom:1px solid {k.accent}}}",
        "sup{font-size:12px;line-height:0;vertical-align:super}",
        f".wx-note,.wx-fn{{color:{k.accent};margin:0 1px}}",
        f"code{{font-size:14px;padding:0 3px;border-radius:3px;background-color:{k.shade};color:"
        f"{k.text}}}",
        f".wx-mark{{background-color:{k.soft}}}",
    ]


def _block_rules(k: _Look) -> list[str]:
    return [
        f"hr{{margin:1.6em 0;border:0;border-top:1px solid {k.rule}}}",
        f"blockquote{{margin:0 0 1.2em;padding:0.6em 1em;border-left:3px solid {k.rule};"
        f"background-color:{k.shade}}}",
        f"blockquote p{{margin:0;color:{k.muted}}}",
        f".wx-code{{{k.small};margin:0 0 1.2em;padding:0.8em 1em;background-color:{k.shade};"
        f"border-radius:4px;"
        "white-space:nowrap;overflow-x:auto;text-align:left;letter-spacing:0}",
        ".wx-li,.wx-li-cont{margin:0 0 0.6em;text-align:left}",
        ".wx-l1{padding-left:1em}",
        ".wx-l2{padding-left:2.5em}",
        ".wx-dt{margin:0 0 0.3em;font-weight:bold}",
        ".wx-dd{padding-left:2em}",
        ".wx-figure{margin:0 0 1.2em;padding:0;text-align:center}",
        "img{max-width:100%;vertical-align:middle;box-sizing:border-box}",
        ".wx-figure img{display:block;margin:0 auto}",
        f".wx-caption{{{k.small};margin:0.6em 0 0;color:{k.muted};text-align:center}}",
        ".wx-table-wrap{max-width:100%;overflow-x:auto;margin:0 0 1.2em;padding:0}",
        f"table{{border-collapse:collapse;font-size:{k.size - 2}px;line-height:1.6;color:{k.text}}}",
        f"th,td{{border:1px solid {k.rule};padding:6px 10px;vertical-align:top;text-align:left}}",
        f"th{{font-weight:bold;background-color:{k.shade};white-space:nowrap}}",
    ]


def _frame_rules(k: _Look) -> list[str]:
    """Brand header and footer, the preview mark, the lead-in boxes, notes and credits."""
    box = f"padding:0.6em 0.9em;background-color:{k.shade};border-radius:4px"
    return [
        f".wx-head{{margin:0 0 1.6em;padding:0.6em 0.9em;border-left:4px solid {k.accent};"
        f"background-color:{k.soft}}}",
        f".wx-head p{{{k.small};margin:0;color:{k.accent};font-weight:bold;text-align:left}}",
        f".wx-foot{{margin:2em 0 0;padding:1em;border-radius:6px;background-color:{k.soft};"
        f"text-align:center}}",
        f".wx-foot p{{{k.small};margin:0;color:{k.accent};text-align:center}}",
        ".wx-mark-preview{margin:0 0 1.2em;padding:0.5em;border:2px dashed #c00000;color:#c00000;"
        "font-weight:bold;text-align:center}",
        f".wx-profile{{margin:0 0 1.2em;{box};text-align:left}}",
        f".wx-facts{{margin:0 0 1.6em;{box}}}",
        f".wx-facts p{{{k.small};margin:0;text-align:left}}",
        f".wx-label{{color:{k.muted}}}",
        f".wx-notes-title,.wx-refs-title{{{k.small};margin:0 0 0.4em;font-weight:bold;color:"
        f"{k.muted}}}",
        f".wx-footnotes,.wx-refs{{margin:2em 0 0;padding:0.8em 0 0;border-top:1px solid {k.rule}}}",
        f".wx-footnote,.wx-ref{{font-size:{k.size - 3}px;line-height:1.6;margin:0 0 0.3em;color:"
        f"{k.muted};"
        "text-align:left}",
        ".wx-ref{word-break:break-all}",
        f".wx-credits{{{k.small};margin:2em 0 0;color:{k.muted};text-align:left}}",
    ]


def _letter_rules(k: _Look) -> list[str]:
    """倡议书: the formal notice layout (research §6, req. 26); an indent replaces paragraph spacing,
    never both."""
    return [
        f".wx-letter-title{{font-size:{round(k.size * 1.25)}px;line-height:1.5;margin:0.4em 0 "
        f"1.2em;padding:0;"
        f"font-weight:bold;text-align:center;letter-spacing:2px;color:{k.text}}}",
        ".wx-salutation{margin:0;text-indent:0;text-align:left}",
        ".wx-letter .wx-body>p{margin:0;padding-left:0;text-indent:2em}",
        ".wx-letter .wx-body>.wx-figure,.wx-letter .wx-body>.wx-table-wrap{margin:0.8em 0}",
        ".wx-signoff{margin:2em 0 0;padding:0}",
        ".wx-signoff p{margin:0;text-indent:0;text-align:right}",
    ]


def inline(html: str, css: str) -> str:
    """Move every rule into style attributes with css-inline, then drop <style>/<link>/<script> and
    ids."""
    inliner = css_inline.CSSInliner(
        inline_style_tags=True, keep_style_tags=False, keep_link_tags=False,
        # the article must never depend on (or fetch) anything outside the build
        load_remote_stylesheets=False,
        # "a:b;c:d" keeps the pasted HTML under the editor's 20,000-character limit
        minify_css=True,
    )
    return transform.scrub(inliner.inline_fragment(html, css))
