"""Markdown bodies → HTML, the slow part of a build: cached by content and spread over cores.

A cache entry is keyed by everything the rendered HTML can depend on — the body, where it
lives, its first line (problems carry line numbers), every link target and image, the base
path and this code's version — so a hit is always what a fresh render would give. Adding,
removing or publishing a file changes the link targets and so misses every entry: slower
once, never stale.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .content import Document, MarkdownRenderer, count_words
from .model import Heading
from .problems import Problem

# Change this when the Markdown extensions or link rules change, to retire old cache entries.
RENDER_VERSION = "4"
# Below this many bodies, starting worker processes costs more than it saves.
PARALLEL_FROM = 100


@dataclass
class BodyCache:
    """Rendered bodies by key, and what each source file gave when last read (by its size,
    times and inode: a file whose signature is unchanged is not read or parsed again).
    Kept in memory by the preview server, and on disk (.cache/) between builds."""

    entries: dict = field(default_factory=dict)
    path: Path | None = None
    changed: bool = False
    documents: dict | None = None   # file → (signature, Document, problems); None: always read afresh
    # The preview's alone (memory): tips and proved quizzes, by the inputs they were made from.
    made: dict | None = None
    _signatures: dict = field(default_factory=dict, repr=False)   # the documents' as loaded

    @classmethod
    def load(cls, path: Path) -> "BodyCache":
        """The cache saved at path, or an empty one if it is missing, unreadable or from another version.

        pickle, not JSON: it keeps the parsed front matter as it is and loads several times
        faster. The file is as trusted as the code: both live in the project folder."""
        try:
            with open(path, "rb") as file:
                saved = pickle.load(file)
            if saved.get("version") != RENDER_VERSION:
                raise ValueError("another version")
            entries, documents = saved["entries"], saved["documents"]
        except Exception:  # missing, damaged, or written by other code: start afresh
            entries, documents = {}, {}
        return cls(entries, path, documents=documents, _signatures=signatures(documents))

    def save(self, used: set[str]) -> None:
        """Write the entries this build used (older ones are dropped) if anything changed."""
        stale = self.entries.keys() - used
        documents_changed = self.documents is not None and signatures(self.documents) != self._signatures
        if self.path is None or not (self.changed or stale or documents_changed):
            return
        self.entries = {key: self.entries[key] for key in used if key in self.entries}
        data = pickle.dumps({"version": RENDER_VERSION, "entries": self.entries, "documents": self.documents or {}},
                            pickle.HIGHEST_PROTOCOL)
        if save_file(self.path, data):
            self.changed, self._signatures = False, signatures(self.documents or {})


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


def signatures(documents: dict) -> dict:
    return {file: known[0] for file, known in documents.items()}


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
    return [_encode(*renderer.render(doc), count_words(doc.body)) for doc in docs]


def _encode(html: str, headings, problems, words: int) -> list:
    """A rendered body as plain JSON-able lists, for the cache and for crossing processes."""
    return [html, [[h.level, h.id, h.text] for h in headings],
            [[p.path, p.line, p.message, p.hint, p.severity] for p in problems], words]


def _decode(entry: list) -> tuple[str, list[Heading], list[Problem], int]:
    html, headings, problems, words = entry
    return html, [Heading(*h) for h in headings], [Problem(*p) for p in problems], words


def render_bodies(docs: list[Document], base_path: str, link_targets: dict, images: set,
                  cache: BodyCache | None = None, workers: int = 1) -> list[tuple]:
    """(html, headings, problems, word count) for each document, in order, using the cache and
    `workers` processes."""
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
