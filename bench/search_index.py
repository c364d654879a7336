"""The search index's cost on a built site: signpost.search.index_folder timed on a copy of it.

    python bench/search_index.py SITE [--runs 3]    → JSON on stdout

A build runs this same step once the site is written, cold or warm alike: Pagefind has no
incremental mode, so every build reads every page again. The copy is made of hard links, and
the index it writes replaces only the copy's pagefind/ folder.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from signpost.search import INDEX_FOLDER, index_folder  # noqa: E402


def cpu_seconds() -> float:
    """CPU used so far by this process and the children it waited for (Pagefind runs as one)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(site: Path, runs: int) -> dict:
    with tempfile.TemporaryDirectory(dir=site.parent) as work:
        copy = Path(work) / "site"
        shutil.copytree(site, copy, copy_function=os.link, ignore=shutil.ignore_patterns(INDEX_FOLDER))
        seconds, cpu = [], []
        for _ in range(runs):
            started, used = time.perf_counter(), cpu_seconds()
            written = index_folder(copy)
            seconds.append(time.perf_counter() - started)
            cpu.append(cpu_seconds() - used)
        sizes = [(copy / path).stat().st_size for path in written]
        fixed = [(copy / path).stat().st_size for path in written if "/" not in path[len(INDEX_FOLDER) + 1:]]
        entry = json.loads((copy / INDEX_FOLDER / "pagefind-entry.json").read_text())
    return {"runs": runs, "seconds": statistics.median(seconds), "seconds_min": min(seconds),
            "seconds_max": max(seconds), "cpu_seconds": statistics.median(cpu),
            "pages_indexed": sum(language["page_count"] for language in entry["languages"].values()),
            "index_files": len(written), "index_bytes": sum(sizes),
            # the files at the top of pagefind/: pagefind.js, its WebAssembly (for the site's language and
            # a fallback) and entry files; the rest are the index's chunks and one fragment per page
            "top_level_bytes": sum(fixed)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Time the search index of a built site.")
    parser.add_argument("site", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.site.resolve(), args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
