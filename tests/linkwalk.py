"""Walk a built site's HTML and list every internal link or asset that doesn't resolve."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append(attrs[name])


def parse(file: Path) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser


def resolve(site: Path, base_path: str, page: Path, link: str) -> tuple[Path, str] | None:
    """The file a link points at in the built site, and its fragment; None for external links."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page, parts.fragment
    assert parts.path.startswith(base_path), f"{link} is outside the site's base path {base_path}"
    target = site / unquote(parts.path[len(base_path):])
    if parts.path.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal href/src, checked against the files and the element ids they point at."""
    pages = {file: parse(file) for file in sorted(site.rglob("*.html"))}
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            found = resolve(site, base_path, page, link)
            if found is None:
                continue
            target, fragment = found
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link} (no such file)")
            elif fragment and target.suffix == ".html" and fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(site)}: {link} (no element with id '{fragment}')")
    return broken
