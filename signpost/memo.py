"""What one render keeps for the next, so unchanged pages are reused instead of rendered again.

A page is reused only when its key is unchanged. The key hashes everything the page can
show: the site-wide facts (site_fingerprint: templates, settings, menus and every tip's
front matter) and the page's own (for a tip page, its body and related tips). Only a tip's
own page shows its body, so a save that changes one body re-renders one page; a test holds
the templates to that (tests/test_memo.py).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field, fields
from operator import attrgetter
from pathlib import Path
from collections.abc import Callable
from typing import NamedTuple, Protocol

import jinja2

from .bodies import save_file
from .model import Site, Tip
from .version import CODE_VERSION
from .write import LinkableBytes

# What a tip's own page shows of it, besides its body and headings (hashed separately: repr() of
# a long string or of dataclasses is slow).
TIP_PAGE_FIELDS = tuple(f.name for f in fields(Tip) if f.compare and f.name not in ("body_html", "headings"))
# What every other page may show of a tip: its card, never its body, exact word count or review (which
# holds the text's fingerprint: left in, any edit or sign-off would re-render every page).
TIP_CARD_FIELDS = tuple(name for name in TIP_PAGE_FIELDS if name not in ("words", "review"))


def site_fingerprint(site: Site, templates_dir, asset_names: dict, preview: bool) -> str:
    """A hash of everything any page can show besides a tip's body: the code and templates, the
    settings, asset names, menus, free-standing pages, quiz titles and warning signs (every tip
    page's urgent-help box lists them) and every tip's card."""
    templates = sorted((p.relative_to(templates_dir).as_posix(), p.read_bytes())
                       for p in Path(templates_dir).rglob("*") if p.is_file())
    cards = [[getattr(tip, name) for name in TIP_CARD_FIELDS] + [tip.reading_minutes] for tip in site.tips]
    facts = (CODE_VERSION, templates, repr(site.config), sorted(asset_names.items()), preview,
             [(q.slug, q.model.title, q.model.warning_signs("emergency"), q.model.warning_signs("urgent"))
              for q in site.quizzes],
             [repr(p) for p in site.pages], cards)
    return hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()


astuple = attrgetter("level", "id", "text")  # a Heading's fields, as a tuple


def page_key(site_key: str, out_path: str, own: tuple) -> str:
    """A page's key: the site's fingerprint, its path, and what only it shows (`own`)."""
    digest = hashlib.sha256(f"{site_key}\0{out_path}".encode())
    for fact in own:
        if isinstance(fact, Tip):
            digest.update(fact.body_html.encode("utf-8"))
            fact = [getattr(fact, name) for name in TIP_PAGE_FIELDS] + [[astuple(h) for h in fact.headings]]
        digest.update(b"\0" + repr(fact).encode("utf-8"))
    return digest.hexdigest()


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory between preview rebuilds; Jinja checks each one
    against its template's source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class DiskBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's on-disk cache of compiled templates (checked against each template's source), except
    that a damaged file or a disk refusing the write costs a recompile, never the build."""

    def load_bytecode(self, bucket):
        try:
            super().load_bytecode(bucket)
        except Exception:  # truncated or foreign file: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket):
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class RelatedRanking(NamedTuple):
    """The last ranking of related tips (render.related_tips), and what it was ranked from."""

    facts: str = ""   # hash of every tip's slug, tags, order and title
    slugs: dict[str, list[str]] = {}   # tip slug → its related tips' slugs


class KeptPage(NamedTuple):
    key: str
    data: bytes


class FileStore(Protocol):
    """Files of the last output kept by a key, so what the same input made last time is reused
    instead of made again (pages, copied assets, .br/.gz copies, the web editor's bundle)."""

    def expects(self, path: str, key: str) -> bool: ...
    def reuse(self, path: str, key: str) -> bytes | None: ...
    def keep(self, path: str, key: str, data: bytes) -> None: ...


class PageStore(FileStore, Protocol):
    """Where the last render's pages are found again: in memory (RenderMemo) or in the last output (SavedPages)."""

    bytecode: jinja2.BytecodeCache
    related: RelatedRanking


def same_as_last_time(store: FileStore, path: str, data: bytes) -> bytes:
    """data, or the last output's file when it holds these very bytes (its bytes are its key):
    then it is linked, not written again."""
    key = hashlib.sha256(data).hexdigest()
    data = store.reuse(path, key) or data
    store.keep(path, key, data)
    return data


@dataclass
class RenderMemo:
    """The preview server's memo: the last render's pages, in memory."""

    pages: dict[str, KeptPage] = field(default_factory=dict)   # by output path
    bytecode: jinja2.BytecodeCache = field(default_factory=MemoryBytecodeCache)
    related: RelatedRanking = RelatedRanking()

    def expects(self, path: str, key: str) -> bool:
        kept = self.pages.get(path)
        return kept is not None and kept.key == key

    def reuse(self, path: str, key: str) -> bytes | None:
        kept = self.pages.get(path)
        return kept.data if kept and kept.key == key else None

    def keep(self, path: str, key: str, data: bytes) -> None:
        if not self.expects(path, key):
            self.pages[path] = KeptPage(key, data)


class SavedPage(NamedTuple):
    """What the index records of one page the last build wrote (a list of two texts in its JSON)."""

    key: str
    sha256: str   # of the file's bytes, checked before the file is reused


@dataclass
class SavedPages:
    """A build's memo: the key and SHA-256 of every page the last build wrote into `folder`,
    saved in a JSON index under .cache/. A page is reused from there only when its key is
    unchanged and the file still holds exactly the bytes recorded, so a hand-edited or
    half-deleted output folder costs a re-render, never a stale page."""

    index_path: Path
    folder: Path
    bytecode: jinja2.BytecodeCache
    last: dict[str, SavedPage] = field(default_factory=dict)      # by output path, from the last build
    current: dict[str, SavedPage] = field(default_factory=dict)   # the same, for this build
    related: RelatedRanking = RelatedRanking()   # saved with the index

    @classmethod
    def load(cls, cache_dir: Path, name: str, folder: Path) -> SavedPages:
        """The index saved under cache_dir for this output folder, or an empty one."""
        index_path = cache_dir / f"pages-{name}.json"
        try:
            (cache_dir / "templates").mkdir(parents=True, exist_ok=True)
            saved = json.loads(index_path.read_text(encoding="utf-8"))
            last, related = saved["pages"], RelatedRanking(*saved["related"])
            if not (isinstance(last, dict) and isinstance(related.slugs, dict)):
                raise ValueError("not an index")
        except (OSError, ValueError, LookupError, TypeError):
            last, related = {}, RelatedRanking()
        # A damaged entry (null, a number, a short list) only means that page is rendered again.
        last = {path: SavedPage(*entry) for path, entry in last.items() if isinstance(entry, list)
                and len(entry) == 2 and all(isinstance(part, str) for part in entry)}
        bytecode = DiskBytecodeCache(str(cache_dir / "templates"))
        return cls(index_path, Path(folder), bytecode, last, related=related)

    def expects(self, path: str, key: str) -> bool:
        """Whether the page will probably be reused (it will, unless its file was changed)."""
        saved = self.last.get(path)
        return saved is not None and saved.key == key

    def reuse(self, path: str, key: str) -> bytes | None:
        saved = self.last.get(path)
        if saved is None or saved.key != key:
            return None
        source = self.folder / path
        try:
            with open(source, "rb") as file:
                data = LinkableBytes(file.read())
                data.inode = os.fstat(file.fileno())[:3]   # mode, inode, device: write_files compares
        except OSError:
            return None
        data.source, data.sha256 = source, hashlib.sha256(data).hexdigest()
        return data if data.sha256 == saved.sha256 else None

    def keep(self, path: str, key: str, data: bytes) -> None:
        self.current[path] = SavedPage(key, getattr(data, "sha256", None) or hashlib.sha256(data).hexdigest())

    def save(self) -> None:
        """Record this build's pages; call only once they are in the output folder."""
        index = {"pages": self.current, "related": self.related}
        save_file(self.index_path, json.dumps(index, sort_keys=True).encode("utf-8"))
        self.last, self.current = self.current, {}


@dataclass
class PageReuse:
    """What render asks of the last render, for one site: each page's key, and the page itself
    when its key is unchanged. Made by incremental.Warm; a cold build has none."""

    store: PageStore
    site_key: str   # site_fingerprint of the site being rendered

    def key(self, out_path: str, own: tuple | None) -> str | None:
        """The page's key; None for a page that is always rendered (own is None)."""
        return None if own is None else page_key(self.site_key, out_path, own)

    def expects(self, path: str, key: str) -> bool:
        """Whether the page will probably be reused (it will, unless its file was changed)."""
        return self.store.expects(path, key)

    def reuse(self, path: str, key: str) -> bytes | None:
        return self.store.reuse(path, key)

    def keep(self, path: str, key: str, data: bytes) -> None:
        self.store.keep(path, key, data)

    def copied_file(self, path: str, data: bytes) -> bytes:
        """An asset or picture, copied as it is: its bytes are its key, and the last output's copy is reused."""
        return same_as_last_time(self.store, path, data)

    def related(self, tips, rank: Callable) -> dict:
        """rank(tips) (render.related_tips), or the last ranking if no tip's slug, tags, order or title changed."""
        facts = hashlib.sha256(repr([(tip.slug, tip.tags, tip.order, tip.title) for tip in tips]).encode()).hexdigest()
        by_slug = {tip.slug: tip for tip in tips}  # today's tips: the store keeps only their slugs
        if self.store.related.facts == facts:
            with contextlib.suppress(LookupError, TypeError):  # a damaged saved index: rank afresh
                return {slug: [by_slug[other] for other in self.store.related.slugs[slug]] for slug in by_slug}
        related = rank(tips)
        self.store.related = RelatedRanking(facts, {slug: [t.slug for t in others] for slug, others in related.items()})
        return related
