"""The key of every output the formats make, derived in one place from what the output reads.

A published file whose key equals the one in the manifest is current and is not made again
(build.writer.Publication.is_current). One kind of key per output:

- website page (formats.site): the build's salt, the template's name and the whole template
  context, in which each page view stands in by its `view` key;
- page view (a card: lists, related articles, previous and next): every value of the view, the
  front matter (`meta`) included, but not the body, which a card does not show (so an edit of a
  body makes its own page again, not its neighbours'); a detail page's view adds the page's text
  (`Page.identity`) and what else its body is made from (`with_body`);
- WeChat file (formats.wechat): the page's text, its body's image URLs, its 未审定 mark, size and
  time of its front-matter images (covers are cut from them), and the file's path;
- search index file: its own bytes (formats.site.search);
- image (render.images): the source's bytes, the width, quality and processor version;
- LED frame (formats.led): the frame's text, layout, screen and photo.

The salt (`salt`) is part of every key and of every cache entry: it changes with the generator's
code, the templates, the config, the day and preview mode. The build sits above the formats, the
site format below the build: this module is the one place both may import.
"""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Iterable

from generator.base.hashing import digest, sha256_hex

# The value of a page view that `with_body` covers (a card's is empty), and the view's own key.
_COVERED = ("html", "fp")


def salt(version: str, cfg, today: date, preview: bool, package: Path, templates: Path) -> str:
    """Changes whenever the generator's code, the templates, the config, the day or preview mode
    change."""
    code = sorted(package.rglob("*.py"))
    files = sorted(p for p in templates.rglob("*") if p.is_file())
    return digest(
        version,
        replace(cfg, root=Path()),
        today,
        preview,
        *(p.read_bytes() for p in code),
        *(p.relative_to(templates).as_posix() for p in files),
        *(p.read_bytes() for p in files),
    )


def build_id(version: str, cfg, identities: Iterable[str]) -> str:
    """A short id that changes exactly when the published input changes (no clock: builds stay
    identical); shown by the LED player."""
    head = f"{version}|{replace(cfg, root=Path())!r}"
    return sha256_hex(head + "".join(identities))[:12]


def body(page) -> str:
    """The key of a page's rendered body (its HTML and image references): the page's text."""
    return page.identity


def page(build_salt: str, template: str, context: dict) -> str | None:
    """The key of a website page: salt, template and context; None (always render) when the
    context cannot be pickled."""
    try:
        return digest(build_salt, template, pickle.dumps(_fingerprint(context), protocol=4))
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def view(values: dict) -> str:
    """The key of a page view (a card): every value of the view but the body HTML; the front
    matter (a frozen dataclass of plain values) by its repr, which names every field."""
    return digest([(k, v) for k, v in values.items() if k not in _COVERED])


def with_body(view_key: str, identity: str, body_key: object) -> str:
    """The key of a detail page's view: its card's key, the page's text and what else its body
    HTML is made from (its images' URLs)."""
    return digest(view_key, identity, body_key)


def site_view(values: dict) -> str:
    """The key of the site view (title, menu, addresses) that every page shows."""
    return digest([(k, v) for k, v in values.items() if k != "fp"])


def wechat_bundle(page, image_urls: list[str], unreviewed: bool, image_stamps: list) -> str:
    """The key of a page's WeChat bundle: the body HTML is made from the page's text and its images'
    URLs, the covers from its front-matter images."""
    return digest(page.identity, image_urls, unreviewed, image_stamps)


def wechat_file(bundle: str, rel: str) -> str:
    """The key of one file of a WeChat bundle."""
    return digest(bundle, rel)


def search_index(build_salt: str, base_path: str) -> str:
    """The key of the kept search index (updated in place while the site's address stays)."""
    return digest(build_salt, base_path)


def _fingerprint(value):
    """A context with each view replaced by its key (a view's key covers everything in it)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most values: nothing to walk
        return value
    if kind is dict or isinstance(value, dict):
        if "fp" in value:  # a page view or the site view
            return ("view", value["fp"])
        return tuple((k, _fingerprint(v)) for k, v in value.items())
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        return tuple(_fingerprint(v) for v in value)
    return value
