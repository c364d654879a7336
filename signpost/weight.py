"""Page weight: the bytes each page needs on first load, raw and gzip-compressed, against a budget.

14 KB compressed fits in the first round trip of a new connection (TCP's initial window of
10 packets), so a page under it shows on a slow phone line after one round trip.

Pictures are not part of it: they load after the page shows, at their reserved size, so they
can't delay or shift it (pictures.py). They are weighed on their own: for each picture, the
largest file a browser might choose for it, the most it can cost a reader.
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from html.parser import HTMLParser

PAGE_BUDGET = 14 * 1024
SCRIPT_BUDGET = 5 * 1024   # for quiz.js on its own


@dataclass(frozen=True)
class Weight:
    path: str
    raw: int
    gzipped: int
    parts: tuple[str, ...]     # the output files counted: the page and what it loads
    pictures: int = 0          # bytes, at most, of the pictures it shows: never counted in the budget

    @property
    def over_budget(self) -> bool:
        return self.gzipped > PAGE_BUDGET


class _Subresources(HTMLParser):
    """The scripts and stylesheets a page loads, and each of its pictures' candidate files."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.pictures: list[list[str]] = []   # per picture: every file a browser might choose
        self._in_picture = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and (src := named.get("src")):
            self.urls.append(src)
        elif tag == "link" and named.get("rel") in ("stylesheet", "icon") and (href := named.get("href")):
            self.urls.append(href)
        elif tag == "picture":
            self.pictures.append([])
            self._in_picture = True
        elif tag in ("source", "img"):
            if not self._in_picture:
                self.pictures.append([])
            self.pictures[-1] += [src] if (src := named.get("src")) else []
            self.pictures[-1] += [c.split()[0] for c in (named.get("srcset") or "").split(",") if c.strip()]
            self._in_picture = self._in_picture and tag == "source"   # the <img> ends a <picture>


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def page_weights(files: dict[str, bytes], base_path: str = "/") -> list[Weight]:
    """For every HTML page, the page plus the same-site files it loads."""
    weights = []
    for path in sorted(p for p in files if p.endswith(".html")):
        parser = _Subresources()
        parser.feed(files[path].decode("utf-8"))
        parts = [path] + [u[len(base_path):].split("?")[0] for u in parser.urls if u.startswith(base_path)]
        parts = list(dict.fromkeys(p for p in parts if p in files))
        pictures = sum(max((len(files[p]) for p in candidates if p in files), default=0) for candidates in
                       ([u[len(base_path):] for u in urls if u.startswith(base_path)] for urls in parser.pictures))
        weights.append(Weight(path, sum(len(files[p]) for p in parts),
                              sum(gzipped_size(files[p]) for p in parts), tuple(parts), pictures))
    return weights


def format_weights(weights: list[Weight]) -> list[str]:
    """A table, heaviest first, marking pages over budget."""
    lines = [f"{'page':<44} {'raw':>8} {'gzip':>8} {'pictures':>9}   (pictures: not in the budget)"]
    for weight in sorted(weights, key=lambda w: -w.gzipped):
        mark = "  OVER BUDGET" if weight.over_budget else ""
        pictures = f"{weight.pictures / 1024:>7.1f}KB" if weight.pictures else f"{'-':>9}"
        lines.append(f"{weight.path:<44} {weight.raw / 1024:>6.1f}KB {weight.gzipped / 1024:>6.1f}KB "
                     f"{pictures}{mark}")
    over = [w for w in weights if w.over_budget]
    lines.append(f"{len(weights)} pages; budget {PAGE_BUDGET // 1024} KB gzip per page: "
                 + (f"{len(over)} over." if over else "all within it."))
    return lines
