"""Everything that makes a build cheaper, behind one small interface the pipeline is handed.

A build is load → validate → render → write (pipeline.py), and each step is a plain function
of its inputs. Where a step could skip work it asks its `Incremental`:

    read_documents   which source files must be read again (the rest: as read last time)
    render_bodies    which Markdown bodies must be rendered (the rest: as rendered last time)
    make             a tip, proved quiz, minified asset or picture encoding, or the one equal
                     inputs made last time
    loaded           loading is over: forget what went, save what was read and rendered
    page_reuse       which pages may be taken from the last render (render.py asks per page)
    last_files       where files made from files (hosting.py's .br/.gz, _headers) are found again
    keep_replaced_site, done    write.py starts from the site it replaces; pages are recorded

`Cold` skips nothing: a cold build is the four steps and nothing else (with `workers`, the
slow parts are spread over the cores, parallel.py). `Warm` keeps what it may reuse, in memory
for the preview or under .cache/ between builds. Removing Warm leaves a correct, slower build:
tests/test_memo.py and tests/test_bodies.py build both ways and compare the bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import jinja2

from .bodies import BodyCache, Product, ProductName, RenderedBody, SourceRead, render_all
from .memo import PageReuse, PageStore, RenderMemo, SavedPages, site_fingerprint
from .model import Document, LinkTargets, Site
from .parallel import map_chunks
from .problems import Problem
from .sources import read_documents, signature_of

T = TypeVar("T")


class Incremental(Protocol):
    """What a build may skip, and where it takes the result from instead."""

    @property
    def workers(self) -> int:
        """Processes for the slow parts of a big build (1: this one only)."""

    @property
    def keep_replaced_site(self) -> bool:
        """Whether write.py keeps the replaced site and starts the next build from it."""

    @property
    def template_cache(self) -> jinja2.BytecodeCache | None:
        """Where compiled templates are kept between builds."""

    def read_documents(self, content: Path, files: list[Path]) -> list[tuple[Document | None, list[Problem]]]:
        """sources.read_document for each file, in order (skipping files unchanged since last read)."""

    def render_bodies(self, docs: list[Document], links: LinkTargets) -> list[RenderedBody]:
        """bodies.render_all (skipping bodies rendered before with the same links)."""

    def make(self, name: ProductName, make: Callable[..., T], *inputs: Any) -> T:
        """make(*inputs) (or what equal inputs made last time, under `name`)."""

    def loaded(self, used: set[ProductName]) -> None:
        """Loading is over: forget products not `used` any more, keep the rest for next time."""

    def page_reuse(self, site: Site, templates: Path, asset_names: dict[str, str], preview: bool) -> PageReuse | None:
        """What render may take from the last render of this site; None: render every page."""

    @property
    def last_files(self) -> PageStore | None:
        """The last output's files by path and key, for files made from other files' bytes (hosting.py
        keys a compressed copy by what it was made from); None: make every one afresh."""

    def done(self) -> None:
        """The site is written: record what the next build may reuse from it."""


@dataclass(frozen=True)
class Cold:
    """Skips nothing: every file read, every body and page rendered, the output written afresh."""

    workers: int = 1

    @property
    def keep_replaced_site(self) -> bool:
        return False

    @property
    def template_cache(self) -> jinja2.BytecodeCache | None:
        return None

    def read_documents(self, content: Path, files: list[Path]) -> list[tuple[Document | None, list[Problem]]]:
        return map_chunks(read_documents, files, self.workers, content)

    def render_bodies(self, docs: list[Document], links: LinkTargets) -> list[RenderedBody]:
        return map_chunks(render_all, docs, self.workers, links)

    def make(self, name: ProductName, make: Callable[..., T], *inputs: Any) -> T:
        return make(*inputs)

    def loaded(self, used: set[ProductName]) -> None:
        """Nothing kept, nothing to forget."""

    def page_reuse(self, site: Site, templates: Path, asset_names: dict[str, str], preview: bool) -> PageReuse | None:
        return None

    @property
    def last_files(self) -> PageStore | None:
        return None

    def done(self) -> None:
        """Nothing to save."""


@dataclass(frozen=True)
class Warm(Cold):
    """Reuses what the last build made from equal inputs: `bodies` (read files, rendered Markdown,
    tips, quizzes and assets) and `pages` (the last render's pages). Either may be None."""

    bodies: BodyCache | None = None
    pages: PageStore | None = None

    @property
    def keep_replaced_site(self) -> bool:
        """A replaced site holds the pages this one reuses: starting from it writes only what changed."""
        return isinstance(self.pages, SavedPages)

    @property
    def template_cache(self) -> jinja2.BytecodeCache | None:
        return self.pages.bytecode if self.pages is not None else None

    @classmethod
    def in_memory(cls) -> Warm:
        """The preview server's: everything kept in memory, for as long as it runs."""
        return cls(bodies=BodyCache(documents={}, products={}), pages=RenderMemo())

    @classmethod
    def on_disk(cls, cache_dir: Path, content_name: str, out_name: str, out: Path, workers: int = 1) -> Warm:
        """A command-line build's: the caches under cache_dir (named for the content folder, and for it
        with the output folder), the pages from the last build in `out`."""
        return cls(workers, bodies=BodyCache.load(cache_dir / f"bodies-{content_name}.pickle"),
                   pages=SavedPages.load(cache_dir, out_name, out))

    def read_documents(self, content: Path, files: list[Path]) -> list[tuple[Document | None, list[Problem]]]:
        """As Cold, except that a file whose signature (size, times, inode) is unchanged is taken as
        read last time; files that went are forgotten."""
        known = self.bodies.documents if self.bodies is not None else None
        if known is None:
            return super().read_documents(content, files)
        signatures = {file: signature_of(file) for file in files}
        to_read = [file for file in files if signatures[file] is None or file not in known
                   or known[file].signature != signatures[file]]
        for file, (doc, problems) in zip(to_read, super().read_documents(content, to_read)):
            known[file] = SourceRead(signatures[file], doc, problems)
        for gone in known.keys() - set(files):
            del known[gone]
        return [(known[file].document, known[file].problems) for file in files]

    def render_bodies(self, docs: list[Document], links: LinkTargets) -> list[RenderedBody]:
        if self.bodies is None:
            return super().render_bodies(docs, links)
        return self.bodies.render(docs, links, lambda missing: super(Warm, self).render_bodies(missing, links))

    def make(self, name: ProductName, make: Callable[..., T], *inputs: Any) -> T:
        """make(*inputs), or what it gave last time if every input is equal."""
        products = self.bodies.products if self.bodies is not None else None
        if products is None:
            return make(*inputs)
        last = products.get(name)
        if last is None or last.inputs != inputs:
            products[name] = last = Product(inputs, make(*inputs))
        return last.result

    def loaded(self, used: set[ProductName]) -> None:
        """Forget what files that went were made into, and save what was read and rendered."""
        if self.bodies is None:
            return
        if self.bodies.products is not None:
            for gone in self.bodies.products.keys() - used:
                del self.bodies.products[gone]
        self.bodies.save()

    def page_reuse(self, site: Site, templates: Path, asset_names: dict[str, str], preview: bool) -> PageReuse | None:
        if self.pages is None:
            return None
        return PageReuse(self.pages, site_fingerprint(site, templates, asset_names, preview))

    @property
    def last_files(self) -> PageStore | None:
        return self.pages

    def done(self) -> None:
        """Record the pages just written, once they are in the output folder."""
        if isinstance(self.pages, SavedPages):
            self.pages.save()


COLD = Cold()   # a build without incremental work, in this process: the default everywhere
