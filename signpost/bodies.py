"""Markdown bodies → HTML, the slow part of a build: cached by content and spread over cores.

A cache entry is keyed by everything the rendered HTML can depend on — the body, where it
lives, its first line (problems carry line numbers), every link target and image, the base
path and this code's version — so a hit is always what a fresh render would give. Adding,
removing or publishing a file changes the link targets and so misses every entry: slower
once, never stale.
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .content import Document, MarkdownRenderer
from .model import Heading
from .problems import Problem

# Change this when the Markdown extensions or link rules change, to retire old cache entries.
RENDER_VERSION = "2"
# Below this many bodies, starting worker processes costs more than it saves.
PARALLEL_FROM = 100


@dataclass
class BodyCache:
    """Rendered bodies by key; kept in memory by the preview server, on disk between builds."""

    entries: dict = field(default_factory=dict)
    path: Path | None = None
    changed: bool = False
    # Also what each source file gave last time, by its signature (memory only: the preview's).
    documents: dict | None = None

    @classmethod
    def load(cls, path: Path) -> "BodyCache":
        """The cache saved at path, or an empty one if it is missing or unreadable."""
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")), path)
        except (OSError, ValueError):
            return cls({}, path)

    def save(self, used: set[str]) -> None:
        """Write the entries this build used (older ones are dropped) if anything changed."""
        stale = self.entries.keys() - used
        if self.path is None or not (self.changed or stale):
            return
        self.entries = {key: self.entries[key] for key in used if key in self.entries}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.entries), encoding="utf-8")
        temporary.replace(self.path)
        self.changed = False


def body_key(doc: Document, namespace: str) -> str:
    """Everything the rendered HTML and its problems depend on, hashed."""
    text = "\0".join((RENDER_VERSION, namespace, doc.path, doc.display, str(doc.body_line), doc.body))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_namespace(base_path: str, link_targets: dict, images) -> str:
    """A hash of the site-wide facts a body's links are checked against."""
    facts = json.dumps([base_path, sorted(link_targets.items(), key=lambda kv: kv[0]), sorted(images)])
    return hashlib.sha256(facts.encode("utf-8")).hexdigest()


def _render_all(base_path: str, link_targets: dict, images: set, docs: list[Document]) -> list:
    """Render bodies with one converter; also the work of one worker process."""
    renderer = MarkdownRenderer(base_path, link_targets, images)
    return [_encode(*renderer.render(doc)) for doc in docs]


def _encode(html: str, headings, problems) -> list:
    """A rendered body as plain JSON-able lists, for the cache and for crossing processes."""
    return [html, [[h.level, h.id, h.text] for h in headings],
            [[p.path, p.line, p.message, p.hint, p.severity] for p in problems]]


def _decode(entry: list) -> tuple[str, list[Heading], list[Problem]]:
    html, headings, problems = entry
    return html, [Heading(*h) for h in headings], [Problem(*p) for p in problems]


def render_bodies(docs: list[Document], base_path: str, link_targets: dict, images: set,
                  cache: BodyCache | None = None, workers: int = 1) -> list[tuple]:
    """(html, headings, problems) for each document, in order, using the cache and `workers` processes."""
    cache = cache if cache is not None else BodyCache()
    namespace = link_namespace(base_path, link_targets, images)
    keys = [body_key(doc, namespace) for doc in docs]
    missing = [(key, doc) for key, doc in zip(keys, docs) if key not in cache.entries]
    if missing:
        fresh = _render_missing([doc for _, doc in missing], base_path, link_targets, images, workers)
        cache.entries.update(zip((key for key, _ in missing), fresh))
        cache.changed = True
    cache.save(set(keys))
    return [_decode(cache.entries[key]) for key in keys]


def _render_missing(docs, base_path, link_targets, images, workers: int) -> list:
    """Render in this process, or split across worker processes when there are many bodies."""
    workers = min(workers, os.cpu_count() or 1)
    if workers < 2 or len(docs) < PARALLEL_FROM:
        return _render_all(base_path, link_targets, images, docs)
    chunks = [docs[i::workers] for i in range(workers)]
    # fork: workers start in milliseconds and inherit the loaded modules; only used by the
    # one-shot command-line build, which has no threads that forking could upset.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        results = list(pool.map(_render_all, *zip(*[(base_path, link_targets, images, c) for c in chunks])))
    rendered = [None] * len(docs)
    for index, chunk_result in enumerate(results):
        rendered[index::workers] = chunk_result
    return rendered
