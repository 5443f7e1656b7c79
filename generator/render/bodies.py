"""The rendered bodies of one build: those rendered now in memory, the rest fetched only when a
page needs them.

After editing one story, nearly every page is already published and current: its body HTML is needed
only for the few pages made again (the edited page, the feed), so reading every body from the cache
would be wasted time and memory. Each page's image references are small and always at hand:
publishing images and page keys need them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable, Iterator

from generator.render.markdown import ImageRef, Rendered


class Bodies(Mapping):
    """Rendered bodies by page source, fetched on first use; `images(source)` never fetches."""

    def __init__(self, images: dict[str, list[ImageRef]], fresh: dict[str, Rendered] | None = None,
                 fetch: Callable[[str], Rendered] | None = None):
        self._images, self._fresh, self._fetch = images, dict(fresh or {}), fetch

    @classmethod
    def of(cls, rendered: Mapping[str, Rendered]) -> "Bodies":
        """Bodies that are all in memory already (tests, small callers)."""
        return (
            rendered
            if isinstance(rendered, Bodies)
            else cls({s: r.images for s, r in rendered.items()}, dict(rendered))
        )

    def images(self, source: str) -> list[ImageRef]:
        """The images a page's body shows, with the URLs its HTML uses."""
        return self._images[source]

    def html(self, source: str) -> "LazyHtml":
        """The body HTML as a template value that is fetched only if the template prints it."""
        return LazyHtml(self, source)

    def __getitem__(self, source: str) -> Rendered:
        if source not in self._fresh:
            if source not in self._images or self._fetch is None:
                raise KeyError(source)
            self._fresh[source] = self._fetch(source)
        return self._fresh[source]

    def __contains__(self, source: object) -> bool:
        return source in self._images

    def __iter__(self) -> Iterator[str]:
        return iter(self._images)

    def __len__(self) -> int:
        return len(self._images)


class LazyHtml:
    """A body's HTML in a template context: `{{ page.html|safe }}` fetches it; building page keys
    does not."""

    def __init__(self, bodies: Bodies, source: str):
        self._bodies, self._source = bodies, source

    def __html__(self) -> str:
        return self._bodies[self._source].html

    def __str__(self) -> str:
        return self.__html__()

    def __reduce__(self):
        # Sent to a worker process (rendering pages in parallel) as the HTML itself, not with every
        # other body.
        return HtmlText, (self.__html__(),)


class HtmlText(str):
    """Body HTML that templates print unescaped, like LazyHtml once fetched."""

    def __html__(self) -> str:
        return str(self)
