"""Site search: a Pagefind index of the tips and pages, made from the pages as built.

Pagefind reads the finished HTML, so search sees exactly what readers see. The templates say
what counts: `data-pagefind-body` marks a tip's or page's text (pages without it, such as the
quiz, topics and 404, are left out), `data-pagefind-ignore` the parts of it every page repeats.
The index is static files under pagefind/; the search page loads them only when someone searches.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .problems import BuildFailed, Problem, problem

INDEX_FOLDER = "pagefind"
INDEXED_MARK = b"data-pagefind-body"   # a page carrying it is searchable (templates/tip.html, page.html)
# What Pagefind writes that the search page never loads: its ready-made interfaces (we show our
# own accessible result list) and its web worker (the search page runs Pagefind on its own
# thread, so the page's own Content-Security-Policy is the only one that applies to it).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js", "pagefind-worker.js")


def pagefind_binary() -> Path | None:
    """The Pagefind program from the pinned `pagefind[bin]` wheel (or $PAGEFIND_BINARY_PATH)."""
    from pagefind.service import get_executable   # the package's own search for its binary
    try:
        return get_executable()
    except FileNotFoundError:
        return None


def index_folder(site: Path) -> list[str]:
    """Index the site written in `site` into site/pagefind/; the paths written, relative to `site`.

    Any index already there is replaced. Runs Pagefind's command line rather than its Python API:
    the API waits 0.1 s for each message it exchanges with the same program (0.4 s a build,
    measured), the command line indexes the real site in 0.06 s.
    """
    binary = pagefind_binary()
    if binary is None:
        raise BuildFailed([problem("signpost/search.py", None, "The search index could not be made: Pagefind is not installed",
                                   "Run `make serve` or `make test` once: they install it (pip package pagefind[bin]).")])
    target = site / INDEX_FOLDER
    shutil.rmtree(target, ignore_errors=True)
    if not has_searchable_page(site):   # Pagefind refuses to make an empty index
        return []
    # The root selector keeps pages without the mark out even where no page has it.
    command = [str(binary), "--site", str(site), "--output-subdir", INDEX_FOLDER,
               "--root-selector", "[data-pagefind-body]", "--silent"]
    try:
        done = subprocess.run(command,
                              capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildFailed([index_problem(str(error))]) from error
    if done.returncode != 0:
        raise BuildFailed([index_problem((done.stderr or done.stdout).strip())])
    for name in UNUSED:
        (target / name).unlink(missing_ok=True)
    return sorted(path.relative_to(site).as_posix() for path in target.rglob("*") if path.is_file())


def has_searchable_page(site: Path) -> bool:
    """Whether any page in `site` is marked searchable (stops at the first: usually the first tip)."""
    return any(INDEXED_MARK in page.read_bytes() for page in site.rglob("*.html"))


def index_problem(output: str) -> Problem:
    return problem("signpost/search.py", None, f"The search index could not be made: {output or 'Pagefind failed'}",
                   "This is a problem in Signpost or its setup, not in the content.")


def index_pages(files: dict[str, bytes]) -> dict[str, bytes]:
    """The index files for a site held in memory ({path: bytes}, as the preview keeps it): its
    searchable pages are written to a temp folder and indexed there."""
    with tempfile.TemporaryDirectory(prefix="signpost-search-") as folder:
        root = Path(folder)
        for path, data in files.items():
            if path.endswith(".html") and INDEXED_MARK in data:
                os.makedirs(root / os.path.dirname(path), exist_ok=True)
                (root / path).write_bytes(data)
        return {path: (root / path).read_bytes() for path in index_folder(root)}


def searchable_pages(files: dict[str, bytes]) -> dict[str, bytes]:
    """The pages the index is made from: a save that changes none of them keeps the index."""
    return {path: data for path, data in files.items() if path.endswith(".html") and INDEXED_MARK in data}
