"""Markdown bodies → HTML, the slow part of a build: cached by content and spread over cores.

A cache entry is keyed by everything the rendered HTML can depend on — the body, where it
lives, its first line (problems carry line numbers), every link target and image, the base
path — and the whole cache by this code's version (version.py), so a hit is always what a
fresh render would give. Adding, removing or publishing a file changes the link targets and
so misses every entry: slower once, never stale.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from .content import Document, MarkdownRenderer, count_words
from .model import LinkTargets
from .parallel import map_chunks
from .problems import Problem
from .version import CODE_VERSION

@dataclass
class BodyCache:
    """Rendered bodies by key, and what each source file gave when last read (by its size,
    times and inode: a file whose signature is unchanged is not read or parsed again).
    Kept in memory by the preview server, and on disk (.cache/) between builds."""

    entries: dict = field(default_factory=dict)
    path: Path | None = None
    documents: dict | None = None   # file → (signature, Document, problems); None: always read afresh
    # Tips and proved quizzes, by the inputs they were made from (see pipeline.remembered).
    # A Document is compared by identity: pickled together, made and documents keep sharing them.
    made: dict | None = None
    _as_loaded: tuple = field(default=(), repr=False)   # what documents and made held when loaded

    @classmethod
    def load(cls, path: Path) -> "BodyCache":
        """The cache saved at path, or an empty one if it is missing, unreadable or from other code.

        pickle, not JSON: it keeps the parsed front matter as it is and loads several times
        faster. The file is as trusted as the code: both live in the project folder."""
        try:
            with open(path, "rb") as file:
                saved = pickle.load(file)
            if saved.get("version") != CODE_VERSION:
                raise ValueError("made by other code")
            entries, documents, made = saved["entries"], saved["documents"], saved["made"]
            if not well_formed(entries, ENTRY_SIZE) or not well_formed(documents, 3) or not well_formed(made, 2):
                raise ValueError("damaged")
        except Exception:  # missing, damaged, or written by other code: start afresh
            entries, documents, made = {}, {}, {}
        cache = cls(entries, path, documents=documents, made=made)
        cache._as_loaded = cache.contents()
        return cache

    def contents(self) -> tuple:
        """A cheap fingerprint of what is held: entry keys, and which document and made item is which."""
        return (set(self.entries), {f: id(known) for f, known in (self.documents or {}).items()},
                {name: id(item) for name, item in (self.made or {}).items()})

    def keep_only(self, used: set[str]) -> None:
        """Drop the rendered bodies this build did not use."""
        if self.entries.keys() - used:
            self.entries = {key: self.entries[key] for key in used if key in self.entries}

    def save(self) -> None:
        """Write the cache to its file, if it has one and anything changed since it was loaded."""
        if self.path is None or self.contents() == self._as_loaded:
            return
        data = pickle.dumps({"version": CODE_VERSION, "entries": self.entries, "documents": self.documents or {},
                             "made": self.made or {}}, pickle.HIGHEST_PROTOCOL)
        if save_file(self.path, data):
            self._as_loaded = self.contents()


ENTRY_SIZE = 5   # what _render_all gives each body: html, headings, problems, links to headings, word count


def well_formed(table, size: int) -> bool:
    """A dict whose every value is a tuple of `size` items, as the cache keeps them."""
    return isinstance(table, dict) and all(isinstance(value, tuple) and len(value) == size for value in table.values())


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


def _render_all(links: LinkTargets, docs: list[Document]) -> list:
    """(html, headings, problems, links to headings, word count) per body, with one converter; also the
    work of one worker process."""
    renderer = MarkdownRenderer(links)
    return [(*renderer.render(doc), count_words(doc.body)) for doc in docs]


def render_bodies(docs: list[Document], links: LinkTargets, cache: BodyCache | None = None,
                  workers: int = 1) -> list[tuple]:
    """(html, headings, problems, links to headings, word count) for each document, in order, using
    the cache and `workers` processes. Links to headings are checked by the caller, every build:
    a cached body's links may point at headings that have changed since."""
    cache = cache if cache is not None else BodyCache()
    namespace = link_namespace(links)
    keys = [body_key(doc, namespace) for doc in docs]
    missing = [(key, doc) for key, doc in zip(keys, docs) if key not in cache.entries]
    if missing:
        fresh = map_chunks(_render_all, [doc for _, doc in missing], workers, links)
        cache.entries.update(zip((key for key, _ in missing), fresh))
    cache.keep_only(set(keys))
    return [cache.entries[key] for key in keys]
