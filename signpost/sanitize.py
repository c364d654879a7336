"""Raw HTML inside Markdown passes an allow-list, so a pasted snippet can't run script or
break the page's Content-Security-Policy. nh3 (Rust's ammonia) does the cleaning: a
well-reviewed HTML5 sanitizer is safer than any hand-written filter."""
from __future__ import annotations

from html.parser import HTMLParser
from os import PathLike

import nh3

from .problems import Problem, problem

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote",
    "pre", "code", "em", "strong", "b", "i", "small", "sub", "sup", "abbr", "kbd", "mark", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "figure", "figcaption", "span", "div",
    "picture", "source",   # pictures.py's responsive pictures
}
ATTRIBUTES = {
    "*": {"id", "lang", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes", "fetchpriority"},
    "source": {"type", "srcset", "sizes"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(html: str, keep_ids: frozenset[str] = frozenset()) -> str:
    """Keep only allowed tags, attributes and link schemes, and only the ids in `keep_ids`.

    Ids are the page's to give: an id an editor writes could take one the page relies on
    (the skip link's #main, a heading's anchor), so only the ids the build itself gave the
    headings survive (content.py); quiz text keeps none.
    """
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None,
                     strip_comments=True, attribute_filter=lambda _tag, name, value: (
                         None if name == "id" and value not in keep_ids or name == "srcset" and ":" in value
                         else value))   # srcset: only this site's own files (nh3 checks no scheme there)


class _Inventory(HTMLParser):
    """The tags, attributes and link schemes a piece of HTML uses, as (tag, what) pairs."""

    def __init__(self, html: str):
        super().__init__()
        self.items: set[tuple[str, str]] = set()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.add((tag, f"<{tag}>"))
        for name, value in attrs:
            scheme = (value or "").split(":", 1)[0].strip().lower() if ":" in (value or "") else ""
            if name in ("href", "src") and scheme and scheme not in URL_SCHEMES:
                self.items.add((tag, f"a '{scheme}:' link"))
            else:
                self.items.add((tag, f"the {name} attribute"))


def removed_parts(html: str) -> list[str]:
    """What clean_html would take out of this snippet, in words, e.g. ['<script>', 'the onerror attribute']."""
    try:
        lost = _Inventory(html).items - _Inventory(clean_html(html)).items
    except ValueError:  # &#99999…; with thousands of digits: too long for Python to read as a number
        return ["a character code too long to read"]
    lost_tags = {tag for tag, what in lost if what == f"<{tag}>"}
    return sorted({what for tag, what in lost if what == f"<{tag}>" or tag not in lost_tags})


def removed_html_problem(path: str | PathLike[str], line: int | None, html: str) -> Problem | None:
    """The warning for pasted HTML that clean_html will cut down, or None when nothing goes."""
    removed = removed_parts(html)
    if not removed:
        return None
    return problem(path, line, f"Some HTML was removed because it isn't allowed here: {', '.join(removed)}",
                   "Write the content in Markdown instead of HTML.", severity="warning")
