"""Markdown bodies → HTML, the slow part of a build; and the cache that lets a build skip it.

`render_all` is the plain step: one converter, every body. The cache (used only through
incremental.py) keys each body by everything its HTML can depend on — the body, where it
lives, its first line (problems carry line numbers), every link target and image, the base
path — and the whole file by this code's version (version.py), so a hit is always what a
fresh render would give. Adding, removing or publishing a file changes the link targets and
so misses every entry: slower once, never stale.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .content import MarkdownRenderer, count_words
from .model import Document, Heading, HeadingLink, LinkTargets
from .problems import Problem
from .version import CODE_VERSION


class RenderedBody(NamedTuple):
    """What one Markdown body gives: its HTML and everything learnt while rendering it."""

    html: str
    headings: list[Heading]
    problems: list[Problem]
    heading_links: list[HeadingLink]   # checked by the pipeline every build: their targets may have changed
    words: int


class SourceRead(NamedTuple):
    """What reading one source file gave, with the signature it had (sources.signature_of)."""

    signature: tuple[int, int, int, int] | None
    document: Document | None
    problems: list[Problem]


class Product(NamedTuple):
    """Something made from inputs (a tip, a proved quiz, a minified asset), with those inputs."""

    inputs: tuple[Any, ...]
    result: Any


ProductName = tuple[str, str]   # ("tip", "tips/rest.md"), ("quiz", …), ("asset", "js/quiz.js")


def render_all(links: LinkTargets | None, docs: list[Document]) -> list[RenderedBody]:
    """Every body, in order, with one converter; also the work of one worker process."""
    renderer = MarkdownRenderer(links)
    bodies = []
    for doc in docs:
        html, headings, problems, heading_links = renderer.render(doc)
        bodies.append(RenderedBody(html, headings, problems, heading_links, count_words(doc.body)))
    return bodies


@dataclass
class BodyCache:
    """Rendered bodies by key, what each source file gave when last read (by its signature: a
    file whose signature is unchanged is not read or parsed again), and the products made
    from unchanged inputs. Kept in memory by the preview server, on disk (.cache/) between builds."""

    entries: dict[str, RenderedBody] = field(default_factory=dict)
    path: Path | None = None
    documents: dict[Path, SourceRead] | None = None   # None: files are always read afresh
    # A Document is compared by identity: pickled together, products and documents keep sharing them.
    products: dict[ProductName, Product] | None = None   # None: always made afresh
    _as_loaded: tuple = field(default=(), repr=False)   # what the cache held when loaded

    @classmethod
    def load(cls, path: Path) -> BodyCache:
        """The cache saved at path, or an empty one if it is missing, unreadable or from other code.

        pickle, not JSON: it keeps the parsed front matter as it is and loads several times
        faster. The file is as trusted as the code: both live in the project folder."""
        try:
            with open(path, "rb") as file:
                saved = pickle.load(file)
            if saved.get("version") != CODE_VERSION:
                raise ValueError("made by other code")
            entries, documents, products = saved["entries"], saved["documents"], saved["products"]
            if not (all_of(entries, RenderedBody) and all_of(documents, SourceRead) and all_of(products, Product)):
                raise ValueError("damaged")
        except Exception:  # missing, damaged, or written by other code: start afresh
            entries, documents, products = {}, {}, {}
        cache = cls(entries, path, documents=documents, products=products)
        cache._as_loaded = cache.contents()
        return cache

    def contents(self) -> tuple:
        """A cheap fingerprint of what is held: entry keys, and which document and product is which."""
        return (set(self.entries), {f: id(known) for f, known in (self.documents or {}).items()},
                {name: id(item) for name, item in (self.products or {}).items()})

    def save(self) -> None:
        """Write the cache to its file, if it has one and anything changed since it was loaded."""
        if self.path is None or self.contents() == self._as_loaded:
            return
        data = pickle.dumps({"version": CODE_VERSION, "entries": self.entries, "documents": self.documents or {},
                             "products": self.products or {}}, pickle.HIGHEST_PROTOCOL)
        if save_file(self.path, data):
            self._as_loaded = self.contents()

    def render(self, docs: list[Document], links: LinkTargets, render) -> list[RenderedBody]:
        """Each document's body, taken from the cache, or rendered by render(missing docs) and kept;
        bodies no document uses any more are dropped."""
        namespace = link_namespace(links)
        keys = [body_key(doc, namespace) for doc in docs]
        missing = {key: doc for key, doc in zip(keys, docs) if key not in self.entries}
        if missing:
            self.entries.update(zip(missing, render(list(missing.values()))))
        if self.entries.keys() - set(keys):
            self.entries = {key: self.entries[key] for key in keys}
        return [self.entries[key] for key in keys]


def all_of(table, kind: type) -> bool:
    """A dict whose every value is a `kind`, as the cache keeps them."""
    return isinstance(table, dict) and all(isinstance(value, kind) for value in table.values())


def save_file(path: Path, data: bytes) -> bool:
    """Replace a cache file whole; False if the disk refused (the next build is only slower)."""
    temporary = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        temporary.replace(path)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False


def body_key(doc: Document, namespace: str) -> str:
    """Everything the rendered HTML and its problems depend on, hashed."""
    text = "\0".join((namespace, doc.path, doc.display, str(doc.body_line), doc.body))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_namespace(links: LinkTargets) -> str:
    """A hash of the site-wide facts a body's links are checked against."""
    facts = json.dumps([links.base_path, sorted(links.files.items(), key=lambda kv: kv[0]), sorted(links.images),
                        sorted((path, picture.digest) for path, picture in links.pictures.items())])
    return hashlib.sha256(facts.encode("utf-8")).hexdigest()
